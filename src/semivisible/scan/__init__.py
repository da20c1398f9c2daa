"""Parameter-plane scans and exclusion contours.

Examples
--------
>>> from semivisible.scan import cls_n0
>>> round(float(cls_n0(0.0, 0.0)), 3)
1.0
"""

from __future__ import annotations

from semivisible.scan.executors import EXECUTORS, Checkpoint, run_columns
from semivisible.scan.plane import (
    DEFAULT_SPLITTING_NODES,
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
