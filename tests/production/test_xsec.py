"""Dark-bremsstrahlung cross sections: WW, IWW and their relations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from semivisible import ParameterError
from semivisible.production import xsec


def test_iww_analytic_dmg4_value() -> None:
    # physics.md §1.3: DMG4's analytic IWW for Pb, 16.7 MeV, 150 GeV, eps = 1e-4: 4189 pb with alpha = 1/137 and
    # A = 207. We use alpha = 1/137.036 and A = 207.2: (137/137.036)^3 = 0.99921 and chi(A) -> 4185 pb.
    got = float(xsec.sigma_iww_analytic(0.0167, 150.0, 1e-4))
    assert got == pytest.approx(4189 * (137.0 / 137.035999) ** 3, rel=0.002)


def test_ww_integrates_to_iww_with_fixed_chi() -> None:
    """Integrating the double-differential WW over angles with chi held at its theta = 0 value gives the IWW."""
    ma, e0, x = 0.05, 100.0, 0.8
    u_min = ma**2 * (1 - x) / x

    def bracket(u: float) -> float:
        return (1 - x + x**2 / 2) / u**2 + (1 - x) ** 2 * ma**2 / u**4 * (ma**2 - u * x / (1 - x))

    integral, _ = integrate.quad(bracket, u_min, np.inf, epsrel=1e-12)
    # dcos(theta) = dU/(2 E0^2 x); dsigma/dx = 8 alpha^3 chi E0 p integral / (2 E0^2 x)  (m_l -> 0, beta -> 1)
    ratio = 8 * e0 * x * e0 * integral / (2 * e0**2 * x) / (4 * (1 - x + x**2 / 3) / (ma**2 * (1 - x) / x))
    assert ratio == pytest.approx(1.0, rel=1e-9)


def test_iww_total_numeric_close_to_analytic() -> None:
    # The analytic form keeps the leading log; the x integral of dsigma/dx agrees to ~5% at 10-300 MeV.
    for ma in (0.01, 0.1, 0.3):
        num = float(xsec.sigma_total(ma, 100.0, method="iww"))
        ana = float(xsec.sigma_iww_analytic(ma, 100.0))
        assert num == pytest.approx(ana, rel=0.08)


def test_ww_below_iww_at_high_mass() -> None:
    # chi falls with the angle (t_min grows), so WW < IWW for heavy A' (the trend of DMG4's K > 1).
    ratio = float(xsec.sigma_total(1.0, 100.0, method="ww") / xsec.sigma_total(1.0, 100.0, method="iww"))
    assert 0.3 < ratio < 0.8


def test_eps_scaling_and_x_cut() -> None:
    a = float(xsec.sigma_total(0.1, 100.0, eps=1e-3, method="iww"))
    b = float(xsec.sigma_total(0.1, 100.0, eps=1.0, method="iww"))
    assert a == pytest.approx(b * 1e-6, rel=1e-12)
    assert float(xsec.sigma_total(0.1, 100.0, method="iww", x_min=0.5)) < b


def test_dsigma_dx_peaks_at_high_x_for_heavy_aprime() -> None:
    x = np.array([0.2, 0.5, 0.9, 0.99])
    vals = xsec.dsigma_dx(0.1, 100.0, x, method="iww")
    assert np.all(np.diff(vals) > 0)


def test_unknown_method_and_target() -> None:
    with pytest.raises(ParameterError, match="method"):
        xsec.sigma_total(0.1, 100.0, method="nope")
    with pytest.raises(ParameterError, match="target"):
        xsec.sigma_total(0.1, 100.0, target="Unobtainium", method="iww")
