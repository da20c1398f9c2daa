"""Speed of A' production (run with ``python -m pytest benchmarks --benchmark-enable``).

Issue 3 target: >= 1e5 weighted A' per mass in under 5 s on one core.
"""

from __future__ import annotations

from typing import Any

from semivisible.production.shower import ShowerConfig, simulate_shower
from semivisible.production.xsec import sigma_total
from semivisible.production.yields import ProductionTable, build_production_table

CONFIG = ShowerConfig(n_primaries=20_000, seed=99)


def test_shower_20k_primaries(benchmark: Any) -> None:
    """The shower alone (done once for all masses)."""
    tracks = benchmark(simulate_shower, CONFIG)
    assert tracks.energy_gev.size > 100_000


def test_production_table_one_mass_cold(benchmark: Any) -> None:
    """A full production table (shower + ETL sampling + angles) for one mass, no disk cache: >= 1e5 weighted A'."""

    def run() -> ProductionTable:
        from semivisible.production import yields

        yields._SHOWER_CACHE.clear()
        return build_production_table(0.1, shower=CONFIG, use_cache=False)

    table = benchmark.pedantic(run, rounds=3, iterations=1)
    assert table.weight.size >= 100_000


def test_production_table_next_mass_warm_shower(benchmark: Any) -> None:
    """Another mass once the shower is in memory: only the cross-section sampling."""
    build_production_table(0.1, shower=CONFIG, use_cache=False)
    table = benchmark(build_production_table, 0.3, shower=CONFIG, use_cache=False)
    assert table.weight.size >= 100_000


def test_etl_total_cross_section_table(benchmark: Any) -> None:
    import numpy as np

    ma = np.geomspace(0.001, 1.0, 200)
    assert benchmark(sigma_total, ma, 100.0).shape == (200,)
