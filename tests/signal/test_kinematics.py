"""Event kinematics of the semi-visible signal (``semivisible.signal.kinematics``).

These are also the project's checks that energy and momentum are conserved in every sampled event: every test of
a decay compares the sum of the daughters with the parent event by event, at the NA64 benchmark
(m_A' = 0.3, m1 = 0.1, m2 = 0.14 GeV), near the chi2 -> chi1 e+ e- threshold (m2 - m1 = 1.2e-3 GeV), at heavier and
lighter masses and in the muon channel.

Tolerances: four-momentum conservation to 1e-9 of the parent energy (measured: ~1e-15). Invariant masses are
compared as m^2 with atol = 1e-9 m^2 + 1e-13 E^2: in double precision E^2 - |p|^2 of a lab four-vector carries an
absolute rounding error ~1e-16 E^2, which for a 10 GeV electron (m^2 = 2.6e-7 GeV^2) is a relative 1e-7. At rest
the masses are checked to 1e-9 relative. Statistical tests use fixed seeds and require p > 1e-3 or |z| < 4.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import integrate, stats

from semivisible.errors import ParameterError
from semivisible.model.chi2_decay import dalitz_matrix_element, dalitz_s2_limits, dgamma_chi2_ds
from semivisible.model.constants import M_E_GEV, M_MU_GEV
from semivisible.signal.kinematics import (
    aprime_to_chi1chi2,
    boost,
    chi2_decay_momenta,
    invariant_mass_sq,
    isotropic_directions,
    minkowski_dot,
    rest_frame_energy,
    sample_dalitz_chi2,
    two_body_decay,
    two_body_energy,
    two_body_momentum,
)

FloatArray = NDArray[np.float64]

BENCHMARK = (0.3, 0.1, 0.14)  # (m_A', m1, m2) in GeV: NA64, arXiv:2107.02021 (m2 = 1.4 m1, m_A' = 3 m1)

# (m_A', m1, m2, lepton mass) in GeV
CASES = {
    "na64-benchmark": (0.3, 0.1, 0.14, M_E_GEV),
    "near-threshold": (0.3, 0.1, 0.1012, M_E_GEV),
    "heavy": (1.0, 1.0 / 3.0, 1.4 / 3.0, M_E_GEV),
    "light": (0.006, 0.002, 0.0035, M_E_GEV),
    "muon-channel": (3.0, 1.0, 1.4, M_MU_GEV),
}

CONSERVATION_RTOL = 1e-9


def lab_momenta(n: int, mass: float, rng: np.random.Generator, *, at_rest: bool = False) -> FloatArray:
    """``n`` lab four-momenta of the given mass: energies 1-100 GeV, mostly forward, some in any direction."""
    if at_rest:
        return np.tile([mass, 0.0, 0.0, 0.0], (n, 1))
    energy = rng.uniform(max(1.0, 2.0 * mass), 100.0, n)
    p = np.sqrt(energy**2 - mass**2)
    theta = np.where(rng.random(n) < 0.8, rng.uniform(0.0, 0.05, n), np.arccos(rng.uniform(-1.0, 1.0, n)))
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    vec = p[:, None] * np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], axis=-1)
    return np.concatenate([np.hypot(p, mass)[:, None], vec], axis=-1)


def assert_conserved(parent: FloatArray, *daughters: FloatArray) -> None:
    """Sum of daughters equals the parent in every event, E and each p component, to 1e-9 of E_parent."""
    total = np.sum(daughters, axis=0)
    scale = parent[:, :1]
    assert np.all(np.abs(total - parent) <= CONSERVATION_RTOL * scale)


def assert_mass(p4: FloatArray, mass: float) -> None:
    m2 = invariant_mass_sq(p4)
    atol = 1e-9 * mass**2 + 1e-13 * p4[:, 0] ** 2
    assert np.all(np.abs(m2 - mass**2) <= atol)
    assert np.all(p4[:, 0] > 0.0)


# ----------------------------------------------------------------------------------------------------------------
# Four-vector algebra and boosts
# ----------------------------------------------------------------------------------------------------------------


def test_invariants_and_helpers() -> None:
    p = np.array([[5.0, 3.0, 0.0, 0.0], [2.0, 1.0, 1.0, 1.0]])
    np.testing.assert_allclose(invariant_mass_sq(p), [16.0, 1.0])
    np.testing.assert_allclose(minkowski_dot(p, p), [16.0, 1.0])
    # A particle at rest in its own frame has E* = m.
    np.testing.assert_allclose(rest_frame_energy(p, p), [4.0, 1.0])
    # Two-body formulas (PDG kinematics review), checked against E^2 = p^2 + m^2 and E_a + E_b = M.
    big, ma, mb = 0.3, 0.1, 0.14
    pk, ea, eb = two_body_momentum(big, ma, mb), two_body_energy(big, ma, mb), two_body_energy(big, mb, ma)
    assert math.isclose(float(ea) ** 2 - float(pk) ** 2, ma**2, rel_tol=1e-12)
    assert math.isclose(float(eb) ** 2 - float(pk) ** 2, mb**2, rel_tol=1e-12)
    assert math.isclose(float(ea + eb), big, rel_tol=1e-15)
    assert float(two_body_momentum(0.24, 0.1, 0.14)) == 0.0  # at threshold


def test_boost_round_trip_and_invariants() -> None:
    rng = np.random.default_rng(11)
    n = 2000
    parent = lab_momenta(n, 0.3, rng)
    mom = rng.uniform(0.0, 0.1, n)[:, None] * isotropic_directions(n, rng)  # rest-frame vectors of mass 0.05
    rest = np.concatenate([np.sqrt(0.05**2 + np.sum(mom**2, axis=1))[:, None], mom], axis=-1)
    lab = boost(rest, parent)
    back = boost(lab, parent * np.array([1.0, -1.0, -1.0, -1.0]))
    np.testing.assert_allclose(back, rest, rtol=0.0, atol=1e-9 * float(np.max(rest[:, 0])))
    # Lorentz invariants are kept.
    np.testing.assert_allclose(invariant_mass_sq(lab), invariant_mass_sq(rest), rtol=1e-6)
    np.testing.assert_allclose(minkowski_dot(lab, parent), 0.3 * rest[:, 0], rtol=1e-9)
    np.testing.assert_allclose(rest_frame_energy(lab, parent), rest[:, 0], rtol=1e-9)


def test_boost_along_z_matches_textbook_form() -> None:
    # E = gamma (E* + beta pz*), pz = gamma (pz* + beta E*), transverse unchanged.
    gamma, beta = 5.0 / 3.0, 0.8
    parent = np.array([[5.0, 0.0, 0.0, 4.0]])  # M = 3
    rest = np.array([[2.0, 0.3, -0.4, 1.0]])
    expected = [[gamma * (2.0 + beta * 1.0), 0.3, -0.4, gamma * (1.0 + beta * 2.0)]]
    np.testing.assert_allclose(boost(rest, parent), expected, rtol=1e-14)
    np.testing.assert_allclose(boost(rest, parent[0]), expected, rtol=1e-14)  # broadcasting a single parent
    np.testing.assert_array_equal(boost(rest, [[1.0, 0.0, 0.0, 0.0]]), rest)  # parent at rest: identity


def test_boosted_rest_particle_gets_parent_velocity() -> None:
    rng = np.random.default_rng(12)
    parent = lab_momenta(1000, 0.14, rng)
    at_rest = np.tile([0.02, 0.0, 0.0, 0.0], (1000, 1))
    lab = boost(at_rest, parent)
    np.testing.assert_allclose(lab[:, 1:] / lab[:, :1], parent[:, 1:] / parent[:, :1], rtol=1e-12, atol=1e-15)
    # The parent itself at rest goes back to the parent.
    own = boost(np.tile([0.14, 0.0, 0.0, 0.0], (1000, 1)), parent, 0.14)
    np.testing.assert_allclose(own, parent, rtol=1e-14, atol=1e-14)


# ----------------------------------------------------------------------------------------------------------------
# Isotropy
# ----------------------------------------------------------------------------------------------------------------


def test_isotropic_directions() -> None:
    n = 100_000
    d = isotropic_directions(n, np.random.default_rng(21))
    assert d.shape == (n, 3)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0, rtol=1e-14)
    for axis in range(3):
        assert abs(float(d[:, axis].mean())) < 4.0 / math.sqrt(3.0 * n)  # Var(cos theta) = 1/3
        assert stats.kstest(d[:, axis], stats.uniform(loc=-1.0, scale=2.0).cdf).pvalue > 1e-3
    phi = np.arctan2(d[:, 1], d[:, 0]) % (2.0 * np.pi)
    assert stats.kstest(phi, stats.uniform(scale=2.0 * np.pi).cdf).pvalue > 1e-3
    assert isotropic_directions(0, np.random.default_rng(0)).shape == (0, 3)


def test_two_body_decay_at_rest_is_isotropic_and_back_to_back() -> None:
    n = 50_000
    ma, m1, m2 = BENCHMARK
    parent = np.tile([ma, 0.0, 0.0, 0.0], (n, 1))
    c1, c2 = two_body_decay(parent, m1, m2, np.random.default_rng(22))
    np.testing.assert_allclose(c1[:, 1:], -c2[:, 1:], rtol=0.0, atol=1e-16)
    np.testing.assert_allclose(np.linalg.norm(c1[:, 1:], axis=1), two_body_momentum(ma, m1, m2), rtol=1e-13)
    np.testing.assert_allclose(c1[:, 0], two_body_energy(ma, m1, m2), rtol=1e-13)
    cos_t = c1[:, 3] / np.linalg.norm(c1[:, 1:], axis=1)
    assert abs(float(cos_t.mean())) < 4.0 / math.sqrt(3.0 * n)
    assert stats.kstest(cos_t, stats.uniform(loc=-1.0, scale=2.0).cdf).pvalue > 1e-3


def test_chi2_decay_at_rest_is_isotropic() -> None:
    n = 50_000
    ma, m1, m2 = BENCHMARK
    chi2 = np.tile([m2, 0.0, 0.0, 0.0], (n, 1))
    k, em, ep = chi2_decay_momenta(chi2, m1, m2, ma, np.random.default_rng(23))
    for p4 in (k, em, ep):
        cos_t = p4[:, 3] / np.linalg.norm(p4[:, 1:], axis=1)
        assert abs(float(cos_t.mean())) < 4.0 / math.sqrt(3.0 * n)
        assert stats.kstest(cos_t, stats.uniform(loc=-1.0, scale=2.0).cdf).pvalue > 1e-3
    # The normal of the decay plane is isotropic too (the third Euler angle).
    normal = np.cross(ep[:, 1:], k[:, 1:])
    cos_n = normal[:, 3 - 1] / np.linalg.norm(normal, axis=1)
    assert stats.kstest(cos_n, stats.uniform(loc=-1.0, scale=2.0).cdf).pvalue > 1e-3


# ----------------------------------------------------------------------------------------------------------------
# Energy-momentum conservation in every event
# ----------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("at_rest", [False, True], ids=["lab", "rest"])
@pytest.mark.parametrize("case", list(CASES))
def test_full_chain_conserves_four_momentum(case: str, at_rest: bool) -> None:
    ma, m1, m2, ml = CASES[case]
    rng = np.random.default_rng(31)
    n = 20_000
    aprime = lab_momenta(n, ma, rng, at_rest=at_rest)
    chi1, chi2 = aprime_to_chi1chi2(aprime, m1, m2, rng)
    assert_conserved(aprime, chi1, chi2)
    assert_mass(chi1, m1)
    assert_mass(chi2, m2)
    k, lm, lp = chi2_decay_momenta(chi2, m1, m2, ma, rng, lepton_mass=ml)
    assert_conserved(chi2, k, lm, lp)
    assert_conserved(aprime, chi1, k, lm, lp)
    assert_mass(k, m1)
    assert_mass(lm, ml)
    assert_mass(lp, ml)


@pytest.mark.parametrize("case", list(CASES))
def test_chi2_decay_at_rest_masses_and_dalitz_variables(case: str) -> None:
    ma, m1, m2, ml = CASES[case]
    n = 20_000
    chi2 = np.tile([m2, 0.0, 0.0, 0.0], (n, 1))
    k, lm, lp = chi2_decay_momenta(chi2, m1, m2, ma, np.random.default_rng(32), lepton_mass=ml)
    assert_conserved(chi2, k, lm, lp)
    for p4, m in ((k, m1), (lm, ml), (lp, ml)):
        np.testing.assert_allclose(np.sqrt(invariant_mass_sq(p4)), m, rtol=1e-9)
    # The built momenta reproduce the sampled (s1, s2) with the same seed (rng draws s1, s2 first).
    s1, s2 = sample_dalitz_chi2(n, m1, m2, ma, np.random.default_rng(32), lepton_mass=ml)
    np.testing.assert_allclose(invariant_mass_sq(lm + lp), s1, rtol=1e-9)
    np.testing.assert_allclose(invariant_mass_sq(lp + k), s2, rtol=1e-9)


def test_two_body_decay_with_an_array_of_parent_masses() -> None:
    rng = np.random.default_rng(33)
    masses = rng.uniform(0.25, 2.0, 5000)
    parent = np.concatenate([lab_momenta(1, 1.0, rng)] * 5000)
    # rescale each parent to its own mass at the same momentum
    parent[:, 0] = np.sqrt(np.sum(parent[:, 1:] ** 2, axis=1) + masses**2)
    a, b = two_body_decay(parent, 0.1, 0.14, rng)
    assert_conserved(parent, a, b)
    assert_mass(a, 0.1)
    assert_mass(b, 0.14)
    # Known masses passed explicitly give the same events.
    a2, b2 = two_body_decay(parent, 0.1, 0.14, np.random.default_rng(1), parent_mass=masses)
    a3, b3 = two_body_decay(parent, 0.1, 0.14, np.random.default_rng(1))
    # (differences: rounding of sqrt(E^2 - p^2), ~1e-16 E^2 / M^2 relative)
    np.testing.assert_allclose(a2, a3, rtol=0.0, atol=CONSERVATION_RTOL * float(parent[:, 0].max()))
    np.testing.assert_allclose(b2, b3, rtol=0.0, atol=CONSERVATION_RTOL * float(parent[:, 0].max()))


def test_two_body_decay_at_threshold() -> None:
    parent = np.array([[0.24, 0.0, 0.0, 0.0], [np.hypot(10.0, 0.24), 0.0, 0.0, 10.0]])
    a, b = two_body_decay(parent, 0.1, 0.14, np.random.default_rng(0))  # 0.1 + 0.14 > 0.24 by rounding: allowed
    assert_conserved(parent, a, b)
    # With the exact mass, p* = 0: both daughters move with the parent.
    a, b = two_body_decay(parent, 0.1, 0.14, np.random.default_rng(0), parent_mass=0.24)
    assert_conserved(parent, a, b)
    np.testing.assert_allclose(a[:, 1:] / a[:, :1], parent[:, 1:] / parent[:, :1], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(b[:, 1:] / b[:, :1], parent[:, 1:] / parent[:, :1], rtol=1e-14, atol=1e-15)


# ----------------------------------------------------------------------------------------------------------------
# The Dalitz sampler against the exact density
# ----------------------------------------------------------------------------------------------------------------


def _s1_bin_probabilities(edges: FloatArray, ma: float, m1: float, m2: float, ml: float, ga: float) -> FloatArray:
    """Probability of each s1 bin from dGamma/ds (adaptive quadrature), normalised over the bins."""

    def f(s: float) -> float:
        return float(dgamma_chi2_ds(s, ma, 1.0, 1.0, m1, m2, ml, ga))

    w = np.array([integrate.quad(f, lo, hi, epsabs=0.0, epsrel=1e-10, limit=200)[0] for lo, hi in pairwise(edges)])
    return np.asarray(w / w.sum(), dtype=np.float64)


def pairwise(x: FloatArray) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in itertools.pairwise(x)]


DALITZ_CASES = {
    "na64-benchmark": (0.3, 0.1, 0.14, M_E_GEV, 0.0),
    "near-threshold": (0.3, 0.1, 0.1012, M_E_GEV, 0.0),
    # m_A' close to Delta: the propagator varies strongly over the Dalitz plot; with a (large) A' width.
    "propagator": (0.05, 0.004, 0.044, M_E_GEV, 5e-3),
    "muon-channel": (3.0, 1.0, 1.4, M_MU_GEV, 0.0),
}


@pytest.mark.parametrize("case", list(DALITZ_CASES))
def test_s1_distribution_matches_dgamma_ds(case: str) -> None:
    ma, m1, m2, ml, ga = DALITZ_CASES[case]
    n = 200_000
    s1, _ = sample_dalitz_chi2(n, m1, m2, ma, np.random.default_rng(41), lepton_mass=ml, gamma_aprime=ga)
    a, b = 4.0 * ml**2, (m2 - m1) ** 2
    assert np.all((s1 > a) & (s1 < b))
    # Binned chi-square on 40 bins equal in phi (s1 = a + (b - a) sin^2 phi).
    edges = a + (b - a) * np.sin(np.linspace(0.0, 0.5 * np.pi, 41)) ** 2
    expected = n * _s1_bin_probabilities(edges, ma, m1, m2, ml, ga)
    observed, _ = np.histogram(s1, edges)
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    assert stats.chi2.sf(chi2, df=len(expected) - 1) > 1e-3, chi2
    # KS test against the exact CDF (cumulative Gauss-Legendre in phi, accurate to ~1e-10).
    phi_edges = np.linspace(0.0, 0.5 * np.pi, 4001)
    x, w = np.polynomial.legendre.leggauss(8)
    mid, half = 0.5 * (phi_edges[1:] + phi_edges[:-1]), 0.5 * np.diff(phi_edges)
    phi = mid[:, None] + half[:, None] * x[None, :]
    s = a + (b - a) * np.sin(phi) ** 2
    dens = dgamma_chi2_ds(s, ma, 1.0, 1.0, m1, m2, ml, ga) * (b - a) * np.sin(2.0 * phi)
    cdf = np.concatenate([[0.0], np.cumsum((dens * w).sum(axis=1) * half)])
    cdf /= cdf[-1]
    s_grid = a + (b - a) * np.sin(phi_edges) ** 2
    pvalue = stats.kstest(s1, lambda v: np.interp(v, s_grid, cdf)).pvalue
    assert pvalue > 1e-3, pvalue


def _slice_t_moments(s_lo: float, s_hi: float, ma: float, m1: float, m2: float, ml: float, ga: float) -> FloatArray:
    """Exact E[t], E[(t - 1/2)^2] and the t-bin probabilities (10 bins), t = (s2 - s2min)/(s2max - s2min),
    for s1 in [s_lo, s_hi], by Gauss-Legendre quadrature (exact in t: X is quadratic in s2)."""
    xs, ws = np.polynomial.legendre.leggauss(200)
    u = 0.25 * np.pi * (xs + 1.0)  # s1 = s_lo + (s_hi - s_lo) sin^2 u removes end-point square roots
    s1 = s_lo + (s_hi - s_lo) * np.sin(u) ** 2
    jac = (s_hi - s_lo) * np.sin(2.0 * u) * 0.25 * np.pi * ws
    lo, hi = dalitz_s2_limits(s1, m1, m2, ml)
    weight = jac * (hi - lo) / ((s1 - ma**2) ** 2 + (ma * ga) ** 2)
    xt, wt = np.polynomial.legendre.leggauss(6)
    t_edges = np.linspace(0.0, 1.0, 11)
    mom = np.zeros(2 + 10)
    total = 0.0
    for j, (t0, t1) in enumerate(pairwise(t_edges)):
        t = t0 + 0.5 * (t1 - t0) * (xt + 1.0)
        x = dalitz_matrix_element(s1[:, None], lo[:, None] + t[None, :] * (hi - lo)[:, None], m1, m2, ml)
        cell = weight[:, None] * x * (0.5 * (t1 - t0) * wt)[None, :]
        total += cell.sum()
        mom[0] += (cell * t[None, :]).sum()
        mom[1] += (cell * (t[None, :] - 0.5) ** 2).sum()
        mom[2 + j] = cell.sum()
    return mom / total


@pytest.mark.parametrize("case", ["na64-benchmark", "near-threshold", "propagator"])
def test_s2_at_fixed_s1_matches_matrix_element(case: str) -> None:
    ma, m1, m2, ml, ga = DALITZ_CASES[case]
    n = 200_000
    s1, s2 = sample_dalitz_chi2(n, m1, m2, ma, np.random.default_rng(42), lepton_mass=ml, gamma_aprime=ga)
    lo, hi = dalitz_s2_limits(s1, m1, m2, ml)
    assert np.all((s2 >= lo) & (s2 <= hi))
    t = (s2 - lo) / (hi - lo)
    a, b = 4.0 * ml**2, (m2 - m1) ** 2
    edges = a + (b - a) * np.sin(np.linspace(0.0, 0.5 * np.pi, 6)) ** 2  # five s1 slices
    chi2_total, chi2_flat, dof = 0.0, 0.0, 0
    for s_lo, s_hi in pairwise(edges):
        sel = (s1 >= s_lo) & (s1 < s_hi)
        ts = t[sel]
        m = ts.size
        exact = _slice_t_moments(s_lo, s_hi, ma, m1, m2, ml, ga)
        # mean and spread of t: a flat s2 would give E[(t - 1/2)^2] = 1/12, X gives ~0.05 (t(1 - t) shape).
        z_mean = (ts.mean() - exact[0]) / (ts.std() / math.sqrt(m))
        v = (ts - 0.5) ** 2
        z_var = (v.mean() - exact[1]) / (v.std() / math.sqrt(m))
        assert abs(z_mean) < 4.0, (s_lo, z_mean)
        assert abs(z_var) < 4.0, (s_lo, z_var)
        observed, _ = np.histogram(ts, np.linspace(0.0, 1.0, 11))
        expected = m * exact[2:]
        chi2_total += float(np.sum((observed - expected) ** 2 / expected))
        chi2_flat += float(np.sum((observed - 0.1 * m) ** 2 / (0.1 * m)))
        dof += 9
    assert stats.chi2.sf(chi2_total, df=dof) > 1e-3, chi2_total
    if case == "na64-benchmark":  # the test has power: s2 flat between the Dalitz limits is excluded
        assert stats.chi2.sf(chi2_flat, df=dof) < 1e-100, chi2_flat


# ----------------------------------------------------------------------------------------------------------------
# Reproducibility, speed and bad input
# ----------------------------------------------------------------------------------------------------------------


def test_seeded_reproducibility() -> None:
    ma, m1, m2 = BENCHMARK
    aprime = lab_momenta(500, ma, np.random.default_rng(0))

    def run(seed: int) -> list[FloatArray]:
        rng = np.random.default_rng(seed)
        out = [isotropic_directions(100, rng)]
        out += list(sample_dalitz_chi2(500, m1, m2, ma, rng))
        c1, c2 = aprime_to_chi1chi2(aprime, m1, m2, rng)
        out += [c1, c2, *chi2_decay_momenta(c2, m1, m2, ma, rng)]
        return out

    first, again, other = run(5), run(5), run(6)
    for x, y, z in zip(first, again, other, strict=True):
        np.testing.assert_array_equal(x, y)
        assert not np.array_equal(x, z)


def test_sampler_is_fast() -> None:
    import time

    ma, m1, m2 = BENCHMARK
    rng = np.random.default_rng(0)
    sample_dalitz_chi2(10, m1, m2, ma, rng)  # build the cached envelope
    start = time.perf_counter()
    s1, _ = sample_dalitz_chi2(100_000, m1, m2, ma, rng)
    assert time.perf_counter() - start < 0.3
    assert s1.shape == (100_000,)
    assert sample_dalitz_chi2(0, m1, m2, ma, rng)[0].shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"m2": 0.1 + 1.0e-3}, "m2"),  # Delta = 1 MeV < 2 m_e: closed
        ({"m1": 0.15}, "m2"),  # m1 > m2
        ({"ma": 0.03}, "ma"),  # on-shell A' inside the Dalitz plot
        ({"gamma_aprime": -1.0}, "gamma_aprime"),
        ({"n": -1}, "n"),
        ({"m1": -0.1}, "m1"),
        ({"lepton_mass": float("nan")}, "lepton_mass"),
    ],
)
def test_sampler_bad_input(kwargs: dict[str, float], name: str) -> None:
    args: dict[str, float] = {"n": 10, "m1": 0.1, "m2": 0.14, "ma": 0.3}
    args.update(kwargs)
    with pytest.raises(ParameterError) as err:
        sample_dalitz_chi2(int(args.pop("n")), rng=np.random.default_rng(0), **args)
    assert err.value.name == name
    assert name in str(err.value)


def test_decay_bad_input() -> None:
    rng = np.random.default_rng(0)
    ok = np.array([[1.0, 0.0, 0.0, 0.0]])
    below = np.array([[1.0, 0.0, 0.0, 0.0], [0.2, 0.0, 0.0, 0.0]])
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: two_body_decay(below, 0.1, 0.14, rng), "parent"),
        (lambda: two_body_decay(ok[:, :3], 0.1, 0.14, rng), "parent"),
        (lambda: two_body_decay(ok, -0.1, 0.14, rng), "m_a"),
        (lambda: two_body_decay(ok, 0.1, float("inf"), rng), "m_b"),
        (lambda: aprime_to_chi1chi2(np.array([[0.23, 0.0, 0.0, 0.0]]), 0.1, 0.14, rng), "parent"),
        (lambda: boost(np.zeros((2, 3)), ok), "p4"),
        (lambda: boost(ok, [[1.0, 0.0, 0.0, 2.0]]), "parent"),  # spacelike
        (lambda: boost(ok, [[-1.0, 0.0, 0.0, 0.0]]), "parent"),
        (lambda: boost(ok, ok, parent_mass=0.0), "parent_mass"),
        (lambda: chi2_decay_momenta(np.array([[0.15, 0.0, 0.0, 0.0]]), 0.1, 0.14, 0.3, rng), "chi2"),
        (lambda: chi2_decay_momenta(np.array([[0.14, 0.0, 0.0, 0.0]]), 0.1, 0.14, 0.04, rng), "ma"),
        (lambda: chi2_decay_momenta(np.array([[np.nan, 0.0, 0.0, 0.0]]), 0.1, 0.14, 0.3, rng), "chi2"),
    ]
    for call, name in cases:
        with pytest.raises(ParameterError) as err:
            call()
        assert err.value.name == name
        assert isinstance(err.value, ValueError)
