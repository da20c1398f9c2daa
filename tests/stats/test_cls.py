"""Exact multibin CLs with the profile-likelihood test statistic (semivisible.stats.cls)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from semivisible import ParameterError
from semivisible.cli.upper_limit import upper_limit_info
from semivisible.search import Search
from semivisible.stats import cls as cls_mod
from semivisible.stats.cls import (
    BAND_LEVELS,
    EventLimitTable,
    cls_exact,
    cls_of_signal,
    cls_zero_observed,
    event_limit_table,
    outcome_grid,
    qmu_tilde,
    s_up_zero_observed,
    upper_limits,
)
from semivisible.stats.counting import upper_limit_counting
from semivisible.stats.model import CountingModel, CountingSpec

LN10 = math.log(10.0)
NA64 = CountingSpec((0, 0), (0.19, 0.53), (0.07, 0.17), signal_systematic=0.2, names=("S1", "S2"))
FRACTIONS = [0.0, 0.1, 0.5, 0.77, 1.0]


@pytest.mark.parametrize("background", [(0.19, 0.53), (0.01, 0.02), (3.0, 0.2), (0.0, 0.5), (5.0, 5.0)])
def test_zero_observed_no_systematics_is_ln10_for_any_split_and_background(background: tuple[float, float]) -> None:
    spec = CountingSpec((0, 0), background, (0.0, 0.0))
    lim = upper_limits(spec, FRACTIONS, expected=False)
    np.testing.assert_allclose(lim.observed, LN10, atol=1e-6)


def test_zero_observed_exact_sum_is_exp_minus_s() -> None:
    s = np.array([0.2, 1.0, 2.3, 4.0, 9.0])
    for f1 in FRACTIONS:
        sig = np.stack([f1 * s, (1 - f1) * s], axis=-1)
        np.testing.assert_allclose(cls_exact(NA64.without_systematics(), sig), np.exp(-s), rtol=1e-9)


def test_zero_observed_with_systematics_matches_closed_form_and_rises_8_percent() -> None:
    s = np.array([0.3, 1.0, 2.5, 6.0])
    for f1 in FRACTIONS:
        sig = np.stack([f1 * s, (1 - f1) * s], axis=-1)
        np.testing.assert_allclose(cls_exact(NA64, sig), cls_zero_observed(s, 0.2), rtol=1e-9)
    lim = upper_limits(NA64, FRACTIONS, expected=False)
    closed = s_up_zero_observed(0.9, 0.2)
    assert closed == pytest.approx(LN10 * math.exp(math.log(1.2) ** 2 * LN10), rel=1e-12)
    assert closed == pytest.approx(2.48575, abs=1e-5)
    np.testing.assert_allclose(lim.observed, closed, rtol=1e-7)
    assert 0.07 < closed / LN10 - 1 < 0.09  # the 20% signal systematic weakens the limit by 7.96%


@pytest.mark.parametrize("n", [0, 1, 2, 4])
@pytest.mark.parametrize("b", [0.0, 0.5, 2.0])
def test_single_bin_matches_counting(n: int, b: float) -> None:
    # one bin, known background: q~ orders the outcomes as n does, so CLs is the classic counting CLs
    spec = CountingSpec((n,), (b,), (0.0,))
    lim = upper_limits(spec, expected=False)
    assert lim.observed[0] == pytest.approx(upper_limit_counting(n, b), abs=1e-6)


@pytest.mark.parametrize(("n1", "b1", "n2", "b2"), [(1, 0.4, 3, 1.0), (2, 0.19, 0, 0.53), (0, 1.0, 5, 2.0)])
def test_all_signal_in_one_bin_reduces_to_that_bin(n1: int, b1: float, n2: int, b2: float) -> None:
    spec = CountingSpec((n1, n2), (b1, b2), (0.0, 0.0))
    lim = upper_limits(spec, [1.0, 0.0], expected=False)
    assert lim.observed[0] == pytest.approx(upper_limit_counting(n1, b1), abs=1e-6)
    assert lim.observed[1] == pytest.approx(upper_limit_counting(n2, b2), abs=1e-6)


def test_one_event_classic_values() -> None:
    # n = 1, b = 0: (1 + s) e^-s = 0.1 -> 3.8897; with b the CLs limit (1 + s + b) e^-s / (1 + b) = 0.1
    one = CountingSpec((1,), (0.0,), (0.0,))
    assert upper_limits(one, expected=False).observed[0] == pytest.approx(3.88972, abs=1e-5)
    assert float(cls_exact(one, [[3.88972]])[0]) == pytest.approx(0.1, abs=1e-6)
    for b in (0.5, 1.0):
        s_up = upper_limits(CountingSpec((1,), (b,), (0.0,)), expected=False).observed[0]
        assert (1 + s_up + b) * math.exp(-s_up) / (1 + b) == pytest.approx(0.1, abs=1e-8)
        assert s_up < 3.88972
    two = CountingSpec((1, 0), (0.19, 0.53), (0.0, 0.0))
    both = upper_limits(two, [0.0, 0.5, 1.0], expected=False).observed
    assert both[0] == pytest.approx(LN10, abs=1e-6)  # the event is in the bin without signal
    assert both[2] == pytest.approx(upper_limit_counting(1, 0.19), abs=1e-6)
    assert LN10 < both[1] < both[2]


def test_monotonic_in_cl() -> None:
    spec = CountingSpec((1, 2), (0.5, 1.5), (0.2, 0.5), signal_systematic=0.2)
    lims = [upper_limits(spec, 0.5, cl=cl, expected=False).observed[0] for cl in (0.68, 0.8, 0.9, 0.95, 0.99)]
    assert all(np.diff(lims) > 0)
    na64 = [upper_limits(NA64, 0.5, cl=cl, expected=False).observed[0] for cl in (0.68, 0.9, 0.95)]
    np.testing.assert_allclose(na64, [s_up_zero_observed(cl, 0.2) for cl in (0.68, 0.9, 0.95)], rtol=1e-7)


def test_cls_at_limit_is_one_minus_cl() -> None:
    spec = CountingSpec((2, 1), (0.7, 0.3), (0.2, 0.1), signal_systematic=0.15)
    for f1 in (0.3, 0.8):
        s_up = upper_limits(spec, f1, cl=0.95, expected=False).observed[0]
        assert float(cls_exact(spec, [[f1 * s_up, (1 - f1) * s_up]])[0]) == pytest.approx(0.05, rel=1e-6)


def test_systematics_weaken_the_limit() -> None:
    spec = CountingSpec((1, 2), (0.5, 1.5), (0.2, 0.5), signal_systematic=0.2)
    with_sys = upper_limits(spec, [0.2, 0.5, 0.8], expected=False).observed
    without = upper_limits(spec.without_systematics(), [0.2, 0.5, 0.8], expected=False).observed
    assert np.all(with_sys > without)


def test_test_statistic_at_zero_and_above_fit() -> None:
    model = CountingModel(NA64)
    s = 2.0
    theta = -float(np.real(__import__("scipy").special.lambertw(s * model.alpha**2))) / model.alpha
    q = qmu_tilde(NA64, [1.0, 1.0], [[0, 0], [5, 5], [1, 0]])
    assert q[0] == pytest.approx(2 * s * math.exp(model.alpha * theta) + theta**2, rel=1e-10)
    assert q[1] == 0.0  # s_hat > s
    assert 0 < q[2] < q[0]


def test_q_tilde_matches_pyhf() -> None:
    pyhf = pytest.importorskip("pyhf")
    pyhf.set_backend("numpy", "scipy")
    b, db = [0.19, 0.53], [0.07, 0.17]
    sig = [1.2, 1.8]
    model = pyhf.Model(
        {
            "channels": [
                {
                    "name": "na64",
                    "samples": [
                        {
                            "name": "signal",
                            "data": sig,
                            "modifiers": [
                                {"name": "mu", "type": "normfactor", "data": None},
                                {"name": "sig_syst", "type": "normsys", "data": {"hi": 1.2, "lo": 1 / 1.2}},
                            ],
                        },
                        {
                            "name": "background",
                            "data": b,
                            "modifiers": [{"name": "bkg", "type": "shapesys", "data": db}],
                        },
                    ],
                }
            ]
        },
        modifier_settings={"normsys": {"interpcode": "code1"}, "histosys": {"interpcode": "code0"}},
        poi_name="mu",
        validate=False,  # (the schema validation emits a jsonschema DeprecationWarning)
    )
    counts = [[0, 0], [1, 0], [0, 1], [1, 2], [3, 1]]
    ours = qmu_tilde(NA64, sig, counts)
    for n, q in zip(counts, ours, strict=True):
        data = np.asarray(list(n) + model.config.auxdata, dtype=float)
        theirs = pyhf.infer.test_statistics.qmu_tilde(
            1.0,
            data,
            model,
            model.config.suggested_init(),
            model.config.suggested_bounds(),
            model.config.suggested_fixed(),
        )
        assert float(theirs) == pytest.approx(q, rel=2e-4, abs=2e-5), n


def test_expected_band_single_bin_against_counting_quantiles() -> None:
    b = 0.8
    spec = CountingSpec((0,), (b,), (0.0,))
    lim = upper_limits(spec)
    n = np.arange(40)
    cdf = stats.poisson.cdf(n, b)
    ref = [upper_limit_counting(int(n[np.searchsorted(cdf, level)]), b) for level in BAND_LEVELS]
    np.testing.assert_allclose(lim.expected[0], ref, atol=1e-6)
    assert lim.expected[0][0] == pytest.approx(LN10)  # P(0) = 0.45 > 2.3%, 16%: the n = 0 limit itself


def test_expected_band_na64_discreteness() -> None:
    nosys = upper_limits(NA64.without_systematics(), 0.5)
    p00 = math.exp(-0.72)  # 0.487 < 0.5: the median is the next outcome's limit
    assert p00 < 0.5
    np.testing.assert_allclose(nosys.expected[0, :2], LN10, rtol=1e-9)
    assert nosys.expected[0, 2] > LN10
    assert np.all(np.diff(nosys.expected[0]) >= 0)
    # postfit backgrounds (gamma = tau/(b + tau) for n = 0) make P(0, 0) = 0.503 > 0.5: median = observed
    post = upper_limits(NA64, 0.5)
    gam = CountingModel(NA64).background_scale_fit(np.zeros((1, 2)))[0]
    assert math.exp(-float(np.dot(NA64.background, gam))) > 0.5
    assert post.expected[0, 2] == pytest.approx(post.observed[0], rel=1e-8)
    pre = upper_limits(NA64, 0.5, expected_nuisances="prefit")
    assert pre.expected[0, 2] > pre.observed[0]


def test_table_lookup_matches_direct_limits() -> None:
    table = event_limit_table(NA64, n_f1=11)
    direct = upper_limits(NA64, [0.3, 0.7])
    np.testing.assert_allclose(table.s_up([0.3, 0.7]), direct.observed, rtol=1e-7)
    np.testing.assert_allclose(table.s_up_expected([0.3, 0.7]), direct.expected, rtol=1e-6)
    assert table.s_up(np.zeros((3, 4))).shape == (3, 4)
    assert event_limit_table(NA64, n_f1=11) is table  # cached in memory


def test_table_disk_cache_round_trip() -> None:
    spec = CountingSpec((0, 1), (0.2, 0.6), (0.0, 0.0), names=("S1", "S2"))
    first = event_limit_table(spec, n_f1=5)
    cls_mod._table.cache_clear()
    second = event_limit_table(spec, n_f1=5)
    assert second is not first
    np.testing.assert_array_equal(first.log_cls, second.log_cls)
    np.testing.assert_array_equal(first.expected, second.expected)


def test_cls_of_signal_na64_is_exact() -> None:
    rng = np.random.default_rng(7)
    s1, s2 = rng.uniform(0, 6, 50), rng.uniform(0, 6, 50)
    np.testing.assert_allclose(cls_of_signal(s1, s2, NA64, no_systematics=True), np.exp(-(s1 + s2)), rtol=1e-12)
    exact = cls_exact(NA64, np.stack([s1, s2], axis=-1))
    np.testing.assert_allclose(cls_of_signal(s1, s2, NA64), exact, rtol=1e-9)
    assert cls_of_signal(0.0, 0.0, NA64) == 1.0


def test_cls_of_signal_general_counts_exact_near_the_limit() -> None:
    spec = CountingSpec((1, 2), (0.5, 1.5), (0.2, 0.5), signal_systematic=0.2, names=("S1", "S2"))
    table = EventLimitTable.build(spec, n_f1=6, n_u=21)
    # at u = 1 the table holds the limit itself
    np.testing.assert_allclose(table.log_cls[:, np.flatnonzero(table.u == 1.0)[0]], math.log(0.1), atol=1e-7)
    x = np.linspace(0.2, 9.0, 12)
    a, b = np.meshgrid(x, x)
    fast = table.cls(a, b)
    exact = cls_exact(spec, np.stack([a, b], axis=-1))
    assert np.array_equal(fast < 0.1, exact < 0.1)
    near = np.abs(np.log(exact / 0.1)) < 0.5
    np.testing.assert_allclose(fast[near], exact[near], rtol=1e-12)
    assert np.all(np.abs(np.log(table.cls(a, b, exact_band=0.0) / exact)) < 1.0)


def test_outcome_grid_and_truncation() -> None:
    grid = outcome_grid(2, 3)
    assert grid.shape == (10, 2)
    assert grid.sum(axis=1).max() == 3
    assert cls_mod.TAIL <= 1e-12


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="cl"):
        upper_limits(NA64, 0.5, cl=1.0)
    with pytest.raises(ParameterError, match="s1_fraction"):
        upper_limits(NA64, 1.5)
    with pytest.raises(ParameterError, match="signal"):
        cls_exact(NA64, [[-1.0, 1.0]])
    with pytest.raises(ParameterError, match="n_observed"):
        CountingSpec((-1,), (0.1,), (0.0,))
    with pytest.raises(ParameterError, match="background"):
        CountingSpec((0, 0), (0.1,), (0.0,))
    with pytest.raises(ParameterError, match="s1_fraction"):
        upper_limit_info(Search.load("na64-2016-2018"), s1_fraction=-0.1)
    with pytest.raises(ParameterError, match="experiment"):
        upper_limit_info(Search.load("no-such-experiment"))


def test_upper_limit_info() -> None:
    info = upper_limit_info(Search.load("na64-2016-2018"))
    assert info["s_up_obs"] == pytest.approx(2.48575, abs=1e-5)
    assert info["s_up_exp"] == pytest.approx(info["s_up_obs"])
    lo1, hi1 = info["s_up_exp_1sigma"]
    lo2, hi2 = info["s_up_exp_2sigma"]
    assert lo2 <= lo1 <= info["s_up_exp"] <= hi1 <= hi2
    assert info["n_observed"] == [0, 0]
    assert info["cl"] == 0.9
    assert upper_limit_info(Search.load("na64-2016-2018"), no_systematics=True, cl=0.95)["s_up_obs"] == pytest.approx(
        -math.log(0.05), abs=1e-6
    )


def test_cls_of_signal_refuses_negative_or_nan_signals() -> None:
    """cls_of_signal(-1, 1) used to be 1; a signal is a non-negative number of events."""
    with pytest.raises(ParameterError, match=r"s1 = -1\.0"):
        cls_of_signal(-1.0, 1.0, NA64)
    with pytest.raises(ParameterError, match="s2 = nan"):
        cls_of_signal(1.0, float("nan"), NA64)
