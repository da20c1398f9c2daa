"""Figures are written as PNG and PDF."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from semivisible.plot import plot_ma_eps
from semivisible.scan.plane import ScanResult, cls_n0, exclusion_contours


def test_plot_writes_png_and_pdf(tmp_path: Path) -> None:
    x, y = np.geomspace(0.01, 1, 12), np.geomspace(1e-5, 1e-2, 15)
    s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
    cls = cls_n0(s, 0 * s)
    res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls, 0.9, exclusion_contours(x, y, cls))
    paths = plot_ma_eps(res, tmp_path / "fig", relic=(x, 1e-3 * x), projection=res)
    assert {p.suffix for p in paths} == {".png", ".pdf"}
    assert all(p.stat().st_size > 1000 for p in paths)
