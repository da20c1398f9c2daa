"""Speed of ``semivisible reproduce`` (issue 18: 3 planes of 150 x 150 plus the projections, every curve of the
figures and the four other experiments, < 60 s cold and < 2 s warm on a 2-core machine; docs/performance.md) and
of the node-grid interpolation that makes it possible.

The cold run is measured with a fresh cache directory (production, signal, event-limit and relic tables all
rebuilt); the warm run reuses it. Run with ``python -m pytest benchmarks/test_bench_reproduce.py
--benchmark-enable``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from semivisible.cosmo.g2 import g2_band
from semivisible.experiments import load_experiment
from semivisible.signal.grid import SignalGrid


def _reproduce(out: Path, cache: Path) -> float:
    env = {**os.environ, "SEMIVISIBLE_CACHE_DIR": str(cache)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "semivisible", "reproduce", "--out", str(out)], check=True, env=env)
    return time.perf_counter() - start


def test_reproduce_cold_and_warm(tmp_path: Path) -> None:
    cold = _reproduce(tmp_path / "out", tmp_path / "cache")
    warm = _reproduce(tmp_path / "out", tmp_path / "cache")
    print(f"\nreproduce (150 x 150, 3 planes + 2 projections): cold {cold:.1f} s, warm {warm:.1f} s")
    assert (tmp_path / "out" / "summary.json").exists()


def test_grid_column_of_150_eps(benchmark: Any) -> None:
    """One column of the (m_A', eps) plane from the node grid (warm tables)."""
    grid = SignalGrid.build(np.geomspace(0.1, 1.0, 13), [0.4], load_experiment("na64-2016-2018"), max_events=60_000)
    eps = g2_band(0.3).eps_central * np.geomspace(0.1, 10, 150)
    s1, _ = benchmark(grid.yields, 0.3, 0.4, eps, 0.1)
    assert s1.shape == (150,)
