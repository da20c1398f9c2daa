"""A' widths: analytic limits, thresholds, and an explicit Dirac-trace cross-check."""

from __future__ import annotations

import numpy as np
import pytest

from semivisible.model import aprime
from semivisible.model.constants import ALPHA_EM, M_E_GEV, M_MU_GEV

from .dirac import polarisation_sum, slash, trace_tensor


def test_leptonic_width_massless_limit() -> None:
    # Gamma -> alpha eps^2 m / 3 for m_l -> 0 (exact formula, no tolerance beyond rounding).
    ma = np.array([0.05, 0.3, 1.0])
    got = aprime.gamma_aprime_to_leptons(ma, 1e-3, 0.0)
    np.testing.assert_allclose(got, ALPHA_EM * 1e-6 * ma / 3, rtol=1e-14)


def test_leptonic_threshold() -> None:
    just_below = 2 * M_MU_GEV * (1 - 1e-9)
    just_above = 2 * M_MU_GEV * (1 + 1e-9)
    assert float(aprime.gamma_aprime_to_mumu(just_below, 1e-3)) == 0.0
    assert (
        0
        < float(aprime.gamma_aprime_to_mumu(just_above, 1e-3))
        < 1e-4 * float(aprime.gamma_aprime_to_ee(just_above, 1e-3))
    )


@pytest.mark.parametrize("ma", [0.01, 0.3, 2.0])
def test_chi1chi2_dirac_limit(ma: float) -> None:
    # Delta -> 0: (alpha_D m/3)(1 + 2 m^2/M^2) sqrt(1 - 4 m^2/M^2), the Dirac width.
    m = ma / 3
    dirac = 0.1 * ma / 3 * (1 + 2 * m**2 / ma**2) * np.sqrt(1 - 4 * m**2 / ma**2)
    got = aprime.gamma_aprime_to_chi1chi2(ma, 0.1, m, m * (1 + 1e-9))
    np.testing.assert_allclose(got, dirac, rtol=1e-8)


def test_chi1chi2_benchmark_value() -> None:
    # physics.md V4: Gamma/(alpha_D m_A') = 0.25699 at m_A' = 3 m1, Delta = 0.4 m1 (matches DMG4 APrimeWidth).
    ma = 0.3
    got = float(aprime.gamma_aprime_to_chi1chi2(ma, 0.1, ma / 3, 1.4 * ma / 3)) / (0.1 * ma)
    assert got == pytest.approx(0.25699, abs=1e-5)


def test_chi1chi2_closed_below_threshold() -> None:
    assert float(aprime.gamma_aprime_to_chi1chi2(0.3, 0.1, 0.1, 0.2)) == 0.0


@pytest.mark.parametrize(("ma", "m1", "m2"), [(0.3, 0.1, 0.14), (1.0, 0.2, 0.5), (0.05, 0.001, 0.03)])
def test_chi1chi2_against_explicit_trace(ma: float, m1: float, m2: float) -> None:
    """Independent check: the spin sum from explicit gamma matrices, V -> f1(k1) fbar2(k2)."""
    p = np.sqrt(aprime.kallen(ma**2, m1**2, m2**2)) / (2 * ma)
    e1, e2 = np.sqrt(p**2 + m1**2), np.sqrt(p**2 + m2**2)
    k1 = np.array([e1, 0.3 * p, -0.4 * p, np.sqrt(0.75) * p])
    k2 = np.array([e2, *(-k1[1:])])
    q = k1 + k2
    eye = np.eye(4)
    t = trace_tensor(slash(k1) + m1 * eye, slash(k2) - m2 * eye)
    spin_sum = np.einsum("mn,mn->", polarisation_sum(q, ma**2), t).real
    g_d2 = 4 * np.pi * 0.1
    expected = p / (8 * np.pi * ma**2) * g_d2 * spin_sum / 3
    assert float(aprime.gamma_aprime_to_chi1chi2(ma, 0.1, m1, m2)) == pytest.approx(expected, rel=1e-10)


def test_branching_ratios_sum_and_benchmark() -> None:
    brs = aprime.branching_ratios(0.3, 6.3e-3, 0.1, 0.1, 0.14)
    assert sum(float(v) for v in brs.values()) == pytest.approx(1.0, rel=1e-12)
    # alpha_D = 0.1 >> alpha eps^2: A' -> chi1 chi2 dominates (paper, physics.md §3.2).
    assert float(brs["chi1chi2"]) > 0.999


def test_total_width_adds_channels() -> None:
    ma, eps = 1.2, 1e-2
    parts = (
        aprime.gamma_aprime_to_chi1chi2(ma, 0.1, 0.4, 0.56)
        + aprime.gamma_aprime_to_ee(ma, eps)
        + aprime.gamma_aprime_to_mumu(ma, eps)
        + aprime.gamma_aprime_to_hadrons(ma, eps)
    )
    np.testing.assert_allclose(aprime.gamma_aprime_total(ma, eps, 0.1, 0.4, 0.56), parts, rtol=1e-14)


def test_hadronic_width_is_r_times_massless_muon_width() -> None:
    from semivisible.model.hadrons import r_ratio

    ma = np.array([0.5, 0.78, 1.02, 2.5])
    np.testing.assert_allclose(
        aprime.gamma_aprime_to_hadrons(ma, 1e-3),
        aprime.gamma_aprime_to_leptons(ma, 1e-3, 0.0) * r_ratio(ma),
        rtol=1e-13,
    )
    assert float(aprime.gamma_aprime_to_hadrons(2 * M_E_GEV * 10, 1e-3)) == 0.0


def test_vectorised_shapes() -> None:
    ma = np.linspace(0.01, 1.0, 12).reshape(3, 4)
    assert aprime.gamma_aprime_total(ma, 1e-3, 0.1, ma / 3, 1.4 * ma / 3).shape == (3, 4)
