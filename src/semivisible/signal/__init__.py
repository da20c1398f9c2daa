"""Signal yields in an experiment: the invisible mode and the semi-visible S1/S2 signatures.

Examples
--------
>>> from semivisible.signal import invisible_limit, signal_yields
>>> callable(invisible_limit) and callable(signal_yields)
True
"""

from __future__ import annotations

from semivisible.signal.invisible import InvisibleLimit, invisible_limit, production_table_for
from semivisible.signal.semivisible import SignalTable, Yields, build_signal_table, signal_yields

__all__ = [
    "InvisibleLimit",
    "SignalTable",
    "Yields",
    "build_signal_table",
    "invisible_limit",
    "production_table_for",
    "signal_yields",
]
