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


def _interpolated_plane(nodes: np.ndarray, n: int = 97) -> np.ndarray:
    """The sign of the nodes' bilinear interpolant on a fine pixel grid, as the overlay draws it."""
    from scipy.interpolate import RegularGridInterpolator

    gx, gy = np.arange(nodes.shape[0]), np.arange(nodes.shape[1])
    f = RegularGridInterpolator((gx, gy), nodes)
    px, py = np.meshgrid(np.linspace(0, gx[-1], n), np.linspace(0, gy[-1], n), indexing="ij")
    return np.asarray(f(np.stack([px.ravel(), py.ravel()], axis=1)).reshape(n, n) >= 0)


@pytest.mark.parametrize("shape", [(24, 8), (21, 9), (5, 3)])
def test_refined_nodes_give_the_region_of_the_full_grid(shape: tuple[int, int]) -> None:
    """Adaptive refinement: the same excluded pixels as every node computed, with fewer nodes (an island, a
    band edge and a region of "nothing seen" on one plane)."""
    from semivisible.scan.overlays import refined_nodes

    n_x, n_y = shape

    def truth(i: int, j: int) -> float:
        u, v = i / (n_x - 1), j / (n_y - 1)
        if u > 0.85:
            return -np.inf  # closed: nothing seen
        island = 12.0 * np.exp(-((u - 0.75) ** 2 + (v - 0.5) ** 2) / 0.01)
        return float(40.0 * (0.3 - abs(u - 0.4)) - 10.0 * v + island - 1.0)

    calls: list[tuple[int, int]] = []

    def value(i: int, j: int) -> float:
        calls.append((i, j))
        return truth(i, j)

    full = np.array([[max(truth(i, j), -50.0) for j in range(n_y)] for i in range(n_x)])
    refined = refined_nodes(value, n_x, n_y)
    assert np.array_equal(_interpolated_plane(refined), _interpolated_plane(full))
    assert len(set(calls)) == len(calls)  # no node is computed twice
    if n_x * n_y > 50:
        assert len(calls) < 0.8 * n_x * n_y


def test_refined_columns_keep_every_column_near_the_edge() -> None:
    """Columns (one table for every y) between computed ones are interpolated only where all of their y are far
    from the edge on both sides: here the columns beyond the closing mass."""
    from semivisible.scan.overlays import refined_columns

    y = np.linspace(-1.0, 1.0, 30)
    calls: list[int] = []

    def column(i: int) -> np.ndarray:
        calls.append(i)
        return np.where(i < 10, 5.0 - 20.0 * y**2, -np.inf)

    grid = refined_columns(column, 30)
    assert np.array_equal(grid >= 0, np.array([column(i) for i in range(30)]) >= 0)
    assert len(set(calls[: len(calls) - 30])) < 30  # the interpolated columns beyond i = 10 were not computed


def test_fig5_bottom_splitting_plane_refined_equals_full() -> None:
    """A small (m_chi1, Delta/m_chi1) plane of E137: refined and full node grids exclude the same points."""
    x, y = np.geomspace(0.01, 0.12, 9), np.linspace(0.05, 0.9, 9)
    opts = {"coarse": (10, 5), "max_rows": 3000, "use_cache": False}
    full = beam_dump_overlay("mchi1", x, "splitting", y, E137, refine=None, **opts)
    refined = beam_dump_overlay("mchi1", x, "splitting", y, E137, **opts)
    assert np.array_equal(full.excluded, refined.excluded)
    with pytest.raises(ParameterError, match="refine"):
        beam_dump_overlay("mchi1", x, "splitting", y, E137, refine=-1.0, **opts)
