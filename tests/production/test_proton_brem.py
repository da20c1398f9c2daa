"""Proton bremsstrahlung p N -> p N A' (Bluemlein-Brunner quasi-real approximation, arXiv:1311.3870).

Tolerances: identities to 1e-9; quadratures against each other to 1e-6; asymptotic forms to the size of the
neglected terms (stated per test); MC sums to 4 MC standard errors.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate

from semivisible.errors import ParameterError
from semivisible.model.constants import ALPHA_EM
from semivisible.production import proton_brem as pb


def test_form_factor_is_one_at_zero_up_to_the_constant_widths() -> None:
    """Sum f_V = 1 (charge normalisation); the constant widths give F1(0) = Sum f_V/(1 - i Gamma_V/m_V)."""
    assert pb._VMD_COEFF.sum() == pytest.approx(1.0, abs=1e-9)
    expected = abs(np.sum(pb._VMD_COEFF / (1.0 - 1j * pb._VMD_WIDTH / pb._VMD_MASS))) ** 2
    assert float(pb.proton_form_factor_sq(0.0)) == pytest.approx(expected, rel=1e-12)
    assert float(pb.proton_form_factor_sq(0.0)) == pytest.approx(1.0, abs=0.025)  # 1.020


def test_form_factor_peaks_at_the_rho_omega() -> None:
    m = np.linspace(0.6, 1.0, 4001)
    ff = pb.proton_form_factor_sq(m)
    assert 0.76 <= m[np.argmax(ff)] <= 0.79
    assert ff.max() > 1e3
    assert pb.proton_form_factor_sq([0.0, 0.77]).shape == (2,)


def test_sigma_pp_is_the_pdg_total_fit() -> None:
    # sqrt(s) = 11.5 and 27.4 GeV: the measured total pp cross sections are about 38.5 and 39.9 mb.
    assert float(pb.sigma_pp_total_mb(2 * pb.M_P_GEV * 70.0)) == pytest.approx(38.4, abs=0.2)
    assert float(pb.sigma_pp_total_mb(2 * pb.M_P_GEV * 400.0)) == pytest.approx(39.9, abs=0.2)


def test_pt2_closed_form_matches_quadrature() -> None:
    for m, z in ((0.01, 0.15), (0.5, 0.5), (1.0, 0.85)):
        exact = float(pb._pt2_integral(np.asarray(z), np.asarray(1.0), m))
        quad, _ = integrate.quad(
            lambda t, z=z, m=m: float(pb.splitting_function(z, t, m, 400.0)), 0.0, 1.0, epsrel=1e-10
        )
        assert exact == pytest.approx(quad, rel=1e-8)


def test_yield_matches_a_two_dimensional_quadrature() -> None:
    m, e = 0.3, 70.0

    def integrand(pt2: float, z: float) -> float:
        ratio = pb.sigma_pp_total_mb(2 * pb.M_P_GEV * e * (1 - z)) / pb.sigma_pp_total_mb(2 * pb.M_P_GEV * e)
        return float(ratio * pb.splitting_function(z, pt2, m, e))

    two_d, _ = integrate.dblquad(integrand, 0.1, 0.9, 0.0, 1.0, epsrel=1e-9)
    assert pb.proton_brem_yield(m, e, form_factor=False) == pytest.approx(two_d, rel=1e-6)
    ff = float(pb.proton_form_factor_sq(m))
    assert pb.proton_brem_yield(m, e) == pytest.approx(ff * two_d, rel=1e-6)


def test_small_mass_limit_is_finite() -> None:
    """The proton mass cuts the collinear log off (H >= z^2 m_p^2): no 1/m^2 growth as m -> 0."""
    y1, y2, y3 = (pb.proton_brem_yield(m, 70.0, form_factor=False) for m in (1e-4, 1e-3, 1e-2))
    assert y1 == pytest.approx(y2, rel=1e-4)
    assert y2 == pytest.approx(y3, rel=2e-3)  # the first correction is of order m^2/(z m_p)^2 ~ 1e-2 at z = 0.1


def test_heavy_mass_limit_falls_as_one_over_m2() -> None:
    """m >> p_T,max, m_p: N = (alpha/2 pi)(p_T,max^2/m^2) Int dz R(z)(1 + (1-z)^2)/(z(1-z)) (module docstring)."""
    e, m = 400.0, 30.0
    s = 2 * pb.M_P_GEV * e

    def f(z: float) -> float:
        ratio = float(pb.sigma_pp_total_mb(s * (1 - z)) / pb.sigma_pp_total_mb(s))
        return ratio * (1 + (1 - z) ** 2) / (z * (1 - z))

    asym = ALPHA_EM / (2 * math.pi) / m**2 * integrate.quad(f, 0.1, 0.9)[0]
    got = pb.proton_brem_yield(m, e, z_min=0.1, form_factor=False)
    assert got == pytest.approx(asym, rel=0.01)  # corrections ~ (p_T,max^2 + z^2 m_p^2)/m^2 ~ 1e-3
    ratio = pb.proton_brem_yield(15.0, e, z_min=0.1, form_factor=False) / got
    assert ratio == pytest.approx(4.0, rel=0.02)  # ln(1 + X/A) = X/A (1 - X/(2A)): 1.5% at m = 15 GeV


def test_cuts_are_monotone_and_additive() -> None:
    m, e = 0.2, 400.0
    full = pb.proton_brem_yield(m, e, z_min=0.1, z_max=0.9)
    low = pb.proton_brem_yield(m, e, z_min=0.1, z_max=0.5)
    high = pb.proton_brem_yield(m, e, z_min=0.5, z_max=0.9)
    assert low + high == pytest.approx(full, rel=1e-8)
    assert pb.proton_brem_yield(m, e, e_min_gev=200.0) == pytest.approx(high, rel=1e-8)
    assert pb.proton_brem_yield(m, e, e_min_gev=10.0) == pytest.approx(full, rel=1e-12)  # below z_min E_p
    assert pb.proton_brem_yield(m, e, pt_max_gev=0.5) < full < pb.proton_brem_yield(m, e, pt_max_gev=2.0)
    assert pb.proton_brem_yield(m, e, e_min_gev=0.95 * e) == 0.0


def test_default_z_min_follows_bdnmc() -> None:
    assert pb.default_z_min(1.0, 70.0) == 0.1
    assert pb.default_z_min(6.0, 70.0) == pytest.approx(3 * 6.0 / 70.0)
    assert pb.proton_brem_yield(1.0, 70.0) == pytest.approx(pb.proton_brem_yield(1.0, 70.0, z_min=0.1), rel=1e-12)


@pytest.mark.parametrize(("m", "e"), [(0.01, 400.0), (0.3, 70.0), (0.77, 70.0), (1.0, 400.0)])
def test_rows_reproduce_the_yield(m: float, e: float) -> None:
    rows = pb.proton_brem_rows(m, e, n_samples=20_000, rng=np.random.default_rng(7))
    w = rows["weight"]
    err = w.std() * math.sqrt(w.size) / w.sum()  # relative MC standard error of the sum
    assert w.sum() == pytest.approx(pb.proton_brem_yield(m, e), rel=4 * err)
    assert err < 0.01
    assert set(rows) == {"energy_gev", "theta_x_rad", "theta_y_rad", "parent_energy_gev", "weight"}
    assert all(v.dtype == np.float64 and v.shape == w.shape for v in rows.values())
    assert np.all(w > 0)
    assert np.all((rows["energy_gev"] >= 0.1 * e) & (rows["energy_gev"] <= 0.9 * e))
    theta = np.hypot(rows["theta_x_rad"], rows["theta_y_rad"])
    p = np.sqrt(rows["energy_gev"] ** 2 - m * m)
    assert np.all(p * np.sin(theta) <= 1.0 + 1e-9)  # p_T < 1 GeV
    assert np.all(rows["parent_energy_gev"] == e)


def test_rows_respect_cuts_and_are_deterministic() -> None:
    a, b = (
        pb.proton_brem_rows(
            0.4, 70.0, n_samples=5000, rng=np.random.default_rng(3), z_max=0.8, pt_max_gev=0.5, e_min_gev=30.0
        )
        for _ in range(2)
    )
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
    assert a["energy_gev"].min() >= 30.0
    assert a["energy_gev"].max() <= 0.8 * 70.0
    w = a["weight"]
    err = w.std() * math.sqrt(w.size) / w.sum()
    yld = pb.proton_brem_yield(0.4, 70.0, z_max=0.8, pt_max_gev=0.5, e_min_gev=30.0)
    assert w.sum() == pytest.approx(yld, rel=4 * err)


def test_energy_spectrum_matches_dn_dz() -> None:
    """The weighted E_A' histogram follows dN/dz of the quadrature (bins of 0.1 in z)."""
    m, e = 0.1, 70.0
    rows = pb.proton_brem_rows(m, e, n_samples=50_000, rng=np.random.default_rng(11))
    edges = np.linspace(0.1, 0.9, 9)
    hist, _ = np.histogram(rows["energy_gev"] / e, bins=edges, weights=rows["weight"])
    expected = [pb.proton_brem_yield(m, e, z_min=lo, z_max=hi) for lo, hi in itertools.pairwise(edges)]
    np.testing.assert_allclose(hist, expected, rtol=0.03)


def test_bad_arguments_are_refused() -> None:
    rng = np.random.default_rng(0)
    with pytest.raises(ParameterError, match="ma"):
        pb.proton_brem_yield(-0.1, 70.0)
    with pytest.raises(ParameterError, match="e_beam_gev"):
        pb.proton_brem_yield(0.1, 0.5)
    with pytest.raises(ParameterError, match="z_max"):
        pb.proton_brem_yield(0.1, 70.0, z_min=0.5, z_max=0.4)
    with pytest.raises(ParameterError, match="pt_max_gev"):
        pb.proton_brem_yield(0.1, 70.0, pt_max_gev=0.0)
    with pytest.raises(ParameterError, match="n_samples"):
        pb.proton_brem_rows(0.1, 70.0, n_samples=0, rng=rng)
    with pytest.raises(ParameterError, match="rng"):
        pb.proton_brem_rows(0.1, 70.0, n_samples=10, rng=np.random.RandomState(0))  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="form_factor"):
        pb.proton_brem_yield(0.1, 70.0, form_factor=1)  # type: ignore[arg-type]
