"""Tsai form factors and the photon flux chi."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate

from semivisible.production import form_factors as ff
from semivisible.production.materials import get_material


@pytest.mark.parametrize(("ma", "expected"), [(0.010, 11.39), (0.0167, 12.34), (0.100, 12.23)])
def test_chi_elastic_iww_limits_against_dmg4_closed_form(ma: float, expected: float) -> None:
    # physics.md §1.4 (V15): chi_el/Z^2 from DMG4's closed form, Pb, E0 = 100 GeV, t in [m^4/4E0^2, m^2].
    pb = get_material("Pb")
    tmin, tmax = ma**4 / (4 * 100.0**2), ma**2
    closed = float(ff.chi_elastic_closed_form(tmin, tmax, pb.Z, pb.A))
    numeric = float(ff.chi(tmin, tmax, pb.Z, pb.A, inelastic=False))
    assert closed / pb.Z**2 == pytest.approx(expected, abs=0.01)
    assert numeric == pytest.approx(closed, rel=1e-9)


@pytest.mark.parametrize(("tmin", "tmax"), [(1e-14, 1e-6), (1e-10, 1e-2), (1e-6, 10.0), (1e-3, 100.0)])
def test_chi_against_adaptive_quadrature(tmin: float, tmax: float) -> None:
    pb = get_material("Pb")

    def integrand(lt: float) -> float:
        t = np.exp(lt)
        return float((1 - tmin / t) * (ff.g2_elastic(t, pb.Z, pb.A) + ff.g2_inelastic(t, pb.Z)))

    ref, _ = integrate.quad(integrand, np.log(tmin), np.log(tmax), epsrel=1e-12, limit=400)
    assert float(ff.chi(tmin, tmax, pb.Z, pb.A)) == pytest.approx(ref, rel=1e-8)


def test_form_factor_limits() -> None:
    pb = get_material("Pb")
    # Full screening at t -> 0, unscreened point nucleus Z^2 for 1/a^2 << t << d.
    assert float(ff.g2_elastic(1e-14, pb.Z, pb.A)) < 1e-3 * pb.Z**2
    a2 = float(ff.screening_a_elastic(pb.Z)) ** 2
    t_mid = np.sqrt(1 / a2 * 0.164 * pb.A ** (-2 / 3))
    assert float(ff.g2_elastic(t_mid, pb.Z, pb.A)) == pytest.approx(pb.Z**2, rel=0.05)
    # The inelastic part is ~ Z, not Z^2, and vanishes at t = 0.
    assert float(ff.g2_inelastic(0.0, pb.Z)) == 0.0
    assert float(ff.g2_inelastic(1e-3, pb.Z)) < pb.Z


def test_chi_vectorised_and_empty_range() -> None:
    out = ff.chi(np.array([1e-10, 1e-8, 1e-2]), np.array([1e-4, 1e-4, 1e-3]), 82, 207.2)
    assert out.shape == (3,)
    assert out[2] == 0.0
    assert out[0] > out[1] > 0
