"""Parameter-plane scans and exclusion contours.

Examples
--------
>>> from semivisible.scan import cls_n0
>>> round(float(cls_n0(0.0, 0.0)), 3)
1.0
"""

from __future__ import annotations

from semivisible.scan.plane import (
    ScanResult,
    band_excluded_up_to,
    cls_n0,
    exclusion_contours,
    scan_ma_alpha_d,
    scan_ma_eps,
    scan_mchi1_splitting,
)

__all__ = [
    "ScanResult",
    "band_excluded_up_to",
    "cls_n0",
    "exclusion_contours",
    "scan_ma_alpha_d",
    "scan_ma_eps",
    "scan_mchi1_splitting",
]
