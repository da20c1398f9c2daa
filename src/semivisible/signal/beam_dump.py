r"""The signal of a beam dump (``kind = "beam-dump"``): decays in a distant decay volume, seen by a detector face.

The A' are made by the beam's shower in the dump (:mod:`semivisible.production.yields`, the same engine as NA64's),
then fly a shield of length L_sh and may decay in the decay volume that follows, between L1 = L_sh and
L2 = L_sh + L_dec from the dump; the detector face closes the volume (Bjorken et al., PRD 38 (1988) 3375; BEST,
arXiv:0906.0580 Sec. IV and App. A; Andreas, Niebuhr, Ringwald, arXiv:1209.6083).

**visible**: A' -> SM (e+ e-, mu+ mu-, hadrons; Gamma from :func:`semivisible.model.aprime.gamma_aprime_visible`).
A particle of mass m and momentum p with rest-frame width Gamma decays between L1 and L2 with probability

    P = exp(-lambda u L1) - exp(-lambda u L2),    lambda = Gamma/(hbar c) [1/m],  u = m/p,

and the expected events are N = N_e eff eps^2 Sum_i w_i a_i P_i, with w_i the weight of a produced A' (per
particle on target, eps = 1) and a_i = 1 when its line of flight crosses the detector face and E_A' exceeds
the energy threshold (the e+ e- of a boosted A' stay within m/E of its direction).

**semivisible**: A' -> chi1 chi2 at the production point (prompt: c tau_A' << 1 m here), chi2 flies and decays
chi2 -> chi1 e+ e- in the volume (exact three-body kinematics, :mod:`semivisible.signal.kinematics`), and its
e+ e- deposit more than the threshold in the detector. Then u = m_chi2/p_chi2, lambda = Gamma_chi2/(hbar c),
N = N_e eff eps^2 BR(A' -> chi1 chi2) BR(chi2 -> chi1 e+ e-) Sum_i w_i a_i P_i, with a_i = 1 when the chi2 line
and the e+ e- direction (from the middle of the volume) both cross the face and E_ee is above threshold.

eps and alpha_D enter only through lambda and the branching ratios, so one table per set of masses serves every
(eps, alpha_D): the accepted weights are summed in bins of ln u (:class:`DecayTable`), and P is evaluated for
any lambda. Long lifetimes give N ~ eps^2 lambda ~ eps^4 (visible) and eps^4 alpha_D (semivisible); short ones
an exponential cut-off.

Examples
--------
>>> p = decay_probability(1e-3, np.array([1e-2]), 100.0, 300.0)
>>> bool(abs(p[0] - 2e-3) < 1e-5)  # long lifetime: lambda u (L2 - L1)
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize

from semivisible.errors import ParameterError, check_real
from semivisible.experiments import Experiment
from semivisible.io.cache import cached_arrays
from semivisible.model import aprime
from semivisible.model.constants import HBARC_GEV_M, M_E_GEV
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING, DarkSector
from semivisible.production.yields import ProductionTable
from semivisible.signal.invisible import production_table_for
from semivisible.signal.kinematics import aprime_to_chi1chi2, chi2_decay_momenta, two_body_energy, two_body_momentum
from semivisible.stats.counting import upper_limit_counting
from semivisible.vocabulary import with_rule_keys

__all__ = [
    "MODES",
    "BeamDumpSignal",
    "DecayTable",
    "DumpLimit",
    "DumpYields",
    "br_aprime_to_chi1chi2",
    "build_decay_table",
    "chi2_decay_rate_per_m",
    "decay_probability",
    "dump_limit",
    "excluded_intervals",
    "visible_width_eps1",
]

FloatArray = NDArray[np.float64]


class Geometry(NamedTuple):
    """Where a beam dump sees decays: from L1 to L2 (m) after the dump, a face at L2 (a rectangle of half widths
    hx, hy or, when ``radius`` > 0, a disc) centred at (ox, oy) (m), and the energy threshold (GeV)."""

    l1: float
    l2: float
    hx: float
    hy: float
    ox: float
    oy: float
    threshold: float
    radius: float = 0.0


#: The signatures of a beam dump.
MODES: tuple[str, ...] = ("visible", "semivisible")
_N_BINS = 400
#: eps is searched on this log grid (then refined): from far below any beam dump's reach to the model's bound 1; a
#: band still open at eps = 1 ends there.
_EPS_GRID = np.geomspace(1e-11, 1.0, 221)


def decay_probability(lam_per_m: ArrayLike, u: FloatArray, l1_m: float, l2_m: float) -> FloatArray:
    """exp(-lambda u L1) - exp(-lambda u L2): a decay between L1 and L2 (m) of a particle with u = m/p, at the rate
    lambda = Gamma/(hbar c) per metre of proper path (arrays broadcast; stable for small lambda)."""
    a = np.asarray(lam_per_m, dtype=np.float64)[..., None] * u
    return np.asarray(np.exp(-a * l1_m) * -np.expm1(-a * (l2_m - l1_m)))


@dataclass(frozen=True)
class DecayTable:
    """Accepted weight of one set of masses in a beam dump, in bins of u = m/p of the decaying particle.

    ``weight`` (and ``weight2``, the sum of squares, for the MC error) is per particle on target for eps = 1 at
    production, with the detector acceptance and energy threshold applied and no branching ratio; ``produced``
    is the whole A' yield above the production cut.
    """

    mode: str
    ma: float
    mchi1: float | None
    mchi2: float | None
    u: FloatArray
    weight: FloatArray
    weight2: FloatArray
    l1_m: float
    l2_m: float
    produced: float
    experiment_id: str
    meta: dict[str, Any] = field(default_factory=dict)

    def accepted(self, lam_per_m: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """(Sum_b W_b P_b, its MC error) at the decay rates ``lam_per_m`` (1/m of proper path)."""
        p = decay_probability(lam_per_m, self.u, self.l1_m, self.l2_m)
        return np.asarray(p @ self.weight), np.asarray(np.sqrt((p * p) @ self.weight2))


@dataclass(frozen=True)
class DumpYields:
    """Expected events of a beam-dump signature and their MC error, for arrays of eps (and alpha_D)."""

    mode: str
    events: FloatArray
    mc_error: FloatArray


def _check_beam_dump(experiment: Experiment) -> Experiment:
    if not isinstance(experiment, Experiment):
        raise ParameterError("experiment", experiment, "a loaded Experiment (semivisible.experiments.load_experiment)")
    if experiment.kind != "beam-dump":
        raise ParameterError("experiment", experiment.name, "an experiment of kind 'beam-dump'")
    return experiment


def _check_mode(mode: str) -> str:
    if mode not in MODES:
        raise ParameterError("mode", mode, "one of " + ", ".join(MODES))
    return mode


def _geometry(exp: Experiment) -> Geometry:
    spec = exp.spec
    assert spec.decay_volume is not None
    assert spec.dump_detector is not None
    assert spec.selection is not None
    vol, det = spec.decay_volume, spec.dump_detector
    l1, l2 = vol.shield_length_m.value, vol.end_m
    ox = 0.0 if det.offset_x_m is None else det.offset_x_m.value
    oy = 0.0 if det.offset_y_m is None else det.offset_y_m.value
    thr = spec.selection.energy_threshold_gev.value
    if det.radius_m is not None:
        r = det.radius_m.value
        return Geometry(l1, l2, r, r, ox, oy, thr, r)
    assert det.half_width_x_m is not None
    assert det.half_width_y_m is not None
    return Geometry(l1, l2, det.half_width_x_m.value, det.half_width_y_m.value, ox, oy, thr)


def _hits(
    tx: FloatArray, ty: FloatArray, z: float | FloatArray, x0: ArrayLike, y0: ArrayLike, g: Geometry
) -> NDArray[np.bool_]:
    """Whether lines from (x0, y0) at the production point's plane with slopes (tx, ty), followed to the face,
    cross the detector face (a rectangle, or a disc)."""
    x = np.asarray(x0) + tx * (g.l2 - z) - g.ox
    y = np.asarray(y0) + ty * (g.l2 - z) - g.oy
    if g.radius > 0:
        return np.asarray(x * x + y * y < g.radius * g.radius)
    return np.asarray((np.abs(x) < g.hx) & (np.abs(y) < g.hy))


def _binned(u: FloatArray, w: FloatArray, n_bins: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weights summed in bins of ln u, each bin at its weighted mean u."""
    keep = w > 0
    u, w = u[keep], w[keep]
    if not u.size:
        return np.ones(1), np.zeros(1), np.zeros(1)
    edges = np.geomspace(u.min() * 0.999, u.max() * 1.001, n_bins + 1)
    idx = np.clip(np.searchsorted(edges, u) - 1, 0, n_bins - 1)
    wsum = np.bincount(idx, weights=w, minlength=n_bins)
    usum = np.bincount(idx, weights=w * u, minlength=n_bins)
    w2 = np.bincount(idx, weights=w * w, minlength=n_bins)
    full = wsum > 0
    return (
        np.asarray(usum[full] / wsum[full], dtype=np.float64),
        np.asarray(wsum[full], dtype=np.float64),
        np.asarray(w2[full], dtype=np.float64),
    )


def build_decay_table(
    mode: str,
    point: DarkSector | float,
    experiment: Experiment,
    *,
    n_bins: int = _N_BINS,
    seed: int = 137,
    max_rows: int | None = None,
    use_cache: bool = True,
) -> DecayTable:
    """The :class:`DecayTable` of ``mode`` at the masses of ``point`` (a DarkSector for ``semivisible``; an A' mass
    in GeV, or a DarkSector whose ``ma`` is used, for ``visible``), cached on disk by the masses and the
    experiment's identity. ``max_rows`` thins the production rows first (whole primaries, reweighted: faster, with
    a larger MC error)."""
    exp = _check_beam_dump(experiment)
    _check_mode(mode)
    if mode == "semivisible" and not isinstance(point, DarkSector):
        raise ParameterError("point", point, "a DarkSector (the chi1 and chi2 masses) for the semivisible mode")
    ma = float(point.ma) if isinstance(point, DarkSector) else float(check_real("ma", point))
    m1 = point.mchi1 if mode == "semivisible" and isinstance(point, DarkSector) else None
    m2 = point.mchi2 if mode == "semivisible" and isinstance(point, DarkSector) else None
    if mode == "semivisible" and isinstance(point, DarkSector) and point.chi2_stable:
        raise ParameterError("delta", point.delta, f"delta > 2 m_e = {2 * M_E_GEV:.6g} GeV for a visible chi2 decay")
    g = _geometry(exp)
    # The cache key carries the package version itself (semivisible.io.cache.cache_key).
    inputs = {"mode": mode, "ma": ma, "mchi1": m1, "mchi2": m2, "experiment": exp.identity, "bins": n_bins,
              "seed": seed, "max_rows": max_rows,
              "chi2_per_aprime": _CHI2_PER_APRIME if mode == "semivisible" else None,
              "chi2_cone": mode == "semivisible"}  # fmt: skip

    def build() -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
        prod = _production(ma, exp)
        if max_rows is not None:
            prod = prod.thinned(max_rows, seed)
        rng = np.random.default_rng([seed, round(ma * 1e9) % (2**32), round((m2 or 0.0) * 1e12) % (2**32)])
        if mode == "visible":
            u, w = _visible_rows(prod, ma, g)
        else:
            assert m1 is not None
            assert m2 is not None
            u, w = _semivisible_rows(prod, ma, m1, m2, g, rng)
        # Weights per particle on target; the sum of their squares per bin is the usual weighted-MC error (the rows
        # of one primary are correlated, which it neglects).
        ub, wb, w2 = _binned(u, w / prod.n_primaries, n_bins)
        arrays = {"u": ub, "weight": wb, "weight2": w2}
        meta = {"inputs": inputs, "produced": prod.yield_per_eot_per_eps2(), "n_primaries": prod.n_primaries}
        return arrays, meta

    arrays, meta = cached_arrays(f"beam-dump-{mode}", inputs, build, use_cache=use_cache)
    return DecayTable(
        mode=mode,
        ma=ma,
        mchi1=m1,
        mchi2=m2,
        u=arrays["u"],
        weight=arrays["weight"],
        weight2=arrays["weight2"],
        l1_m=g[0],
        l2_m=g[1],
        produced=float(meta["produced"]),
        experiment_id=exp.identity,
        meta=meta,
    )


_PRODUCTION: dict[tuple[str, float], ProductionTable] = {}


def _production(ma: float, exp: Experiment) -> ProductionTable:
    """The production rows of one mass, kept in memory for the next table of the same mass (the splittings of a
    plane) but not on disk (8 MB a mass for E137): the decay tables they make are."""
    key = (exp.identity, ma)
    if key not in _PRODUCTION:
        _PRODUCTION.clear()
        _PRODUCTION[key] = production_table_for(ma, exp, use_cache=False)
    return _PRODUCTION[key]


def _visible_rows(prod: ProductionTable, ma: float, g: Geometry) -> tuple[FloatArray, FloatArray]:
    e = prod.energy_gev
    p = np.sqrt(np.clip(e * e - ma * ma, 0.0, None))
    ok = (e > g.threshold) & _hits(prod.theta_x_rad, prod.theta_y_rad, 0.0, 0.0, 0.0, g)
    return np.where(p > 0, ma / np.where(p > 0, p, 1.0), 1.0), np.where(ok & (p > 0), prod.weight, 0.0)


#: A' -> chi1 chi2 decays drawn per A' of the production table (each with 1/4 of its weight): the face accepts a
#: small solid angle, so the chi2 direction, not the A' statistics, limits the MC error of the semi-visible signal.
_CHI2_PER_APRIME = 4


def _within_chi2_cone(
    energy: FloatArray, tx: FloatArray, ty: FloatArray, ma: float, m1: float, m2: float, g: Geometry
) -> NDArray[np.bool_]:
    """Whether a chi2 of A' -> chi1 chi2 can fly from the A' line (slopes tx, ty) into the face: in the lab, chi2
    leaves the A' direction by at most theta_max, tan theta_max = beta*/(gamma sqrt(beta^2 - beta*^2)) with beta* the
    chi2 velocity in the A' frame and beta, gamma the A''s (any angle when beta <= beta*). The A' line's distance
    from the face at L2, over L2, is compared with tan theta_max, with a 30% margin for the slopes' non-linearity."""
    b_star = float(two_body_momentum(ma, m2, m1) / two_body_energy(ma, m2, m1))
    gamma = energy / ma
    beta = np.sqrt(np.clip(1.0 - 1.0 / (gamma * gamma), 0.0, 1.0))
    slow = beta <= b_star * 1.0001
    tan_max = np.where(slow, np.inf, b_star / (gamma * np.sqrt(np.clip(beta * beta - b_star * b_star, 1e-300, None))))
    x, y = tx * g.l2 - g.ox, ty * g.l2 - g.oy
    if g.radius > 0:
        dist = np.clip(np.hypot(x, y) - g.radius, 0.0, None)
    else:
        dist = np.hypot(np.clip(np.abs(x) - g.hx, 0.0, None), np.clip(np.abs(y) - g.hy, 0.0, None))
    return np.asarray(slow | (tan_max > 0.5) | (dist < 1.3 * tan_max * g.l2 * (1.0 + np.hypot(tx, ty))))


def _semivisible_rows(
    prod: ProductionTable, ma: float, m1: float, m2: float, g: Geometry, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    l1, l2 = g.l1, g.l2
    k = _CHI2_PER_APRIME
    # Only the A' whose chi2 can reach the face are decayed (an exact cut: the others have no acceptance).
    near = _within_chi2_cone(prod.energy_gev, prod.theta_x_rad, prod.theta_y_rad, ma, m1, m2, g)
    e_a = np.repeat(prod.energy_gev[near], k)
    weight = np.repeat(prod.weight[near], k) / k
    p_a = np.sqrt(np.clip(e_a**2 - ma**2, 0.0, None))
    tx, ty = np.repeat(prod.theta_x_rad[near], k), np.repeat(prod.theta_y_rad[near], k)
    n_dir = np.stack([tx, ty, np.ones_like(e_a)], axis=1)
    n_dir /= np.linalg.norm(n_dir, axis=1, keepdims=True)
    _, chi2 = aprime_to_chi1chi2(np.column_stack([e_a, p_a[:, None] * n_dir]), m1, m2, rng)
    # The chi2 line must cross the face (the three-body decay does not move it): only those chi2 are decayed.
    line = (chi2[:, 3] > 0) & _hits(chi2[:, 1] / chi2[:, 3], chi2[:, 2] / chi2[:, 3], 0.0, 0.0, 0.0, g)
    chi2, weight = chi2[line], weight[line]
    p2 = np.linalg.norm(chi2[:, 1:], axis=1)
    if not chi2.shape[0]:
        return np.ones(1), np.zeros(1)
    _, lm, lp = chi2_decay_momenta(chi2, m1, m2, ma, rng)
    ee = lm + lp
    z_mid = 0.5 * (l1 + l2)
    # The decay point (taken at the middle of the volume) on the chi2 line, then the e+ e- direction to the face.
    x_d, y_d = chi2[:, 1] / chi2[:, 3] * z_mid, chi2[:, 2] / chi2[:, 3] * z_mid
    ok = (ee[:, 3] > 0) & (ee[:, 0] > g.threshold)
    ok &= _hits(ee[:, 1] / ee[:, 3], ee[:, 2] / ee[:, 3], z_mid, x_d, y_d, g)
    return m2 / p2, np.where(ok, weight, 0.0)


@functools.lru_cache(maxsize=4096)
def visible_width_eps1(ma: float) -> float:
    """Gamma(A' -> SM) at eps = 1, GeV (:func:`semivisible.model.aprime.gamma_aprime_visible`, kept per mass: the
    hadronic part costs an R-ratio evaluation)."""
    return float(aprime.gamma_aprime_visible(ma, 1.0))


@functools.lru_cache(maxsize=4096)
def _partial_widths_eps1(ma: float) -> dict[str, float]:
    return {
        "ee": float(aprime.gamma_aprime_to_ee(ma, 1.0)),
        "mumu": float(aprime.gamma_aprime_to_mumu(ma, 1.0)),
        "hadrons": float(aprime.gamma_aprime_to_hadrons(ma, 1.0)),
    }


def _visible_width(ma: float, eps: FloatArray) -> FloatArray:
    return np.asarray(visible_width_eps1(float(ma)) * eps**2)


def chi2_decay_rate_per_m(point: DarkSector, eps: FloatArray, alpha_d: FloatArray) -> FloatArray:
    """lambda = Gamma_chi2/(hbar c) (1/m of proper path) at arrays of eps and alpha_D, rescaled from ``point``:
    Gamma_chi2 ~ eps^2 alpha_D (the A' width in its propagator is negligible for m_A' > m_chi2 - m_chi1)."""
    return np.asarray(point.gamma_chi2 / HBARC_GEV_M * (eps**2 * alpha_d) / (point.eps**2 * point.alpha_d))


def br_aprime_to_chi1chi2(point: DarkSector, eps: FloatArray, alpha_d: FloatArray) -> FloatArray:
    """BR(A' -> chi1 chi2) = Gamma_dark/(Gamma_dark + Gamma(A' -> SM)) at the masses of ``point``, for arrays of eps
    and alpha_D (:mod:`semivisible.model.aprime`)."""
    g_dark = aprime.gamma_aprime_to_chi1chi2(point.ma, 1.0, point.mchi1, point.mchi2) * alpha_d
    return np.asarray(g_dark / (g_dark + _visible_width(point.ma, eps)))


class BeamDumpSignal:
    """The signal model of ``kind = "beam-dump"`` (module docstring): visible and semivisible signatures."""

    kind: ClassVar[str] = "beam-dump"
    signatures: ClassVar[tuple[str, ...]] = MODES

    def __init__(self, experiment: Experiment) -> None:
        self.experiment = _check_beam_dump(experiment)
        sel = experiment.spec.selection
        assert sel is not None
        self._efficiency = sel.efficiency

    def efficiency(self, ma: float) -> float:
        """The selection efficiency at m_A' (GeV): a constant, or the file's table."""
        return float(self._efficiency.at(ma))

    def __repr__(self) -> str:
        return f"BeamDumpSignal({self.experiment.name!r})"

    @property
    def ma_range_gev(self) -> tuple[float, float]:
        """m_A' the production covers: from 2 m_e to below the production cut."""
        return 2.0 * M_E_GEV, self.experiment.min_aprime_energy_gev

    def check_ma(self, ma: ArrayLike) -> list[float]:
        """The masses ``ma`` (GeV) as floats, each inside :attr:`ma_range_gev`, else a ParameterError naming it."""
        masses = [float(m) for m in np.atleast_1d(np.asarray(ma, dtype=np.float64))]
        lo, hi = self.ma_range_gev
        for m in masses:
            if not lo < m < hi:
                raise ParameterError("ma", m, f"{lo:.6g} < ma < {hi:g} GeV (the A' must pass the production cut)")
        return masses

    def n_up(self, cl: float = 0.9) -> float:
        """The CLs event limit of the file's observed events and background (2.303 for none at 90% CL)."""
        sel = self.experiment.spec.selection
        assert sel is not None
        return upper_limit_counting(int(sel.n_observed.value), sel.background.value, cl)

    def visible_fraction(self, ma: float) -> float:
        """The fraction of A' -> SM decays the detector sees: Gamma of ``[selection] visible_decays`` over the total
        (:mod:`semivisible.model.aprime`; independent of eps)."""
        sel = self.experiment.spec.selection
        assert sel is not None
        parts = _partial_widths_eps1(float(ma))
        return sum(parts[k] for k in sel.visible_decays) / visible_width_eps1(float(ma))

    def visible(
        self, ma: float, eps: ArrayLike, *, use_cache: bool = True, table: DecayTable | None = None
    ) -> DumpYields:
        """Expected events of A' -> SM decays in the volume (those of ``[selection] visible_decays``), for an array
        of eps: N = N_e eff eps^2 BR_seen Sum_b W_b P_b(lambda(eps)). ``table``: a decay table built before."""
        e = np.atleast_1d(np.asarray(check_real("eps", eps, 0.0, 1.0, low_open=True), dtype=np.float64))
        if table is None:
            table = build_decay_table("visible", ma, self.experiment, use_cache=use_cache)
        acc, err = table.accepted(_visible_width(table.ma, e) / HBARC_GEV_M)
        scale = self.experiment.eot * self.efficiency(table.ma) * e**2 * self.visible_fraction(table.ma)
        return DumpYields("visible", scale * acc, scale * err)

    def semivisible(
        self,
        point: DarkSector,
        eps: ArrayLike,
        alpha_d: ArrayLike,
        *,
        use_cache: bool = True,
        table: DecayTable | None = None,
    ) -> DumpYields:
        """Expected events of chi2 -> chi1 e+ e- in the volume at the masses of ``point``, for arrays of eps and
        alpha_D (broadcast): lambda and the branching ratios are rescaled from ``point``."""
        e = np.asarray(check_real("eps", eps, 0.0, 1.0, low_open=True), dtype=np.float64)
        a = np.asarray(check_real("alpha_d", alpha_d, 0.0, 4.0 * math.pi, low_open=True), dtype=np.float64)
        e, a = np.broadcast_arrays(e, a)
        if table is None:
            table = build_decay_table("semivisible", point, self.experiment, use_cache=use_cache)
        lam = chi2_decay_rate_per_m(point, e, a)
        br_ee = point.gamma_chi2_ee / point.gamma_chi2
        br_a = br_aprime_to_chi1chi2(point, e, a)
        acc, err = table.accepted(lam.ravel())
        scale = (self.experiment.eot * self.efficiency(point.ma) * e**2 * br_a * br_ee).ravel()
        return DumpYields("semivisible", (scale * acc).reshape(e.shape), (scale * err).reshape(e.shape))


@dataclass(frozen=True)
class DumpLimit:
    """A beam dump's excluded bands in eps against m_A' (GeV): ``bands[i]`` lists the (eps_low, eps_high) intervals
    at ``ma[i]`` (empty where nothing is excluded)."""

    experiment: str
    mode: str
    ma: FloatArray
    bands: list[list[tuple[float, float]]]
    n_up: float
    meta: dict[str, Any] = field(default_factory=dict)

    def to_records(self) -> list[dict[str, Any]]:
        """One row per interval, ``{"ma_GeV", "ma", "eps_low", "eps_high"}``; a mass without one gets nulls."""
        rows: list[dict[str, Any]] = []
        for m, intervals in zip(self.ma, self.bands, strict=True):
            if not intervals:
                rows.append({"ma_GeV": float(m), "eps_low": None, "eps_high": None})
            for lo, hi in intervals:
                rows.append({"ma_GeV": float(m), "eps_low": lo, "eps_high": hi})
        return with_rule_keys(rows)

    def edge(self, which: str) -> FloatArray:
        """The lowest ``eps_low`` or highest ``eps_high`` per mass (nan where nothing is excluded), for plots."""
        if which not in ("low", "high"):
            raise ParameterError("which", which, "'low' or 'high'")
        if which == "low":
            out = [min(lo for lo, _ in bands) if bands else math.nan for bands in self.bands]
        else:
            out = [max(hi for _, hi in bands) if bands else math.nan for bands in self.bands]
        return np.asarray(out, dtype=np.float64)


def excluded_intervals(
    events: Callable[[FloatArray], FloatArray], n_up: float, grid: FloatArray = _EPS_GRID
) -> list[tuple[float, float]]:
    """The eps intervals where events(eps) >= n_up, edges refined by root finding in ln eps (a band still open at
    the grid's end ends there)."""
    above = events(grid) >= n_up
    if not above.any():
        return []
    idx = np.flatnonzero(np.diff(above.astype(np.int8)))

    def root(i: int) -> float:
        f = lambda t: float(events(np.array([math.exp(t)]))[0] - n_up)  # noqa: E731
        return math.exp(optimize.brentq(f, math.log(grid[i]), math.log(grid[i + 1]), xtol=1e-6))

    starts: list[float] = [float(grid[0])] if above[0] else []
    ends: list[float] = []
    for i in idx:
        (starts if not above[i] else ends).append(root(int(i)))
    if above[-1]:
        ends.append(float(grid[-1]))
    return list(zip(starts, ends, strict=True))


def _events_of(
    signal: BeamDumpSignal, mode: str, ma: float, alpha_d: float, ratio: float, splitting: float, use_cache: bool
) -> Callable[[FloatArray], FloatArray]:
    """Expected events against eps at one mass (and dark sector)."""
    if mode == "visible":
        vis = build_decay_table("visible", ma, signal.experiment, use_cache=use_cache)
        return lambda e: signal.visible(ma, e, table=vis).events
    point = DarkSector.build(ma, 1e-3, alpha_d, ratio=ratio, splitting=splitting)
    if point.chi2_stable:  # Delta <= 2 m_e: chi2 -> chi1 e+ e- is closed, nothing to see
        return np.zeros_like
    semi = build_decay_table("semivisible", point, signal.experiment, use_cache=use_cache)
    return lambda e: signal.semivisible(point, e, alpha_d, table=semi).events


def dump_limit(
    experiment: Experiment,
    mode: str,
    ma: ArrayLike,
    *,
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    cl: float = 0.9,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> DumpLimit:
    """The excluded eps bands of a beam dump at each m_A' in ``ma`` (GeV): ``visible`` (the dark photon decays to SM
    particles) or ``semivisible`` (at ``alpha_d``, m_A'/m_chi1 = ``ratio``, Delta/m_chi1 = ``splitting``).

    The event limit is the CLs one of the file's observed events and background (2.303 for none at 90% CL).

    >>> from semivisible.experiments import load_experiment
    >>> lim = dump_limit(load_experiment("e137"), "visible", [0.01])
    >>> lo, hi = lim.bands[0][0]
    >>> 1e-8 < lo < 1e-6 < 1e-5 < hi < 1e-4
    True
    """
    exp = _check_beam_dump(experiment)
    _check_mode(mode)
    signal = BeamDumpSignal(exp)
    n_up = signal.n_up(cl)
    masses = signal.check_ma(ma)
    dark = {"alpha_d": alpha_d, "ratio": ratio, "splitting": splitting} if mode == "semivisible" else {}
    bands: list[list[tuple[float, float]]] = []
    for i, m in enumerate(masses):
        # The finished intervals of one mass are cached too: a warm band is a few file reads.
        inputs = {"mode": mode, "ma": m, "experiment": exp.identity, "n_up": n_up, **dark,
                  "chi2_per_aprime": _CHI2_PER_APRIME if mode == "semivisible" else None}  # fmt: skip

        def solve(m: float = m) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
            found = excluded_intervals(_events_of(signal, mode, m, alpha_d, ratio, splitting, use_cache), n_up)
            return {"edges": np.asarray(found, dtype=np.float64).reshape(-1, 2)}, {"ma": m}

        arrays, _ = cached_arrays("beam-dump-band", inputs, solve, use_cache=use_cache)
        bands.append([(float(lo), float(hi)) for lo, hi in arrays["edges"]])
        if progress is not None:
            progress(i + 1, len(masses))
    return DumpLimit(exp.name, mode, np.asarray(masses), bands, n_up, {"cl": cl, **dark})
