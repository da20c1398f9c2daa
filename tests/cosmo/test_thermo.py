"""g_eff(T), h_eff(T) from the Standard-Model content (semivisible.cosmo.thermo).

Comparison values: Borsanyi et al., Nature 539 (2016) 69, arXiv:1606.07494, Table S2 (lattice QCD + perturbative
electroweak; columns log10(T/MeV), g_rho, g_rho/g_s). A handful of entries are quoted here as test targets only.
"""

from __future__ import annotations

import numpy as np
import pytest

from semivisible.cosmo import thermo
from semivisible.errors import ParameterError

# (T in GeV, g_rho, g_rho/g_s) from arXiv:1606.07494 Table S2.
BORSANYI = [
    (10**1.00 * 1e-3, 10.76, 1.00048),
    (10**1.60 * 1e-3, 13.68, 1.02159),
    (10**2.00 * 1e-3, 17.61, 1.02324),
    (10**2.15 * 1e-3, 24.07, 1.05423),
    (10**2.20 * 1e-3, 29.84, 1.07578),
    (10**2.40 * 1e-3, 47.83, 1.06118),
    (10**2.50 * 1e-3, 53.04, 1.04690),
    (10**3.00 * 1e-3, 73.48, 1.01778),
    (10**4.00 * 1e-3, 83.10, 1.00123),
    (10**5.00 * 1e-3, 102.17, 1.00750),
]


def test_low_temperature_limits() -> None:
    """After e+e- annihilation with T_nu = (4/11)^(1/3) T: 2 + 5.25 (4/11)^(4/3) = 3.363, 2 + 5.25 (4/11) = 3.909."""
    t = 1e-5  # 10 keV, m_e/T = 51: e+- annihilation complete
    assert float(thermo.g_eff(t)) == pytest.approx(2 + 5.25 * (4 / 11) ** (4 / 3), rel=1e-3)
    assert float(thermo.h_eff(t)) == pytest.approx(2 + 5.25 * 4 / 11, rel=1e-3)
    assert round(float(thermo.g_eff(t)), 2) == 3.36
    assert round(float(thermo.h_eff(t)), 2) == 3.91
    # At 0.1 MeV (m_e/T = 5) e+- annihilation is not over: e+- still carry ~0.5 and T_nu/T = 0.77, not 0.714.
    assert 3.36 < float(thermo.g_eff(1e-4)) < 4.5
    assert 3.91 < float(thermo.h_eff(1e-4)) < 5.0


@pytest.mark.parametrize("t", [3e-3, 5e-3, 1e-2])
def test_plateau_10_75(t: float) -> None:
    """gamma + e+- + 3 nu: 2 + 3.5 + 5.25 = 10.75 between ~1 and ~15 MeV (muons add < 1 % at 10 MeV)."""
    assert float(thermo.g_eff(t)) == pytest.approx(10.75, rel=0.01)
    assert float(thermo.h_eff(t)) == pytest.approx(10.75, rel=0.01)


def test_free_gas_counting() -> None:
    """Free-gas limits: 106.75 above the top; 61.75 + charm/tau tails just above the QCD transition."""
    g, h = thermo.tabulate([1e4, 0.4], qcd_corrections=False)
    assert g[0] == pytest.approx(106.75, rel=1e-3)
    assert h[0] == pytest.approx(106.75, rel=1e-3)
    # 0.4 GeV: 61.75 (gamma, e, mu, 3 nu, u, d, s, g) with s, mu slightly massive, plus charm/tau Boltzmann tails
    assert 61.0 < g[1] < 68.0


def test_high_temperature() -> None:
    """With the O(alpha_s) plasma correction: ~100 at 100 GeV, 102 at 10 TeV (106.75 x 0.96)."""
    assert 95.0 < float(thermo.g_eff(100.0)) < 105.0
    assert float(thermo.g_eff(1e4)) == pytest.approx(106.75, rel=0.06)


@pytest.mark.parametrize(("t", "g_ref", "ratio"), BORSANYI)
def test_against_lattice_tables(t: float, g_ref: float, ratio: float) -> None:
    """Within 2 % below 50 MeV, 5 % at 0.1-0.3 GeV (transition), 11 % above (free-ish plasma vs lattice)."""
    tol = 0.02 if t < 0.05 else (0.08 if t < 0.5 else 0.11)
    assert float(thermo.g_eff(t)) == pytest.approx(g_ref, rel=tol)
    assert float(thermo.h_eff(t)) == pytest.approx(g_ref / ratio, rel=tol)


def test_g_star_sqrt_and_derivative() -> None:
    t = np.geomspace(1e-5, 1e4, 400)
    dl = thermo.dlnh_dlnt(t)
    assert np.all(np.isfinite(dl))
    assert np.all(dl > -0.05)  # h_eff grows with T (up to spline ripples)
    gs = thermo.g_star_sqrt(t)
    assert np.all(gs > 0)
    # away from thresholds, g_*^(1/2) = sqrt(g)
    assert float(thermo.g_star_sqrt(5e-3)) == pytest.approx(np.sqrt(10.75), rel=0.01)
    # smooth: interpolated h matches a direct computation between grid points
    tt = np.array([3.3e-4, 0.123, 0.171, 7.7])
    _, h_direct = thermo.tabulate(tt)
    assert np.allclose(thermo.h_eff(tt), h_direct, rtol=2e-3)


def test_monotone_and_bad_input() -> None:
    t = np.geomspace(1e-6, 1e5, 500)
    assert np.all(np.diff(thermo.h_eff(t)) > -1e-3)
    with pytest.raises(ParameterError, match="temperature"):
        thermo.g_eff(-1.0)
    with pytest.raises(ParameterError, match="temperature"):
        thermo.h_eff([1.0, 0.0])
