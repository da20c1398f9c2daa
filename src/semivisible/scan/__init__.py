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
#: The 4-D scan's name on the command line: ``semivisible scan --plane ma-eps-alpha_d-splitting``
#: (:func:`semivisible.scan.volume.scan_volume`).
VOLUME = "ma-eps-alpha_d-splitting"

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
    from semivisible.scan.volume import VolumeResult, scan_volume

__all__ = [
    "DEFAULT_SPLITTING_NODES",
    "EXECUTORS",
    "VOLUME",
    "X_AXES",
    "Y_AXES",
    "Checkpoint",
    "ScanResult",
    "VolumeResult",
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
    "scan_volume",
]

_FROM_EXECUTORS = {"EXECUTORS", "Checkpoint", "run_columns"}
_FROM_VOLUME = {"VolumeResult", "scan_volume"}


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = "executors" if name in _FROM_EXECUTORS else "volume" if name in _FROM_VOLUME else "plane"
        return getattr(importlib.import_module(f"semivisible.scan.{module}"), name)
    raise AttributeError(f"module 'semivisible.scan' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
