"""Speed of the exact CLs limits (run with ``python -m pytest benchmarks --benchmark-enable``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from semivisible.experiments import load_experiment
from semivisible.stats.cls import EventLimitTable, cls_of_signal, event_limit_table, upper_limits
from semivisible.stats.model import CountingSpec

NA64 = load_experiment("na64-2016-2018").counting_spec()
GENERAL = CountingSpec((1, 2), (0.5, 1.5), (0.2, 0.5), signal_systematic=0.2, names=("S1", "S2"))


def test_build_table_na64(benchmark: Any) -> None:
    """The NA64 2016-2018 table: observed and expected limits and CLs at 51 S1 fractions (no cache)."""
    table = benchmark.pedantic(EventLimitTable.build, args=(NA64,), rounds=1, iterations=1)
    assert table.observed.shape == (51,)


def test_build_table_na64_no_systematics(benchmark: Any) -> None:
    table = benchmark.pedantic(EventLimitTable.build, args=(NA64.without_systematics(),), rounds=1, iterations=1)
    assert np.allclose(table.observed, np.log(10.0))


def test_one_limit_with_band(benchmark: Any) -> None:
    """What the ``upper-limit`` command computes: one S1 fraction, observed and expected band."""
    lim = benchmark(upper_limits, NA64, 0.5)
    assert lim.expected.shape == (1, 5)


def test_grid_lookup_150x150_na64(benchmark: Any) -> None:
    """CLs of a 150 x 150 grid of (S1, S2) signals (zero observed: exact closed form)."""
    s1 = np.logspace(-2, 1.5, 150)[:, None] * np.ones(150)
    s2 = np.logspace(-2, 1.5, 150)[None, :] * np.ones((150, 1))
    out = benchmark(cls_of_signal, s1, s2, NA64)
    assert out.shape == (150, 150)


def test_grid_lookup_150x150_s_up(benchmark: Any) -> None:
    """Limits at 22500 S1 fractions from the table (interpolation)."""
    table = event_limit_table(NA64)
    f1 = np.random.default_rng(1).uniform(0, 1, (150, 150))
    out = benchmark(table.s_up, f1)
    assert out.shape == (150, 150)


def test_grid_lookup_150x150_general_counts(benchmark: Any) -> None:
    """n = (1, 2): table interpolation, exact sums within a factor e of CLs = 0.1."""
    table = event_limit_table(GENERAL, n_f1=21)
    x = np.logspace(-1, 1.2, 150)
    s1, s2 = np.meshgrid(x, x)
    out = benchmark.pedantic(table.cls, args=(s1, s2), rounds=1, iterations=1)
    assert out.shape == (150, 150)
