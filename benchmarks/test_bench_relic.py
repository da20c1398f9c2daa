"""Speed of the relic-density solver (run with ``python -m pytest benchmarks --benchmark-enable``)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from semivisible.cosmo.relic import relic_line
from semivisible.cosmo.thermo import g_eff


def test_relic_line_100_masses(benchmark: Any) -> None:
    """The benchmark thermal-target line (alpha_D = 0.1, m_A' = 3 m1, f = 0.4) for 100 masses: < 10 s."""
    g_eff(1.0)  # build the g_eff/h_eff table outside the timing (done once per process)
    ma = np.geomspace(0.003, 3.0, 100)
    start = time.perf_counter()
    eps, y = benchmark.pedantic(relic_line, args=(ma,), rounds=1, iterations=1)
    elapsed = time.perf_counter() - start
    assert eps.shape == y.shape == (100,)
    assert np.all(eps > 0)
    assert elapsed < 10.0


def test_relic_line_100_masses_majorana(benchmark: Any) -> None:
    """The elastic Majorana target for 100 masses (same engine, one species, p-wave)."""
    g_eff(1.0)
    ma = np.geomspace(0.003, 3.0, 100)
    eps, y = benchmark.pedantic(relic_line, args=(ma,), kwargs={"dm_type": "majorana"}, rounds=1, iterations=1)
    assert eps.shape == y.shape == (100,)
    assert np.all(eps > 0)
