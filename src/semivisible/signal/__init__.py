"""Signal yields in an experiment: the invisible mode now, the semi-visible S1/S2 signatures next.

Examples
--------
>>> from semivisible.signal import invisible_limit
>>> callable(invisible_limit)
True
"""

from __future__ import annotations

from semivisible.signal.invisible import InvisibleLimit, invisible_limit, production_table_for

__all__ = ["InvisibleLimit", "invisible_limit", "production_table_for"]
