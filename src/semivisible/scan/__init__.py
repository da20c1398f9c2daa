"""Parameter-plane scans and exclusion contours (:mod:`semivisible.scan.plane`), on serial, process or Dask
executors with checkpoints (:mod:`semivisible.scan.executors`). The names are imported on first use.

Examples
--------
>>> from semivisible.scan import cls_n0
>>> round(float(cls_n0(0.0, 0.0)), 3)
1.0
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Splitting nodes of the interpolating node grid when the splitting is an axis (API and CLI alike).
DEFAULT_SPLITTING_NODES = 8

if TYPE_CHECKING:
    from semivisible.scan.executors import EXECUTORS, Checkpoint, run_columns
    from semivisible.scan.plane import (
        X_AXES,
        Y_AXES,
        ScanResult,
        band_excluded_up_to,
        cls_n0,
        default_axis,
        evaluate_point,
        excluded_up_to_along_x,
        exclusion_contours,
        parse_plane,
        scan_ma_alpha_d,
        scan_ma_eps,
        scan_mchi1_splitting,
        scan_plane,
    )

__all__ = [
    "DEFAULT_SPLITTING_NODES",
    "EXECUTORS",
    "X_AXES",
    "Y_AXES",
    "Checkpoint",
    "ScanResult",
    "band_excluded_up_to",
    "cls_n0",
    "default_axis",
    "evaluate_point",
    "excluded_up_to_along_x",
    "exclusion_contours",
    "parse_plane",
    "run_columns",
    "scan_ma_alpha_d",
    "scan_ma_eps",
    "scan_mchi1_splitting",
    "scan_plane",
]

_FROM_EXECUTORS = {"EXECUTORS", "Checkpoint", "run_columns"}


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = "executors" if name in _FROM_EXECUTORS else "plane"
        return getattr(importlib.import_module(f"semivisible.scan.{module}"), name)
    raise AttributeError(f"module 'semivisible.scan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
