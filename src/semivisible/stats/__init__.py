"""Statistics: CLs upper limits.

Examples
--------
>>> from semivisible.stats import upper_limit_counting
>>> round(upper_limit_counting(0), 3)
2.303
"""

from __future__ import annotations

from semivisible.stats.counting import cls_counting, upper_limit_counting

__all__ = ["cls_counting", "upper_limit_counting"]
