"""Issue 18: semivisible against the seed's way, at equal MC precision, reported as a ratio.

The seed's way (the paper's chain: Geant4 + MadGraph per mass, then a signal simulation per model point) is, in
our engine, a fresh production table (the shower Monte Carlo and the A' emission) and a fresh signal table at
every grid point, with the same number of A' events as our tables for that figure (60 000 for Fig. 4), so the MC
precision per point is the same. semivisible instead builds tables on 25 m_A' nodes and reweights them in eps
(and interpolates in m_A'). Both run in one process from an empty cache. The seed's cost per point is measured at
three points and multiplied by the 150 x 150 points of the plane.

Run with ``python -m pytest benchmarks/test_bench_seed_way.py -s``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from semivisible.cosmo.g2 import g2_band
from semivisible.model.dark_sector import DarkSector
from semivisible.scan.plane import default_axis, scan_plane
from semivisible.search import Search
from semivisible.signal.invisible import production_table_for
from semivisible.signal.semivisible import build_signal_table, signal_yields

EVENTS = 60_000  # the A' events of each Fig. 4 table (semivisible.paper.PLANES)


def test_fig4_plane_against_a_fresh_simulation_per_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(tmp_path / "cache"))
    search = Search.load("na64-2016-2018")
    exp = search.experiment
    x, y = default_axis("ma", 150), default_axis("eps", 150)

    start = time.perf_counter()
    result = scan_plane("ma", x, "eps", y, search, executor="serial", workers=1, mass_nodes=25, max_events=EVENTS)
    ours = time.perf_counter() - start

    fresh = []
    for ma in (0.05, 0.2, 0.5):
        eps = float(g2_band(ma).eps_central)
        start = time.perf_counter()
        point = DarkSector.from_benchmark(ma, eps)
        prod = production_table_for(ma, exp, use_cache=False).thinned(EVENTS, 2107)
        table = build_signal_table(point, exp, table=prod, use_cache=False)
        yields = signal_yields(table, eps, point.alpha_d, exp)
        search.cls(yields.s1, yields.s2)
        fresh.append(time.perf_counter() - start)
    per_point = float(np.mean(fresh))
    seed_plane = per_point * x.size * y.size
    print(f"\nFig. 4 plane (150 x 150): semivisible {ours:.1f} s cold in one process; a fresh simulation per point "
          f"{per_point:.2f} s -> {seed_plane / 3600:.1f} h for the plane: x{seed_plane / ours:.0f}")  # fmt: skip
    assert result.cls.shape == (150, 150)
