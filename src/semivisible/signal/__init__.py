"""Signal yields in an experiment: one signal model per kind of experiment (:mod:`semivisible.signal.kinds`), the
invisible mode and the semi-visible S1/S2 signatures.

Examples
--------
>>> from semivisible.signal import invisible_limit, signal_yields
>>> callable(invisible_limit) and callable(signal_yields)
True
"""

from __future__ import annotations

from semivisible.signal.active_dump import ActiveDumpSignal
from semivisible.signal.events import expected_events
from semivisible.signal.invisible import InvisibleLimit, invisible_limit, production_table_for
from semivisible.signal.kinds import SIGNAL_MODELS, SignalModel, signal_model
from semivisible.signal.semivisible import SignalTable, Yields, build_signal_table, signal_yields

__all__ = [
    "SIGNAL_MODELS",
    "ActiveDumpSignal",
    "InvisibleLimit",
    "SignalModel",
    "SignalTable",
    "Yields",
    "build_signal_table",
    "expected_events",
    "invisible_limit",
    "production_table_for",
    "signal_model",
    "signal_yields",
]
