r"""Four-dimensional scans: every combination of m_A', eps, alpha_D and Delta/m_chi1 (m_A'/m_chi1 fixed).

A plane (:func:`semivisible.scan.plane.scan_plane`) fixes two of the four parameters; :func:`scan_volume` scans
them all at once, on a grid of up to :data:`MAX_POINTS` points, with the same engine:

1. **Node tables.** Signal tables are built on a node grid in (m_A', Delta/m_chi1) (:class:`semivisible.signal.
   grid.SignalGrid`): ``mass_nodes`` log-spaced masses times ``splitting_nodes`` linear splittings spanning the
   axes. One task builds half the splitting nodes of one mass (the mass's production table is made once where
   the workers share a cache directory, twice at most where they do not). The
   tasks run on the chosen executor (serial, local processes, or a Dask cluster) and *return* their tables in
   compact form (the lambda tables, about 20 kB; the per-event arrays stay behind), so the client never builds
   a table itself, whatever the workers' cache directories are. Workers that share ``SEMIVISIBLE_CACHE_DIR``
   also reuse each other's tables.
2. **Reweighting.** Every point is then a reweighting of the node tables in lambda = 1/(c tau) (eps and alpha_D
   change only the chi2 lifetime, the A' branching ratio and eps^2) and an interpolation between nodes, done
   on the client, vectorised over the (eps, alpha_D, splitting) block of each mass.
3. **Statistics.** CLs of (S1, S2) for every point (:meth:`semivisible.search.Search.cls`).

The tables are seeded by their inputs, so the result does not depend on the executor or the number of workers
(``tests/scan/test_volume.py`` checks serial, processes and Dask against each other, bit for bit).

**On a cluster.** Each worker needs semivisible installed (the same version: the tables' cache keys carry it)
and nothing else: the experiment file travels with the task as a path plus its content hash, so the file must be
at that path on the worker too (a shipped experiment always is; for your own file, use a shared filesystem).
A task sends about 200 bytes (masses, path, hash, settings) and returns ``splitting_nodes`` tables of about
20 kB each; the point evaluation never leaves the client (1e5 points take about a second there). The work is
2 ``mass_nodes`` tasks of about ``splitting_nodes``/2 x 0.1 s each (at the default 30 000 events), so a scan
scales to about twice as many workers as it has mass nodes.

Examples
--------
>>> import numpy as np
>>> from semivisible.experiments import DEFAULT_EXPERIMENT
>>> from semivisible.search import Search
>>> vol = scan_volume(Search.load(DEFAULT_EXPERIMENT), ma=[0.1, 0.2], eps=[1e-3, 1e-2], alpha_d=[0.1, 0.5],
...                   splitting=[0.2, 0.4], max_events=2000, mass_nodes=2, splitting_nodes=2, workers=1)
>>> vol.cls.shape
(2, 2, 2, 2)
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_int, check_real
from semivisible.io.cache import atomic_write_bytes, atomic_write_text
from semivisible.model.dark_sector import ALPHA_D_RANGE, BENCHMARK_RATIO, EPS_RANGE
from semivisible.scan import VOLUME
from semivisible.scan.executors import check_execution, default_workers, map_jobs
from semivisible.search import Search
from semivisible.signal.grid import NodeJob, SignalGrid, build_node_table
from semivisible.signal.semivisible import SignalTable
from semivisible.stats.cls import check_cl

__all__ = ["AXES", "MAX_POINTS", "VOLUME", "VolumeResult", "build_node_group", "scan_volume"]

FloatArray = NDArray[np.float64]

#: The four axes of a volume scan, in the order of the result's array dimensions.
AXES: tuple[str, ...] = ("ma", "eps", "alpha_d", "splitting")
assert "-".join(AXES) == VOLUME
#: The largest grid :func:`scan_volume` accepts (the arrays stay in memory: 10^7 points use about 0.4 GB).
MAX_POINTS = 10_000_000
#: Node tables are thinned to this many A' unless ``max_events`` says otherwise (as scan_plane with a splitting axis).
DEFAULT_MAX_EVENTS = 30_000


@dataclass(frozen=True)
class VolumeResult:
    """S1, S2 and CLs on the grid ``ma`` x ``eps`` x ``alpha_d`` x ``splitting`` (arrays of that shape)."""

    ma: FloatArray
    eps: FloatArray
    alpha_d: FloatArray
    splitting: FloatArray
    s1: FloatArray
    s2: FloatArray
    cls: FloatArray
    cl: float
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        """(n_ma, n_eps, n_alpha_d, n_splitting)."""
        return tuple(int(v) for v in self.cls.shape)

    @property
    def excluded(self) -> NDArray[np.bool_]:
        """CLs < 1 - cl at every point."""
        return np.asarray(self.cls < 1.0 - self.cl)

    def summary(self) -> dict[str, Any]:
        """The axes, the settings and, for each (alpha_D, splitting), the excluded fraction of the (m_A', eps)
        plane: what ``semivisible scan`` writes as ``volume.json``."""
        frac = self.excluded.mean(axis=(0, 1))
        return {
            "axes": {name: getattr(self, name).tolist() for name in AXES},
            "shape": list(self.shape),
            "points": int(self.cls.size),
            "cl": self.cl,
            "excluded_points": int(self.excluded.sum()),
            "excluded_fraction_of_ma_eps_plane": frac.tolist(),
            "meta": self.meta,
        }

    def to_json(self, path: str | Path) -> None:
        """:meth:`summary` as JSON (written atomically)."""
        atomic_write_text(path, json.dumps(self.summary(), indent=2))

    def to_csv(self, path: str | Path) -> None:
        """One row per point: ma_GeV, eps, alpha_d, splitting, s1, s2, cls, excluded (written atomically)."""
        grids = np.meshgrid(self.ma, self.eps, self.alpha_d, self.splitting, indexing="ij")
        columns = [g.ravel() for g in grids] + [self.s1.ravel(), self.s2.ravel(), self.cls.ravel()]
        table = np.column_stack(columns)
        lines = ["ma_GeV,eps,alpha_d,splitting,s1,s2,cls,excluded"]
        flags = self.excluded.ravel()
        lines += [",".join(f"{v:.8g}" for v in row) + f",{int(ex)}" for row, ex in zip(table, flags, strict=True)]
        atomic_write_text(path, "\n".join(lines) + "\n")

    def to_npz(self, path: str | Path) -> None:
        """The axes and the S1, S2, CLs arrays as a NumPy ``.npz`` (written atomically)."""
        import io

        buf = io.BytesIO()
        arrays = {name: getattr(self, name) for name in (*AXES, "s1", "s2", "cls")}
        np.savez(buf, **arrays, cl=np.array(self.cl))
        atomic_write_bytes(path, buf.getvalue())


def _axis(name: str, values: ArrayLike, low: float, high: float, **kwargs: Any) -> FloatArray:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=np.float64))
    except (TypeError, ValueError):
        raise ParameterError(name, values, "a 1-D array of numbers") from None
    if arr.ndim != 1 or arr.size < 1:
        raise ParameterError(name, arr.shape, "a 1-D array of at least one value")
    check_real(name, arr, low, high, **kwargs)
    if arr.size > 1 and np.any(np.diff(arr) <= 0):
        raise ParameterError(name, arr.tolist(), "strictly increasing values")
    return arr


def _compact(node: SignalTable | float) -> SignalTable | float:
    """A node table without its per-event arrays (what a task sends back: the lambda tables only)."""
    return dataclasses.replace(node, decay_fractions_weights={}) if isinstance(node, SignalTable) else node


def build_node_group(jobs: list[NodeJob]) -> list[SignalTable | float]:
    """The node tables of ``jobs`` (one mass, some of its splittings), compact: the task of a volume scan (module level,
    so that it runs in other processes)."""
    return [_compact(build_node_table(job)) for job in jobs]


def _runner(
    run: dict[str, Any], progress: Callable[[int, int], None] | None
) -> Callable[[list[NodeJob]], list[SignalTable | float]]:
    """Build node tables with :func:`map_jobs` (``run``: its executor options), half the splitting nodes of one
    mass a task; the tables come back to the client."""

    def runner(jobs: list[NodeJob]) -> list[SignalTable | float]:
        # The first halves of every mass go first, so that the second half of a mass finds its production table in
        # a shared cache; and twice as many tasks as masses leave less idle time at the end.
        by_mass: dict[float, list[int]] = {}
        for k, job in enumerate(jobs):
            by_mass.setdefault(job[0], []).append(k)
        halves = [(idx[: (len(idx) + 1) // 2], idx[(len(idx) + 1) // 2 :]) for idx in by_mass.values()]
        order = [h[0] for h in halves] + [h[1] for h in halves if h[1]]
        out: dict[int, SignalTable | float] = {}

        def on_result(index: int, tables: list[SignalTable | float]) -> None:
            out.update(zip(order[index], tables, strict=True))
            if progress is not None:
                progress(len(out), len(jobs))

        map_jobs(build_node_group, [[jobs[k] for k in idx] for idx in order], on_result, **run)
        return [out[k] for k in range(len(jobs))]

    return runner


def scan_volume(
    search: Search,
    *,
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    splitting: ArrayLike,
    ratio: float = BENCHMARK_RATIO,
    cl: float = 0.9,
    no_systematics: bool = False,
    max_events: int | None = DEFAULT_MAX_EVENTS,
    mass_nodes: int | None = None,
    splitting_nodes: int = 8,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> VolumeResult:
    """S1, S2 and CLs at every point of ``ma`` x ``eps`` x ``alpha_d`` x ``splitting`` (module docstring).

    Args:
        search: the experiment (an active dump with S1/S2 signatures, such as NA64), resolved once.
        ma: m_A' values, GeV (increasing). eps, alpha_d, splitting: the values of eps, alpha_D and
            Delta/m_chi1 (each increasing; splitting in (0, ratio - 2)).
        ratio: m_A'/m_chi1 (fixed).
        cl, no_systematics: as :func:`semivisible.scan.plane.scan_plane`.
        max_events: thin each node table to this many A' (None: the full production table).
        mass_nodes: m_A' nodes of the tables (default: 12 per decade of the m_A' range, at least 4; 1 for a single
            mass); splitting_nodes: splitting nodes (at least 2 unless a single splitting is scanned).
        executor, workers, scheduler: where the node tables are built (:func:`semivisible.scan.executors.map_jobs`):
            ``"serial"``, ``"processes"`` or ``"dask"``; a ``scheduler`` address (``tcp://host:port``) implies
            Dask on that cluster, else a local cluster of ``workers`` processes.
        progress: ``progress(done, total)`` after each finished group of node tables.

    Raises:
        ParameterError: a bad argument, named with its value and the allowed range, before any work.
    """
    if not isinstance(search, Search):
        raise ParameterError("search", search, "a Search (semivisible.search.Search.load(name_or_path))")
    check_real("ratio", ratio, 2.0, 1e6, low_open=True)
    r = float(ratio)
    m = _axis("ma", ma, 0.0, math.inf, low_open=True, unit="GeV")
    e = _axis("eps", eps, *EPS_RANGE)
    a = _axis("alpha_d", alpha_d, *ALPHA_D_RANGE)
    f = _axis("splitting", splitting, 0.0, r - 2.0, high_open=True)
    check_cl(cl)
    n_points = m.size * e.size * a.size * f.size
    if n_points > MAX_POINTS:
        raise ParameterError("grid", [m.size, e.size, a.size, f.size], f"at most {MAX_POINTS:,} points in all")
    if max_events is not None:
        check_int("max_events", max_events, 100, 100_000_000, numpy_ints=False)
    check_execution(executor, workers, scheduler, numpy_ints=False)
    if progress is not None and not callable(progress):
        raise ParameterError("progress", progress, "None or a function progress(done, total)")
    signal = search.active_signal
    signal.check_ma(m)
    if mass_nodes is None:
        decades = math.log10(m[-1] / m[0]) if m.size > 1 else 0.0
        mass_nodes = 1 if m.size == 1 else max(4, math.ceil(12 * decades) + 1)
    check_int("mass_nodes", mass_nodes, 1 if m.size == 1 else 2, 1000, numpy_ints=False)
    check_int("splitting_nodes", splitting_nodes, 1 if f.size == 1 else 2, 1000, numpy_ints=False)
    n_workers = default_workers() if workers is None else int(workers)
    kind = executor or ("dask" if scheduler else "processes" if n_workers > 1 else "serial")

    ma_nodes = np.array([float(f"{v:.12g}") for v in np.geomspace(m[0], m[-1], mass_nodes)])
    f_nodes = np.linspace(f[0], f[-1], splitting_nodes) if f.size > 1 else f.copy()
    run: dict[str, Any] = {"executor": kind, "workers": n_workers, "scheduler": scheduler}
    runner = _runner(run, progress)
    grid = SignalGrid.build(ma_nodes, f_nodes, search.experiment, ratio=r, max_events=max_events, runner=runner)

    # Every point from the node tables: one vectorised call per mass over the (eps, alpha_D, splitting) block.
    ee, aa, ff = np.meshgrid(e, a, f, indexing="ij")
    s1 = np.empty((m.size, *ee.shape))
    s2 = np.empty_like(s1)
    for i, mv in enumerate(m):
        s1[i], s2[i] = (y.reshape(ee.shape) for y in grid.yields(float(mv), ff.ravel(), ee.ravel(), aa.ravel()))
    cls = search.cls(s1, s2, no_systematics=no_systematics)
    meta = {
        "experiment": search.name,
        "experiment_id": search.identity,
        "ratio": r,
        "max_events": max_events,
        "nodes": {"ma": ma_nodes.tolist(), "splitting": f_nodes.tolist()},
        "interpolation": SignalGrid.METHOD,
        "executor": kind,
        "workers": n_workers if scheduler is None else None,
        "scheduler": scheduler,
        "statistics": "exact multibin CLs (S1, S2), profile likelihood, "
        + ("no systematics" if no_systematics else "background and signal systematics")
        + f", {cl:.0%} CL",
    }
    return VolumeResult(m, e, a, f, s1, s2, np.asarray(cls, dtype=np.float64), float(cl), meta)
