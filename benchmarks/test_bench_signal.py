"""Speed of the semi-visible signal engine (issue 4 targets: one point warm < 20 ms, 200 eps < 200 ms)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from semivisible import DarkSector
from semivisible.experiments import load_experiment
from semivisible.signal.semivisible import SignalTable, build_signal_table, signal_yields

EXP = load_experiment("na64-2016-2018")


@pytest.fixture(scope="module")
def table() -> SignalTable:
    return build_signal_table(DarkSector.from_benchmark(0.3, 6.312e-3), EXP)


def test_build_signal_table_one_mass(benchmark: Any) -> None:
    """Cold signal table for one mass point (production table from the disk cache after the first round)."""
    point = DarkSector.from_benchmark(0.3, 6.312e-3)
    out = benchmark.pedantic(build_signal_table, args=(point, EXP), rounds=3, iterations=1)
    assert out.y_invisible > 0


def test_one_point_warm(benchmark: Any, table: SignalTable) -> None:
    y = benchmark(signal_yields, table, 6.312e-3, 0.1, EXP)
    assert float(y.s1) > 0


def test_200_eps_values(benchmark: Any, table: SignalTable) -> None:
    eps = np.logspace(-4, -1.5, 200)
    y = benchmark(signal_yields, table, eps, 0.1, EXP)
    assert y.s1.shape == (200,)


def test_reweighting_vs_fresh_simulation_speed_ratio(table: SignalTable) -> None:
    """Issue 5: the reweighting engine against a fresh simulation at every grid point, at equal MC precision.

    A fresh simulation of one (eps, alpha_D) point costs one signal-table build from the same production table
    (the same events, so the same MC precision); reweighting answers a whole eps column from one table.
    """
    import time

    from semivisible.signal.invisible import production_table_for

    point = DarkSector.from_benchmark(0.3, 6.312e-3)
    prod = production_table_for(point.ma, EXP)
    eps = np.logspace(-4, -1.5, 20)
    t0 = time.perf_counter()
    for e in eps[:3]:  # three fresh simulations are enough to time one
        build_signal_table(DarkSector.from_benchmark(0.3, float(e)), EXP, table=prod, use_cache=False)
    fresh_per_point = (time.perf_counter() - t0) / 3
    t0 = time.perf_counter()
    signal_yields(table, eps, 0.1, EXP)
    reweight_per_point = (time.perf_counter() - t0) / eps.size
    ratio = fresh_per_point / reweight_per_point
    print(f"\nfresh {fresh_per_point * 1e3:.0f} ms/point, reweighted {reweight_per_point * 1e6:.0f} us/point")
    print(f"speed ratio at equal MC precision: x{ratio:.0f}")
    assert ratio > 1
