"""Positron annihilation: the resonant and associated cross sections, and the A' they give in a shower.

Tolerances: analytic identities to 1e-6 or better; quadratures to 1e-3; shower-MC yields to 3 MC standard errors
(stated per test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special

from semivisible.errors import ParameterError
from semivisible.model.constants import ALPHA_EM, M_E_GEV
from semivisible.production import annihilation as ann
from semivisible.production.shower import ShowerConfig, simulate_shower
from semivisible.production.xsec import GEV2_TO_PB
from semivisible.production.yields import build_production_table

N_E = 1.5e24  # electrons per cm^2 per X0, a round number for the tests


def test_resonance_energy_is_where_s_equals_m2() -> None:
    for m in (0.01, 0.25, 1.0):
        e = ann.resonant_energy_gev(m)
        assert 2 * M_E_GEV**2 + 2 * M_E_GEV * e == pytest.approx(m * m, rel=1e-12)


def test_sigma_integral_is_two_pi_squared_alpha_over_me() -> None:
    """For M >> m_e, Int sigma dE = 2 pi^2 alpha/m_e (arXiv:1802.03794); 1.10e-25 cm^2 GeV."""
    expected = 2 * math.pi**2 * ALPHA_EM / M_E_GEV * GEV2_TO_PB * 1e-36
    assert ann.resonant_sigma_integral_cm2_gev(0.3) == pytest.approx(expected, rel=1e-5)
    assert ann.resonant_sigma_integral_cm2_gev(0.0011) < expected  # threshold factors near 2 m_e


def test_line_shape_is_normalised_for_a_narrow_resonance() -> None:
    m, ad, ratio = 0.25, 0.01, 3.0
    e_res = ann.resonant_energy_gev(m)
    gamma = ann.resonant_total_width_gev(m, ad, ratio)
    half = gamma / m * e_res  # half width in E
    total, _ = integrate.quad(
        lambda e: float(ann.resonant_line_shape(e, m, ad, ratio)),
        e_res - 400 * half,
        e_res + 400 * half,
        points=[e_res],
        limit=400,
    )
    assert total == pytest.approx(1.0, abs=5e-3)


def test_line_shape_vanishes_below_the_dark_pair_threshold() -> None:
    """Off shell, the partial width to chi chibar is zero below s = 4 m_chi^2 (DMG4's prefactor)."""
    m, ratio = 1.0, 3.0
    e_below = (4 * (m / ratio) ** 2 - 2 * M_E_GEV**2) / (2 * M_E_GEV) * 0.99
    assert float(ann.resonant_line_shape(e_below, m, 0.5, ratio)) == 0.0


def test_associated_integral_matches_quadrature() -> None:
    m, s = 0.15, 2 * M_E_GEV * 60.0
    for c0 in (-1.0, 0.0, 0.9):
        num, _ = integrate.quad(
            lambda c: float(ann.dsigma_dcos_associated_pb(s, m, c)), c0, 1.0, limit=400, points=[0.999, 0.99999]
        )
        assert float(ann.sigma_associated_pb(s, m, c0)) == pytest.approx(num, rel=1e-3)
    assert float(ann.sigma_associated_pb(0.5 * m * m, m)) == 0.0


def test_associated_kinematics_conserve_energy_and_respect_the_cut() -> None:
    m, e = 0.1, 70.0
    c = np.linspace(-1, 1, 101)
    e_lab, theta = ann.associated_kinematics(e, m, c)
    s = 2 * M_E_GEV**2 + 2 * M_E_GEV * e
    # The photon takes the rest; its lab energy from the CM: gamma E*_g - gamma beta E*_g c.
    root = math.sqrt(s)
    eg_star = (s - m * m) / (2 * root)
    gamma, gb = (e + M_E_GEV) / root, math.sqrt(e * e - M_E_GEV**2) / root
    e_gamma = gamma * eg_star - gb * eg_star * c
    assert np.allclose(e_lab + e_gamma, e + M_E_GEV, rtol=1e-12)
    assert np.all(np.diff(e_lab) > 0)
    assert np.all(theta >= 0)
    c_min = float(ann.associated_cos_min(e, m, 50.0))
    assert float(ann.associated_kinematics(e, m, c_min)[0]) == pytest.approx(50.0, rel=1e-9)


def _pos_table(m: float, **kw: object) -> tuple[float, float]:
    sh = ShowerConfig(
        beam_particle="e+", secondaries=False, spectrum="approx-a", n_primaries=20_000, threshold_gev=30.0, seed=5
    )
    t = build_production_table(
        m, shower=sh, channels=("annihilation",), electrons_per_x0_cm2=N_E, e_min_gev=30.0, use_cache=False, **kw
    )  # type: ignore[arg-type]
    return t.yield_per_eot_per_eps2(), t.mc_error()


@pytest.mark.parametrize("m", [0.2, 0.25, 0.3])
def test_resonant_yield_of_a_positron_beam_is_tsai_track_length(m: float) -> None:
    """Primary positrons only, Tsai's approximation-A spectrum: T+(E) = Int dt (1/E0) ln(E0/E)^(bt-1)/Gamma(bt)
    (BEST arXiv:0906.0580 Eq. A2) and N = n_e sigma_int T+(E_res). Within 3 MC standard errors."""
    y, err = _pos_table(m)
    e_res, b, e0 = ann.resonant_energy_gev(m), 4.0 / 3.0, 100.0
    lg = math.log(e0 / e_res)
    track, _ = integrate.quad(lambda t: lg ** (b * t - 1) / special.gamma(b * t) / e0, 0, 40, limit=200)
    expected = N_E * ann.resonant_sigma_integral_cm2_gev(m) * track
    assert abs(y - expected) < 3 * err + 0.01 * expected


def _positron_segments(sh: ShowerConfig) -> dict[str, np.ndarray]:
    tracks = simulate_shower(sh)
    pos = {k: getattr(tracks, k) for k in ("energy_gev", "length_x0", "depth_x0", "theta_x_rad", "theta_y_rad")}
    pos["primary"] = tracks.primary.astype(float)
    return pos


def _total(pos: dict[str, np.ndarray], channels: tuple[str, ...], **kw: float) -> float:
    rows = ann.annihilation_rows(
        0.25, pos, electrons_per_x0_cm2=N_E, e_min_gev=30.0, e_max_gev=100.0, channels=channels, alpha_d=None,
        ratio=None, rng=np.random.default_rng(1), **kw,
    )  # fmt: skip
    return float(rows["weight"].sum())


def test_narrow_line_shape_limit_and_kernel_bandwidth() -> None:
    """A narrow benchmark (alpha_D = 0.001) gives the narrow-width yield; halving the kernel bandwidth does not move
    the yield beyond the MC error."""
    y0, e0 = _pos_table(0.25)
    y1, e1 = _pos_table(0.25, alpha_d=1e-3, ratio=3.0)
    assert abs(y1 - y0) < 3 * math.hypot(e0, e1)
    sh = ShowerConfig(
        beam_particle="e+", secondaries=False, spectrum="approx-a", n_primaries=20_000, threshold_gev=30.0, seed=5
    )
    pos = _positron_segments(sh)
    yields = [_total(pos, ("annihilation",), bandwidth=h) / sh.n_primaries for h in (0.01, 0.02, 0.04)]
    assert max(yields) / min(yields) - 1 < 0.06


def test_electron_beam_without_secondaries_has_no_annihilation() -> None:
    sh = ShowerConfig(secondaries=False, n_primaries=2000, seed=3)
    t = build_production_table(0.25, shower=sh, channels=("brem", "annihilation"), use_cache=False)
    assert t.channel_yields()["annihilation"] == 0.0
    assert t.channel_yields()["brem"] > 0.0


def test_brem_rows_do_not_depend_on_the_beam_charge_or_the_other_channels() -> None:
    """Bremsstrahlung is charge-blind at this order: the e+ and e- showers give the same brem rows, bit for bit,
    and adding annihilation leaves them as they were."""
    base = ShowerConfig(n_primaries=3000, seed=9)
    brem = build_production_table(0.1, shower=base, method="iww", use_cache=False)
    both = build_production_table(
        0.1,
        shower=ShowerConfig(n_primaries=3000, seed=9, beam_particle="e+"),
        method="iww",
        channels=("brem", "annihilation"),
        use_cache=False,
    )
    rows = both.channel_codes == 0
    assert np.array_equal(both.weight[rows], brem.weight)
    assert np.array_equal(both.energy_gev[rows], brem.energy_gev)


def test_positron_beam_enhances_the_resonance_near_the_beam_energy() -> None:
    m = 0.3  # E_res = 88 GeV
    yields = {}
    for particle in ("e-", "e+"):
        sh = ShowerConfig(n_primaries=5000, seed=4, beam_particle=particle)  # type: ignore[arg-type]
        t = build_production_table(m, shower=sh, method="iww", channels=("brem", "annihilation"), use_cache=False)
        yields[particle] = t.channel_yields()["annihilation"]
    assert yields["e+"] > 20 * yields["e-"] > 0


def test_associated_channel_is_independent_of_the_soft_photon_cut() -> None:
    """Resonance x (1 + soft-virtual(k_min)) + hard photons above k_min: the O(alpha) sum must not depend on
    k_min (to 2%: the soft-photon approximation drops O(k_min) terms)."""
    sh = ShowerConfig(beam_particle="e+", secondaries=False, n_primaries=20_000, threshold_gev=30.0, seed=2)
    pos = _positron_segments(sh)
    totals = [_total(pos, ("annihilation", "associated"), k_min=k_min) for k_min in (0.01, 0.03)]
    assert totals[0] == pytest.approx(totals[1], rel=0.02)


def test_soft_virtual_correction_value() -> None:
    big_l = math.log(0.25**2 / M_E_GEV**2)
    expected = 2 * ALPHA_EM / math.pi * ((big_l - 1) * math.log(0.05) + 0.75 * big_l - 1 + math.pi**2 / 6)
    assert ann.soft_virtual_correction(0.25, 0.05) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ParameterError, match="k_min"):
        ann.soft_virtual_correction(0.25, 1.5)


def test_channels_are_checked() -> None:
    with pytest.raises(ParameterError, match="channels"):
        build_production_table(0.1, channels=("brem", "compton"), use_cache=False)
    with pytest.raises(ParameterError, match="channels"):
        build_production_table(0.1, channels=(), use_cache=False)
    with pytest.raises(ParameterError, match="alpha_d"):
        build_production_table(0.1, channels=("annihilation",), alpha_d=0.1, use_cache=False)
