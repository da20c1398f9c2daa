"""Errors and warnings shared by the whole package.

A :class:`ParameterError` always names the parameter, its value and the allowed range, so that the CLI can
print it as it is and exit with code 2.

Examples
--------
>>> err = ParameterError("eps", -1.0, "eps > 0")
>>> str(err)
'eps = -1.0 is out of range: allowed eps > 0'
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CacheWarning",
    "LandauPoleWarning",
    "ParameterError",
    "SemivisibleWarning",
    "check_broadcast",
    "check_int",
    "check_real",
]


class ParameterError(ValueError):
    """A parameter is outside its allowed range.

    Args:
        name: the parameter's name, spelled as in the Python API, the CLI (with ``-`` for ``_``) and the
            config files.
        value: the value that was given.
        allowed: the allowed range, in words or as an inequality.
    """

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{name} = {value!r} is out of range: allowed {allowed}")


class SemivisibleWarning(UserWarning):
    """Base class of the package's warnings."""


class LandauPoleWarning(SemivisibleWarning):
    """alpha_D is so large that the dark coupling hits a Landau pole below about 1 TeV.

    The bound alpha_D <~ 0.2 is quoted by NA64 (arXiv:2107.02021, refs. [21, 22] there).
    """


class CacheWarning(SemivisibleWarning):
    """A disk-cache entry was damaged (truncated, corrupt, or not what its key promises) and is being rebuilt."""


def check_real(
    name: str,
    value: Any,
    low: float = 0.0,
    high: float = math.inf,
    *,
    low_open: bool = True,
    high_open: bool = False,
    unit: str = "",
    finite: bool = True,
) -> NDArray[np.float64]:
    """``value`` as a float array if every element is a finite real number in the range, else a ParameterError.

    The range is ``low < value <= high`` by default (``low_open``/``high_open`` choose the inequalities); booleans
    and non-numbers are refused, NaN always, infinities unless ``finite`` is False. The message names the first
    offending element.

    >>> check_real("eps", [1e-3, 0.5], 0.0, 1.0).tolist()
    [0.001, 0.5]
    >>> check_real("eps", 2.0, 0.0, 1.0)
    Traceback (most recent call last):
    ...
    semivisible.errors.ParameterError: eps = 2.0 is out of range: allowed 0 < eps <= 1, finite
    """
    lo_op, hi_op = ("<" if low_open else "<="), ("<" if high_open else "<=")
    parts = [] if low == -math.inf else [f"{low:g} {lo_op}"]
    parts.append(name)
    if high != math.inf:
        parts.append(f"{hi_op} {high:g}")
    allowed = " ".join(parts) + (f" {unit}" if unit else "") + (", finite" if finite else "")
    raw = np.asarray(value)
    if raw.dtype == np.bool_ or raw.dtype.kind not in "iuf":
        shown = value if raw.ndim == 0 else raw.ravel()[0].item() if raw.size else value
        raise ParameterError(name, shown, allowed + " (a real number)")
    arr = np.asarray(raw, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = (
            (np.isfinite(arr) if finite else ~np.isnan(arr))
            & ((arr > low) if low_open else (arr >= low))
            & ((arr < high) if high_open else (arr <= high))
        )
    if not np.all(ok):
        bad = arr[~ok].ravel()[0] if arr.ndim else arr
        raise ParameterError(name, float(bad), allowed)
    return arr


def check_int(name: str, value: Any, low: int, high: int, *, numpy_ints: bool = True, shown: str | None = None) -> int:
    """``value`` as an int if it is an integer (a numpy integer too, unless ``numpy_ints`` is False; never a bool)
    with ``low <= value <= high``, else a ParameterError "an integer low <= name <= high" (``shown`` replaces the
    name inside the range).

    >>> check_int("workers", 2, 1, 1024)
    2
    >>> check_int("workers", 0, 1, 1024)
    Traceback (most recent call last):
    ...
    semivisible.errors.ParameterError: workers = 0 is out of range: allowed an integer 1 <= workers <= 1024
    """
    kinds = (int, np.integer) if numpy_ints else (int,)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= int(value) <= high:
        raise ParameterError(name, value, f"an integer {low} <= {shown or name} <= {high}")
    return int(value)


def check_broadcast(names: str, *arrays: NDArray[Any]) -> None:
    """A ParameterError if the arrays' shapes do not broadcast together (numpy rules), naming them.

    >>> check_broadcast("ma, eps", np.zeros(2), np.zeros(3))
    Traceback (most recent call last):
    ...
    semivisible.errors.ParameterError: ma, eps = [(2,), (3,)] is out of range: allowed shapes that broadcast together
    """
    try:
        np.broadcast_shapes(*(np.shape(a) for a in arrays))
    except ValueError:
        raise ParameterError(names, [np.shape(a) for a in arrays], "shapes that broadcast together") from None
