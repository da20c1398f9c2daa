"""Parameter-plane scans: signal yields, CLs and exclusion contours on a grid.

The (m_A', eps) plane at fixed alpha_D, ratio and splitting needs one signal table per mass; every eps is then a
lookup (:func:`semivisible.signal.semivisible.signal_yields`). CLs is the exact multibin (S1, S2) CLs with the
profile-likelihood test statistic and the experiment's background and signal systematics
(:func:`semivisible.stats.cls.cls_of_signal`); for n = 0 and no systematics it is exp(-(S1 + S2))
(:func:`cls_n0`). Exclusion contours are the CLs = 1 - CL level lines of log CLs on the grid in
(log x, log y), interpolated by marching squares (contourpy), so they have no grid staircase and keep
upper edges, lower edges, closed regions and islands.

Examples
--------
>>> import numpy as np
>>> res = scan_ma_eps(np.array([0.2, 0.3]), np.logspace(-4, -2, 5), n_primaries=500)
>>> res.cls.shape
(2, 5)
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError
from semivisible.experiments import Experiment, load_experiment
from semivisible.io.cache import atomic_write_text
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING, DarkSector
from semivisible.signal.invisible import production_table_for
from semivisible.signal.semivisible import build_signal_table, signal_yields
from semivisible.stats.cls import cls_of_signal

__all__ = [
    "ScanResult",
    "band_excluded_up_to",
    "cls_n0",
    "exclusion_contours",
    "scan_ma_alpha_d",
    "scan_ma_eps",
    "scan_mchi1_splitting",
]

FloatArray = NDArray[np.float64]


def cls_n0(s1: ArrayLike, s2: ArrayLike) -> FloatArray:
    """CLs of a signal (s1, s2) for 0 observed events in both bins, no systematics: exp(-(s1 + s2)).

    >>> round(float(cls_n0(1.0, 1.302585)), 6)
    0.1
    """
    return np.asarray(np.exp(-(np.asarray(s1, dtype=np.float64) + np.asarray(s2, dtype=np.float64))))


def exclusion_contours(x: FloatArray, y: FloatArray, cls: FloatArray, cl: float = 0.9) -> list[FloatArray]:
    """The CLs = 1 - cl lines of a (len(x), len(y)) grid, as (N, 2) arrays of (x, y), found in log-log space.

    >>> x, y = np.logspace(-2, 0, 20), np.logspace(-5, -2, 30)
    >>> cls = np.exp(-1e5 * y[None, :] ** 2 / x[:, None])  # excluded above a line eps ~ sqrt(m)
    >>> lines = exclusion_contours(x, y, cls)
    >>> len(lines) >= 1
    True
    """
    import contourpy

    lx, ly = np.log(x), np.log(y)
    z = np.log(np.clip(cls, 1e-300, None)).T  # contourpy wants z[y, x]
    gen = contourpy.contour_generator(lx, ly, z, name="serial")
    lines = gen.lines(math.log(1.0 - cl))
    return [np.exp(np.asarray(line)) for line in lines if len(line) > 1]


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

    @property
    def excluded(self) -> NDArray[np.bool_]:
        """CLs < 1 - cl on the grid."""
        return np.asarray(self.cls < 1.0 - self.cl)

    def to_records(self) -> list[dict[str, float]]:
        """One dict per grid point."""
        recs = []
        for i, xv in enumerate(self.x):
            for j, yv in enumerate(self.y):
                recs.append(
                    {
                        self.x_name: float(xv),
                        self.y_name: float(yv),
                        "s1": float(self.s1[i, j]),
                        "s2": float(self.s2[i, j]),
                        "cls": float(self.cls[i, j]),
                        "excluded": bool(self.cls[i, j] < 1.0 - self.cl),
                    }
                )
        return recs

    def to_csv(self, path: str | Path) -> None:
        """Write the grid as CSV (atomically)."""
        cols = [self.x_name, self.y_name, "s1", "s2", "cls", "excluded"]
        lines = [",".join(cols)]
        for rec in self.to_records():
            lines.append(",".join(f"{rec[c]:.8g}" if c != "excluded" else str(int(rec[c])) for c in cols))
        atomic_write_text(path, "\n".join(lines) + "\n")

    def to_json(self, path: str | Path) -> None:
        """Write axes, CLs grid, contours and metadata as JSON (atomically)."""
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
            "meta": self.meta,
        }
        atomic_write_text(path, json.dumps(payload, indent=1, default=str))


def _grid(ma_or_x: ArrayLike, y: ArrayLike, names: str) -> tuple[FloatArray, FloatArray]:
    """The two scan axes as 1-D float arrays of at least 2 values each."""
    xa = np.asarray(ma_or_x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    if xa.ndim != 1 or ya.ndim != 1 or xa.size < 2 or ya.size < 2:
        raise ParameterError("grid", (xa.shape, ya.shape), f"1-D arrays of at least 2 values for {names}")
    return xa, ya


def _result(
    plane: str,
    names: tuple[str, str],
    axes: tuple[FloatArray, FloatArray],
    s1: FloatArray,
    s2: FloatArray,
    exp: Experiment,
    cl: float,
    no_systematics: bool,
    meta: dict[str, Any],
) -> ScanResult:
    """CLs (exact multibin, :func:`semivisible.stats.cls.cls_of_signal`), contours and the ScanResult."""
    x, y = axes
    cls = cls_of_signal(s1, s2, exp.path, no_systematics=no_systematics)
    systematics = "no systematics" if no_systematics else "background and signal systematics"
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
        meta={
            "experiment": exp.name,
            **meta,
            "statistics": f"exact multibin CLs (S1, S2), profile likelihood, {systematics}, {cl:.0%} CL",
        },
    )


def _point_yields(
    point: DarkSector,
    exp: Experiment,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    *,
    n_primaries: int | None = None,
    max_events: int | None = None,
) -> tuple[FloatArray, FloatArray]:
    """S1 and S2 events at the masses of ``point`` for arrays of eps and alpha_D (broadcast).

    Zero above the experiment's A' energy cut. A stable chi2 (Delta <= 2 m_e) never decays in the detector: every
    A' -> chi1 chi2 is missing energy, i.e. S2 = EOT eff_S2 eps^2 BR Y_invisible. Otherwise the (disk-cached)
    signal table, reweighted in lambda and BR.
    """
    from semivisible.model.aprime import branching_ratios

    e, ad = np.broadcast_arrays(np.asarray(eps, dtype=np.float64), np.asarray(alpha_d, dtype=np.float64))
    zero = np.zeros(e.shape)
    if point.ma >= exp.min_aprime_energy_gev:
        return zero, zero.copy()
    if point.chi2_stable:
        if exp.spec.s2 is None:
            return zero, zero.copy()
        y_inv = production_table_for(point.ma, exp, n_primaries=n_primaries).yield_per_eot_per_eps2()
        br = branching_ratios(point.ma, e, ad, point.mchi1, point.mchi2)["chi1chi2"]
        eff = float(exp.spec.s2.efficiency.at(point.ma))
        return zero, np.asarray(exp.eot * eff * e**2 * br * y_inv)
    prod = None if n_primaries is None else production_table_for(point.ma, exp, n_primaries=n_primaries)
    table = build_signal_table(point, exp, table=prod, max_events=max_events)
    res = signal_yields(table, e, ad, exp)
    return np.asarray(res.s1), np.asarray(res.s2)


def _yields_at_mass(
    ma: float,
    eps: FloatArray,
    experiment_path: str,
    alpha_d: float,
    ratio: float,
    splitting: float,
    n_primaries: int | None,
) -> tuple[FloatArray, FloatArray]:
    """S1 and S2 events along the eps axis at one m_A' (:func:`_point_yields`)."""
    point = DarkSector.build(ma, float(eps[0]), alpha_d, ratio=ratio, splitting=splitting)
    return _point_yields(point, load_experiment(experiment_path), eps, alpha_d, n_primaries=n_primaries)


def scan_ma_eps(
    ma: ArrayLike,
    eps: ArrayLike,
    experiment: Experiment | str = "na64-2016-2018",
    *,
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    cl: float = 0.9,
    n_primaries: int | None = None,
    workers: int = 1,
    no_systematics: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Scan the (m_A', eps) plane at fixed alpha_D, m_A'/m_chi1 and Delta/m_chi1 (the paper's Fig. 4).

    ``workers`` > 1 spreads the masses over local processes; the result is identical to the serial one (every
    table is seeded by its own inputs).
    """
    exp = load_experiment(experiment) if isinstance(experiment, str) else experiment
    x, y = _grid(ma, eps, "ma and eps")
    s1 = np.zeros((x.size, y.size))
    s2 = np.zeros((x.size, y.size))
    jobs = [(float(m), y, exp.path, alpha_d, ratio, splitting, n_primaries) for m in x]
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_yields_at_mass, *job): i for i, job in enumerate(jobs)}
            for done, fut in enumerate(as_completed(futures), start=1):
                s1[futures[fut]], s2[futures[fut]] = fut.result()
                if progress is not None:
                    progress(done, x.size)
    else:
        for i, job in enumerate(jobs):
            s1[i], s2[i] = _yields_at_mass(*job)
            if progress is not None:
                progress(i + 1, x.size)
    meta = {"alpha_d": alpha_d, "ratio": ratio, "splitting": splitting}
    return _result("ma-eps", ("ma_GeV", "eps"), (x, y), s1, s2, exp, cl, no_systematics, meta)


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


def _alpha_d_column(
    ma: float,
    alpha_d: FloatArray,
    eps: float,
    experiment_path: str,
    ratio: float,
    splitting: float,
) -> tuple[FloatArray, FloatArray]:
    """S1 and S2 along the alpha_D axis at one m_A' and eps: the same signal table, reweighted in lambda and BR."""
    point = DarkSector.build(ma, eps, float(alpha_d[0]), ratio=ratio, splitting=splitting)
    return _point_yields(point, load_experiment(experiment_path), eps, alpha_d)


def scan_ma_alpha_d(
    ma: ArrayLike,
    alpha_d: ArrayLike,
    experiment: Experiment | str = "na64-2016-2018",
    *,
    reference: str = "wp2020-world2021",
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    cl: float = 0.9,
    no_systematics: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Scan (m_A', alpha_D) with eps on the central g-2 value of ``reference`` at each m_A' (the paper's Fig. 5 top).

    alpha_D changes only the chi2 lifetime and BR(A' -> chi1 chi2), so each mass needs one signal table (shared
    with the (m_A', eps) plane through the disk cache).
    """
    from semivisible.cosmo.g2 import g2_band

    exp = load_experiment(experiment) if isinstance(experiment, str) else experiment
    x, y = _grid(ma, alpha_d, "ma and alpha_d")
    s1 = np.zeros((x.size, y.size))
    s2 = np.zeros((x.size, y.size))
    eps_g2 = np.array([g2_band(float(m), reference).eps_central for m in x])
    for i, m in enumerate(x):
        s1[i], s2[i] = _alpha_d_column(float(m), y, float(eps_g2[i]), exp.path, ratio, splitting)
        if progress is not None:
            progress(i + 1, x.size)
    meta = {"eps": f"central g-2 value ({reference})", "ratio": ratio, "splitting": splitting}
    return _result("ma-alpha_d", ("ma_GeV", "alpha_d"), (x, y), s1, s2, exp, cl, no_systematics, meta)


def _splitting_point(
    mchi1: float, splitting: float, experiment_path: str, ratio: float, alpha_d: float, reference: str, max_events: int
) -> tuple[float, float]:
    """S1 and S2 at one (m_chi1, Delta/m_chi1) with eps on the central g-2 value at m_A' = ratio m_chi1."""
    from semivisible.cosmo.g2 import g2_band

    exp = load_experiment(experiment_path)
    ma = ratio * mchi1
    if splitting >= ratio - 2.0:
        return 0.0, 0.0
    eps = g2_band(ma, reference).eps_central
    point = DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting)
    s1, s2 = _point_yields(point, exp, eps, alpha_d, max_events=max_events)
    return float(s1), float(s2)


def scan_mchi1_splitting(
    mchi1: ArrayLike,
    splitting: ArrayLike,
    experiment: Experiment | str = "na64-2016-2018",
    *,
    reference: str = "wp2020-world2021",
    ratio: float = BENCHMARK_RATIO,
    alpha_d: float = BENCHMARK_ALPHA_D,
    cl: float = 0.9,
    no_systematics: bool = False,
    max_events: int = 30_000,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Scan (m_chi1, Delta/m_chi1) with eps on the central g-2 value (the paper's Fig. 5 bottom).

    Every point has its own chi2 mass, so its own signal table; ``max_events`` thins the production tables to
    keep that affordable (MC errors grow accordingly; the tables are cached on disk).
    """
    exp = load_experiment(experiment) if isinstance(experiment, str) else experiment
    x, y = _grid(mchi1, splitting, "mchi1 and splitting")
    jobs = [(float(m), float(f), exp.path, ratio, alpha_d, reference, max_events) for m in x for f in y]
    out = np.zeros((len(jobs), 2))
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            for k, val in enumerate(pool.map(_splitting_point, *zip(*jobs, strict=True), chunksize=8)):
                out[k] = val
                if progress is not None and (k + 1) % y.size == 0:
                    progress((k + 1) // y.size, x.size)
    else:
        for k, job in enumerate(jobs):
            out[k] = _splitting_point(*job)
            if progress is not None and (k + 1) % y.size == 0:
                progress((k + 1) // y.size, x.size)
    s1 = out[:, 0].reshape(x.size, y.size)
    s2 = out[:, 1].reshape(x.size, y.size)
    meta = {"eps": f"central g-2 value ({reference})", "ratio": ratio, "alpha_d": alpha_d, "max_events": max_events}
    return _result("mchi1-splitting", ("mchi1_GeV", "splitting"), (x, y), s1, s2, exp, cl, no_systematics, meta)
