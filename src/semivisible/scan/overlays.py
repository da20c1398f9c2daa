r"""Other experiments' bounds on the plane of a scan: where a beam dump excludes the model, at the plane's own
parameters.

An :class:`Overlay` is a boolean grid on the plane's (x, y) axes (x = m_A' or m_chi1, y = eps, alpha_D or
Delta/m_chi1) with the experiment's name and label. For a beam dump (:mod:`semivisible.signal.beam_dump`) the
semi-visible signal is evaluated with the plane's fixed parameters (eps on the g-2 line where eps is not an
axis) and a point is excluded when it predicts at least the CLs event limit:

* (m_A', eps): one decay table per mass node, all eps at once;
* (m_A', alpha_D) or (m_chi1, alpha_D): one table per mass node, all alpha_D at once;
* (m, Delta/m_chi1): a table per (mass, splitting) node;

then ln(N/N_up) is interpolated bilinearly onto the plane (in ln x and ln y, or y for the splitting).

Examples
--------
>>> import numpy as np
>>> from semivisible.search import Search
>>> ov = beam_dump_overlay("ma", np.geomspace(0.02, 0.3, 4), "eps", np.geomspace(1e-6, 1e-2, 5), Search.load("e137"))
>>> ov.name, ov.excluded.shape
('e137', (4, 5))
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError
from semivisible.io.cache import cached_arrays
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING, DarkSector
from semivisible.search import Search
from semivisible.signal.beam_dump import BeamDumpSignal, build_decay_table
from semivisible.signal.collider import ColliderSignal

__all__ = [
    "OVERLAY_LABELS",
    "Overlay",
    "OverlayJob",
    "beam_dump_overlay",
    "eps_on_g2_line",
    "overlays_in_parallel",
    "submit_overlays",
]

FloatArray = NDArray[np.float64]

#: What the tables behind an overlay were made with (a change of algorithm must not serve an older grid).
_TABLE_ALGORITHMS = {"overlay": 4, "chi2_per_aprime": 4, "chi2_cone": True, "collider_segments": 1}

#: ln(N/N_up) of the nodes that are never computed but interpolated (:func:`refined_nodes`) must be at least this
#: far from 0 at every corner of their coarse cell, all of one sign: the bound is then not within a factor e^2.
REFINE_MARGIN = 2.0

#: ln(N/N_up) taken for "nothing seen" (-inf) when nodes are compared and interpolated.
_FLOOR = -50.0

#: The labels of the bounds as the paper's figures name them.
OVERLAY_LABELS: dict[str, str] = {"e137": "E137", "babar": "BaBar", "nucal": "NuCal", "charm": "CHARM"}


@dataclass(frozen=True)
class Overlay:
    """Where one experiment excludes the plane: ``excluded[i, j]`` at (x[i], y[j]), with the inputs in ``meta``."""

    name: str
    label: str
    x_name: str
    y_name: str
    x: FloatArray
    y: FloatArray
    excluded: NDArray[np.bool_]
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: name, label, axes, the excluded grid (0/1) and the inputs."""
        return {
            "name": self.name,
            "label": self.label,
            "x_name": self.x_name,
            "y_name": self.y_name,
            "x": self.x.tolist(),
            "y": self.y.tolist(),
            "excluded": self.excluded.astype(int).tolist(),
            "meta": self.meta,
        }


def _coarse_indices(n: int) -> list[int]:
    """Every other index of 0..n-1, and the last."""
    return sorted(set(range(0, n, 2)) | {n - 1})


def _bracket(i: int, computed: list[int]) -> tuple[int, int, float]:
    """The computed indices around i and the weight of the upper one (uniform node spacing)."""
    hi = next(k for k in computed if k >= i)
    lo = max(k for k in computed if k <= i)
    return lo, hi, 0.0 if hi == lo else (i - lo) / (hi - lo)


def _finite(values: ArrayLike) -> FloatArray:
    """ln(N/N_up) with "nothing seen" (-inf, or any non-finite value) taken as ``_FLOOR``."""
    v = np.asarray(values, dtype=np.float64)
    return np.asarray(np.where(np.isfinite(v), v, _FLOOR))


def _settled(corners: FloatArray, margin: float, axis: int | None = None) -> NDArray[np.bool_]:
    """Whether ln(N/N_up) at the corners of a coarse cell is of one sign and at least ``margin`` from 0."""
    return np.asarray(np.all(corners > margin, axis=axis) | np.all(corners < -margin, axis=axis))


def refined_nodes(
    value: Callable[[int, int], float], n_x: int, n_y: int, *, margin: float = REFINE_MARGIN
) -> FloatArray:
    """ln(N/N_up) on ``n_x`` x ``n_y`` nodes (``value(i, j)``), computed only where the bound can be near.

    Adaptive refinement: every other node in each direction (and the last) is computed first. A node in between
    is computed only when its coarse cell could hold the edge of the region: its corners are not all of one sign,
    or one is within ``margin`` of 0 (N within a factor e^margin of N_up). Elsewhere it is interpolated linearly
    (in node index: the nodes are uniform in ln m and in the splitting) from the corners, with the same sign, so
    that the region and its edge are those of the full grid. "Nothing seen" (-inf) counts as ``_FLOOR``.

    >>> calls = []
    >>> def v(i: int, j: int) -> float:
    ...     calls.append((i, j))
    ...     return float(i - 5)  # the edge lies at i = 5
    >>> grid = refined_nodes(v, 21, 3)
    >>> bool(np.all(grid[:, 1] == np.arange(21) - 5.0)), len(calls), 21 * 3
    (True, 33, 63)
    """
    grid = np.full((n_x, n_y), np.nan)
    exact = np.zeros((n_x, n_y), dtype=bool)

    def compute(i: int, j: int) -> None:
        grid[i, j] = float(_finite(value(i, j)))
        exact[i, j] = True

    xs, ys = _coarse_indices(n_x), _coarse_indices(n_y)
    for i in xs:
        for j in ys:
            compute(i, j)
    for i in range(n_x):
        i0, i1, ti = _bracket(i, xs)
        for j in range(n_y):
            if not exact[i, j]:
                j0, j1, tj = _bracket(j, ys)
                corners = grid[np.ix_([i0, i1], [j0, j1])]
                if _settled(corners, margin):
                    w = np.array([[(1 - ti) * (1 - tj), (1 - ti) * tj], [ti * (1 - tj), ti * tj]])
                    grid[i, j] = float((w * corners).sum())
                else:
                    compute(i, j)
    # The plane is interpolated bilinearly between nodes: every cell the edge crosses (corners of both signs) must
    # have all four corners computed, so that the edge lies where the full grid puts it.
    while True:
        pos = grid >= 0.0
        quad = (pos[:-1, :-1], pos[1:, :-1], pos[:-1, 1:], pos[1:, 1:])
        mixed = np.logical_or.reduce(quad) & ~np.logical_and.reduce(quad)
        touch = np.zeros_like(exact)
        for di in (0, 1):
            for dj in (0, 1):
                touch[di : n_x - 1 + di, dj : n_y - 1 + dj] |= mixed
        todo = np.argwhere(touch & ~exact)
        if not todo.size:
            return grid
        for i, j in todo:
            compute(int(i), int(j))


def refined_columns(column: Callable[[int], FloatArray], n_x: int, *, margin: float = REFINE_MARGIN) -> FloatArray:
    """ln(N/N_up) on ``n_x`` node columns (``column(i)``: one table answers every y), with the refinement of
    :func:`refined_nodes` along x: a column between two computed ones is interpolated only if, at every y, both
    are of one sign and at least ``margin`` from 0 (as where the experiment sees nothing at all)."""
    cols: dict[int, FloatArray] = {}
    xs = _coarse_indices(n_x)
    for i in xs:
        cols[i] = _finite(column(i))
    for i in range(n_x):
        if i not in cols:
            i0, i1, ti = _bracket(i, xs)
            pair = np.stack([cols[i0], cols[i1]])
            if bool(np.all(_settled(pair, margin, axis=0))):
                cols[i] = (1 - ti) * pair[0] + ti * pair[1]
            else:
                cols[i] = _finite(column(i))
    return np.stack([cols[i] for i in range(n_x)])


def eps_on_g2_line(ma: float, reference: str) -> float:
    """The central g-2 eps of ``reference`` at m_A' (GeV), or nan where it is not a value in (0, 1]."""
    from semivisible.cosmo.g2 import g2_band

    eps = float(g2_band(ma, reference).eps_central)
    return eps if math.isfinite(eps) and 0 < eps <= 1 else math.nan


def beam_dump_overlay(
    x_name: str,
    x: ArrayLike,
    y_name: str,
    y: ArrayLike,
    search: Search,
    *,
    eps: float | str = "g2",
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    reference: str = "wp2020-world2021",
    cl: float = 0.9,
    coarse: tuple[int, int] = (40, 8),
    max_rows: int | None = 30_000,
    refine: float | None = REFINE_MARGIN,
    use_cache: bool = True,
) -> Overlay:
    """The semi-visible bound of a beam dump or a collider recast on the plane (x_name, y_name) (arguments as
    :func:`semivisible.scan.plane.scan_plane`) = (``ma`` or ``mchi1``, ``eps``,
    ``alpha_d`` or ``splitting``), at the fixed ``alpha_d``, ``ratio`` (m_A'/m_chi1), ``splitting``
    (Delta/m_chi1) and ``eps`` (a number, or ``"g2"``: the central g-2 value of ``reference`` at each m_A').

    Decay tables are built on ``coarse`` = (x nodes, splitting nodes; half the x nodes plus 4 on the splitting
    plane, whose tables have their production rows thinned to ``max_rows``, None: all), and ln(N/N_up) is
    interpolated onto the plane. Node tables far from the edge of the region are skipped and their values
    interpolated (:func:`refined_nodes`, with ``refine`` as the margin in ln(N/N_up); None builds every node).
    For a collider, ln of eps^2 BR P_undetected/eps_inv^2 (:mod:`semivisible.signal.
    collider`) takes the place of ln(N/N_up). The finished grid is cached on disk by all of these inputs and the
    experiment's identity (``use_cache``)."""
    if not isinstance(search, Search) or not isinstance(search.signal, BeamDumpSignal | ColliderSignal):
        raise ParameterError("search", getattr(search, "name", search), "the Search of a beam-dump or collider")
    if x_name not in ("ma", "mchi1") or y_name not in ("eps", "alpha_d", "splitting"):
        raise ParameterError("plane", f"{x_name}-{y_name}", "x in ma, mchi1 and y in eps, alpha_d, splitting")
    bad_eps = eps != "g2" if isinstance(eps, str) else not 0 < float(eps) <= 1
    if bad_eps:
        raise ParameterError("eps", eps, "'g2' (the central g-2 value at each m_A') or a number in (0, 1]")
    if refine is not None and not (isinstance(refine, int | float) and refine > 0):
        raise ParameterError("refine", refine, "None (every node) or a margin > 0 in ln(N/N_up)")
    margin = math.inf if refine is None else float(refine)
    signal = search.signal
    xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    n_up = signal.n_up(cl) if isinstance(signal, BeamDumpSignal) else 1.0
    lo_m, hi_m = signal.ma_range_gev

    def ma_of(xv: float, f: float) -> float:
        return xv if x_name == "ma" else ratio * xv

    def log_ratio(xv: float, f: float, eps_v: FloatArray, ad: FloatArray) -> FloatArray:
        """ln(N/N_up) at one mass and splitting for arrays of eps and alpha_D (-inf where nothing is seen)."""
        ma = ma_of(xv, f)
        out = np.full(np.broadcast(eps_v, ad).shape, -np.inf)
        if not lo_m < ma < hi_m:
            return out
        # The table does not depend on alpha_D (the events are rescaled to each value).
        point = DarkSector.build(ma, 1e-3, BENCHMARK_ALPHA_D, ratio=ratio, splitting=f)
        ok = np.isfinite(eps_v) & (eps_v > 0)
        if not np.any(ok):
            return out
        if isinstance(signal, ColliderSignal):  # a stable chi2 is invisible: the published limit, times the BR
            e_c, a_c = np.broadcast_arrays(np.where(ok, eps_v, 1e-3), ad)
            r = signal.excess(point, e_c, a_c)
            with np.errstate(divide="ignore"):
                return np.where(np.broadcast_to(ok, r.shape), np.log(np.maximum(r, 0.0)), -np.inf)
        if point.chi2_stable:
            return out
        thin = max_rows if y_name == "splitting" else None  # many tables there: thinned; one per mass elsewhere
        table = build_decay_table("semivisible", point, search.experiment, max_rows=thin)
        e_b, a_b = np.broadcast_arrays(np.where(ok, eps_v, 1e-3), ad)
        n = signal.semivisible(point, e_b, a_b, table=table).events
        with np.errstate(divide="ignore"):
            return np.where(np.broadcast_to(ok, n.shape), np.log(np.maximum(n, 0.0) / n_up), -np.inf)

    fixed_eps = None if isinstance(eps, str) else float(eps)

    def eps_for(ma: float) -> float:
        return fixed_eps if fixed_eps is not None else eps_on_g2_line(ma, reference)

    def build() -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
        # Tables on coarse nodes in x (and in the splitting), ln(N/N_up) interpolated onto the plane in (ln x, ln y), or
        # (ln x, y) for the linear splitting axis.
        cx = np.geomspace(xa.min(), xa.max(), min(coarse[0] if y_name != "splitting" else coarse[0] // 2 + 4, xa.size))
        # Tables are built only where the edge of the region can be (refined_nodes, refined_columns).
        if y_name == "eps":
            coarse_grid = refined_columns(
                lambda i: log_ratio(cx[i], splitting, ya, np.full_like(ya, alpha_d)), cx.size, margin=margin
            )
            cy, y_coord = ya, np.log(ya)
        elif y_name == "alpha_d":
            coarse_grid = refined_columns(
                lambda i: log_ratio(cx[i], splitting, np.full_like(ya, eps_for(ma_of(cx[i], splitting))), ya),
                cx.size,
                margin=margin,
            )
            cy, y_coord = ya, np.log(ya)
        else:
            cy = np.linspace(ya.min(), ya.max(), min(coarse[1], ya.size))

            def node(i: int, j: int) -> float:
                f = float(cy[j])
                return float(log_ratio(cx[i], f, np.array([eps_for(ma_of(cx[i], f))]), np.array([alpha_d]))[0])

            coarse_grid = refined_nodes(node, cx.size, cy.size, margin=margin)
            y_coord = ya
        from scipy.interpolate import RegularGridInterpolator

        node_y = np.log(cy) if y_name != "splitting" else cy
        interp = RegularGridInterpolator((np.log(cx), node_y), coarse_grid, bounds_error=False, fill_value=None)
        xx, yy = np.meshgrid(np.log(xa), y_coord, indexing="ij")
        grid = interp(np.stack([xx.ravel(), yy.ravel()], axis=1)).reshape(xx.shape)
        return {"excluded": np.asarray(grid >= 0.0, dtype=np.float64)}, {}

    inputs = {"experiment": search.identity, "x_name": x_name, "x": xa.tolist(), "y_name": y_name, "y": ya.tolist(),
              "eps": eps if isinstance(eps, str) else float(eps), "alpha_d": alpha_d, "ratio": ratio,
              "splitting": splitting, "reference": reference, "cl": cl, "coarse": list(coarse), "max_rows": max_rows,
              "refine": refine,
              "tables": _TABLE_ALGORITHMS}  # fmt: skip
    arrays, _ = cached_arrays("overlay", inputs, build, use_cache=use_cache)
    excluded = np.asarray(arrays["excluded"] > 0.5)
    meta = {"experiment": search.name, "mode": "semivisible", "kind": search.kind, "alpha_d": alpha_d, "ratio": ratio,
            "splitting": splitting, "eps": eps if isinstance(eps, str) else float(eps), "reference": reference,
            "cl": cl, "n_up": n_up}  # fmt: skip
    name = search.name
    return Overlay(name, OVERLAY_LABELS.get(name, name), x_name, y_name, xa, ya, excluded, meta)


#: One overlay for a worker process: (experiment name or path, its identity, x name, x values, y name, y values, and
#: the keyword arguments of :func:`beam_dump_overlay`). Only names, numbers and lists cross the process boundary.
OverlayJob = tuple[str, str, str, list[float], str, list[float], dict[str, Any]]


def _overlay_job(job: OverlayJob) -> Overlay:
    name, identity, x_name, x, y_name, y, options = job
    search = Search.load(name)
    if search.identity != identity:
        raise ParameterError("experiment", name, "the file the job was made for (it changed on disk)")
    return beam_dump_overlay(x_name, np.asarray(x), y_name, np.asarray(y), search, **options)


def submit_overlays(jobs: list[OverlayJob], workers: int) -> Callable[[], list[Overlay]]:
    """Hand ``jobs`` to ``workers`` local processes now (in this process, later, for 1); the returned callable waits
    for the overlays, in the jobs' order. The finished grids land in the shared disk cache too."""
    if workers <= 1 or len(jobs) < 2:
        return lambda: [_overlay_job(job) for job in jobs]
    from semivisible.scan.executors import _process_pool

    futures = [_process_pool(workers).submit(_overlay_job, job) for job in jobs]
    return lambda: [f.result() for f in futures]


def overlays_in_parallel(jobs: list[OverlayJob], workers: int, *, meanwhile: Any = None) -> tuple[list[Overlay], Any]:
    """The overlays of ``jobs`` on ``workers`` local processes (:func:`submit_overlays`); ``meanwhile`` (a callable)
    runs in this process while the workers work, and its result is returned second."""
    collect = submit_overlays(jobs, workers)
    other = meanwhile() if meanwhile is not None else None
    return collect(), other
