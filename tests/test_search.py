"""The Search object: an experiment resolved once, with its signal model and counting specification."""

from __future__ import annotations

import numpy as np
import pytest

from semivisible import DarkSector, ParameterError
from semivisible.experiments import DEFAULT_EXPERIMENT, load_experiment
from semivisible.search import Search, evaluate_point
from semivisible.signal.grid import load_job_experiment
from semivisible.signal.semivisible import build_signal_table, signal_yields


def test_load_resolves_once() -> None:
    a = Search.load(DEFAULT_EXPERIMENT)
    assert Search.load(DEFAULT_EXPERIMENT) is a
    assert Search.load(load_experiment(DEFAULT_EXPERIMENT)) is a
    assert Search.load(a) is a
    assert a.kind == "active-dump"
    assert a.signal.signatures == ("s1", "s2")
    assert a.counting == load_experiment(DEFAULT_EXPERIMENT).counting_spec()


def test_expected_events_are_the_signal_tables_reweighted() -> None:
    """The Search's expected events are those of the table of its own experiment (one formula, one path)."""
    search = Search.load("na64-compact-hcal1")
    point = DarkSector.from_benchmark(0.3, 6.312e-3)
    eps = np.array([3e-3, 6.312e-3])
    got = search.expected(point, eps, 0.1, max_events=3000)
    table = build_signal_table(point, search.experiment, max_events=3000)
    ref = signal_yields(table, eps, 0.1, search.experiment)
    np.testing.assert_array_equal(got.s1, ref.s1)
    np.testing.assert_array_equal(got.s2, ref.s2)
    assert set(got.events) == set(search.signal.signatures)


def test_stable_chi2_and_masses_beyond_the_production() -> None:
    search = Search.load(DEFAULT_EXPERIMENT)
    stable = DarkSector.build(0.003, 1e-3, 0.1, ratio=3.0, splitting=0.4)  # Delta = 0.4 MeV < 2 m_e
    y = search.expected(stable, max_events=3000)
    assert float(y.s1) == 0.0
    assert float(y.s2) > 0.0
    assert np.isinf(y.ctau_chi2_m)
    for ma in (20.0, 60.0):  # beyond the ETL table (3 GeV) and beyond the 50 GeV cut: refused alike, before work
        with pytest.raises(ParameterError, match=r"ma = .*what the na64-2016-2018 production covers"):
            search.expected(DarkSector.from_benchmark(ma, 1e-3))


def test_evaluate_point_needs_a_search() -> None:
    point = DarkSector.from_benchmark(0.3, 6.312e-3)
    with pytest.raises(ParameterError, match="search"):
        evaluate_point(point, DEFAULT_EXPERIMENT)  # type: ignore[arg-type]  # a name is refused
    with pytest.raises(ParameterError, match="cl"):
        Search.load(DEFAULT_EXPERIMENT).evaluate(point, cl=1.5)


def test_an_invisible_only_file_has_no_counting_spec() -> None:
    search = Search.load("na64-2016")
    with pytest.raises(ParameterError, match=r"\[s1\] and \[s2\]"):
        _ = search.counting
    with pytest.raises(ParameterError, match=r"\[s1\] and \[s2\]"):
        search.expected(DarkSector.from_benchmark(0.3, 6.312e-3))


def test_a_worker_refuses_a_file_that_changed() -> None:
    exp = load_experiment(DEFAULT_EXPERIMENT)
    assert load_job_experiment(exp.path, exp.identity) is exp
    with pytest.raises(ParameterError, match="the file the job was made from"):
        load_job_experiment(exp.path, "0" * 64)


def test_api_misuse_is_a_parameter_error() -> None:
    """Probe findings: arrays for a model point, a string for a point, bad MC statistics and cl."""
    search = Search.load(DEFAULT_EXPERIMENT)
    point = DarkSector.from_benchmark(0.3, 6e-3)
    with pytest.raises(ParameterError, match="a single number"):
        DarkSector.from_benchmark(np.array([0.3, 0.4]), 1e-3)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="point"):
        search.evaluate("point")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="max_events"):
        search.expected(point, max_events=0)
    with pytest.raises(ParameterError, match="cl"):
        search.evaluate(point, cl=0.999999)
