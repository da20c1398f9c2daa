r"""The signal of a collider (``kind = "collider"``): e+ e- -> gamma A' with a mono-photon selection, recast from
the published invisible limit (BaBar, arXiv:1702.03327).

The published search counts single photons and vetoes any other activity. An A' -> chi1 chi2 event passes when
chi2 decays outside every veto volume, or inside one with products below its threshold (Izaguirre, Kahn,
Krnjaic, Moschella arXiv:1703.06881; Mohlabeng arXiv:1902.05075; Duerr et al. arXiv:1911.03176). With
P_undetected the probability of that, averaged over the events of the photon selection, and the same photon
kinematics as the invisible A', the semi-visible model is excluded where

    eps^2 BR(A' -> chi1 chi2) P_undetected(m_A', eps, alpha_D, Delta) >= eps_inv(m_A')^2,

eps_inv the published 90% CL limit for BR(A' -> invisible) = 1 (``[invisible_limit]``). P_undetected depends on
eps through the chi2 lifetime (Gamma_chi2 ~ eps^2 alpha_D), so the excluded eps form bands, solved as for a beam
dump (:func:`semivisible.signal.beam_dump.excluded_intervals`). Assumptions (stated in ``docs/validation.md``):
the photon efficiency of the published search is the same for both models (it cancels in the ratio), and an
event is vetoed when a chi2 decay product (e+ or e-) above the volume's threshold starts inside it.

**Kinematics.** In the CM frame the photon's polar angle follows (arXiv:1802.03794 Eq. 4; Boehm and Fayet
hep-ph/0305261)

    dsigma/dcos theta* ~ [(1 + c^2) + 4 m_A'^2 s/(s - m_A'^2)^2]/(1 - c^2),

inside the selection window; the A' recoils with E* = (s + m_A'^2)/(2 sqrt s), the photon has E* = (s -
m_A'^2)/(2 sqrt s), which must pass the energy cut. The CM moves with beta_cm along +z. A' -> chi1 chi2 is
isotropic and chi2 -> chi1 e+ e- exact (:mod:`semivisible.signal.kinematics`). A chi2 flying from the interaction
point at polar angle theta stays inside a veto volume (theta_min < theta < theta_max, z_min < z < z_max,
r < R) up to the distance d = min(R/sin theta, z_max/cos theta or z_min/cos theta); it decays between a and b
with probability exp(-lambda u a) - exp(-lambda u b), u = m_chi2/p_chi2, lambda = Gamma_chi2/(hbar c).

Examples
--------
>>> from semivisible.experiments import load_experiment
>>> signal = ColliderSignal(load_experiment("babar"))
>>> round(float(signal.eps_invisible(0.5)), 6)  # the published limit at 0.5 GeV
0.000956
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_real
from semivisible.experiments import Experiment
from semivisible.io.cache import cached_arrays
from semivisible.model.constants import M_E_GEV
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING, DarkSector
from semivisible.signal.beam_dump import DumpLimit, br_aprime_to_chi1chi2, chi2_decay_rate_per_m, excluded_intervals
from semivisible.signal.kinematics import aprime_to_chi1chi2, boost, chi2_decay_momenta

__all__ = ["MODES", "ColliderSignal", "VetoTable", "build_veto_table", "collider_limit", "photon_cos_density"]

FloatArray = NDArray[np.float64]

#: The signatures of a collider recast: the published invisible A', and the semi-visible model.
MODES: tuple[str, ...] = ("invisible", "semivisible")
#: Events simulated per set of masses (the MC error of P_undetected is below 1% absolute).
_N_EVENTS = 4000
#: eps searched on this log grid (then refined): the published limits lie at 1e-4-1e-2, and the model's bound is 1.
_EPS_GRID = np.geomspace(1e-6, 1.0, 61)


def photon_cos_density(cos_theta: ArrayLike, s_gev2: float, ma: float) -> FloatArray:
    """dsigma/dcos theta* of e+ e- -> gamma A' up to a constant, theta* the photon's CM angle to the beam:
    [(1 + c^2) + 4 m^2 s/(s - m^2)^2]/(1 - c^2) (arXiv:1802.03794 Eq. 4, electron mass neglected; s in GeV^2).

    >>> float(photon_cos_density(0.0, 111.6, 0.0))
    1.0
    """
    c = np.asarray(check_real("cos_theta", cos_theta, -1.0, 1.0, low_open=True, high_open=True), dtype=np.float64)
    s = float(check_real("s_gev2", s_gev2, 0.0))
    m = float(check_real("ma", ma, 0.0, math.sqrt(s), low_open=False, high_open=True))
    k = 4.0 * m * m * s / (s - m * m) ** 2
    return np.asarray((1.0 + c * c + k) / (1.0 - c * c))


def _sample_cos(c_lo: float, c_hi: float, s: float, ma: float, n: int, rng: np.random.Generator) -> FloatArray:
    """Photon CM cosines from :func:`photon_cos_density` on [c_lo, c_hi], by inverse CDF on a fine grid."""
    grid = np.linspace(c_lo, c_hi, 2001)
    dens = photon_cos_density(grid, s, ma)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(grid))])
    return np.asarray(np.interp(rng.random(n) * cdf[-1], cdf, grid))


@dataclass(frozen=True)
class VetoTable:
    """The simulated events of one set of masses: ``u`` = m_chi2/p_chi2 of each chi2, the distances ``edges``
    (n, k + 1) from the interaction point that bound its path through the veto volumes (0 first), and ``seen``
    (n, k): whether a decay between edges j and j + 1 is detected (inside a volume whose threshold a product
    passes)."""

    ma: float
    mchi1: float
    mchi2: float
    u: FloatArray
    edges: FloatArray
    seen: NDArray[np.bool_]
    experiment_id: str
    meta: dict[str, Any] = field(default_factory=dict)

    def p_undetected(self, lam_per_m: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(P_undetected, its MC error) at the chi2 decay rates ``lam_per_m`` (1/m of proper path)."""
        lam = np.atleast_1d(np.asarray(lam_per_m, dtype=np.float64))
        x = self.u[:, None] * self.edges  # (n, k+1)
        surv = np.exp(-lam[:, None, None] * x[None])  # (m, n, k+1)
        det = ((surv[:, :, :-1] - surv[:, :, 1:]) * self.seen[None]).sum(axis=2)  # (m, n)
        n = self.u.size
        return 1.0 - det.mean(axis=1), det.std(axis=1, ddof=1) / math.sqrt(n)


def _check_collider(experiment: Experiment) -> Experiment:
    if not isinstance(experiment, Experiment):
        raise ParameterError("experiment", experiment, "a loaded Experiment (semivisible.experiments.load_experiment)")
    if experiment.kind != "collider":
        raise ParameterError("experiment", experiment.name, "an experiment of kind 'collider'")
    return experiment


def _exit_distances(n_dir: FloatArray, exp: Experiment) -> tuple[FloatArray, FloatArray]:
    """Per event and veto volume, the distance at which the chi2 line leaves the volume (0 when its angle is
    outside the volume's), and the thresholds of the volumes."""
    assert exp.spec.veto is not None
    cos_t = n_dir[:, 2]
    sin_t = np.hypot(n_dir[:, 0], n_dir[:, 1])
    theta = np.degrees(np.arctan2(sin_t, cos_t))
    dist, thr = [], []
    for v in exp.spec.veto:
        with np.errstate(divide="ignore", invalid="ignore"):
            d_r = np.where(sin_t > 0, v.radius_m.value / sin_t, np.inf)
            d_z = np.where(cos_t > 0, v.z_max_m.value / cos_t, np.where(cos_t < 0, v.z_min_m.value / cos_t, np.inf))
        inside = (theta > v.theta_min_deg.value) & (theta < v.theta_max_deg.value)
        dist.append(np.where(inside, np.minimum(d_r, d_z), 0.0))
        thr.append(v.threshold_gev.value)
    return np.stack(dist, axis=1), np.asarray(thr)


def build_veto_table(
    point: DarkSector, experiment: Experiment, *, n_events: int = _N_EVENTS, seed: int = 1702, use_cache: bool = True
) -> VetoTable:
    """The :class:`VetoTable` of the masses of ``point`` in ``experiment``, cached on disk by the masses and the
    experiment's identity."""
    exp = _check_collider(experiment)
    if not isinstance(point, DarkSector):
        raise ParameterError("point", point, "a DarkSector (the A', chi1 and chi2 masses)")
    if point.chi2_stable:
        raise ParameterError("delta", point.delta, f"delta > 2 m_e = {2 * M_E_GEV:.6g} GeV for a visible chi2 decay")
    ma, m1, m2 = float(point.ma), float(point.mchi1), float(point.mchi2)
    col, pho = exp.spec.collider, exp.spec.photon
    assert col is not None
    assert pho is not None
    inputs = {"ma": ma, "mchi1": m1, "mchi2": m2, "experiment": exp.identity, "n_events": n_events, "seed": seed,
              "segments": 1}  # fmt: skip

    def build() -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
        rng = np.random.default_rng([seed, round(ma * 1e9) % (2**32), round(m2 * 1e12) % (2**32)])
        sqrt_s = col.sqrt_s_gev
        s = sqrt_s * sqrt_s
        c_lo = math.cos(math.radians(pho.theta_max_deg.value))
        c_hi = math.cos(math.radians(pho.theta_min_deg.value))
        c_gamma = _sample_cos(c_lo, c_hi, s, ma, n_events, rng)
        phi = rng.uniform(0.0, 2.0 * math.pi, n_events)
        p_star = (s - ma * ma) / (2.0 * sqrt_s)
        e_star = (s + ma * ma) / (2.0 * sqrt_s)
        sin_a = np.sqrt(1.0 - c_gamma**2)
        # The A' recoils against the photon in the CM frame.
        a_cm = np.column_stack(
            [np.full(n_events, e_star), -p_star * sin_a * np.cos(phi), -p_star * sin_a * np.sin(phi), -p_star * c_gamma]
        )
        beta = col.beta_cm
        gamma = 1.0 / math.sqrt(1.0 - beta * beta)
        cm = np.array([gamma * sqrt_s, 0.0, 0.0, gamma * beta * sqrt_s])  # the CM system in the lab
        a_lab = boost(a_cm, cm, sqrt_s)
        _, chi2 = aprime_to_chi1chi2(a_lab, m1, m2, rng)
        _, lm, lp = chi2_decay_momenta(chi2, m1, m2, ma, rng)
        p2 = np.linalg.norm(chi2[:, 1:], axis=1)
        dist, thr = _exit_distances(chi2[:, 1:] / p2[:, None], exp)
        e_lep = np.maximum(lm[:, 0], lp[:, 0])
        # Segments along the line: between consecutive exit distances, the volumes still around are those that
        # end later; the lowest threshold among them decides.
        order = np.sort(dist, axis=1)
        edges = np.concatenate([np.zeros((n_events, 1)), order], axis=1)
        seen = np.zeros((n_events, dist.shape[1]), dtype=bool)
        for j in range(dist.shape[1]):
            covering = dist >= order[:, j : j + 1]
            t_min = np.where(covering, thr[None, :], np.inf).min(axis=1)
            seen[:, j] = (order[:, j] > edges[:, j]) & (e_lep > t_min)
        arrays = {"u": m2 / p2, "edges": edges, "seen": seen.astype(np.float64)}
        meta = {"inputs": inputs}
        return arrays, meta

    arrays, meta = cached_arrays("collider-veto", inputs, build, use_cache=use_cache)
    return VetoTable(
        ma=ma,
        mchi1=m1,
        mchi2=m2,
        u=arrays["u"],
        edges=arrays["edges"],
        seen=arrays["seen"] > 0.5,
        experiment_id=exp.identity,
        meta=meta,
    )


class ColliderSignal:
    """The signal model of ``kind = "collider"`` (module docstring): the invisible and semi-visible recasts."""

    kind: ClassVar[str] = "collider"
    signatures: ClassVar[tuple[str, ...]] = MODES

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = _check_collider(experiment)
        lim = experiment.spec.invisible_limit
        pho, col = experiment.spec.photon, experiment.spec.collider
        assert lim is not None
        assert pho is not None
        assert col is not None
        self._log_m = np.log(np.asarray(lim.ma_gev))
        self._log_eps = np.log(np.asarray(lim.eps))
        s = col.sqrt_s_gev**2
        # The photon energy cut: (s - m^2)/(2 sqrt s) > E_min.
        self._ma_max_photon = math.sqrt(max(s - 2.0 * math.sqrt(s) * pho.energy_min_gev.value, 0.0))

    def __repr__(self) -> str:
        return f"ColliderSignal({self.experiment.name!r})"

    @property
    def ma_range_gev(self) -> tuple[float, float]:
        """m_A' covered: the published limit's masses, below the photon energy cut."""
        lo, hi = float(np.exp(self._log_m[0])), float(np.exp(self._log_m[-1]))
        return lo, min(hi, self._ma_max_photon)

    def check_ma(self, ma: ArrayLike) -> list[float]:
        """The masses ``ma`` (GeV) as floats, each inside :attr:`ma_range_gev`, else a ParameterError naming it."""
        masses = [float(m) for m in np.atleast_1d(np.asarray(ma, dtype=np.float64))]
        lo, hi = self.ma_range_gev
        for m in masses:
            if not lo * (1 - 1e-9) <= m <= hi * (1 + 1e-9):
                raise ParameterError(
                    "ma", m, f"{lo:.6g} <= ma <= {hi:.6g} GeV (the published invisible limit's masses)"
                )
        return masses

    def eps_invisible(self, ma: ArrayLike) -> FloatArray:
        """The published invisible limit eps_inv at m_A' (GeV), interpolated in log-log."""
        m = np.asarray(ma, dtype=np.float64)
        return np.asarray(np.exp(np.interp(np.log(m), self._log_m, self._log_eps)))

    def excess(self, point: DarkSector, eps: ArrayLike, alpha_d: ArrayLike, *, table: VetoTable | None = None,
               use_cache: bool = True) -> FloatArray:  # fmt: skip
        """eps^2 BR(A' -> chi1 chi2) P_undetected / eps_inv^2 at the masses of ``point`` for arrays of eps and
        alpha_D (broadcast): excluded where >= 1."""
        e = np.asarray(check_real("eps", eps, 0.0, 1.0, low_open=True), dtype=np.float64)
        a = np.asarray(check_real("alpha_d", alpha_d, 0.0, 4.0 * math.pi, low_open=True), dtype=np.float64)
        e, a = np.broadcast_arrays(e, a)
        br = br_aprime_to_chi1chi2(point, e, a)
        if point.chi2_stable:
            p_und = np.ones_like(e)
        else:
            if table is None:
                table = build_veto_table(point, self.experiment, use_cache=use_cache)
            p_und = table.p_undetected(chi2_decay_rate_per_m(point, e, a).ravel())[0].reshape(e.shape)
        return np.asarray(e**2 * br * p_und / self.eps_invisible(point.ma) ** 2)


def _excess_of(
    signal: ColliderSignal, mode: str, ma: float, alpha_d: float, ratio: float, splitting: float, use_cache: bool
) -> Callable[[FloatArray], FloatArray]:
    if mode == "invisible":
        eps_inv = float(signal.eps_invisible(ma))
        return lambda e: np.asarray(e**2 / eps_inv**2)
    point = DarkSector.build(ma, 1e-3, alpha_d, ratio=ratio, splitting=splitting)
    table = None if point.chi2_stable else build_veto_table(point, signal.experiment, use_cache=use_cache)
    return lambda e: signal.excess(point, e, alpha_d, table=table)


def collider_limit(
    experiment: Experiment,
    mode: str,
    ma: ArrayLike,
    *,
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    use_cache: bool = True,
) -> DumpLimit:
    """The excluded eps bands of a collider recast at each m_A' in ``ma`` (GeV): ``invisible`` (the published limit,
    through the same code path) or ``semivisible`` (at ``alpha_d``, m_A'/m_chi1 = ``ratio``, Delta/m_chi1 =
    ``splitting``). Rows as a beam dump's (:class:`~semivisible.signal.beam_dump.DumpLimit`).

    >>> from semivisible.experiments import load_experiment
    >>> lim = collider_limit(load_experiment("babar"), "invisible", [0.5])
    >>> lo, hi = lim.bands[0][0]
    >>> round(lo, 6), hi
    (0.000956, 1.0)
    """
    exp = _check_collider(experiment)
    if mode not in MODES:
        raise ParameterError("mode", mode, "one of " + ", ".join(MODES))
    signal = ColliderSignal(exp)
    masses = signal.check_ma(ma)
    dark = {"alpha_d": alpha_d, "ratio": ratio, "splitting": splitting} if mode == "semivisible" else {}
    bands: list[list[tuple[float, float]]] = []
    for m in masses:
        inputs = {"mode": mode, "ma": m, "experiment": exp.identity, **dark}

        def solve(m: float = m) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
            found = excluded_intervals(
                _excess_of(signal, mode, m, alpha_d, ratio, splitting, use_cache), 1.0, _EPS_GRID
            )
            return {"edges": np.asarray(found, dtype=np.float64).reshape(-1, 2)}, {"ma": m}

        arrays, _ = cached_arrays("collider-band", inputs, solve, use_cache=use_cache)
        bands.append([(float(lo), float(hi)) for lo, hi in arrays["edges"]])
    return DumpLimit(exp.name, mode, np.asarray(masses), bands, 1.0, {"cl": 0.9, **dark})
