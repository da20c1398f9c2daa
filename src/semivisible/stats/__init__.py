"""Statistics: exact CLs upper limits for counting experiments (single bin and multibin S1/S2).

Specification (:mod:`semivisible.stats.model`), inference (:mod:`semivisible.stats.cls`) and the single-bin
closed forms (:mod:`semivisible.stats.counting`) are kept apart, as in pyhf's ``infer``.

Examples
--------
>>> from semivisible.stats import upper_limit_counting
>>> round(upper_limit_counting(0), 3)
2.303
"""

from __future__ import annotations

from semivisible.stats.cls import (
    EventLimitTable,
    UpperLimits,
    cls_exact,
    cls_of_signal,
    cls_zero_observed,
    event_limit_table,
    upper_limits,
)
from semivisible.stats.counting import cls_counting, upper_limit_counting
from semivisible.stats.model import CountingSpec

__all__ = [
    "CountingSpec",
    "EventLimitTable",
    "UpperLimits",
    "cls_counting",
    "cls_exact",
    "cls_of_signal",
    "cls_zero_observed",
    "event_limit_table",
    "upper_limit_counting",
    "upper_limits",
]
