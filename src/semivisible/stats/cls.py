r"""Exact multibin CLs limits with the profile-likelihood test statistic (no asymptotic formulae).

This is the NA64 semi-visible analysis (arXiv:2107.02021): two bins, S1 and S2, with a total signal
:math:`s` split as :math:`(s f_1, s (1 - f_1))`, and the limit on :math:`s` (events) at 90% CL from a
multibin CLs with the profile likelihood ratio. The model (backgrounds with a Gamma constraint, a log-normal
signal systematic common to the bins) is :mod:`semivisible.stats.model`.

**Test statistic.** The one-sided :math:`\tilde q_\mu` of Cowan, Cranmer, Gross, Vitells, EPJC 71, 1554
(2011), arXiv:1007.1727, Eq. 16, written for the signal :math:`s` (:math:`\mu = s`, the signal shape fixed):

.. math::

    \tilde q_s = \begin{cases}
        -2 \ln L(s, \hat{\hat\theta}(s)) / L(0, \hat{\hat\theta}(0)) & \hat s < 0 \\
        -2 \ln L(s, \hat{\hat\theta}(s)) / L(\hat s, \hat\theta)     & 0 \le \hat s \le s \\
        0 & \hat s > s,
    \end{cases}

with all the nuisances (:math:`\theta, \gamma_i`) profiled.

**Exact distribution.** The counts are tiny (NA64: n = 0, b < 1), where the asymptotic (chi-square) formulae
fail: they give about 1.6 events instead of 2.30 at n = 0. So the p-values are exact sums over the discrete
outcomes :math:`n = (n_1, n_2)`,

.. math::

    p_{s+b} = \sum_{n:\ \tilde q_s(n) \ge \tilde q_s^{obs}} \prod_i \mathrm{Pois}(n_i \mid \hat\nu_i^{(s)}),
    \qquad
    \mathrm{CL_b} = \sum_{n:\ \tilde q_s(n) \ge \tilde q_s^{obs}} \prod_i \mathrm{Pois}(n_i \mid \hat\nu_i^{(0)}),
    \qquad
    \mathrm{CL_s} = p_{s+b} / \mathrm{CL_b}

(Read, J. Phys. G 28, 2693 (2002); Junk, NIM A 434, 435 (1999)), truncated where the Poisson tail of
:math:`\sum_i n_i` is below ``1e-12``. The nuisances in the outcome probabilities are fixed at their
conditional maximum-likelihood values on the observed data, :math:`\hat{\hat\theta}(s)` for
:math:`p_{s+b}` and :math:`\hat{\hat\theta}(0)` for :math:`\mathrm{CL_b}` — the LHC convention (ATLAS & CMS,
ATL-PHYS-PUB-2011-011, CMS-NOTE-2011-005; RooStats ``FrequentistCalculator``, pyhf toys), with the auxiliary
measurements held at their observed values. The upper limit solves :math:`\mathrm{CL_s}(s_{up}) = 1 - CL`.

**n = 0 in closed form.** For :math:`n^{obs} = 0`, :math:`\tilde q_s(0) = 2 s \hat k + \hat\theta^2` is the
largest value of the statistic, reached only by the outcomes with no events in the bins with signal, and the
profiled backgrounds do not depend on :math:`s`; so, for any split :math:`f_1` and any backgrounds,

.. math::

    \mathrm{CL_s}(s) = e^{-s \hat k(s)} = \exp\!\left[-W(s\alpha^2)/\alpha^2\right], \qquad
    s_{up} = L\, e^{\alpha^2 L}, \quad L = -\ln(1 - CL),\ \alpha = \ln(1 + \sigma_s),

(W is Lambert's function; :math:`\hat\theta = -W(s\alpha^2)/\alpha`). Without the signal systematic
:math:`\mathrm{CL_s} = e^{-s}` and :math:`s_{up} = \ln 10 = 2.3026` at 90% CL; with :math:`\sigma_s = 20\%`,
:math:`s_{up} = 2.4857` (+7.96%).

**Expected limits.** The median and the 1 and 2 sigma bands are quantiles (at :math:`\Phi(0), \Phi(\pm 1),
\Phi(\pm 2)`) of the distribution of :math:`s_{up}(n)` over the background-only outcomes, weighted by their
probability with the backgrounds at :math:`\hat{\hat\gamma}(0)` from the observed data (``"postfit"``, the
same convention as the p-values) or at their nominal values (``"prefit"``). The q-quantile is the smallest
:math:`s_{up}` whose cumulative probability reaches q. The distribution is discrete: at NA64,
P(n = 0) = 0.487 (prefit) or 0.503 (postfit), so the median is, or is just not, the n = 0 limit.

Examples
--------
>>> round(s_up_zero_observed(0.9), 6)  # ln 10
2.302585
>>> round(s_up_zero_observed(0.9, signal_systematic=0.2), 4)
2.4857
>>> spec = CountingSpec((0, 0), (0.19, 0.53), (0.07, 0.17), signal_systematic=0.2)
>>> lim = upper_limits(spec, 0.5)
>>> round(float(lim.observed[0]), 4)
2.4857
>>> abs(float(cls_exact(spec, [[1.0, 1.5]])[0]) / float(cls_zero_observed(2.5, 0.2)) - 1) < 1e-9
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats

from semivisible.errors import ParameterError, check_broadcast, check_real
from semivisible.io.cache import cached_arrays
from semivisible.stats.counting import upper_limit_counting
from semivisible.stats.model import CountingModel, CountingSpec

__all__ = [
    "BAND_LEVELS",
    "CountingSpec",
    "EventLimitTable",
    "UpperLimits",
    "check_cl",
    "cls_exact",
    "cls_of_signal",
    "cls_zero_observed",
    "event_limit_table",
    "outcome_grid",
    "qmu_tilde",
    "s_up_zero_observed",
    "upper_limits",
]

FloatArray = NDArray[np.float64]
ExpectedNuisances = Literal["postfit", "prefit"]

#: Cumulative probabilities of the expected band: -2 sigma, -1 sigma, median, +1 sigma, +2 sigma.
BAND_LEVELS: tuple[float, ...] = tuple(float(x) for x in stats.norm.cdf([-2.0, -1.0, 0.0, 1.0, 2.0]))
TAIL = 1e-12  # Poisson tail left out of the exact sums
_BUDGET = 300_000  # elements (problems x outcomes) per vectorised block
_TABLE_VERSION = 1


# ------------------------------------------------------------------------------------------------------
# closed forms for n = 0
# ------------------------------------------------------------------------------------------------------
def cls_zero_observed(signal: ArrayLike, signal_systematic: float = 0.0) -> FloatArray:
    r"""Exact CLs of a total signal for zero observed events: :math:`\exp[-W(s\alpha^2)/\alpha^2]` (:math:`e^{-s}` if
    :math:`\sigma_s = 0`), :math:`\alpha = \ln(1 + \sigma_s)`, for any split and any backgrounds (module notes).

    >>> round(float(cls_zero_observed(math.log(10))), 6)
    0.1
    """
    s = np.asarray(signal, dtype=np.float64)
    alpha = math.log1p(signal_systematic)
    if alpha == 0:
        return np.asarray(np.exp(-s))
    return np.asarray(np.exp(-special.lambertw(s * alpha * alpha).real / (alpha * alpha)))


def s_up_zero_observed(cl: float = 0.9, signal_systematic: float = 0.0) -> float:
    r"""The upper limit for zero observed events: :math:`s_{up} = L e^{\alpha^2 L}`, :math:`L = -\ln(1 - CL)`."""
    check_cl(cl)
    big_l = -math.log1p(-cl)
    return big_l * math.exp(math.log1p(signal_systematic) ** 2 * big_l)


# ------------------------------------------------------------------------------------------------------
# the exact sum
# ------------------------------------------------------------------------------------------------------
def outcome_grid(n_bins: int, n_max: int) -> FloatArray:
    """All outcomes with ``n_bins`` counts summing to at most ``n_max``, shape ``(G, n_bins)``.

    >>> outcome_grid(2, 1).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    """
    axes = np.meshgrid(*([np.arange(n_max + 1)] * n_bins), indexing="ij")
    pts = np.stack([a.ravel() for a in axes], axis=-1)
    return np.asarray(pts[pts.sum(axis=1) <= n_max], dtype=np.float64)


def _grid_size(n_max: int, n_bins: int) -> int:
    return math.comb(n_max + n_bins, n_bins)


def _log_poisson(n: FloatArray, nu: FloatArray) -> FloatArray:
    """log Pois(n | nu) summed over the bins: outcomes ``n (G, B)``, means ``nu (P, B)`` -> ``(P, G)``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        log_nu = np.log(nu)
        out = -np.sum(nu, axis=-1)[:, None] - np.sum(special.gammaln(n + 1.0), axis=-1)[None, :]
        for i in range(n.shape[-1]):
            ni = n[None, :, i]
            out = out + np.where(ni > 0, ni * log_nu[:, i, None], 0.0)
    return np.asarray(out)


def _log_poisson_at(n: FloatArray, nu: FloatArray) -> FloatArray:
    """log Pois(n | nu) summed over the bins, elementwise: ``n (K, B)``, ``nu (K, B)`` -> ``(K,)``."""
    with np.errstate(divide="ignore"):
        terms = np.where(n > 0, n * np.log(np.where(n > 0, nu, 1.0)), 0.0) - nu - special.gammaln(n + 1.0)
    return np.asarray(np.sum(terms, axis=-1))


def _qmu_tilde(model: CountingModel, s: FloatArray, f: FloatArray, n: FloatArray) -> FloatArray:
    r"""q~ for problems ``(P,)`` on outcomes ``(G, B)`` -> ``(P, G)``.

    The profile of the total signal is concave, so :math:`\hat s \ge s` (and q~ = 0) where its slope at
    :math:`s` is >= 0: the fits are done only on the other outcomes, with :math:`\hat s` bracketed in [0, s].
    """
    nb = model.spec.n_bins
    slope = np.zeros((s.size, n.shape[0]))
    with np.errstate(invalid="ignore"):
        for i in range(nb):
            fi = f[:, i, None]
            d1 = model.bin_terms(i, s[:, None] * fi, n[None, :, i], loglike=False, newton=False).d1
            slope = slope + np.where(fi > 0, fi * d1, 0.0)
    pi, gi = np.nonzero(slope < 0)
    q = np.zeros((s.size, n.shape[0]))
    if pi.size:
        ss, ff, nn = s[pi], f[pi], n[gi]
        _, lden = model.fit_signal_total(ff, nn, upper=ss)
        theta, lnum, _ = model.fit_signal_nuisance(ss, ff, nn)
        with np.errstate(invalid="ignore"):
            qk = theta**2 + 2.0 * sum(ld - ln for ld, ln in zip(lden, lnum, strict=True))
        q[pi, gi] = np.where(np.isnan(qk), 0.0, np.maximum(qk, 0.0))
    return q


def qmu_tilde(spec: CountingSpec, signal: ArrayLike, counts: ArrayLike) -> FloatArray:
    r"""The test statistic :math:`\tilde q_s` (arXiv:1007.1727 Eq. 16) of per-bin ``signal`` for ``counts``.

    Args:
        spec: the experiment (its observed counts are not used here).
        signal: per-bin signal, shape ``(B,)``.
        counts: outcomes, shape ``(G, B)``.

    >>> spec = CountingSpec((0,), (0.5,), (0.0,))
    >>> round(float(qmu_tilde(spec, [2.0], [[0]])[0]), 12)  # 2 s for n = 0
    4.0
    """
    sig = np.asarray(signal, dtype=np.float64).reshape(1, -1)
    tot = sig.sum(axis=-1)
    f = sig / np.where(tot > 0, tot, 1.0)[:, None]
    n = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    return np.asarray(_qmu_tilde(CountingModel(spec), tot, f, n)[0])


def _cls_block(
    model: CountingModel, s: FloatArray, f: FloatArray, nobs: FloatArray, nu_sb: FloatArray, nu_b: FloatArray, nmax: int
) -> FloatArray:
    grid = outcome_grid(model.spec.n_bins, nmax)
    q = _qmu_tilde(model, s, f, grid)
    lookup = np.full((nmax + 1,) * model.spec.n_bins, -1, dtype=np.int64)
    lookup[tuple(grid.T.astype(np.int64))] = np.arange(grid.shape[0])
    iobs = lookup[tuple(nobs.T.astype(np.int64))]
    qobs = q[np.arange(s.size), iobs][:, None]
    pi, gi = np.nonzero(q >= qobs - (1e-10 + 1e-9 * qobs))
    p_sb = np.bincount(pi, weights=np.exp(_log_poisson_at(grid[gi], nu_sb[pi])), minlength=s.size)
    cl_b = np.bincount(pi, weights=np.exp(_log_poisson_at(grid[gi], nu_b[pi])), minlength=s.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(cl_b > 0, p_sb / cl_b, np.inf))


def _cls_problems(model: CountingModel, s: FloatArray, f: FloatArray, nobs: FloatArray) -> FloatArray:
    """Exact CLs for problems: total signal ``s (P,)``, fractions ``f (P, B)``, observed counts ``nobs (P, B)``."""
    nb = model.spec.n_bins
    out = np.ones(s.size)
    live = np.flatnonzero(s > 0)
    if live.size == 0:
        return out
    s, f, nobs = s[live], f[live], nobs[live]
    theta, _, gam = model.fit_signal_nuisance(s, f, nobs)
    nu_sb = s[:, None] * f * model.signal_scale(theta)[:, None] + model.b * np.stack(gam, axis=-1)
    nu_b = model.b * model.background_scale_fit(nobs)
    need = np.maximum(nu_sb.sum(axis=-1), nu_b.sum(axis=-1))
    nmax = np.maximum(stats.poisson.isf(TAIL, need), nobs.sum(axis=-1)).astype(np.int64)
    order = np.argsort(nmax, kind="stable")
    res = np.empty(s.size)
    start = 0
    while start < order.size:
        end = start + 1
        while end < order.size and (end + 1 - start) * _grid_size(int(nmax[order[end]]), nb) <= _BUDGET:
            end += 1
        idx = order[start:end]
        res[idx] = _cls_block(model, s[idx], f[idx], nobs[idx], nu_sb[idx], nu_b[idx], int(nmax[idx].max()))
        start = end
    out[live] = res
    return out


def cls_exact(spec: CountingSpec, signal: ArrayLike, n_observed: ArrayLike | None = None) -> FloatArray:
    """Exact CLs of per-bin signals (shape ``(..., B)``) for the observed counts (default: the spec's).

    >>> spec = CountingSpec((1,), (0.0,), (0.0,))
    >>> round(float(cls_exact(spec, [[3.88972]])[0]), 5)  # (1 + s) e^-s
    0.1
    """
    model = CountingModel(spec)
    sig = np.asarray(signal, dtype=np.float64)
    if sig.shape[-1:] != (spec.n_bins,) or np.any(sig < 0) or not np.all(np.isfinite(sig)):
        raise ParameterError("signal", "array", f"finite signals >= 0 with {spec.n_bins} bins on the last axis")
    shape = sig.shape[:-1]
    sig = sig.reshape(-1, spec.n_bins)
    tot = sig.sum(axis=-1)
    f = sig / np.where(tot > 0, tot, 1.0)[:, None]
    obs = np.asarray(spec.n_observed if n_observed is None else n_observed, dtype=np.float64)
    nobs = np.broadcast_to(obs, sig.shape).astype(np.float64)
    return _cls_problems(model, tot, f, nobs).reshape(shape)


# ------------------------------------------------------------------------------------------------------
# upper limits
# ------------------------------------------------------------------------------------------------------
def _solve_upper_limits(
    model: CountingModel, f: FloatArray, nobs: FloatArray, cl: float, *, xtol: float = 1e-9, max_iter: int = 100
) -> FloatArray:
    r"""Solve :math:`\mathrm{CL_s}(s) = 1 - CL` for each problem (vectorised Illinois regula falsi).

    :math:`\ln\mathrm{CL_s}(s) - \ln(1 - CL)` is bracketed between ``s = 0`` (where CLs = 1) and an upper point
    found from the single-bin limit and doubled until CLs falls below ``1 - CL``.
    """
    log_alpha = math.log1p(-cl)

    def func(s: FloatArray, idx: NDArray[np.int64]) -> FloatArray:
        with np.errstate(divide="ignore"):
            val = np.log(_cls_problems(model, s, f[idx], nobs[idx])) - log_alpha
        return np.asarray(np.clip(val, -1e3, 1e3))

    n_tot = nobs.sum(axis=-1)
    known = {n: upper_limit_counting(int(n), 0.0, cl) for n in np.unique(n_tot)}
    guess = np.array([known[n] for n in n_tot])
    hi = guess * math.exp(model.alpha**2 * -log_alpha) * 1.02
    lo = np.zeros_like(hi)
    f_lo = np.full_like(hi, -log_alpha)
    everyone = np.arange(hi.size)
    f_hi = func(hi, everyone)
    for _ in range(60):
        up = np.flatnonzero(f_hi > 0)
        if up.size == 0:
            break
        lo[up], f_lo[up] = hi[up], f_hi[up]
        hi[up] = 2.0 * hi[up]
        f_hi[up] = func(hi[up], up)
    else:  # pragma: no cover - CLs never falls below 1 - CL
        raise ParameterError("cl", cl, "a level that CLs reaches (no upper limit found)")
    side = np.zeros(hi.size, dtype=np.int8)
    result = 0.5 * (lo + hi)
    act = everyone
    for _ in range(max_iter):
        denom = f_lo[act] - f_hi[act]
        c = np.where(denom > 0, (lo[act] * (-f_hi[act]) + hi[act] * f_lo[act]) / np.where(denom > 0, denom, 1.0), 0.0)
        c = np.where((c > lo[act]) & (c < hi[act]), c, 0.5 * (lo[act] + hi[act]))
        fc = func(c, act)
        right = fc <= 0
        a_r, a_l = act[right], act[~right]
        hi[a_r], f_hi[a_r] = c[right], fc[right]
        f_lo[a_r] = np.where(side[a_r] == -1, 0.5 * f_lo[a_r], f_lo[a_r])
        side[a_r] = -1
        lo[a_l], f_lo[a_l] = c[~right], fc[~right]
        f_hi[a_l] = np.where(side[a_l] == 1, 0.5 * f_hi[a_l], f_hi[a_l])
        side[a_l] = 1
        result[act] = c
        done = (np.abs(fc) < 1e-12) | (hi[act] - lo[act] <= xtol * (1.0 + c))
        act = act[~done]
        if act.size == 0:
            break
    result[act] = 0.5 * (lo[act] + hi[act])
    return result


def check_cl(cl: float) -> None:
    """0.5 <= cl <= 0.999: beyond, the exact sums need outcomes far in the Poisson tails (slow, and no search quotes
    such limits)."""
    if isinstance(cl, bool) or not isinstance(cl, int | float) or not (0.5 <= cl <= 0.999):
        raise ParameterError("cl", cl, "0.5 <= cl <= 0.999")


def _fractions(spec: CountingSpec, s1_fraction: ArrayLike) -> FloatArray:
    f1 = np.atleast_1d(np.asarray(s1_fraction, dtype=np.float64))
    if f1.ndim != 1 or np.any(~np.isfinite(f1)) or np.any((f1 < 0) | (f1 > 1)):
        raise ParameterError("s1_fraction", s1_fraction, "0 <= s1_fraction <= 1")
    if spec.n_bins == 1:
        return np.ones((f1.size, 1))
    if spec.n_bins == 2:
        return np.stack([f1, 1.0 - f1], axis=-1)
    raise ParameterError("spec", spec.n_bins, "1 or 2 bins for a split given by s1_fraction")


def _background_outcomes(nu_b: FloatArray, mass_tol: float) -> tuple[FloatArray, FloatArray]:
    """The most probable background-only outcomes, up to a left-out probability ``mass_tol``."""
    nmax = int(stats.poisson.isf(mass_tol * 1e-3, max(float(nu_b.sum()), 1e-300)))
    grid = outcome_grid(nu_b.size, nmax)
    prob = np.exp(_log_poisson(grid, nu_b[None, :]))[0]
    order = np.argsort(-prob, kind="stable")
    cum = np.cumsum(prob[order])
    m = min(int(np.searchsorted(cum, 1.0 - mass_tol)) + 1, order.size)
    return grid[order[:m]], prob[order[:m]]


@dataclass(frozen=True)
class UpperLimits:
    """Observed and expected upper limits (events) against the S1 fraction.

    Attributes:
        s1_fraction: the fractions, shape ``(F,)``.
        observed: observed limits, ``(F,)``.
        expected: expected limits at :data:`BAND_LEVELS` (-2 sigma, -1 sigma, median, +1, +2 sigma), ``(F, 5)``.
        cl: the confidence level.
    """

    s1_fraction: FloatArray
    observed: FloatArray
    expected: FloatArray
    cl: float

    def as_dict(self, index: int = 0) -> dict[str, Any]:
        """The limits at one fraction, with the keys of the ``upper-limit`` command."""
        e = self.expected[index]
        return {
            "s_up_obs": float(self.observed[index]),
            "s_up_exp": float(e[2]),
            "s_up_exp_1sigma": [float(e[1]), float(e[3])],
            "s_up_exp_2sigma": [float(e[0]), float(e[4])],
        }


def upper_limits(
    spec: CountingSpec,
    s1_fraction: ArrayLike = 0.5,
    *,
    cl: float = 0.9,
    expected: bool = True,
    expected_nuisances: ExpectedNuisances = "postfit",
    mass_tol: float = 1e-6,
) -> UpperLimits:
    """Observed and expected CLs upper limits on the total signal (events), vectorised over the S1 fraction.

    Args:
        spec: the experiment.
        s1_fraction: fraction(s) of the signal in the first bin (ignored for a single bin).
        cl: confidence level (default 0.90, as NA64).
        expected: also compute the expected band (else it is NaN).
        expected_nuisances: backgrounds of the background-only outcomes: ``"postfit"`` (conditional fit at
            s = 0 to the observed data) or ``"prefit"`` (nominal).
        mass_tol: background-only probability left out of the band (placed at an infinite limit).

    >>> spec = CountingSpec((0,), (0.3,), (0.0,))
    >>> lim = upper_limits(spec)
    >>> [round(float(x), 3) for x in lim.expected[0]]  # P(0) = 0.741, P(<= 1) = 0.963, P(<= 2) = 0.996
    [2.303, 2.303, 2.303, 3.637, 5.028]
    """
    check_cl(cl)
    if expected_nuisances not in ("postfit", "prefit"):
        raise ParameterError("expected_nuisances", expected_nuisances, "'postfit' or 'prefit'")
    if not 0 < mass_tol < 0.01:
        raise ParameterError("mass_tol", mass_tol, "0 < mass_tol < 0.01")
    model = CountingModel(spec)
    f = _fractions(spec, s1_fraction)
    nf = f.shape[0]
    obs = np.asarray(spec.n_observed, dtype=np.float64)
    if not expected:
        observed = _solve_upper_limits(model, f, np.broadcast_to(obs, f.shape).copy(), cl)
        return UpperLimits(f[:, 0].copy(), observed, np.full((nf, 5), np.nan), cl)
    nu_b = model.b * (model.background_scale_fit(obs[None, :])[0] if expected_nuisances == "postfit" else 1.0)
    outcomes, prob = _background_outcomes(nu_b, mass_tol)
    nobs = np.concatenate([obs[None, :], outcomes])  # observed first, then the outcomes
    m = nobs.shape[0]
    s_up = _solve_upper_limits(model, np.repeat(f, m, axis=0), np.tile(nobs, (nf, 1)), cl).reshape(nf, m)
    observed = s_up[:, 0].copy()
    band = np.empty((nf, len(BAND_LEVELS)))
    for j in range(nf):
        order = np.argsort(s_up[j, 1:], kind="stable")
        cum = np.cumsum(prob[order])
        for k, level in enumerate(BAND_LEVELS):
            i = int(np.searchsorted(cum, level - 1e-12))
            band[j, k] = s_up[j, 1:][order[i]] if i < order.size else np.inf
    return UpperLimits(f[:, 0].copy(), observed, band, cl)


# ------------------------------------------------------------------------------------------------------
# the table for scans
# ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventLimitTable:
    r"""Limits and CLs tabulated against the S1 fraction, for fast lookups in a scan.

    ``observed`` and ``expected`` are :func:`upper_limits` on the grid ``f1``; ``log_cls[j, k]`` is the exact
    :math:`\ln\mathrm{CL_s}` at :math:`f_1 = ` ``f1[j]`` and :math:`s = u_k\, s_{up}(f_1)` with ``u`` a uniform
    grid (``u = 1`` is the limit itself, so interpolated contours pass exactly through the interpolated limit).
    Lookups interpolate linearly in :math:`f_1` and :math:`u` (extrapolating :math:`\ln\mathrm{CL_s}` linearly
    beyond the last ``u``); with zero observed events :meth:`cls` uses the exact closed form instead.
    """

    spec: CountingSpec
    cl: float
    f1: FloatArray
    observed: FloatArray
    expected: FloatArray
    u: FloatArray
    log_cls: FloatArray

    @classmethod
    def build(
        cls, spec: CountingSpec, *, cl: float = 0.9, n_f1: int = 51, n_u: int = 41, u_max: float = 4.0
    ) -> EventLimitTable:
        """Compute the table (exact sums): ``n_f1`` fractions in [0, 1], ``n_u`` points of u in [0, u_max]."""
        if n_f1 < 2 or n_u < 3 or not u_max > 1:
            raise ParameterError("n_f1", (n_f1, n_u, u_max), "n_f1 >= 2, n_u >= 3, u_max > 1")
        f1 = np.linspace(0.0, 1.0, n_f1)
        lim = upper_limits(spec, f1, cl=cl)
        u = np.linspace(0.0, u_max, n_u)
        f = _fractions(spec, f1)
        s = (lim.observed[:, None] * u[None, :]).ravel()
        ff = np.repeat(f, n_u, axis=0)
        nobs = np.broadcast_to(np.asarray(spec.n_observed, dtype=np.float64), ff.shape).copy()
        with np.errstate(divide="ignore"):
            log_cls = np.log(_cls_problems(CountingModel(spec), s, ff, nobs)).reshape(n_f1, n_u)
        return cls(spec, cl, f1, lim.observed, lim.expected, u, np.maximum(log_cls, -700.0))

    def s_up(self, s1_fraction: ArrayLike) -> FloatArray:
        """Observed limit (events) at the S1 fraction(s), by linear interpolation.

        >>> spec = CountingSpec((0, 0), (0.19, 0.53), (0.07, 0.17), signal_systematic=0.2)
        >>> table = event_limit_table(spec, no_systematics=True, n_f1=3)
        >>> [round(float(x), 6) for x in table.s_up([0.0, 0.25, 1.0])]
        [2.302585, 2.302585, 2.302585]
        """
        return np.asarray(np.interp(np.asarray(s1_fraction, dtype=np.float64), self.f1, self.observed))

    def s_up_expected(self, s1_fraction: ArrayLike) -> FloatArray:
        """Expected limits at :data:`BAND_LEVELS`, shape ``(..., 5)``, by linear interpolation."""
        x = np.asarray(s1_fraction, dtype=np.float64)
        cols = [np.interp(x, self.f1, self.expected[:, k]) for k in range(self.expected.shape[1])]
        return np.stack(cols, axis=-1)

    def cls(self, s1: ArrayLike, s2: ArrayLike, *, exact_band: float = 1.0) -> FloatArray:
        """CLs of signals ``s1`` in S1 and ``s2`` in S2 (events; arrays broadcast).

        Zero observed events: the exact closed form. Otherwise the exact CLs is discontinuous (the set of
        outcomes more signal-like than the data changes in steps), so the interpolation can be off by up to
        the steps (about 20% at n = (1, 2)); where the interpolated CLs is within a factor ``exp(exact_band)``
        of ``1 - cl`` it is recomputed by the exact sum, so exclusions and contours are exact.
        """
        a = np.asarray(s1, dtype=np.float64)
        b = np.asarray(s2, dtype=np.float64)
        a, b = np.broadcast_arrays(a, b)
        if not any(self.spec.n_observed):
            return cls_zero_observed(a + b, self.spec.signal_systematic)
        approx = self._interpolate(a, b)
        if exact_band > 0:
            near = np.abs(np.log(approx) - math.log1p(-self.cl)) < exact_band
            if np.any(near):
                approx = approx.copy()
                approx[near] = cls_exact(self.spec, np.stack([a[near], b[near]], axis=-1))
        return approx

    def _interpolate(self, a: FloatArray, b: FloatArray) -> FloatArray:
        tot = a + b
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.clip(np.where(tot > 0, a / tot, 0.5), 0.0, 1.0)
        nf, nu = self.f1.size, self.u.size
        x = f1 * (nf - 1)
        j = np.clip(np.floor(x).astype(np.int64), 0, nf - 2)
        w = x - j
        s_up = (1.0 - w) * self.observed[j] + w * self.observed[j + 1]
        y = tot / s_up / (self.u[1] - self.u[0])
        k = np.clip(np.floor(y).astype(np.int64), 0, nu - 2)
        v = y - k
        t = self.log_cls
        lower = (1.0 - v) * t[j, k] + v * t[j, k + 1]
        upper = (1.0 - v) * t[j + 1, k] + v * t[j + 1, k + 1]
        return np.asarray(np.exp(np.minimum((1.0 - w) * lower + w * upper, 0.0)))

    def arrays(self) -> dict[str, FloatArray]:
        """The arrays (for the disk cache)."""
        return {
            "f1": self.f1,
            "observed": self.observed,
            "expected": self.expected,
            "u": self.u,
            "log_cls": self.log_cls,
        }


def _spec_of(spec: CountingSpec, no_systematics: bool) -> CountingSpec:
    if not isinstance(spec, CountingSpec):
        raise ParameterError("spec", spec, "a CountingSpec (an experiment builds its own: Experiment.counting_spec())")
    return spec.without_systematics() if no_systematics else spec


@lru_cache(maxsize=32)
def _table(spec: CountingSpec, cl: float, n_f1: int, disk_cache: bool) -> EventLimitTable:
    inputs = {"spec": spec.as_dict(), "cl": cl, "n_f1": n_f1, "tail": TAIL, "v": _TABLE_VERSION}

    def build() -> tuple[dict[str, FloatArray], dict[str, Any]]:
        return EventLimitTable.build(spec, cl=cl, n_f1=n_f1).arrays(), {"kind": "event-limit-table", **inputs}

    def check(arr: dict[str, Any], meta: dict[str, Any]) -> str | None:
        if any(k not in arr for k in ("f1", "observed", "expected", "u", "log_cls")):
            return "arrays are missing"
        n_u = arr["u"].shape[0] if arr["u"].ndim == 1 else -1
        good = arr["f1"].shape == (n_f1,) and arr["observed"].shape == (n_f1,) and arr["log_cls"].shape == (n_f1, n_u)
        return None if good and arr["expected"].shape == (n_f1, len(BAND_LEVELS)) else "arrays have the wrong shape"

    arr, _ = cached_arrays("event-limit-table", inputs, build, check=check, use_cache=disk_cache)
    return EventLimitTable(spec, cl, arr["f1"], arr["observed"], arr["expected"], arr["u"], arr["log_cls"])


def event_limit_table(
    spec: CountingSpec,
    *,
    no_systematics: bool = False,
    cl: float = 0.9,
    n_f1: int = 51,
    disk_cache: bool = True,
) -> EventLimitTable:
    """The :class:`EventLimitTable` of a counting specification, built once (cached in memory, and on disk by
    default)."""
    check_cl(cl)
    return _table(_spec_of(spec, no_systematics), float(cl), int(n_f1), bool(disk_cache))


def cls_of_signal(s1: ArrayLike, s2: ArrayLike, spec: CountingSpec, *, no_systematics: bool = False) -> FloatArray:
    """CLs of the signals ``s1`` (S1) and ``s2`` (S2) in events, vectorised (arrays broadcast).

    Zero observed events: the exact closed form :func:`cls_zero_observed` of ``s1 + s2``. Otherwise a lookup in
    the specification's :class:`EventLimitTable` (90% CL grid). Signals must be finite and >= 0 (events).

    >>> na64 = CountingSpec((0, 0), (0.19, 0.53), (0.07, 0.17), signal_systematic=0.2)
    >>> round(float(cls_of_signal(1.0, 1.302585, na64, no_systematics=True)), 6)
    0.1
    >>> cls_of_signal([[0.5, 2.0]], [[0.5, 2.0]], na64).shape
    (1, 2)
    """
    spec = _spec_of(spec, no_systematics)
    a = check_real("s1", s1, 0.0, 1e12, low_open=False)
    b = check_real("s2", s2, 0.0, 1e12, low_open=False)
    check_broadcast("s1, s2", a, b)
    if not any(spec.n_observed):
        return cls_zero_observed(a + b, spec.signal_systematic)
    return event_limit_table(spec).cls(a, b)
