"""Speed of a beam-dump band (run with ``python -m pytest benchmarks --benchmark-enable``).

Issue 14 target: one E137 band over 150 masses in < 10 s cold and instant from the cache. Measured on the
2-core development machine: 6.9 s cold with the 2 local workers of semivisible.scan.bands.dump_band (the pool's
start included; 13-14 s in one process, was 47 s before the x sampler stopped copying its CDF per row, the A'
widths were computed once a mass and E137 went to 1000 primaries), 0.07 s warm (the finished intervals are
cached); 2.4 MB of cache, the production rows are not kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from semivisible.experiments import load_experiment
from semivisible.scan.bands import dump_band
from semivisible.search import Search
from semivisible.signal.beam_dump import DumpLimit, dump_limit

E137 = load_experiment("e137")
MASSES = np.geomspace(0.002, 0.5, 150)


def test_e137_visible_band_150_masses_cold_two_workers(benchmark: Any) -> None:
    """Cold: masses moved by a random 1e-9 (new cache keys) every round, so nothing comes from the disk cache."""
    rng = np.random.default_rng()

    def run() -> DumpLimit:
        return dump_band(Search.load("e137"), "visible", MASSES * (1 + 1e-9 * rng.random()), workers=2)

    lim = benchmark.pedantic(run, rounds=1, iterations=1)
    assert sum(1 for b in lim.bands if b) > 100


def test_e137_visible_band_150_masses_cold(benchmark: Any) -> None:
    def run() -> DumpLimit:
        return dump_limit(E137, "visible", MASSES, use_cache=False)

    lim = benchmark.pedantic(run, rounds=1, iterations=1)
    assert sum(1 for b in lim.bands if b) > 100


def test_e137_visible_band_150_masses_warm(benchmark: Any) -> None:
    dump_limit(E137, "visible", MASSES)
    lim = benchmark(dump_limit, E137, "visible", MASSES)
    assert sum(1 for b in lim.bands if b) > 100


def test_e137_semivisible_band_one_mass_cold(benchmark: Any) -> None:
    def run() -> DumpLimit:
        return dump_limit(E137, "semivisible", [0.1], use_cache=False)

    lim = benchmark.pedantic(run, rounds=3, iterations=1)
    assert lim.bands[0]
