"""Plane scans: contours, exports, executors, the g-2 headline."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from semivisible import ParameterError
from semivisible.scan.plane import ScanResult, band_excluded_up_to, cls_n0, exclusion_contours, scan_ma_eps
from semivisible.search import Search

NA64 = Search.load("na64-2016-2018")


def test_cls_n0_is_ln10_at_the_limit() -> None:
    assert float(cls_n0(np.log(10) / 2, np.log(10) / 2)) == pytest.approx(0.1, rel=1e-12)


def test_contours_of_a_known_island() -> None:
    x, y = np.geomspace(0.1, 10, 80), np.geomspace(0.1, 10, 90)
    r2 = np.log(x)[:, None] ** 2 + np.log(y)[None, :] ** 2
    cls = np.exp(-10 * np.exp(-r2))  # excluded where 10 exp(-r^2) > ln 10: a disc of radius sqrt(ln(10/ln 10))
    lines = exclusion_contours(x, y, cls)
    assert len(lines) == 1
    radius = np.hypot(np.log(lines[0][:, 0]), np.log(lines[0][:, 1]))
    np.testing.assert_allclose(radius, np.sqrt(np.log(10 / np.log(10))), rtol=5e-3)


def test_scan_serial_equals_processes_and_exports(tmp_path: Path) -> None:
    ma, eps = np.array([0.1, 0.3]), np.geomspace(1e-4, 1e-2, 6)
    a = scan_ma_eps(ma, eps, NA64, n_primaries=800, workers=1, use_cache=False)
    b = scan_ma_eps(ma, eps, NA64, n_primaries=800, workers=2, use_cache=False)
    np.testing.assert_array_equal(a.s1, b.s1)
    np.testing.assert_array_equal(a.s2, b.s2)
    a.to_csv(tmp_path / "p.csv")
    a.to_json(tmp_path / "p.json")
    assert (tmp_path / "p.csv").read_text().count("\n") == 1 + ma.size * eps.size
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["plane"] == "ma-eps"
    assert len(data["cls"]) == 2


def test_headline_on_a_synthetic_plane() -> None:
    # Excluded wherever m_A' < 0.4 GeV: the whole band is excluded up to 0.4 (to the grid interpolation).
    x, y = np.geomspace(0.05, 1.0, 60), np.geomspace(1e-5, 3e-2, 80)
    s = np.where(x[:, None] < 0.4, 10.0, 0.1) * np.ones_like(y)[None, :]
    res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls_n0(s, 0 * s), 0.9)
    assert band_excluded_up_to(res) == pytest.approx(0.4, rel=0.05)


def test_bad_grid() -> None:
    with pytest.raises(ParameterError, match="grid"):
        scan_ma_eps(np.array([0.1]), np.array([1e-3, 1e-2]), NA64)


def test_alpha_d_plane_matches_the_eps_plane_at_the_benchmark() -> None:
    """At alpha_D = 0.1 the (m_A', alpha_D) plane on the g-2 line equals the (m_A', eps) plane at eps_g2."""
    from semivisible.cosmo.g2 import g2_band
    from semivisible.scan.plane import scan_ma_alpha_d

    ma = np.array([0.2, 0.4])
    res = scan_ma_alpha_d(ma, np.array([0.05, 0.1, 0.2]), NA64)
    assert res.plane == "ma-alpha_d"
    for i, m in enumerate(ma):
        eps = g2_band(float(m)).eps_central
        ref = scan_ma_eps(np.array([m, m * 1.01]), np.array([eps, eps * 1.01]), NA64)
        assert res.s1[i, 1] == pytest.approx(ref.s1[0, 0], rel=1e-9)
        assert res.s2[i, 1] == pytest.approx(ref.s2[0, 0], rel=1e-9)
    # Smaller alpha_D: longer chi2 lifetime, more S2 at the heavier mass.
    assert res.s2[1, 0] > res.s2[1, 2]


def test_splitting_plane_weakens_with_splitting_and_handles_stable_chi2() -> None:
    from semivisible.scan.plane import scan_mchi1_splitting

    res = scan_mchi1_splitting(np.array([0.001, 0.1]), np.array([0.2, 0.4, 0.9]), NA64, max_events=5000)
    assert res.plane == "mchi1-splitting"
    # m_chi1 = 1 MeV, f = 0.2: Delta = 0.2 MeV < 2 m_e, chi2 stable: all of it is S2 (missing energy).
    assert res.s1[0, 0] == 0.0
    assert res.s2[0, 0] > 0.0
    # At m_chi1 = 0.1 GeV, a larger splitting (shorter lifetime, Delta^5) kills the signal.
    total = res.s1[1] + res.s2[1]
    assert total[0] > total[1] > total[2]


def test_stable_chi2_counts_as_missing_energy_in_every_plane() -> None:
    """Delta <= 2 m_e (here m_A' = 0.03 GeV, splitting 0.05: Delta = 0.5 MeV) is S2 in all three planes alike."""
    from semivisible.scan.plane import scan_ma_alpha_d, scan_mchi1_splitting

    eps_plane = scan_ma_eps(np.array([0.03, 0.0301]), np.array([1e-4, 1e-3]), NA64, splitting=0.05)
    ad_plane = scan_ma_alpha_d(np.array([0.03, 0.0301]), np.array([0.1, 0.2]), NA64, splitting=0.05)
    f_plane = scan_mchi1_splitting(np.array([0.01, 0.01003]), np.array([0.05, 0.06]), NA64, max_events=5000)
    for res in (eps_plane, ad_plane, f_plane):
        assert np.all(res.s1[0] == 0.0)
        assert np.all(res.s2[0] > 0.0)
    # The alpha_D plane at alpha_D = 0.1 and the splitting plane agree at the same point (eps on the g-2 line).
    assert ad_plane.s2[0, 0] == pytest.approx(f_plane.s2[0, 0], rel=1e-9)


def test_any_plane_mchi1_vs_eps_equals_the_ma_eps_plane() -> None:
    """x = m_chi1 is x = m_A'/ratio: the (m_chi1, eps) plane equals the (m_A', eps) plane on the same points."""
    from semivisible.scan.plane import scan_plane

    ma, eps = np.array([0.15, 0.3]), np.geomspace(1e-4, 1e-2, 4)
    a = scan_plane("ma", ma, "eps", eps, NA64, n_primaries=800)
    b = scan_plane("mchi1", ma / 3.0, "eps", eps, NA64, n_primaries=800)
    assert b.plane == "mchi1-eps"
    assert b.x_name == "mchi1_GeV"
    np.testing.assert_allclose(b.s1, a.s1, rtol=1e-12)
    np.testing.assert_allclose(b.s2, a.s2, rtol=1e-12)


def test_ma_splitting_plane_with_fixed_eps() -> None:
    from semivisible import ParameterError
    from semivisible.scan.plane import scan_plane

    res = scan_plane("ma", np.array([0.2, 0.3]), "splitting", np.array([0.2, 0.4]), NA64, eps=5e-3, max_events=4000)
    assert res.plane == "ma-splitting"
    assert res.meta["eps"] == 5e-3
    assert np.all(res.s1 + res.s2 > 0.0)
    # splitting >= ratio - 2 = 1: A' -> chi1 chi2 is closed; refused as for one model point, not a silent zero.
    with pytest.raises(ParameterError, match="splitting"):
        scan_plane("ma", np.array([0.2, 0.3]), "splitting", np.array([0.2, 0.4, 1.5]), NA64, eps=5e-3)


def test_bad_plane_axes() -> None:
    from semivisible.scan.plane import scan_plane

    with pytest.raises(ParameterError, match="x_name"):
        scan_plane("mchi2", [0.1, 0.2], "eps", [1e-3, 1e-2], NA64)
    with pytest.raises(ParameterError, match="y_name"):
        scan_plane("ma", [0.1, 0.2], "ratio", [3.0, 4.0], NA64)
    with pytest.raises(ParameterError, match="eps"):
        scan_plane("ma", [0.1, 0.2], "alpha_d", [0.1, 0.2], NA64, eps="central")
    with pytest.raises(ParameterError, match="ma"):
        scan_plane("ma", [-0.1, 0.2], "eps", [1e-3, 1e-2], NA64)


def test_expected_contours_at_zero_observed() -> None:
    """n = 0 with b > 0: the median expected limit is the n = 0 limit or looser; the expected contour exists."""
    ma, eps = np.geomspace(0.05, 0.5, 6), np.geomspace(1e-4, 3e-2, 30)
    res = scan_ma_eps(ma, eps, NA64, n_primaries=800)
    assert res.expected_ratio is not None
    assert res.expected_ratio.shape == (*res.cls.shape, 5)
    # The -2 sigma limit is the tightest: its ratio is the largest.
    assert np.all(res.expected_ratio[..., 0] >= res.expected_ratio[..., 4] - 1e-12)
    assert len(res.expected["median"]) >= 1
    excl, exp_excl = res.excluded, res.expected_excluded
    assert exp_excl is not None
    # Observing 0 events is at least as constraining as the median expectation.
    assert np.all(exp_excl <= excl)
