r"""Curves drawn on a plane beside the scanned exclusion: the thermal-relic line at the plane's own parameters, and
the outline of another experiment's excluded region.

**The relic line.** chi1 is all of the dark matter (Omega h^2 = 0.120) where eps = eps_relic(m_A', alpha_D, ratio,
Delta) (:func:`semivisible.cosmo.relic.relic_line`). On the (m_A', eps) plane that is the line itself; on a plane
with eps on the central g-2 value (the paper's Fig. 5) it is the level line

    ln eps_relic(m_A'; alpha_D or Delta) - ln eps_g2(m_A') = 0

of a grid of relic solutions (``nodes`` = masses x the other axis), found by marching squares in (ln x, ln y).
The pieces of a line are joined with nan between them, as matplotlib draws them.

Examples
--------
>>> import numpy as np
>>> x, y = relic_on_plane("ma", np.geomspace(0.02, 1.0, 50), "eps", np.geomspace(1e-5, 3e-2, 50))
>>> bool(np.all((y > 1e-5) & (y < 1e-1)))
True
"""

from __future__ import annotations

import warnings

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.cosmo.g2 import DEFAULT_REFERENCE
from semivisible.cosmo.relic import relic_line
from semivisible.errors import LandauPoleWarning, ParameterError
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING
from semivisible.scan.overlays import eps_on_g2_line
from semivisible.scan.plane import level_lines

__all__ = ["joined", "outline", "relic_on_plane"]

FloatArray = NDArray[np.float64]


def joined(lines: list[FloatArray]) -> tuple[FloatArray, FloatArray]:
    """(x, y) of several (N, 2) lines, with nan between them (empty arrays for none)."""
    if not lines:
        return np.zeros(0), np.zeros(0)
    parts: list[FloatArray] = []
    for k, line in enumerate(lines):
        if k:
            parts.append(np.full((1, 2), np.nan))
        parts.append(np.asarray(line, dtype=np.float64))
    both = np.concatenate(parts)
    return both[:, 0], both[:, 1]


def outline(x: ArrayLike, y: ArrayLike, excluded: ArrayLike) -> list[FloatArray]:
    """The boundary lines of a boolean region on a (len(x), len(y)) grid, as (N, 2) arrays."""
    grid = np.asarray(excluded, dtype=np.float64)
    if not grid.any() or grid.all():
        return []
    return level_lines(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), grid, 0.5)


def relic_on_plane(
    x_name: str,
    x: ArrayLike,
    y_name: str,
    y: ArrayLike,
    *,
    eps: float | str = "g2",
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    reference: str = DEFAULT_REFERENCE,
    nodes: tuple[int, int] = (30, 10),
    use_cache: bool = True,
) -> tuple[FloatArray, FloatArray]:
    """The thermal-relic line on the plane (x_name, y_name) = (``ma`` or ``mchi1``, ``eps``, ``alpha_d`` or
    ``splitting``) over the ranges of ``x`` and ``y``, at the fixed parameters (where eps is not an axis: ``eps``, a
    number or ``"g2"``, the central g-2 value of ``reference``); returns (x, y) with nan between pieces (module
    docstring).

    Raises:
        ParameterError: a plane that is not one of those, or fewer than 3 nodes on an axis.
    """
    if x_name not in ("ma", "mchi1") or y_name not in ("eps", "alpha_d", "splitting"):
        raise ParameterError("plane", f"{x_name}-{y_name}", "x in ma, mchi1 and y in eps, alpha_d, splitting")
    if len(nodes) != 2 or min(nodes) < 3:
        raise ParameterError("nodes", nodes, "two node counts >= 3")
    if (eps != "g2") if isinstance(eps, str) else not 0 < float(eps) <= 1:
        raise ParameterError("eps", eps, "'g2' (the central g-2 value at each m_A') or a number in (0, 1]")
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    to_ma = 1.0 if x_name == "ma" else ratio
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LandauPoleWarning)  # alpha_D > 0.2 is on the plane's axis, on purpose
        if y_name == "eps":
            xs = np.geomspace(xa.min(), xa.max(), max(nodes[0], 3) * 3)
            line, _ = relic_line(xs * to_ma, alpha_d, ratio, splitting, use_cache=use_cache)
            inside = (line >= ya.min()) & (line <= ya.max())
            return xs, np.where(inside, line, np.nan)
        cx = np.geomspace(xa.min(), xa.max(), nodes[0])
        if y_name == "alpha_d":
            cy = np.geomspace(ya.min(), ya.max(), nodes[1])
            rows = [relic_line(cx * to_ma, float(a), ratio, splitting, use_cache=use_cache)[0] for a in cy]
        else:
            cy = np.linspace(ya.min(), ya.max(), nodes[1])
            rows = [relic_line(cx * to_ma, alpha_d, ratio, float(f), use_cache=use_cache)[0] for f in cy]
    if isinstance(eps, str):  # the central g-2 value at each m_A' (nan where there is none)
        fixed = np.array([eps_on_g2_line(float(m), reference) for m in cx * to_ma])
    else:
        fixed = np.full(cx.size, float(eps))
    z = np.log(np.stack(rows, axis=1)) - np.log(fixed)[:, None]
    z = np.where(np.isfinite(z), z, 50.0)  # no g-2 value there: no crossing
    return joined(level_lines(cx, cy, z, 0.0))
