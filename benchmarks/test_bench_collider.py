"""Speed of BaBar's recast (run with ``python -m pytest benchmarks --benchmark-enable``).

Issue 16 target: the BaBar bound over 150 masses in < 5 s cold. Measured on the 2-core development machine:
about 2 s cold in one process at the paper's benchmark (veto tables of 4000 events and the band solve), a few
milliseconds warm.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from semivisible.experiments import load_experiment
from semivisible.signal.beam_dump import DumpLimit
from semivisible.signal.collider import collider_limit

BABAR = load_experiment("babar")
MASSES = np.geomspace(0.002, 5.0, 150)


@pytest.mark.parametrize("mode", ["invisible", "semivisible"])
def test_babar_band_150_masses_cold(benchmark: Any, mode: str) -> None:
    def run() -> DumpLimit:
        return collider_limit(BABAR, mode, MASSES, use_cache=False)

    lim = benchmark.pedantic(run, rounds=1, iterations=1)
    assert sum(1 for b in lim.bands if b) > 100


def test_babar_band_150_masses_warm(benchmark: Any) -> None:
    collider_limit(BABAR, "semivisible", MASSES)
    lim = benchmark(collider_limit, BABAR, "semivisible", MASSES)
    assert sum(1 for b in lim.bands if b) > 100
