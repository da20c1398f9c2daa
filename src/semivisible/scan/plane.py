"""Parameter-plane scans: signal yields, CLs and exclusion contours on a grid.

Any plane of (x, y) with x in {``ma``, ``mchi1``} and y in {``eps``, ``alpha_d``, ``splitting``}, the other
parameters fixed (:func:`scan_plane`); eps can be tied to the central g-2 value at each m_A' (``eps="g2"``), as
in the paper's Fig. 5. A scan is a list of columns, one per x value:

* y = eps or alpha_D: one signal table for the column's masses, every y is a reweighting in lambda = 1/(c tau)
  and BR(A' -> chi1 chi2) (:func:`semivisible.signal.semivisible.signal_yields`);
* y = splitting: every point has its own chi2 mass, so its own (thinned, ``max_events``) signal table.

Columns run serially, in local processes or on Dask (:mod:`semivisible.scan.executors`), with an optional
checkpoint directory that lets a killed scan resume. CLs is the exact multibin (S1, S2) CLs with the
profile-likelihood test statistic and the experiment's background and signal systematics
(:func:`semivisible.stats.cls.cls_of_signal`); for n = 0 and no systematics it is exp(-(S1 + S2))
(:func:`cls_n0`). Exclusion contours are the CLs = 1 - CL level lines of log CLs on the grid in
(log x, log y), interpolated by marching squares (contourpy), so they have no grid staircase and keep
upper edges, lower edges, closed regions and islands. The expected contours (median, 1 and 2 sigma) are the
level lines (S1 + S2)/s_up,exp(f_S1) = 1 of the expected event limits.

Examples
--------
>>> import numpy as np
>>> from semivisible.experiments import DEFAULT_EXPERIMENT
>>> from semivisible.search import Search
>>> search = Search.load(DEFAULT_EXPERIMENT)
>>> res = scan_plane("ma", np.array([0.2, 0.3]), "eps", np.logspace(-4, -2, 5), search, n_primaries=500, workers=1)
>>> res.cls.shape
(2, 5)
>>> res.plane
'ma-eps'
"""

from __future__ import annotations

import functools
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_int
from semivisible.io.cache import atomic_write_text, cache_key, cached_arrays
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING, DarkSector
from semivisible.scan import DEFAULT_SPLITTING_NODES
from semivisible.scan.executors import Checkpoint, default_workers, map_jobs, run_columns
from semivisible.search import Search, evaluate_point
from semivisible.signal.grid import NodeJob, SignalGrid, build_node_table, load_job_experiment, node_is_cached
from semivisible.signal.semivisible import SignalTable
from semivisible.stats.cls import check_cl

__all__ = [
    "DEFAULT_SPLITTING_NODES",
    "EXPECTED_NAMES",
    "X_AXES",
    "Y_AXES",
    "ScanResult",
    "band_excluded_up_to",
    "cls_n0",
    "default_axis",
    "evaluate_point",
    "excluded_up_to_along_x",
    "exclusion_contours",
    "expected_contours",
    "level_lines",
    "parse_plane",
    "scan_ma_alpha_d",
    "scan_ma_eps",
    "scan_mchi1_splitting",
    "scan_plane",
]

FloatArray = NDArray[np.float64]

#: The x axes of a plane (GeV): the A' mass, or the chi1 mass with m_A' = ratio * m_chi1.
X_AXES: tuple[str, ...] = ("ma", "mchi1")
#: The y axes of a plane: the kinetic mixing, the dark coupling, or Delta/m_chi1.
Y_AXES: tuple[str, ...] = ("eps", "alpha_d", "splitting")
_COLUMN_NAMES = {"ma": "ma_GeV", "mchi1": "mchi1_GeV", "eps": "eps", "alpha_d": "alpha_d", "splitting": "splitting"}


def cls_n0(s1: ArrayLike, s2: ArrayLike) -> FloatArray:
    """CLs of a signal (s1, s2) for 0 observed events in both bins, no systematics: exp(-(s1 + s2)).

    >>> round(float(cls_n0(1.0, 1.302585)), 6)
    0.1
    """
    return np.asarray(np.exp(-(np.asarray(s1, dtype=np.float64) + np.asarray(s2, dtype=np.float64))))


def level_lines(x: FloatArray, y: FloatArray, z: FloatArray, level: float) -> list[FloatArray]:
    """The z = level lines of a (len(x), len(y)) grid, by marching squares in (log x, log y), as (N, 2) arrays of
    (x, y)."""
    import contourpy

    gen = contourpy.contour_generator(np.log(x), np.log(y), np.asarray(z).T, name="serial")  # z[y, x]
    return [np.exp(np.asarray(line)) for line in gen.lines(level) if len(line) > 1]


def exclusion_contours(x: FloatArray, y: FloatArray, cls: FloatArray, cl: float = 0.9) -> list[FloatArray]:
    """The CLs = 1 - cl lines of a (len(x), len(y)) grid, as (N, 2) arrays of (x, y), found in log-log space.

    >>> x, y = np.logspace(-2, 0, 20), np.logspace(-5, -2, 30)
    >>> cls = np.exp(-1e5 * y[None, :] ** 2 / x[:, None])  # excluded above a line eps ~ sqrt(m)
    >>> lines = exclusion_contours(x, y, cls)
    >>> len(lines) >= 1
    True
    """
    return level_lines(x, y, np.log(np.clip(cls, 1e-300, None)), math.log(1.0 - cl))


def expected_contours(x: FloatArray, y: FloatArray, expected_ratio: FloatArray) -> dict[str, list[FloatArray]]:
    """The expected exclusion lines: (S1 + S2)/s_up,exp = 1 at the median and the 1 and 2 sigma band edges.

    ``expected_ratio[..., k]`` is the signal over the expected limit at :data:`semivisible.stats.cls.BAND_LEVELS`
    ``[k]`` (-2, -1, 0, +1, +2 sigma); the keys are ``"-2sigma"``, ..., ``"median"``, ..., ``"+2sigma"``.
    """
    z = np.log(np.clip(expected_ratio, 1e-300, None))
    return {name: level_lines(x, y, z[..., k], 0.0) for k, name in enumerate(EXPECTED_NAMES)}


#: Names of the expected-limit levels, in the order of :data:`semivisible.stats.cls.BAND_LEVELS`.
EXPECTED_NAMES: tuple[str, ...] = ("-2sigma", "-1sigma", "median", "+1sigma", "+2sigma")


@dataclass
class ScanResult:
    """A scanned plane: axes, yields, CLs, exclusion flags and contours, with the inputs in ``meta``."""

    plane: str
    x_name: str
    y_name: str
    x: FloatArray
    y: FloatArray
    s1: FloatArray
    s2: FloatArray
    cls: FloatArray
    cl: float
    contours: list[FloatArray] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    expected_ratio: FloatArray | None = None
    expected: dict[str, list[FloatArray]] = field(default_factory=dict)

    @property
    def excluded(self) -> NDArray[np.bool_]:
        """CLs < 1 - cl on the grid."""
        return np.asarray(self.cls < 1.0 - self.cl)

    @property
    def expected_excluded(self) -> NDArray[np.bool_] | None:
        """Excluded by the median expected limit, (S1 + S2) > s_up,exp(f_S1); None if not computed."""
        return None if self.expected_ratio is None else np.asarray(self.expected_ratio[..., 2] > 1.0)

    def to_records(self) -> list[dict[str, float]]:
        """One dict per grid point."""
        recs = []
        exp_excl = self.expected_excluded
        for i, xv in enumerate(self.x):
            for j, yv in enumerate(self.y):
                rec = {
                    self.x_name: float(xv),
                    self.y_name: float(yv),
                    "s1": float(self.s1[i, j]),
                    "s2": float(self.s2[i, j]),
                    "cls": float(self.cls[i, j]),
                    "excluded": bool(self.cls[i, j] < 1.0 - self.cl),
                }
                if exp_excl is not None:
                    rec["expected_excluded"] = bool(exp_excl[i, j])
                recs.append(rec)
        return recs

    def to_csv(self, path: str | Path, *, extra: dict[str, NDArray[np.bool_]] | None = None) -> None:
        """Write the grid as CSV, one row per point (atomically); ``extra`` adds flag columns on the same grid
        (other experiments' exclusions)."""
        xx, yy = np.meshgrid(self.x, self.y, indexing="ij")
        cols = [xx, yy, self.s1, self.s2, self.cls]
        header = [self.x_name, self.y_name, "s1", "s2", "cls", "excluded"]
        flags = [self.excluded]
        if self.expected_excluded is not None:
            header.append("expected_excluded")
            flags.append(self.expected_excluded)
        for name, flag in (extra or {}).items():
            if np.shape(flag) != xx.shape:
                raise ParameterError(name, np.shape(flag), f"a flag grid of the plane's shape {xx.shape}")
            header.append(name)
            flags.append(np.asarray(flag, dtype=bool))
        buf = io.StringIO()
        data = np.column_stack([c.ravel() for c in cols] + [f.ravel().astype(np.float64) for f in flags])
        fmt = ["%.8g"] * len(cols) + ["%d"] * len(flags)
        np.savetxt(buf, data, fmt=fmt, delimiter=",", header=",".join(header), comments="")
        atomic_write_text(path, buf.getvalue())

    def to_hepdata(self, directory: str | Path, **kwargs: Any) -> list[Path]:
        """Write a HEPData submission (hepdata_lib) with the observed and expected contours and the CLs grid.

        See :func:`semivisible.io.hepdata.write_hepdata` for the keyword arguments and the files written.
        """
        from semivisible.io.hepdata import write_hepdata

        paths: list[Path] = write_hepdata(self, directory, **kwargs)
        return paths

    def to_json(self, path: str | Path, *, extra: dict[str, Any] | None = None) -> None:
        """Write axes, CLs grid, contours and metadata as JSON (atomically); ``extra`` adds keys (never replaces)."""
        payload = {
            "plane": self.plane,
            "x_name": self.x_name,
            "y_name": self.y_name,
            "cl": self.cl,
            "x": self.x.tolist(),
            "y": self.y.tolist(),
            "cls": np.where(np.isfinite(self.cls), self.cls, 0.0).tolist(),
            "s1": self.s1.tolist(),
            "s2": self.s2.tolist(),
            "contours": [c.tolist() for c in self.contours],
            "expected_contours": {k: [c.tolist() for c in v] for k, v in self.expected.items()},
            "meta": self.meta,
        }
        payload.update({k: v for k, v in (extra or {}).items() if k not in payload})
        atomic_write_text(path, json.dumps(payload, separators=(",", ":"), default=str))


#: The largest grid a scan accepts (a 3000 x 3000 plane; its arrays take ~0.5 GB).
_MAX_GRID_POINTS = 9_000_000


def _grid(ma_or_x: ArrayLike, y: ArrayLike, names: str) -> tuple[FloatArray, FloatArray]:
    """The two scan axes as 1-D float arrays of at least 2 values each."""
    try:
        xa = np.asarray(ma_or_x, dtype=np.float64)
        ya = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise ParameterError("grid", (ma_or_x, y), f"two 1-D arrays of numbers for {names}") from None
    if xa.ndim != 1 or ya.ndim != 1 or xa.size < 2 or ya.size < 2:
        raise ParameterError("grid", (xa.shape, ya.shape), f"1-D arrays of at least 2 values for {names}")
    if xa.size * ya.size > _MAX_GRID_POINTS:
        raise ParameterError("grid", (xa.size, ya.size), f"at most {_MAX_GRID_POINTS:,} points ({names})")
    return xa, ya


def _result(
    plane: str,
    names: tuple[str, str],
    axes: tuple[FloatArray, FloatArray],
    s1: FloatArray,
    s2: FloatArray,
    search: Search,
    cl: float,
    no_systematics: bool,
    meta: dict[str, Any],
) -> ScanResult:
    """CLs (exact multibin, :func:`semivisible.stats.cls.cls_of_signal`), contours and the ScanResult."""
    x, y = axes
    cls = search.cls(s1, s2, no_systematics=no_systematics)
    systematics = "no systematics" if no_systematics else "background and signal systematics"
    total = s1 + s2
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(total > 0, s1 / np.where(total > 0, total, 1.0), 0.5)
    s_up_exp = search.event_limits(no_systematics=no_systematics, cl=cl).s_up_expected(f1)
    ratio = total[..., None] / s_up_exp
    return ScanResult(
        plane=plane,
        x_name=names[0],
        y_name=names[1],
        x=x,
        y=y,
        s1=s1,
        s2=s2,
        cls=cls,
        cl=cl,
        contours=exclusion_contours(x, y, cls, cl),
        expected_ratio=ratio,
        expected=expected_contours(x, y, ratio),
        meta={
            "experiment": search.name,
            "experiment_id": search.identity,
            **meta,
            "statistics": f"exact multibin CLs (S1, S2), profile likelihood, {systematics}, {cl:.0%} CL",
        },
    )


@dataclass(frozen=True)
class _Column:
    """One column of a scan: an x value and all the y values, with the fixed parameters (picklable)."""

    x_name: str
    x: float
    y_name: str
    y: tuple[float, ...]
    experiment_path: str  # a job may run in another process: it carries the file and its identity
    experiment_id: str
    eps: float | None  # fixed eps; None: the central g-2 value of ``reference`` at each m_A'
    alpha_d: float
    ratio: float
    splitting: float
    reference: str
    n_primaries: int | None
    max_events: int | None
    channels: tuple[str, ...] | None = None  # the production channels that replace the file's

    def eps_at(self, ma: float) -> float:
        if self.eps is not None:
            return self.eps
        from semivisible.cosmo.g2 import g2_band

        return float(g2_band(ma, self.reference).eps_central)

    def points(self) -> tuple[float, FloatArray, FloatArray, FloatArray]:
        """m_A' of the column and, along its y axis, the splitting, eps and alpha_D (arrays of len(y))."""
        y = np.asarray(self.y, dtype=np.float64)
        ma = self.x if self.x_name == "ma" else self.ratio * self.x

        def along(name: str, fixed: Callable[[], float]) -> FloatArray:
            return y if self.y_name == name else np.full(y.size, fixed())

        return (
            ma,
            along("splitting", lambda: self.splitting),
            along("eps", lambda: self.eps_at(ma)),
            along("alpha_d", lambda: self.alpha_d),
        )


def _column_yields(job: _Column) -> tuple[FloatArray, FloatArray]:
    """S1 and S2 along the y axis of one column (module level, so that it runs in other processes)."""
    signal = Search.load(load_job_experiment(job.experiment_path, job.experiment_id, job.channels)).active_signal
    ma, f, eps, ad = job.points()
    opts = {"n_primaries": job.n_primaries, "max_events": job.max_events}
    if job.y_name == "splitting":  # every point has its own chi2 mass, so its own table
        s1, s2 = np.zeros(f.size), np.zeros(f.size)
        for k in np.nonzero(f < job.ratio - 2.0)[0]:  # else A' -> chi1 chi2 is closed: no signal
            point = DarkSector.build(ma, float(eps[k]), float(ad[k]), ratio=job.ratio, splitting=float(f[k]))
            y = signal.expected(point, eps[k], ad[k], **opts)
            s1[k], s2[k] = float(y.s1), float(y.s2)
        return s1, s2
    point = DarkSector.build(ma, float(eps[0]), float(ad.min()), ratio=job.ratio, splitting=job.splitting)
    y = signal.expected(point, eps, ad, **opts)
    return np.asarray(y.s1), np.asarray(y.s2)


def _node_grid(
    x: FloatArray,
    y: FloatArray,
    job: _Column,
    search: Search,
    mass_nodes: int,
    splitting_nodes: int,
    run: dict[str, Any],
) -> SignalGrid:
    """The :class:`SignalGrid` spanning the plane; node tables are built on the executor, then loaded from the
    disk cache (so the node tables themselves are the checkpoint of this stage)."""
    if mass_nodes < 2 or splitting_nodes < 2:
        raise ParameterError("mass_nodes", (mass_nodes, splitting_nodes), "mass_nodes >= 2 and splitting_nodes >= 2")
    ma = x if job.x_name == "ma" else x * job.ratio
    # Rounded to 12 digits, so that planes over the same m_A' range share nodes (and cached tables) whether
    # their axis is m_A' or m_chi1 = m_A'/ratio.
    ma_nodes = np.array([float(f"{m:.12g}") for m in np.geomspace(ma.min(), ma.max(), mass_nodes)])
    if job.y_name == "splitting":
        top = min(float(y.max()), (job.ratio - 2.0) * (1.0 - 1e-9))
        f_nodes = np.linspace(float(y.min()), top, splitting_nodes)
    else:
        f_nodes = np.array([job.splitting])

    def runner(jobs: list[NodeJob]) -> list[SignalTable | float]:
        if run["executor"] != "serial" or run["scheduler"]:
            missing = [job for job in jobs if not node_is_cached(job)]
            map_jobs(_cache_node, missing, lambda i, r: None, **run)
        return [build_node_table(j) for j in jobs]

    return search.active_signal.grid(ma_nodes, f_nodes, ratio=job.ratio, max_events=job.max_events, runner=runner)


def _cache_node(job: NodeJob) -> None:
    """Build one node table into the disk cache (in a worker; nothing is sent back)."""
    build_node_table(job)


def _column_from_grid(grid: SignalGrid, job: _Column) -> tuple[FloatArray, FloatArray]:
    """One column from the node grid (interpolated; see :class:`SignalGrid`)."""
    ma, f, eps, ad = job.points()
    return grid.yields(ma, f, eps, ad)


def _int_or_none(name: str, value: Any, low: int, high: int) -> None:
    if value is not None:
        check_int(name, value, low, high)


def _check_scan_inputs(
    search: Any,
    x_name: str,
    y_name: str,
    eps: Any,
    alpha_d: Any,
    ratio: Any,
    splitting: Any,
    reference: Any,
    cl: Any,
    n_primaries: Any,
    max_events: Any,
    executor: Any,
    workers: Any,
    scheduler: Any,
    mass_nodes: Any,
    splitting_nodes: Any,
) -> None:
    """Every input of a scan, checked before any work or cache lookup (ParameterError names the first bad one)."""
    from semivisible.cosmo.g2 import get_reference
    from semivisible.errors import check_real
    from semivisible.model.dark_sector import ALPHA_D_RANGE, EPS_RANGE
    from semivisible.scan.executors import check_execution

    if not isinstance(search, Search):
        raise ParameterError("search", search, "a Search (semivisible.search.Search.load(name_or_path))")
    if x_name not in X_AXES:
        raise ParameterError("x_name", x_name, "one of " + ", ".join(X_AXES))
    if y_name not in Y_AXES:
        raise ParameterError("y_name", y_name, "one of " + ", ".join(Y_AXES))
    if isinstance(eps, str):
        if eps != "g2":
            raise ParameterError("eps", eps, "a number in (0, 1], or 'g2' (the central g-2 value at each m_A')")
    else:
        check_real("eps", eps, *EPS_RANGE)
    if np.ndim(alpha_d) or np.ndim(eps if not isinstance(eps, str) else 0) or np.ndim(ratio) or np.ndim(splitting):
        raise ParameterError("alpha_d", alpha_d, "single numbers for the fixed eps, alpha_d, ratio and splitting")
    check_real("alpha_d", alpha_d, *ALPHA_D_RANGE)
    check_real("ratio", ratio, 2.0, 1e6)
    check_real("splitting", splitting, 0.0, float(ratio) - 2.0, high_open=True)
    if not isinstance(reference, str):
        raise ParameterError("reference", reference, "the name of a g-2 reference")
    get_reference(reference)
    check_cl(cl)
    _int_or_none("n_primaries", n_primaries, 100, 2_000_000)
    _int_or_none("max_events", max_events, 100, 100_000_000)
    _int_or_none("mass_nodes", mass_nodes, 2, 1000)
    _int_or_none("splitting_nodes", splitting_nodes, 2, 1000)
    check_execution(executor, workers, scheduler)


def _check_axes(search: Search, x_name: str, xa: FloatArray, y_name: str, ya: FloatArray, ratio: float) -> None:
    """The axis values: finite and positive, in the model's ranges, and m_A' within the experiment's production."""
    from semivisible.errors import check_real
    from semivisible.model.dark_sector import ALPHA_D_RANGE, EPS_RANGE

    check_real(x_name, xa, 0.0, unit="GeV")
    search.active_signal.check_ma(xa if x_name == "ma" else ratio * xa)
    if y_name == "splitting":  # A' -> chi1 chi2 must be open, as for one model point (DarkSector)
        check_real("splitting", ya, 0.0, ratio - 2.0, high_open=True)
    else:
        check_real(y_name, ya, *(EPS_RANGE if y_name == "eps" else ALPHA_D_RANGE))


def scan_plane(
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
    no_systematics: bool = False,
    n_primaries: int | None = None,
    max_events: int | None = None,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    checkpoint: str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    mass_nodes: int | None = None,
    splitting_nodes: int = DEFAULT_SPLITTING_NODES,
    use_cache: bool = True,
) -> ScanResult:
    """Scan the plane (x_name, y_name): x in :data:`X_AXES` (GeV), y in :data:`Y_AXES`, the rest fixed.

    Args:
        x_name, x: ``"ma"`` (m_A') or ``"mchi1"`` (m_chi1, with m_A' = ``ratio`` m_chi1), and its values in GeV.
        y_name, y: ``"eps"``, ``"alpha_d"`` or ``"splitting"`` (Delta/m_chi1), and its values.
        search: the experiment, resolved once (:meth:`semivisible.search.Search.load`).
        eps: the fixed eps when it is not the y axis: a number, or ``"g2"`` for the central g-2 value of
            ``reference`` at each m_A' (the paper's Fig. 5).
        alpha_d, ratio, splitting: the other fixed parameters (benchmark defaults).
        cl: confidence level of the exclusion (0.9).
        no_systematics: drop the background and signal uncertainties from CLs.
        n_primaries, max_events: MC statistics (the experiment's default; ``max_events`` thins the tables).
        executor, workers, scheduler: see :func:`semivisible.scan.executors.run_columns`; no ``workers`` means
            every available core (:func:`semivisible.scan.executors.default_workers`), no ``executor`` local
            processes when ``workers`` > 1, else serial.
        checkpoint: a directory that keeps finished columns, so that a killed scan resumes where it stopped.
        progress: ``progress(done, total)`` after each column.
        mass_nodes: if given, build signal tables only on this many log-spaced m_A' nodes (and, for a splitting
            axis, ``splitting_nodes`` linear nodes) spanning the plane, and interpolate between them
            (:class:`semivisible.signal.grid.SignalGrid`): the fast path for fine grids. None: one table per
            column (per point for a splitting axis).
        use_cache: keep the finished yields in the disk cache, keyed by every input and the package version,
            and reuse them (the production and signal tables are cached regardless).

    The result does not depend on the executor or on a resume (every table is seeded by its inputs).
    """
    _check_scan_inputs(
        search, x_name, y_name, eps, alpha_d, ratio, splitting, reference, cl, n_primaries, max_events, executor,
        workers, scheduler, mass_nodes, splitting_nodes,
    )  # fmt: skip
    if workers is None:
        workers = default_workers()
    if executor is None:
        executor = "processes" if workers > 1 else "serial"
    if progress is not None and not callable(progress):
        raise ParameterError("progress", progress, "None or a function progress(done, total)")
    xa, ya = _grid(x, y, f"{x_name} and {y_name}")
    _check_axes(search, x_name, xa, y_name, ya, ratio)
    fixed_eps = None if isinstance(eps, str) else float(eps)
    if y_name == "splitting" and max_events is None:
        max_events = 30_000  # one table per point: thinned, the MC error grows accordingly
    jobs = [
        _Column(
            x_name,
            float(xv),
            y_name,
            tuple(float(v) for v in ya),
            search.path,
            search.identity,
            fixed_eps,
            alpha_d,
            ratio,
            splitting,
            reference,
            n_primaries,
            max_events,
            search.experiment.channels_override,
        )
        for xv in xa
    ]
    inputs: dict[str, Any] = {
        "jobs": [job.__dict__ for job in jobs],
        "experiment": search.experiment.spec.model_dump(mode="json"),
    }
    if mass_nodes is not None:
        inputs["mass_nodes"], inputs["splitting_nodes"] = mass_nodes, splitting_nodes
        inputs["interpolation"] = SignalGrid.METHOD
    key = cache_key("scan", inputs)

    fresh: list[bool] = []

    def build() -> tuple[dict[str, Any], dict[str, Any]]:
        fresh.append(True)
        ck = None if checkpoint is None else Checkpoint(checkpoint, key, n_y=ya.size)
        run: dict[str, Any] = {"executor": executor, "workers": workers, "scheduler": scheduler}
        if mass_nodes is None:
            columns = run_columns(_column_yields, jobs, **run, checkpoint=ck, progress=progress)
        else:
            grid = _node_grid(xa, ya, jobs[0], search, mass_nodes, splitting_nodes, run)
            columns = run_columns(functools.partial(_column_from_grid, grid), jobs, checkpoint=ck, progress=progress)
        arrays = {"s1": np.stack([c[0] for c in columns]), "s2": np.stack([c[1] for c in columns])}
        return arrays, {"kind": "scan", "plane": f"{x_name}-{y_name}"}

    def check(arrays: dict[str, Any], meta: dict[str, Any]) -> str | None:
        shape = (xa.size, ya.size)
        good = all(k in arrays and arrays[k].shape == shape for k in ("s1", "s2"))
        return None if good else f"its yields are not of shape {shape}"

    # A finished scan is kept in the disk cache (its yields; CLs and contours are recomputed, they are cheap).
    arrays, _ = cached_arrays("scan", inputs, build, check=check, use_cache=use_cache)
    if not fresh and progress is not None:
        progress(len(jobs), len(jobs))
    s1, s2 = arrays["s1"], arrays["s2"]
    meta: dict[str, Any] = {}
    if y_name != "eps":
        meta["eps"] = f"central g-2 value ({reference})" if fixed_eps is None else fixed_eps
    if y_name != "alpha_d":
        meta["alpha_d"] = alpha_d
    meta["ratio"] = ratio
    if y_name != "splitting":
        meta["splitting"] = splitting
    if max_events is not None:
        meta["max_events"] = max_events
    if mass_nodes is not None:
        meta["interpolation"] = f"signal tables on {mass_nodes} m_A' nodes" + (
            f" x {splitting_nodes} splitting nodes" if y_name == "splitting" else ""
        )
    plane = f"{x_name}-{y_name}"
    names = (_COLUMN_NAMES[x_name], _COLUMN_NAMES[y_name])
    return _result(plane, names, (xa, ya), s1, s2, search, cl, no_systematics, meta)


def scan_ma_eps(
    ma: ArrayLike,
    eps: ArrayLike,
    search: Search,
    *,
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    cl: float = 0.9,
    n_primaries: int | None = None,
    workers: int | None = None,
    no_systematics: bool = False,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> ScanResult:
    """The (m_A', eps) plane at fixed alpha_D, m_A'/m_chi1 and Delta/m_chi1 (the paper's Fig. 4).

    :func:`scan_plane` with x = ``"ma"``, y = ``"eps"``.
    """
    return scan_plane(
        "ma",
        ma,
        "eps",
        eps,
        search,
        alpha_d=alpha_d,
        ratio=ratio,
        splitting=splitting,
        cl=cl,
        n_primaries=n_primaries,
        workers=workers,
        no_systematics=no_systematics,
        progress=progress,
        **options,
    )


def scan_ma_alpha_d(
    ma: ArrayLike,
    alpha_d: ArrayLike,
    search: Search,
    *,
    reference: str = "wp2020-world2021",
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    cl: float = 0.9,
    no_systematics: bool = False,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> ScanResult:
    """(m_A', alpha_D) with eps on the central g-2 value of ``reference`` at each m_A' (the paper's Fig. 5 top).

    alpha_D changes only the chi2 lifetime and BR(A' -> chi1 chi2), so each mass needs one signal table (shared
    with the (m_A', eps) plane through the disk cache). :func:`scan_plane` with x = ``"ma"``, y = ``"alpha_d"``.
    """
    return scan_plane(
        "ma",
        ma,
        "alpha_d",
        alpha_d,
        search,
        eps="g2",
        reference=reference,
        ratio=ratio,
        splitting=splitting,
        cl=cl,
        no_systematics=no_systematics,
        progress=progress,
        **options,
    )


def scan_mchi1_splitting(
    mchi1: ArrayLike,
    splitting: ArrayLike,
    search: Search,
    *,
    reference: str = "wp2020-world2021",
    ratio: float = BENCHMARK_RATIO,
    alpha_d: float = BENCHMARK_ALPHA_D,
    cl: float = 0.9,
    no_systematics: bool = False,
    max_events: int = 30_000,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    **options: Any,
) -> ScanResult:
    """(m_chi1, Delta/m_chi1) with eps on the central g-2 value (the paper's Fig. 5 bottom).

    Every point has its own chi2 mass, so its own signal table; ``max_events`` thins the production tables to
    keep that affordable (MC errors grow accordingly; the tables are cached on disk). :func:`scan_plane` with
    x = ``"mchi1"``, y = ``"splitting"``.
    """
    return scan_plane(
        "mchi1",
        mchi1,
        "splitting",
        splitting,
        search,
        eps="g2",
        reference=reference,
        ratio=ratio,
        alpha_d=alpha_d,
        cl=cl,
        no_systematics=no_systematics,
        max_events=max_events,
        workers=workers,
        progress=progress,
        **options,
    )


def band_excluded_up_to(result: ScanResult, reference: str = "wp2020-world2021") -> float:
    """The largest m_A' (GeV) below which the whole 2 sigma g-2 band of ``reference`` is excluded.

    At each scanned mass the margin is the largest log CLs - log(1 - cl) over the band's eps range (log CLs
    interpolated along eps); the edge is where the margin first turns positive, interpolated in log m_A'.
    Returns the lowest scanned mass if the band is not excluded there, and the highest if it is everywhere.
    """
    from semivisible.cosmo.g2 import g2_band

    if result.plane != "ma-eps":
        raise ParameterError("plane", result.plane, "ma-eps")
    log_cut = math.log(1.0 - result.cl)
    ly = np.log(result.y)
    margins = []
    for i, m in enumerate(result.x):
        lo, hi = g2_band(float(m), reference).eps_2sigma
        lo = max(lo, float(result.y[0]))
        ys = np.linspace(math.log(lo), math.log(hi), 64)
        log_cls = np.interp(ys, ly, np.log(np.clip(result.cls[i], 1e-300, None)))
        margins.append(float(log_cls.max() - log_cut))
    marg = np.array(margins)
    if marg[0] >= 0:
        return float(result.x[0])
    bad = np.nonzero(marg >= 0)[0]
    if bad.size == 0:
        return float(result.x[-1])
    k = int(bad[0])
    lx0, lx1 = math.log(result.x[k - 1]), math.log(result.x[k])
    frac = -marg[k - 1] / (marg[k] - marg[k - 1])
    return float(math.exp(lx0 + frac * (lx1 - lx0)))


#: Default axis ranges of the named planes (the paper's figures).
_DEFAULT_RANGES: dict[str, tuple[float, float]] = {"ma": (0.01, 1.0), "eps": (1e-5, 3e-2), "alpha_d": (1e-3, 1.0)}


def parse_plane(plane: str) -> tuple[str, str]:
    """The axis names of a plane written ``X-Y`` (X in :data:`X_AXES`, Y in :data:`Y_AXES`).

    >>> parse_plane("mchi1-splitting")
    ('mchi1', 'splitting')
    """
    x_name, _, y_name = str(plane).partition("-")
    if x_name not in X_AXES or y_name not in Y_AXES:
        allowed = ", ".join(f"{x}-{y}" for x in X_AXES for y in Y_AXES)
        raise ParameterError("plane", plane, f"one of {allowed} (or the 4-D ma-eps-alpha_d-splitting of scan)")
    return x_name, y_name


def default_axis(
    name: str, n: int, *, ratio: float = BENCHMARK_RATIO, bounds: tuple[float, float] | None = None
) -> FloatArray:
    """The grid of one scan axis: ``n`` values, log-spaced except the splitting (linear).

    Default ranges as in the paper's figures: m_A' 0.01-1 GeV (m_chi1 the same over ``ratio``), eps 1e-5 to 3e-2,
    alpha_D 1e-3 to 1, Delta/m_chi1 0.02 to 0.98 (ratio - 2).

    >>> default_axis("eps", 3).tolist()[0]
    1e-05
    """
    check_int(f"n ({name})", n, 2, 3000, shown="n")
    if bounds is None:
        if name == "mchi1":
            lo, hi = _DEFAULT_RANGES["ma"][0] / ratio, _DEFAULT_RANGES["ma"][1] / ratio
        elif name == "splitting":
            lo, hi = 0.02, 0.98 * (ratio - 2.0)
        elif name in _DEFAULT_RANGES:
            lo, hi = _DEFAULT_RANGES[name]
        else:
            raise ParameterError("axis", name, "one of " + ", ".join(X_AXES + Y_AXES))
    else:
        lo, hi = bounds
    if not (0.0 < lo < hi and math.isfinite(hi)):
        raise ParameterError(f"{name} range", (lo, hi), "0 < low < high")
    return np.linspace(lo, hi, n) if name == "splitting" else np.geomspace(lo, hi, n)


def excluded_up_to_along_x(result: ScanResult, at_y: float) -> float | None:
    """The largest x excluded on the grid row nearest ``at_y`` (None if nothing there is excluded)."""
    j = int(np.argmin(np.abs(np.log(result.y / at_y))))
    excluded = np.nonzero(result.excluded[:, j])[0]
    return float(result.x[excluded.max()]) if excluded.size else None
