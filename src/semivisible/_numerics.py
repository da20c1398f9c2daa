"""Shared numerical helpers (quadrature rules)."""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

__all__ = ["gauss_legendre_unit"]


@cache
def gauss_legendre_unit(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Gauss-Legendre nodes and weights on [0, 1] (cached per n).

    >>> x, w = gauss_legendre_unit(8)
    >>> round(float(w.sum()), 12), round(float((w * x**7).sum()), 12)  # exact up to degree 15
    (1.0, 0.125)
    """
    x, w = np.polynomial.legendre.leggauss(n)
    return 0.5 * (x + 1.0), 0.5 * w
