"""Speed of the proton beam dumps' bands (run with ``python -m pytest benchmarks --benchmark-enable``).

Issue 15 target: one band for each of NuCal and CHARM over 150 masses in < 15 s cold, instant warm. Figures
measured on the 2-core development machine are in docs/validation.md (section on NuCal and CHARM).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from semivisible.experiments import load_experiment
from semivisible.scan.bands import dump_band
from semivisible.search import Search
from semivisible.signal.beam_dump import DumpLimit, dump_limit

MASSES = np.geomspace(0.002, 0.9, 150)


@pytest.mark.parametrize("mode", ["visible", "semivisible"])
@pytest.mark.parametrize("name", ["nucal", "charm"])
def test_band_150_masses_cold_two_workers(benchmark: Any, name: str, mode: str) -> None:
    """Cold: masses moved by a random 1e-9 (new cache keys) every round, so nothing comes from the disk cache; the
    semi-visible band at the paper's benchmark."""
    rng = np.random.default_rng()

    def run() -> DumpLimit:
        return dump_band(Search.load(name), mode, MASSES * (1 + 1e-9 * rng.random()), workers=2)

    lim = benchmark.pedantic(run, rounds=1, iterations=1)
    assert sum(1 for b in lim.bands if b) > 50


@pytest.mark.parametrize("name", ["nucal", "charm"])
def test_visible_band_150_masses_cold_one_process(benchmark: Any, name: str) -> None:
    exp = load_experiment(name)

    def run() -> DumpLimit:
        return dump_limit(exp, "visible", MASSES, use_cache=False)

    lim = benchmark.pedantic(run, rounds=1, iterations=1)
    assert sum(1 for b in lim.bands if b) > 50


@pytest.mark.parametrize("name", ["nucal", "charm"])
def test_visible_band_150_masses_warm(benchmark: Any, name: str) -> None:
    exp = load_experiment(name)
    dump_limit(exp, "visible", MASSES)
    lim = benchmark(dump_limit, exp, "visible", MASSES)
    assert sum(1 for b in lim.bands if b) > 50
