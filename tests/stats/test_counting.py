"""Exact single-bin CLs limits."""

from __future__ import annotations

import math

import pytest

from semivisible import ParameterError
from semivisible.stats.counting import cls_counting, upper_limit_counting


@pytest.mark.parametrize("background", [0.0, 0.19, 0.53, 3.0])
def test_zero_observed_is_ln10_for_any_background(background: float) -> None:
    # physics.md §7.3: CLs = exp(-s) for n = 0, so s_up = ln 10 at 90% CL.
    assert upper_limit_counting(0, background) == pytest.approx(math.log(10), abs=1e-12)


def test_cls_at_limit_and_monotonic() -> None:
    s_up = upper_limit_counting(3, 1.2)
    assert cls_counting(s_up, 3, 1.2) == pytest.approx(0.1, abs=1e-10)
    assert upper_limit_counting(3, 0.2) > upper_limit_counting(3, 2.0)  # more background, tighter CLs limit


def test_known_value_one_event_no_background() -> None:
    # n = 1, b = 0: (1 + s) e^-s = 0.1 -> s = 3.8897 (the classic Poisson 90% upper limit).
    assert upper_limit_counting(1, 0.0) == pytest.approx(3.88972, abs=1e-4)


def test_bad_input() -> None:
    with pytest.raises(ParameterError, match="n_observed"):
        upper_limit_counting(-1)
    with pytest.raises(ParameterError, match="cl"):
        upper_limit_counting(0, 0.1, cl=1.5)
