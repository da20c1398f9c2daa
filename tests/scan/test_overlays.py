"""Other experiments on the plane of a scan: E137's semi-visible bound at the plane's parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semivisible.errors import ParameterError
from semivisible.model.dark_sector import DarkSector
from semivisible.plot.figures import plot_plane, write_plane
from semivisible.scan.overlays import beam_dump_overlay
from semivisible.scan.plane import ScanResult, cls_n0
from semivisible.search import Search
from semivisible.signal.beam_dump import BeamDumpSignal, dump_limit

E137 = Search.load("e137")


def test_eps_plane_agrees_with_the_band_solver() -> None:
    """On the (m_A', eps) plane the excluded eps at a mass node are those inside dump_limit's interval (to one grid
    step of eps)."""
    x = np.geomspace(0.05, 0.2, 3)
    y = np.geomspace(1e-7, 1e-1, 121)
    ov = beam_dump_overlay("ma", x, "eps", y, E137, coarse=(3, 8))
    bands = dump_limit(E137.experiment, "semivisible", x, alpha_d=0.1, ratio=3.0, splitting=0.4).bands
    step = y[1] / y[0]
    for i, band in enumerate(bands):
        lo, hi = band[0]
        inside = (y > lo * step) & (y < hi / step)
        outside = (y < lo / step) | (y > hi * step)
        assert ov.excluded[i, inside].all()
        assert not ov.excluded[i, outside].any()


def test_alpha_d_plane_uses_eps_on_the_g2_line() -> None:
    from semivisible.cosmo.g2 import g2_band

    x = np.array([0.03, 0.1])
    y = np.geomspace(1e-3, 1.0, 7)
    ov = beam_dump_overlay("ma", x, "alpha_d", y, E137, coarse=(2, 8))
    signal = E137.signal
    assert isinstance(signal, BeamDumpSignal)
    for i, ma in enumerate(x):
        eps = g2_band(ma, "wp2020-world2021").eps_central
        point = DarkSector.build(ma, 1e-3, 0.1, ratio=3.0, splitting=0.4)
        n = signal.semivisible(point, np.full_like(y, eps), y).events
        assert np.array_equal(ov.excluded[i], n >= ov.meta["n_up"])


def test_overlays_are_drawn_and_exported(tmp_path: Path) -> None:
    x, y = np.geomspace(0.02, 0.3, 6), np.geomspace(1e-6, 1e-2, 7)
    s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
    res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls_n0(s, 0 * s), 0.9)
    ov = beam_dump_overlay("ma", x, "eps", y, E137, coarse=(6, 8))
    assert ov.excluded.any()
    _, ax = plot_plane(res, overlays=[ov])
    assert "E137" in ax.get_legend_handles_labels()[1]
    files = write_plane(res, tmp_path, "plane", overlays=[ov])
    header = (tmp_path / "plane.csv").read_text().splitlines()[0]
    assert header.endswith(",e137_excluded")
    assert any(f.suffix == ".json" for f in files)
    with pytest.raises(ParameterError, match="overlays"):
        plot_plane(res, overlays=["e137"])


def test_only_beam_dumps() -> None:
    with pytest.raises(ParameterError, match="beam-dump"):
        beam_dump_overlay("ma", [0.1, 0.2], "eps", [1e-4, 1e-3], Search.load("na64-2016"))
    with pytest.raises(ParameterError, match="plane"):
        beam_dump_overlay("eps", [0.1, 0.2], "ma", [1e-4, 1e-3], E137)
    with pytest.raises(ParameterError, match="eps"):
        beam_dump_overlay("ma", [0.1, 0.2], "alpha_d", [1e-3, 1e-1], E137, eps="large")


def test_babar_on_the_eps_plane_agrees_with_its_recast() -> None:
    """A collider overlay: excluded where collider_limit excludes (to one grid step), cached once finished."""
    from semivisible.signal.collider import collider_limit

    babar = Search.load("babar")
    x = np.geomspace(0.05, 0.8, 3)
    y = np.geomspace(1e-4, 1e-1, 61)
    ov = beam_dump_overlay("ma", x, "eps", y, babar, coarse=(3, 8))
    assert ov.label == "BaBar"
    bands = collider_limit(babar.experiment, "semivisible", x).bands
    step = y[1] / y[0]
    for i, band in enumerate(bands):
        lo, _ = band[0]
        assert ov.excluded[i, y > lo * step].all()
        assert not ov.excluded[i, y < lo / step].any()
    again = beam_dump_overlay("ma", x, "eps", y, babar, coarse=(3, 8))
    assert np.array_equal(again.excluded, ov.excluded)
    fresh = beam_dump_overlay("ma", x, "eps", y, babar, coarse=(3, 8), use_cache=False)
    assert np.array_equal(fresh.excluded, ov.excluded)
