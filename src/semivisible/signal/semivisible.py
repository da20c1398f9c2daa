r"""The semi-visible signal: chi2 decays in the NA64 detector, signatures S1 and S2, yields by reweighting.

For one mass point (m_A', m_chi1, m_chi2) we take the weighted A' of the production table
(:mod:`semivisible.production.yields`), decay each A' -> chi1 chi2 (isotropic, prompt), and follow chi2 along
its direction from the emission point. With path length s measured from the emission point and the mean lab
decay length L = c tau |p|/m2, chi2 decays in [s_a, s_b] with probability exp(-s_a/L) - exp(-s_b/L)
(exponential decay law, as used for the decay weights of arXiv:2107.02021).

* S2: the decay is beyond the last module (s > s_end): P_S2 = exp(-s_end/L). The event looks invisible.
* S1: the decay is between the start of the first and the end of the last fiducial module (HCAL2, HCAL3). That
  path is cut into K slices; in each, one decay point and one chi2 -> chi1 e+ e- decay (exact matrix element)
  decide whether the e+ e- pass the S1 selection: E(e+) + E(e-) above the energy threshold and
  R = 1 - sum E_j C(x_j, y_j)/sum E_j below the R cut, with C the central-cell containment of a shower
  starting where the lepton reaches the calorimeter (:mod:`semivisible.signal.detector`). Then
  P_S1 = sum_k f_k [exp(-s_k/L) - exp(-s_{k+1}/L)].
* A decay in a target or veto volume (ECAL, VETO, HCAL1) is rejected.

Only L depends on eps and alpha_D (c tau ~ 1/(eps^2 alpha_D)); the kinematics do not. So with
lambda = 1/(c tau) and a_i = m2/|p_i| per event,

    Y_S1(lambda) = sum_i w_i sum_k f_ik [exp(-lambda a_i s_ik) - exp(-lambda a_i s_i,k+1)],
    Y_S2(lambda) = sum_i w_i exp(-lambda a_i s_i,end),

are computed once on a fine log grid in lambda (with their MC errors, from the spread over primary electrons),
and every (eps, alpha_D) is a lookup: N_Sx = EOT eff_Sx eps^2 BR(A' -> chi1 chi2) Y_Sx(lambda(eps, alpha_D)).
For lambda -> 0 (stable chi2), Y_S2 -> the invisible-mode yield and Y_S1 -> lambda sum_i w_i a_i sum_k f_ik
Delta s_ik, so S1 ~ eps^4 at long lifetimes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError
from semivisible.experiments import Experiment
from semivisible.io.cache import cache_entry, cached_arrays
from semivisible.model import aprime as aprime_widths
from semivisible.model.chi2_decay import gamma_chi2_total
from semivisible.model.constants import HBARC_GEV_M, M_E_GEV
from semivisible.model.dark_sector import DarkSector
from semivisible.production.yields import ProductionTable
from semivisible.signal.detector import ContainmentMap, r_cut_probability, r_variable
from semivisible.signal.events import expected_events
from semivisible.signal.invisible import production_table_for
from semivisible.signal.kinematics import aprime_to_chi1chi2, chi2_decay_momenta

__all__ = [
    "SignalTable",
    "Yields",
    "build_signal_table",
    "check_experiment",
    "check_table",
    "signal_table_cache_path",
    "signal_table_is_cached",
    "signal_yields",
]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Yields:
    """Expected S1 and S2 events (and their MC errors) for arrays of eps and alpha_D at one mass point."""

    eps: FloatArray
    alpha_d: FloatArray
    s1: FloatArray
    s2: FloatArray
    s1_mc_error: FloatArray
    s2_mc_error: FloatArray
    ctau_chi2_m: FloatArray
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def events(self) -> dict[str, FloatArray]:
        """Expected events by signature name."""
        return {"s1": self.s1, "s2": self.s2}

    @property
    def mc_errors(self) -> dict[str, FloatArray]:
        """MC errors of the expected events by signature name."""
        return {"s1": self.s1_mc_error, "s2": self.s2_mc_error}


def check_experiment(experiment: object, name: str = "experiment") -> Experiment:
    """``experiment`` if it is a loaded :class:`~semivisible.experiments.Experiment`, else a clear error."""
    if not isinstance(experiment, Experiment):
        raise ParameterError(
            name, experiment, "a loaded Experiment (semivisible.experiments.load_experiment, or a Search's .experiment)"
        )
    return experiment


@dataclass(frozen=True)
class SignalTable:
    """Per-event geometry and selection of one mass point, and the tabulated Y_S1(lambda), Y_S2(lambda).

    lambda = 1/(c tau) in m^-1; yields per EOT per eps^2, before the experiment efficiency and BR.
    ``experiment`` is the name and ``experiment_id`` the identity (content hash) of the experiment it was built for.
    """

    ma: float
    mchi1: float
    mchi2: float
    experiment: str
    experiment_id: str
    n_primaries: int
    lam: FloatArray
    y_s1: FloatArray
    y_s2: FloatArray
    err_s1: FloatArray
    err_s2: FloatArray
    s1_slope: float
    y_invisible: float
    r_cut_efficiency: float
    r_cut_efficiency_model: float
    fraction_tables: dict[str, FloatArray] = field(repr=False)
    decay_fractions_weights: dict[str, FloatArray] = field(default_factory=dict, repr=False)
    meta: dict[str, Any] = field(default_factory=dict)

    def _interp(self, lam: FloatArray, values: FloatArray, low: FloatArray) -> FloatArray:
        lg = np.log(self.lam)
        x = np.log(np.clip(lam, 1e-300, None))
        with np.errstate(divide="ignore"):
            lv = np.log(np.clip(values, 1e-300, None))
        out = np.exp(np.interp(x, lg, lv))
        out = np.where(lam <= self.lam[0], low, out)
        return np.asarray(np.where(lam >= self.lam[-1], 0.0, out))

    def s1_per_eps2(self, lam: ArrayLike) -> FloatArray:
        """Y_S1(lambda) per EOT per eps^2 (linear in lambda below the grid, 0 above it)."""
        lam_a = np.asarray(lam, dtype=np.float64)
        return self._interp(lam_a, self.y_s1, self.s1_slope * lam_a)

    def s2_per_eps2(self, lam: ArrayLike) -> FloatArray:
        """Y_S2(lambda) per EOT per eps^2 (the invisible yield below the grid, 0 above it)."""
        lam_a = np.asarray(lam, dtype=np.float64)
        return self._interp(lam_a, self.y_s2, np.full_like(lam_a, self.y_invisible))

    def errors_per_eps2(self, lam: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """MC errors of Y_S1 and Y_S2 at lambda (interpolated like the yields)."""
        lam_a = np.asarray(lam, dtype=np.float64)
        e1 = self._interp(lam_a, self.err_s1, self.err_s1[0] / self.lam[0] * lam_a)
        e2 = self._interp(lam_a, self.err_s2, np.full_like(lam_a, self.err_s2[0]))
        return e1, e2

    def decay_fractions(self, lam: float) -> dict[str, float]:
        """Weighted fractions of chi2 decaying in the veto volumes, before HCAL2, in the S1 volume, and beyond.

        Interpolated in log lambda from tables made with the yields; lambda below the grid is the long-lifetime
        limit (all beyond the detector), above it the short-lifetime one (all vetoed).
        """
        out = {}
        lg = np.log(self.lam)
        x = math.log(max(lam, 1e-300))
        for name, values in self.fraction_tables.items():
            if lam <= self.lam[0]:
                out[name] = float(name == "beyond_detector")
            elif lam >= self.lam[-1]:
                out[name] = float(name == "vetoed")
            else:
                out[name] = float(np.interp(x, lg, values))
        return out


@functools.lru_cache(maxsize=8)
def _containment_map(half_width: float, rm: float, core: float, rc: float, rt: float) -> ContainmentMap:
    """The central-cell containment map, built once per geometry and profile."""
    return ContainmentMap(
        half_width_m=half_width, moliere_radius_m=rm, core_fraction=core, core_radius_rm=rc, tail_radius_rm=rt
    )


def _log_interp(x: FloatArray, xp: FloatArray, fp: FloatArray) -> FloatArray:
    return np.asarray(np.exp(np.interp(np.log(x), np.log(xp), np.log(np.clip(fp, 1e-300, None)))))


_N_BINS = 2000
#: The algorithm of the Laplace sums, part of the signal tables' cache key (2: second-order moments per bin).
_LAPLACE_ALGORITHM = 2


def _survival_sums(
    lam: FloatArray, terms: list[tuple[FloatArray, FloatArray]], log_range: tuple[float, float]
) -> list[FloatArray]:
    r"""S(lambda) = sum_i w_i exp(-lambda x_i) at every lambda, for each (x, w) of ``terms`` (exponents x >= 0).

    Exponents x = 0 contribute their weight at every lambda. The rest go to ``_N_BINS`` uniform bins in log x over
    ``log_range`` (an O(n) bincount, not a sort) with geometric centres c_b; within a bin the exponential is
    expanded to second order about its centre,

    .. math::  S(\lambda) = \sum_b e^{-\lambda c_b} \left[W_{0b} - \lambda W_{1b} + \tfrac12 \lambda^2 W_{2b}\right],
        \qquad W_{kb} = \sum_{i \in b} w_i (x_i - c_b)^k,

    so that the matrix exp(-lambda c_b) is computed once for all the sums of a table and each sum is one matrix
    product, its cost independent of the number of events. The error is third order in the bin width: below
    1e-5 relative wherever the sum is not exponentially suppressed (``tests/signal/test_semivisible.py``).
    """
    log_lo, log_hi = log_range
    per_log = _N_BINS / (log_hi - log_lo)
    centres = np.exp(log_lo + (np.arange(_N_BINS) + 0.5) / per_log)
    decay = np.exp(-np.outer(lam, centres))
    out = []
    for x, w in terms:
        positive = x > 0
        at_zero = float(w[~positive].sum())
        x, w = x[positive], w[positive]
        idx = np.clip(((np.log(x) - log_lo) * per_log).astype(np.int64), 0, _N_BINS - 1)
        d = x - centres[idx]
        wd = w * d
        moments = np.stack(
            [np.bincount(idx, weights=v, minlength=_N_BINS) for v in (w, wd, wd * d)], axis=1
        )  # (bins, 3)
        m0, m1, m2 = (decay @ moments).T
        out.append(np.asarray(m0 - lam * m1 + 0.5 * lam * lam * m2 + at_zero))
    return out


def _log_range(*exponents: FloatArray) -> tuple[float, float]:
    positive = np.concatenate([e.ravel() for e in exponents])
    positive = positive[positive > 0]
    return float(np.log(positive.min() * 0.999)), float(np.log(positive.max() * 1.001))


def _laplace_sums(
    lam: FloatArray, x_edges: FloatArray, x_end: FloatArray, pass_frac: FloatArray, weight: FloatArray, n_p: int
) -> tuple[FloatArray, FloatArray]:
    """Y_S1(lambda) and Y_S2(lambda) as Laplace sums (:func:`_survival_sums`) of the exponents x = a s.

    Y_S2 = sum_i w_i exp(-lambda x_i,end); Y_S1 = sum_ik w_i f_ik [exp(-lambda x_ik) - exp(-lambda x_i,k+1)]
    = sum_ik w_i (f_ik - f_i,k-1) exp(-lambda x_ik) over the slice edges k = 0..n (f_i,-1 = f_i,n = 0): one sum.
    The binning error is below 1e-4 relative wherever the yield is not exponentially suppressed
    (``tests/signal/test_semivisible.py``).
    """
    rng = _log_range(x_edges, x_end)
    contrib = weight[:, None] * pass_frac
    zero = np.zeros((contrib.shape[0], 1))
    coefficient = np.diff(np.concatenate([zero, contrib, zero], axis=1), axis=1)  # f_ik - f_i,k-1 per edge
    y1, y2 = _survival_sums(lam, [(x_edges.ravel(), coefficient.ravel()), (x_end, weight)], rng)
    return np.asarray(y1 / n_p), np.asarray(y2 / n_p)


def _fraction_tables(
    lam: FloatArray, a: FloatArray, weight: FloatArray, boundaries: list[FloatArray]
) -> dict[str, FloatArray]:
    """Decay fractions against lambda between the path boundaries 0, veto end, fiducial start/end, detector end.

    With S_b(lambda) = sum_i w_i exp(-lambda a_i s_ib) the weight surviving to boundary b, the fraction decaying
    between two boundaries is the difference of their S, and beyond the last one it is S itself.
    """
    names = ("vetoed", "gap_before_fiducial", "fiducial", "between_fiducial_and_end")
    exponents = [b * a for b in boundaries]
    rng = _log_range(*exponents)
    total = float(weight.sum())
    surv = [np.full(lam.shape, total), *_survival_sums(lam, [(x, weight) for x in exponents], rng)]
    out = {name: np.asarray((surv[k] - surv[k + 1]) / total) for k, name in enumerate(names)}
    out["beyond_detector"] = np.asarray(surv[-1] / total)
    return out


def _lambda_of(point_ma: float, mchi1: float, mchi2: ArrayLike, eps: FloatArray, alpha_d: FloatArray) -> FloatArray:
    gamma = gamma_chi2_total(point_ma, eps, alpha_d, mchi1, mchi2)
    return np.asarray(gamma / HBARC_GEV_M)


def _cache_inputs(
    point: DarkSector, experiment: Experiment, n_slices: int, n_lambda: int, seed: int, max_events: int | None
) -> dict[str, Any]:
    return {
        "masses": [point.ma, point.mchi1, point.mchi2],
        "experiment": experiment.spec.model_dump(mode="json"),
        "n_slices": n_slices,
        "n_lambda": n_lambda,
        "seed": seed,
        "max_events": max_events,
        "laplace_sums": _LAPLACE_ALGORITHM,
    }


def signal_table_cache_path(
    point: DarkSector,
    experiment: Experiment,
    n_slices: int = 12,
    n_lambda: int = 160,
    seed: int = 2107,
    max_events: int | None = None,
) -> Path:
    """Where :func:`build_signal_table` keeps the table of these masses, experiment and settings."""
    return cache_entry("signal", _cache_inputs(point, experiment, n_slices, n_lambda, seed, max_events))[0]


def signal_table_is_cached(point: DarkSector, experiment: Experiment, max_events: int | None = None) -> bool:
    """Whether the disk cache holds the (default-settings) table of these masses and experiment."""
    return signal_table_cache_path(point, experiment, max_events=max_events).exists()


_SCALARS = ("ma", "mchi1", "mchi2", "n_primaries", "s1_slope", "y_invisible", "r_cut_efficiency")


def build_signal_table(
    point: DarkSector,
    experiment: Experiment,
    *,
    n_slices: int = 12,
    n_lambda: int = 160,
    table: ProductionTable | None = None,
    seed: int = 2107,
    use_cache: bool = True,
    max_events: int | None = None,
) -> SignalTable:
    """The per-event S1/S2 geometry and selection for the masses of ``point``, tabulated in lambda = 1/(c tau).

    With ``table`` None the production table comes from the experiment, and the result is cached on disk (the
    lambda tables, not the per-event arrays), keyed by the masses, the whole experiment file and the settings.
    ``max_events`` thins the production table first (whole primaries, reweighted; see
    :meth:`ProductionTable.thinned`): faster, with a larger MC error.
    """
    exp = check_experiment(experiment)

    def build() -> SignalTable:
        prod = table
        if max_events is not None:
            prod = (production_table_for(point.ma, exp) if prod is None else prod).thinned(max_events, seed)
        return _build_signal_table(point, exp, n_slices, n_lambda, prod, seed)

    if table is not None or not use_cache:
        return build()
    built: list[SignalTable] = []

    def build_arrays() -> tuple[dict[str, Any], dict[str, Any]]:
        result = build()
        built.append(result)
        arrays = {"lam": result.lam, "y_s1": result.y_s1, "y_s2": result.y_s2}
        arrays |= {"err_s1": result.err_s1, "err_s2": result.err_s2}
        arrays |= {f"frac_{k}": v for k, v in result.fraction_tables.items()}
        meta = {name: getattr(result, name) for name in _SCALARS}
        meta |= {"experiment": result.experiment, "experiment_id": result.experiment_id}
        meta |= {"r_cut_efficiency_model": result.r_cut_efficiency_model, "meta": result.meta}
        return arrays, meta

    def check(arrays: dict[str, Any], meta: dict[str, Any]) -> str | None:
        names = ("lam", "y_s1", "y_s2", "err_s1", "err_s2")
        if any(k not in arrays or arrays[k].shape != (n_lambda,) for k in names):
            return f"its lambda tables are missing or not of length {n_lambda}"
        if [meta.get("ma"), meta.get("mchi1"), meta.get("mchi2")] != [point.ma, point.mchi1, point.mchi2]:
            return f"it holds the masses {meta.get('ma')}, {meta.get('mchi1')}, {meta.get('mchi2')}"
        return None if meta.get("experiment_id") == exp.identity else "it was built for another experiment"

    inputs = _cache_inputs(point, exp, n_slices, n_lambda, seed, max_events)
    arrays, meta = cached_arrays("signal", inputs, build_arrays, check=check)
    return built[0] if built else _signal_table_from_cache(arrays, meta)


def _signal_table_from_cache(arrays: dict[str, Any], meta: dict[str, Any]) -> SignalTable:
    return SignalTable(
        ma=float(meta["ma"]),
        mchi1=float(meta["mchi1"]),
        mchi2=float(meta["mchi2"]),
        experiment=str(meta["experiment"]),
        experiment_id=str(meta["experiment_id"]),
        n_primaries=int(meta["n_primaries"]),
        lam=arrays["lam"],
        y_s1=arrays["y_s1"],
        y_s2=arrays["y_s2"],
        err_s1=arrays["err_s1"],
        err_s2=arrays["err_s2"],
        s1_slope=float(meta["s1_slope"]),
        y_invisible=float(meta["y_invisible"]),
        r_cut_efficiency=float(meta["r_cut_efficiency"]),
        r_cut_efficiency_model=float(meta["r_cut_efficiency_model"]),
        fraction_tables={k[len("frac_") :]: v for k, v in arrays.items() if k.startswith("frac_")},
        meta=dict(meta["meta"]),
    )


def _build_signal_table(
    point: DarkSector,
    exp: Experiment,
    n_slices: int,
    n_lambda: int,
    table: ProductionTable | None,
    seed: int,
) -> SignalTable:
    det = exp.spec.detector
    if det is None or exp.spec.s1 is None:
        raise ParameterError("experiment", exp.name, "an experiment file with [detector] and [s1] sections")
    if point.chi2_stable:
        raise ParameterError("delta", point.delta, f"delta > 2 m_e = {2 * M_E_GEV:.6g} GeV for a visible chi2 decay")
    prod = production_table_for(point.ma, exp) if table is None else table
    rng = np.random.default_rng([seed, round(point.ma * 1e9) % (2**32), round(point.delta * 1e12) % (2**32)])
    m1, m2 = point.mchi1, point.mchi2

    # A' four-momenta from the table (small-angle directions), then A' -> chi1 chi2.
    e_a = prod.energy_gev
    p_a = np.sqrt(np.clip(e_a**2 - point.ma**2, 0.0, None))
    n_dir = np.stack([prod.theta_x_rad, prod.theta_y_rad, np.ones_like(e_a)], axis=1)
    n_dir /= np.linalg.norm(n_dir, axis=1, keepdims=True)
    aprime = np.column_stack([e_a, p_a[:, None] * n_dir])
    _, chi2 = aprime_to_chi1chi2(aprime, m1, m2, rng)
    p2 = np.linalg.norm(chi2[:, 1:], axis=1)
    u = chi2[:, 1:] / p2[:, None]
    a_i = m2 / p2

    # Emission point: depth in the ECAL and the beam spot.
    target = next(m for m in det.modules if m.role == "target")
    x0_len_m = target.length_m.value / exp.target.thickness_x0.value
    z0 = prod.depth_x0 * x0_len_m + target.z_start_m.value
    sigma_xy = det.beam_spot_sigma_m.value
    x0, y0 = rng.normal(0.0, sigma_xy, e_a.size), rng.normal(0.0, sigma_xy, e_a.size)

    fid = det.fiducial()
    vetoes = [m for m in det.modules if m.role in ("target", "veto")]
    z_veto_end = max(m.z_end_m for m in vetoes)
    z_f1, z_f2 = fid[0].z_start_m.value, fid[-1].z_end_m
    uz = u[:, 2]

    def path(z: float | FloatArray) -> FloatArray:
        return np.asarray(np.clip((z - z0) / uz, 0.0, None))

    # S1 slices: decay point, chi2 -> chi1 e+ e-, where the leptons reach calorimeter material, energy and R.
    s1 = exp.spec.s1
    shower = det.shower
    if shower is None:
        raise ParameterError("experiment", exp.name, "a [detector.shower] profile for the R variable")
    cell = _containment_map(
        fid[0].half_width_m.value / fid[0].cells,
        shower.moliere_radius_m.value,
        shower.core_fraction.value,
        shower.core_radius_rm.value,
        shower.tail_radius_rm.value,
    )
    r_cut = math.inf if s1.r_cut is None else s1.r_cut.value
    e_thr = 0.0 if s1.energy_threshold_gev is None else s1.energy_threshold_gev.value
    edges_z = np.linspace(z_f1, z_f2, n_slices + 1)
    pass_frac = np.zeros((e_a.size, n_slices))
    energy_ok = np.zeros((e_a.size, n_slices), dtype=bool)
    # One chi2 -> chi1 e+ e- decay per event serves all its slices (the decay does not depend on where it happens).
    _, lm, lp = chi2_decay_momenta(chi2, m1, m2, point.ma, rng)
    for k in range(n_slices):
        zd = rng.uniform(edges_z[k], edges_z[k + 1], e_a.size)
        sd = path(zd)
        xd, yd = x0 + u[:, 0] * sd, y0 + u[:, 1] * sd
        # A lepton starts showering at the decay point inside a module, else at the next module's face.
        z_face = zd.copy()
        prev_end = -math.inf
        for mod in fid:
            in_gap = (zd >= prev_end) & (zd < mod.z_start_m.value)
            z_face = np.where(in_gap, mod.z_start_m.value, z_face)
            prev_end = mod.z_end_m
        positions = []
        for lep in (lm, lp):
            dz = z_face - zd
            positions.append((xd + lep[:, 1] / lep[:, 3] * dz, yd + lep[:, 2] / lep[:, 3] * dz))
        energies = [lm[:, 0], lp[:, 0]]
        e_ok = energies[0] + energies[1] > e_thr
        energy_ok[:, k] = e_ok
        if shower.sampling_term is None or not math.isfinite(r_cut):
            pass_frac[:, k] = (e_ok & (r_variable(energies, positions, cell) < r_cut)).astype(np.float64)
        else:
            p_r = r_cut_probability(energies, positions, cell, r_cut, shower.sampling_term.value)
            pass_frac[:, k] = np.where(e_ok, p_r, 0.0)

    s_edges = np.stack([path(z) for z in edges_z], axis=1)
    s_end = path(det.end_m)
    weight = prod.weight
    ds = np.diff(s_edges, axis=1)
    # R-cut efficiency of the model: among decays in the S1 volume (long-lifetime weights) that pass the energy
    # threshold, the fraction with R < cut. An efficiency quoted by the experiment replaces the modelled cut.
    w_slices = weight[:, None] * ds * a_i[:, None]
    denom = float((w_slices * energy_ok).sum())
    # No decay above the energy threshold: nothing passes the S1 selection, the efficiency is 0 (never a NaN).
    r_eff_model = float((w_slices * pass_frac).sum() / denom) if denom > 0 else 0.0
    r_eff = r_eff_model
    if s1.r_cut_efficiency is not None:
        r_eff = float(s1.r_cut_efficiency.at(point.ma))
        pass_frac = energy_ok.astype(np.float64) * r_eff

    # Lambda grid: from lifetimes far longer than the detector (S1 linear) to far shorter (both vanish).
    s_scale = float(np.average(a_i * s_edges[:, 0], weights=weight))
    lam = np.geomspace(1e-4 / s_scale, 60.0 / float(np.min(a_i * s_edges[:, 0]) + 1e-12) + 1e-3, n_lambda)
    n_p = prod.n_primaries
    x_edges = a_i[:, None] * s_edges  # lambda-independent exponents per unit lambda
    x_end = a_i * s_end
    y1, y2 = _laplace_sums(lam, x_edges, x_end, pass_frac, weight, n_p)
    # MC errors from the spread over primary electrons, exactly on a coarse lambda grid, interpolated in log.
    lam_err = lam[:: max(1, n_lambda // 8)]
    e1c, e2c = np.empty(lam_err.size), np.empty(lam_err.size)
    for j, lj in enumerate(lam_err):
        surv = np.exp(-lj * x_edges)
        per_event_s1 = (pass_frac * (surv[:, :-1] - surv[:, 1:])).sum(axis=1) * weight
        b1 = np.bincount(prod.primary, weights=per_event_s1, minlength=n_p)
        b2 = np.bincount(prod.primary, weights=np.exp(-lj * x_end) * weight, minlength=n_p)
        e1c[j], e2c[j] = b1.std(ddof=1) / math.sqrt(n_p), b2.std(ddof=1) / math.sqrt(n_p)
    e1 = _log_interp(lam, lam_err, e1c)
    e2 = _log_interp(lam, lam_err, e2c)
    slope = float((weight * a_i * (pass_frac * ds).sum(axis=1)).sum() / n_p)
    return SignalTable(
        ma=point.ma,
        mchi1=m1,
        mchi2=m2,
        experiment=exp.name,
        experiment_id=exp.identity,
        n_primaries=n_p,
        lam=lam,
        y_s1=y1,
        y_s2=y2,
        err_s1=e1,
        err_s2=e2,
        s1_slope=slope,
        y_invisible=float(weight.sum() / n_p),
        r_cut_efficiency=r_eff,
        r_cut_efficiency_model=r_eff_model,
        fraction_tables=_fraction_tables(lam, a_i, weight, [path(z_veto_end), s_edges[:, 0], s_edges[:, -1], s_end]),
        decay_fractions_weights={
            "a": a_i,
            "weight": weight,
            "s_veto_end": path(z_veto_end),
            "s_fid_start": s_edges[:, 0],
            "s_fid_end": s_edges[:, -1],
            "s_end": s_end,
        },
        meta={"n_slices": n_slices, "seed": seed},
    )


def signal_yields(table: SignalTable, eps: ArrayLike, alpha_d: ArrayLike, experiment: Experiment) -> Yields:
    """Expected S1 and S2 events for arrays of eps and alpha_D (broadcast) at the table's masses.

    N_Sx = EOT x eff_Sx x eps^2 x BR(A' -> chi1 chi2) x Y_Sx(lambda), lambda = Gamma(chi2)/(hbar c)
    (:func:`semivisible.signal.events.expected_events`). The table must have been built for ``experiment``.

    Raises:
        ParameterError: the table was built for another experiment, or the experiment has no S1/S2 signatures.
    """
    exp = check_experiment(experiment)
    check_table(table, exp)
    if exp.spec.s1 is None or exp.spec.s2 is None:
        raise ParameterError("experiment", exp.name, "an experiment file with [s1] and [s2] sections")
    e, ad = np.broadcast_arrays(np.asarray(eps, dtype=np.float64), np.asarray(alpha_d, dtype=np.float64))
    lam = _lambda_of(table.ma, table.mchi1, table.mchi2, e, ad)
    br = aprime_widths.branching_ratios(table.ma, e, ad, table.mchi1, table.mchi2)["chi1chi2"]
    eff1 = float(exp.spec.s1.efficiency.at(table.ma))
    eff2 = float(exp.spec.s2.efficiency.at(table.ma))
    err1, err2 = table.errors_per_eps2(lam)
    with np.errstate(divide="ignore"):
        ctau = np.where(lam > 0, 1.0 / np.where(lam > 0, lam, 1.0), np.inf)
    return Yields(
        eps=e,
        alpha_d=ad,
        s1=expected_events(exp.eot, eff1, e, br, table.s1_per_eps2(lam)),
        s2=expected_events(exp.eot, eff2, e, br, table.s2_per_eps2(lam)),
        s1_mc_error=expected_events(exp.eot, eff1, e, br, err1),
        s2_mc_error=expected_events(exp.eot, eff2, e, br, err2),
        ctau_chi2_m=np.asarray(ctau),
        meta={"experiment": exp.name, "r_cut_efficiency": table.r_cut_efficiency},
    )


def check_table(table: SignalTable, experiment: Experiment) -> None:
    """Refuse a table built for another experiment than ``experiment`` (their identities differ).

    Raises:
        ParameterError: names the table's experiment and the one asked for.
    """
    if table.experiment_id != experiment.identity:
        raise ParameterError(
            "table",
            f"a signal table of {table.experiment!r} (id {table.experiment_id[:12]})",
            f"a table built for the experiment it is used with, {experiment.name!r} (id {experiment.identity[:12]}); "
            "build one with build_signal_table(point, experiment) or Search.signal_table(point)",
        )
