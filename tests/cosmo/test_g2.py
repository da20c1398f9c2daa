"""g-2: loop function limits, the inverse, the reference bands."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate

from semivisible import ParameterError
from semivisible.cosmo import g2
from semivisible.model.constants import ALPHA_EM, M_MU_GEV


@pytest.mark.parametrize("r", [1e-10, 1e-6, 1e-3, 0.1, 1.0, 7.3, 1e2, 1e4, 1e7])
def test_loop_function_against_quadrature(r: float) -> None:
    ref, _ = integrate.quad(
        lambda z: 2 * z * (1 - z) ** 2 / ((1 - z) ** 2 + r * z),
        0,
        1,
        epsabs=0,
        epsrel=1e-13,
        limit=400,
        points=[1 - math.sqrt(r)] if r < 1 else None,
    )
    assert float(g2.g2_loop_function(r)) == pytest.approx(ref, rel=1e-10)


def test_light_aprime_limit() -> None:
    # m_A' << m_l: Delta a -> alpha eps^2 / (2 pi); the correction is O(r log r).
    got = float(g2.delta_a_mu(1e-7, 1.0))
    assert got == pytest.approx(ALPHA_EM / (2 * math.pi), rel=1e-5)


def test_heavy_aprime_limit() -> None:
    # m_A' >> m_l: Delta a -> (alpha eps^2/(2 pi)) 2 m_l^2 / (3 m_A'^2), correction O(m_l^2/m_A'^2 log).
    ma = 1e3 * M_MU_GEV
    got = float(g2.delta_a_mu(ma, 1.0))
    assert got == pytest.approx(ALPHA_EM / (2 * math.pi) * 2 / 3 * (M_MU_GEV / ma) ** 2, rel=5e-5)


def test_inverse_round_trip() -> None:
    ma = np.logspace(-3, 0, 9)
    eps = g2.eps_for_delta_a_mu(ma, 251e-11)
    np.testing.assert_allclose(g2.delta_a_mu(ma, eps), 251e-11, rtol=1e-12)
    assert np.isnan(float(g2.eps_for_delta_a_mu(0.3, -1e-11)))


@pytest.mark.parametrize("ma", [1e-5, 1e-4, 1e-3])
def test_light_inverse_next_to_leading_order(ma: float) -> None:
    # Light A': F(r) = 1 - pi sqrt(r) + O(r log r), r = (m_A'/m_mu)^2 (expand the w = 1 - z integrand around
    # w^2 + r). So eps_central = sqrt(2 pi Delta a / alpha) (1 + (pi/2) m_A'/m_mu + ...): +1.5% at 1 MeV.
    band = g2.g2_band(ma)
    limit = math.sqrt(2 * math.pi * 251e-11 / ALPHA_EM)
    shift = band.eps_central / limit - 1
    assert shift == pytest.approx(math.pi / 2 * ma / M_MU_GEV, rel=0.05)


def test_references_shipped() -> None:
    refs = g2.g2_references()
    assert refs["wp2020-world2021"].delta_a_mu == pytest.approx(251e-11)
    assert refs["wp2020-world2021"].sigma == pytest.approx(59e-11)
    assert refs["wp2020-bnl"].delta_a_mu == pytest.approx(279e-11)
    assert refs["wp2020-bnl"].sigma == pytest.approx(76e-11)
    # WP2025 (arXiv:2505.21476): 116 592 071.5(14.5) - 116 592 033(62) -> 38(63) (rounded as published).
    wp25 = refs["wp2025"]
    assert wp25.delta_a_mu == pytest.approx((116592071.5 - 116592033) * 1e-11, abs=1e-11)
    assert wp25.sigma == pytest.approx(math.hypot(14.5, 62) * 1e-11, abs=1e-11)
    for ref in refs.values():
        assert "arXiv" in ref.source


@pytest.mark.parametrize("name", ["wp2020-world2021", "wp2020-bnl"])
def test_band_edges_solve_the_targets(name: str) -> None:
    band = g2.g2_band(0.3, name)
    ref = band.reference
    lo2, hi2 = band.eps_2sigma
    lo1, hi1 = band.eps_1sigma
    assert lo2 < lo1 < band.eps_central < hi1 < hi2
    for eps, target in [(lo2, -2), (lo1, -1), (hi1, 1), (hi2, 2)]:
        assert float(g2.delta_a_mu(0.3, eps)) == pytest.approx(ref.delta_a_mu + target * ref.sigma, rel=1e-10)


def test_wp2025_band_reaches_zero() -> None:
    band = g2.g2_band(0.3, "wp2025")
    assert band.eps_1sigma[0] == 0.0
    assert band.eps_2sigma[0] == 0.0
    assert band.eps_central > 0


def test_user_value() -> None:
    band = g2.g2_band(0.1, delta_a_mu=2e-9, delta_a_mu_error=4e-10)
    assert band.reference.name == "user"
    assert float(g2.delta_a_mu(0.1, band.eps_central)) == pytest.approx(2e-9, rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"reference": "nope"}, "reference"),
        ({"delta_a_mu": 1e-9}, "delta_a_mu_error"),
        ({"delta_a_mu": 1e-9, "delta_a_mu_error": -1.0}, "delta_a_mu_error"),
        ({"ma": -1.0}, "ma"),
    ],
)
def test_bad_input(kwargs: dict[str, object], name: str) -> None:
    args: dict[str, object] = {"ma": 0.3, **kwargs}
    with pytest.raises(ParameterError) as info:
        g2.g2_band(**args)  # type: ignore[arg-type]
    assert info.value.name == name


def test_g2_band_takes_arrays() -> None:
    """The vectorised functions accept arrays everywhere, g2_band included (it raised a raw TypeError)."""
    masses = np.array([0.05, 0.3, 1.0])
    band = g2.g2_band(masses)
    assert band.eps_central.shape == (3,)
    for i, m in enumerate(masses):
        assert band.eps_central[i] == pytest.approx(g2.g2_band(float(m)).eps_central, rel=1e-12)
        assert band.eps_2sigma[1][i] == pytest.approx(g2.g2_band(float(m)).eps_2sigma[1], rel=1e-12)
    assert len(band.to_dict()["eps_central"]) == 3
    with pytest.raises(ParameterError, match=r"ma = -1\.0"):
        g2.g2_band([0.3, -1.0])
