r"""Signal yields anywhere in (m_A', Delta/m_chi1) from tables on a node grid: the fast path of large scans.

A signal table (:func:`semivisible.signal.semivisible.build_signal_table`) holds Y_S1(lambda) and Y_S2(lambda)
for one set of masses; eps and alpha_D are a reweighting in lambda = 1/(c tau). A plane of 150 x 150 masses
would still need 150 (or, with the splitting on an axis, 22 500) tables. But at fixed decay length the yields
change slowly and smoothly with the masses: the A' yield falls like a power of m_A', and the chi2 momentum
spectrum barely changes. So we build tables on nodes (log-spaced in m_A', linear in the splitting) and, at a
query point with chi2 mass m2 and decay rate lambda, evaluate every neighbouring node k at the rate that gives
the same lab decay length for the same momentum,

.. math::  \lambda_k = \lambda\, m_{2,k} / m_2  \qquad (L = |p| / (m_2 \lambda)),

then interpolate :math:`\ln Y` in ln m_A' (quadratic through the two bracketing nodes and the next nearest,
clipped to the range of the bracketing values so that it cannot overshoot) and linearly in Delta/m_chi1.
BR(A' -> chi1 chi2), eps^2, the efficiencies and lambda itself are exact at the query point; the interpolation
carries only the slow mass dependence of the production and of the decay kinematics. The residual against
direct tables is tested (``tests/signal/test_grid.py``): with 12 nodes per decade it is below 1% at long
lifetimes and 1-2% on the g-2 line near the exclusion edge (0.42 GeV). A stable chi2 (Delta <= 2 m_e) is exact:
S1 = 0 and S2 = the interpolated invisible yield.

Examples
--------
>>> import numpy as np
>>> from semivisible.experiments import DEFAULT_EXPERIMENT, load_experiment
>>> grid = SignalGrid.build(np.geomspace(0.2, 0.4, 3), [0.4], load_experiment(DEFAULT_EXPERIMENT), max_events=3000)
>>> s1, s2 = grid.yields(0.3, 0.4, np.array([6e-3]), np.array([0.1]))
>>> bool(s1[0] > 0) and bool(s2[0] > 0)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError
from semivisible.experiments import Experiment, load_experiment
from semivisible.model import aprime as aprime_widths
from semivisible.model.constants import M_E_GEV
from semivisible.model.dark_sector import BENCHMARK_RATIO, DarkSector
from semivisible.signal.events import expected_events
from semivisible.signal.invisible import production_table_for
from semivisible.signal.semivisible import (
    SignalTable,
    _lambda_of,
    build_signal_table,
    check_experiment,
    check_table,
    signal_table_is_cached,
)

__all__ = ["NodeJob", "SignalGrid", "build_node_table", "load_job_experiment", "node_is_cached"]

FloatArray = NDArray[np.float64]


#: One node to build, as sent to a worker process: (m_A', splitting, ratio, experiment path, experiment identity,
#: max_events, production channels that replace the file's or None). Only such jobs carry a path; the worker
#: loads the file and checks that it is the same experiment.
NodeJob = tuple[float, float, float, str, str, int | None, tuple[str, ...] | None]


def load_job_experiment(path: str, identity: str, channels: tuple[str, ...] | None = None) -> Experiment:
    """The experiment of a job sent to another process: loaded from ``path`` (with the job's ``channels``, see
    :meth:`Experiment.with_channels`), refused if its content changed."""
    exp = load_experiment(path)
    if channels is not None:
        exp = exp.with_channels(channels)
    if exp.identity != identity:
        raise ParameterError(
            "experiment", path, f"the file the job was made from (id {identity[:12]}); now id {exp.identity[:12]}"
        )
    return exp


def _node(job: NodeJob) -> tuple[DarkSector, Experiment, int | None]:
    """The masses (eps and alpha_D do not matter for a table), experiment and thinning of one node job."""
    ma, splitting, ratio, experiment_path, identity, max_events, channels = job
    point = DarkSector.build(ma, 1e-3, 0.1, ratio=ratio, splitting=splitting)
    return point, load_job_experiment(experiment_path, identity, channels), max_events


def build_node_table(job: NodeJob) -> SignalTable | float:
    """The (disk-cached) signal table at one node (m_A', splitting, ratio), or the invisible yield per EOT per
    eps^2 when chi2 is stable there. Module level, so that nodes can be built in other processes."""
    point, exp, max_events = _node(job)
    if point.chi2_stable:
        return float(production_table_for(point.ma, exp).yield_per_eot_per_eps2())
    return build_signal_table(point, exp, max_events=max_events)


def node_is_cached(job: NodeJob) -> bool:
    """Whether the node's signal table is already in the disk cache (stable-chi2 nodes count as cached: they
    need only the production table)."""
    point, exp, max_events = _node(job)
    return point.chi2_stable or signal_table_is_cached(point, exp, max_events=max_events)


def _log_y(node: SignalTable | float, lam_scaled: FloatArray) -> tuple[FloatArray, FloatArray]:
    """ln Y_S1 and ln Y_S2 of one node at the rates ``lam_scaled`` (ln 0 -> -700)."""
    if isinstance(node, float):
        return np.full(lam_scaled.shape, -700.0), np.full(lam_scaled.shape, math.log(max(node, 1e-300)))
    y1 = node.s1_per_eps2(lam_scaled)
    y2 = node.s2_per_eps2(lam_scaled)
    return np.log(np.clip(y1, 1e-300, None)), np.log(np.clip(y2, 1e-300, None))


@dataclass(frozen=True)
class SignalGrid:
    """Signal tables on nodes ``ma_nodes`` x ``splitting_nodes`` at fixed m_A'/m_chi1 (see the module docs)."""

    #: The interpolation scheme, part of the cache key of scans made with it.
    METHOD: ClassVar[str] = "equal-decay-length; quadratic in ln m_A' clipped to the bracket, linear in splitting; v2"

    experiment: Experiment
    ratio: float
    ma_nodes: FloatArray
    splitting_nodes: FloatArray
    nodes: tuple[tuple[SignalTable | float, ...], ...]

    @classmethod
    def build(
        cls,
        ma_nodes: ArrayLike,
        splitting_nodes: ArrayLike,
        experiment: Experiment,
        *,
        ratio: float = BENCHMARK_RATIO,
        max_events: int | None = None,
        runner: Callable[[list[NodeJob]], list[SignalTable | float]] | None = None,
    ) -> SignalGrid:
        """Build (or load from the disk cache) the node tables; ``runner`` maps :func:`build_node_table` over the
        node jobs (default: serially in this process)."""
        exp = check_experiment(experiment)
        ma = np.atleast_1d(np.asarray(ma_nodes, dtype=np.float64))
        f = np.atleast_1d(np.asarray(splitting_nodes, dtype=np.float64))
        if np.any(np.diff(ma) <= 0) or np.any(np.diff(f) <= 0):
            raise ParameterError("nodes", (ma.tolist(), f.tolist()), "strictly increasing node values")
        if np.any(f >= ratio - 2.0) or np.any(f <= 0):
            raise ParameterError("splitting", f.tolist(), f"0 < splitting < ratio - 2 = {ratio - 2:g} at every node")
        jobs = [
            (float(m), float(s), ratio, exp.path, exp.identity, max_events, exp.channels_override)
            for m in ma
            for s in f
        ]
        built = runner(jobs) if runner is not None else [build_node_table(job) for job in jobs]
        for node in built:
            if isinstance(node, SignalTable):
                check_table(node, exp)
        rows = tuple(tuple(built[i * f.size : (i + 1) * f.size]) for i in range(ma.size))
        return cls(exp, ratio, ma, f, rows)

    def _bracket(
        self, nodes: FloatArray, values: FloatArray, log: bool, name: str
    ) -> tuple[NDArray[np.int64], FloatArray]:
        """Lower node index and weight of the upper node for each value (one node: index 0, weight 0)."""
        if nodes.size == 1:
            return np.zeros(values.shape, dtype=np.int64), np.zeros(values.shape)
        v, grid = (np.log(values), np.log(nodes)) if log else (values, nodes)
        tol = 1e-9 * max(1.0, float(np.abs(grid).max()))
        bad = (v < grid[0] - tol) | (v > grid[-1] + tol)
        if np.any(bad):
            raise ParameterError(name, values[bad].tolist(), f"within the grid nodes [{nodes[0]:.6g}, {nodes[-1]:.6g}]")
        i = np.clip(np.searchsorted(grid, v) - 1, 0, nodes.size - 2)
        return i, np.clip((v - grid[i]) / (grid[i + 1] - grid[i]), 0.0, 1.0)

    def yields(
        self, ma: float, splitting: ArrayLike, eps: ArrayLike, alpha_d: ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Expected S1 and S2 events at one m_A' for arrays of splitting, eps and alpha_D (broadcast)."""
        exp = self.experiment
        if exp.spec.s1 is None or exp.spec.s2 is None:
            raise ParameterError("experiment", exp.name, "an experiment file with [s1] and [s2] sections")
        f, e, ad = np.broadcast_arrays(
            np.asarray(splitting, dtype=np.float64),
            np.asarray(eps, dtype=np.float64),
            np.asarray(alpha_d, dtype=np.float64),
        )
        s1, s2 = np.zeros(f.shape), np.zeros(f.shape)
        open_ = f < self.ratio - 2.0
        if ma >= exp.min_aprime_energy_gev or not np.any(open_):
            return s1, s2
        f, e, ad = f[open_], e[open_], ad[open_]
        m1 = ma / self.ratio
        m2 = m1 * (1.0 + f)
        br = aprime_widths.branching_ratios(ma, e, ad, m1, m2)["chi1chi2"]
        eff1, eff2 = float(exp.spec.s1.efficiency.at(ma)), float(exp.spec.s2.efficiency.at(ma))
        stable = f * m1 <= 2.0 * M_E_GEV
        lam = np.where(stable, 0.0, _lambda_of(ma, m1, np.where(stable, m1 * 1.5, m2), e, ad))
        (i0,), (ti,) = self._bracket(self.ma_nodes, np.array([ma]), log=True, name="ma")
        j0, tj = self._bracket(self.splitting_nodes, f, log=False, name="splitting")
        j1 = np.minimum(j0 + 1, self.splitting_nodes.size - 1)

        def row(i: int) -> tuple[FloatArray, FloatArray]:
            """ln Y_S1, ln Y_S2 of m_A' node i, interpolated linearly in the splitting, at equal decay length."""
            out1, out2 = np.zeros(f.shape), np.zeros(f.shape)
            for jj, wj in ((j0, 1.0 - tj), (j1, tj)):
                for j in np.unique(jj):
                    sel = jj == j
                    m2_node = self.ma_nodes[i] / self.ratio * (1.0 + self.splitting_nodes[j])
                    a, b = _log_y(self.nodes[i][int(j)], lam[sel] * (m2_node / m2[sel]))
                    out1[sel] += wj[sel] * a
                    out2[sel] += wj[sel] * b
            return out1, out2

        # In ln m_A': quadratic (Lagrange) through the bracketing nodes and the next nearest one, which removes the
        # curvature error of a chord; linear where a node has no yield (ln Y floored) or there are only 2 nodes.
        n_ma, i0 = self.ma_nodes.size, int(i0)
        if n_ma == 1:
            log1, log2 = row(0)
        else:
            third = i0 - 1 if (ti < 0.5 and i0 > 0) or i0 + 2 >= n_ma else i0 + 2
            idx = [i0, i0 + 1] + ([third] if n_ma > 2 else [])
            logs = [row(i) for i in idx]
            u = np.log(self.ma_nodes[idx])
            v = math.log(ma)
            lin = ((1.0 - float(ti)), float(ti))
            log1 = lin[0] * logs[0][0] + lin[1] * logs[1][0]
            log2 = lin[0] * logs[0][1] + lin[1] * logs[1][1]
            if len(idx) == 3:
                w = [math.prod((v - u[b]) / (u[a] - u[b]) for b in range(3) if b != a) for a in range(3)]
                for k, lin_k in ((0, log1), (1, log2)):
                    vals = np.stack([lg[k] for lg in logs])
                    quad = w[0] * vals[0] + w[1] * vals[1] + w[2] * vals[2]
                    # Never outside the two bracketing values: no overshoot (and no spurious islands) where ln Y
                    # falls steeply, in the exponential tail of short lifetimes.
                    quad = np.clip(quad, np.minimum(vals[0], vals[1]), np.maximum(vals[0], vals[1]))
                    ok = np.all(vals > -650.0, axis=0)
                    lin_k[ok] = quad[ok]
        y1 = np.where(stable | (log1 < -650.0), 0.0, np.exp(log1))
        s1[open_] = expected_events(exp.eot, eff1, e, br, y1)
        s2[open_] = expected_events(exp.eot, eff2, e, br, np.where(log2 < -650.0, 0.0, np.exp(log2)))
        return s1, s2
