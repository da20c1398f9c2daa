r"""The statistical model of a multibin counting experiment: specification and profile likelihood.

This module holds the *specification* (:class:`CountingSpec`: observed counts, backgrounds and their errors,
the signal systematic) and the *model* (:class:`CountingModel`: the likelihood and its profile fits). The
*inference* (test statistic, exact CLs, limits) is in :mod:`semivisible.stats.cls`, as pyhf separates
``pyhf.pdf`` from ``pyhf.infer``.

The likelihood (HistFactory form, Cranmer et al., CERN-OPEN-2012-016; pyhf, JOSS 6, 2823 (2021)) of the counts
:math:`n_i` in bins :math:`i = 1..B` for a total signal :math:`s` split with fractions :math:`f_i`
(:math:`\sum_i f_i = 1`) is

.. math::

    L(s, \theta, \gamma) = \prod_i \mathrm{Pois}(n_i \mid \nu_i)\,
        \mathrm{Pois}(\tau_i \mid \tau_i\gamma_i)\; \phi(\theta), \qquad
    \nu_i = s f_i\, k(\theta) + b_i\gamma_i,

with

* the background :math:`b_i \pm \delta b_i` scaled by :math:`\gamma_i`, constrained by a Poisson auxiliary
  measurement with :math:`\tau_i = (b_i/\delta b_i)^2` (a Gamma prior on :math:`\gamma_i`: HistFactory
  ``ShapeSys`` with Poisson constraint, pyhf ``shapesys``). It keeps :math:`\gamma_i > 0` and its profile has
  a closed form (the positive root of a quadratic, Barlow & Beeston, CPC 77, 219 (1993));
* one signal systematic common to all bins, log-normal: :math:`k(\theta) = (1 + \sigma_s)^\theta` with a unit
  Gaussian :math:`\phi(\theta)` (HistFactory ``OverallSys`` with exponential interpolation, pyhf ``normsys``
  with ``interpcode = "code1"``, CMS ``lnN``). A log-normal keeps the signal positive; a Gaussian
  :math:`k = 1 + \sigma_s\theta` lets the profiled signal reach zero, which makes CLs rise again at large s.

The auxiliary measurements (:math:`\tau_i`, and 0 for :math:`\theta`) are the observed ones and are held fixed
in the inference (see :mod:`semivisible.stats.cls`).

Examples
--------
>>> spec = CountingSpec(n_observed=(0, 0), background=(0.19, 0.53), background_error=(0.07, 0.17),
...                     signal_systematic=0.2)
>>> model = CountingModel(spec)
>>> [round(float(t), 3) for t in model.tau]  # tau = (b / db)^2
[7.367, 9.72]
>>> gamma = model.background_scale_fit(np.array([[0, 0]]))  # n = 0 pulls the backgrounds down: tau/(b + tau)
>>> [round(float(g), 4) for g in gamma[0]]
[0.9749, 0.9483]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from semivisible.errors import ParameterError

__all__ = ["BinTerms", "CountingModel", "CountingSpec"]

FloatArray = NDArray[np.float64]


#: The largest count and background per bin: the exact CLs sums over every outcome, and its cost grows steeply
#: with the counts (about a minute for the limit table of a bin with 10 events, hours with 300).
MAX_COUNT = 10


@dataclass(frozen=True)
class CountingSpec:
    """The statistical specification of a multibin counting experiment (data only, no code).

    Args:
        n_observed: observed events per bin (non-negative integers).
        background: expected background per bin (>= 0).
        background_error: 1-sigma error of each background (>= 0; 0 means known exactly).
        signal_systematic: relative 1-sigma signal uncertainty, common to all bins (0 switches it off).
        names: bin names (for reports).
    """

    n_observed: tuple[int, ...]
    background: tuple[float, ...]
    background_error: tuple[float, ...]
    signal_systematic: float = 0.0
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        nb = len(self.n_observed)
        if nb < 1 or len(self.background) != nb or len(self.background_error) != nb:
            raise ParameterError("background", self.background, f"one value per bin ({nb} bins, >= 1)")
        for n in self.n_observed:
            if isinstance(n, bool) or not isinstance(n, int | float | np.integer | np.floating) or not math.isfinite(n):
                raise ParameterError("n_observed", self.n_observed, "non-negative integers (not bools)")
            if n < 0 or int(n) != n or n > MAX_COUNT:
                raise ParameterError("n_observed", self.n_observed, f"integers 0 <= n <= {MAX_COUNT} per bin")
        for b in (*self.background, *self.background_error):
            if isinstance(b, bool) or not isinstance(b, int | float | np.integer | np.floating):
                raise ParameterError("background", self.background, "real numbers")
        if any(b > MAX_COUNT for b in self.background):
            raise ParameterError("background", self.background, f"0 <= b <= {MAX_COUNT} events per bin")
        for b, db in zip(self.background, self.background_error, strict=True):
            if not (math.isfinite(b) and b >= 0):
                raise ParameterError("background", self.background, "finite values >= 0")
            if not (math.isfinite(db) and db >= 0) or (b == 0 and db > 0):
                raise ParameterError("background_error", self.background_error, "finite, >= 0, 0 if b = 0")
        sys_ = self.signal_systematic
        if isinstance(sys_, bool) or not (isinstance(sys_, int | float) and math.isfinite(sys_) and 0 <= sys_ <= 1):
            raise ParameterError("signal_systematic", sys_, "0 <= sigma <= 1 (a relative error)")
        object.__setattr__(self, "n_observed", tuple(int(n) for n in self.n_observed))
        object.__setattr__(self, "background", tuple(float(b) for b in self.background))
        object.__setattr__(self, "background_error", tuple(float(b) for b in self.background_error))
        if not self.names:
            object.__setattr__(self, "names", tuple(f"bin{i + 1}" for i in range(nb)))

    @property
    def n_bins(self) -> int:
        """Number of bins."""
        return len(self.n_observed)

    def without_systematics(self) -> CountingSpec:
        """The same experiment with known backgrounds and no signal systematic."""
        return replace(self, background_error=(0.0,) * self.n_bins, signal_systematic=0.0)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able view (used for cache keys and reports)."""
        return {
            "n_observed": list(self.n_observed),
            "background": list(self.background),
            "background_error": list(self.background_error),
            "signal_systematic": self.signal_systematic,
            "names": list(self.names),
        }


@dataclass(frozen=True)
class BinTerms:
    """One bin's profiled log-likelihood and its derivatives with respect to the bin's signal ``a``.

    ``loglike`` is :math:`\\max_\\gamma [n\\ln\\nu - \\nu + \\tau\\ln\\gamma - \\tau\\gamma]` (constants dropped),
    ``d1`` and ``d2`` its first and second total derivatives in ``a`` (envelope theorem and implicit
    differentiation of the profiled :math:`\\hat\\gamma(a)`).
    """

    nu: FloatArray
    gamma: FloatArray
    loglike: FloatArray
    d1: FloatArray
    d2: FloatArray


class CountingModel:
    """The likelihood of a :class:`CountingSpec` and its profile fits, vectorised over outcomes.

    Arrays of counts have the bins on the last axis; everything else broadcasts.
    """

    def __init__(self, spec: CountingSpec) -> None:
        self.spec = spec
        self.b = np.asarray(spec.background, dtype=np.float64)
        db = np.asarray(spec.background_error, dtype=np.float64)
        with np.errstate(divide="ignore"):
            self.tau = np.where(db > 0, (self.b / np.where(db > 0, db, 1.0)) ** 2, np.inf)
        self.alpha = math.log1p(spec.signal_systematic)  # k(theta) = exp(alpha theta)

    @property
    def has_signal_nuisance(self) -> bool:
        """True if the signal systematic is on."""
        return self.alpha > 0

    def bin_terms(self, i: int, a: FloatArray, n: FloatArray, *, loglike: bool = True, newton: bool = True) -> BinTerms:
        """Profiled terms of bin ``i`` for a signal ``a`` (>= 0) and counts ``n`` (broadcast).

        ``loglike=False`` skips the log-likelihood, ``newton=False`` the second derivative (both are then empty).
        """
        b, tau = float(self.b[i]), float(self.tau[i])
        empty = np.empty(0)
        with np.errstate(divide="ignore", invalid="ignore"):
            npos = n > 0
            if not math.isfinite(tau) or b == 0:
                gamma = np.ones(np.broadcast(a, n).shape)
                nu = a + b
                ll = special.xlogy(n, nu) - nu if loglike else empty
                inv_nu = np.where(npos, 1.0 / nu, 0.0)
                d1 = n * inv_nu - 1.0
                d2 = -n * inv_nu * inv_nu if newton else empty
            else:
                qa = (b + tau) * b
                qb = (b + tau) * a - n * b - tau * b
                qc = tau * a
                disc = np.sqrt(qb * qb + 4.0 * qa * qc)
                pos = qb > 0
                gamma = np.where(pos, 2.0 * qc / np.where(pos, qb + disc, 1.0), (disc - qb) / (2.0 * qa))
                nu = a + b * gamma
                ll = special.xlogy(n, nu) - nu + tau * (np.log(gamma) - gamma) if loglike else empty
                inv_nu = np.where(npos, 1.0 / nu, 0.0)
                d1 = n * inv_nu - 1.0
                if newton:
                    r = n * inv_nu * inv_nu
                    dg = -(r * b) / (r * b * b + tau / (gamma * gamma))
                    d2 = -r * (1.0 + b * dg)
                else:
                    d2 = empty
        return BinTerms(np.asarray(nu), np.asarray(gamma), np.asarray(ll), np.asarray(d1), np.asarray(d2))

    def background_scale_fit(self, n: NDArray[Any]) -> FloatArray:
        r"""The background-only fit: :math:`\hat{\hat\gamma}_i(s = 0) = (n_i + \tau_i)/(b_i + \tau_i)` per bin."""
        counts = np.asarray(n, dtype=np.float64)
        zero = np.zeros(counts.shape[:-1])
        cols = [
            self.bin_terms(i, zero, counts[..., i], loglike=False, newton=False).gamma for i in range(self.spec.n_bins)
        ]
        return np.stack(cols, axis=-1)

    def fit_signal_total(
        self, f: FloatArray, n: FloatArray, upper: FloatArray | None = None
    ) -> tuple[FloatArray, list[FloatArray]]:
        r"""The unconditional fit on :math:`s \ge 0`: :math:`\hat s_+ = \max(\hat s, 0)` and the bins' loglike.

        With a free total signal the signal nuisance sits at :math:`\hat\theta = 0` (any :math:`k(\theta)` is
        absorbed in :math:`s`), so only :math:`s` is fitted (the backgrounds are profiled in closed form). The
        profile is concave in :math:`s`, and :math:`\hat s \le \sum_i n_i`, so a safeguarded Newton search on
        :math:`[0, \sum_i n_i]` finds it.

        Args:
            f: signal fractions, shape ``(..., B)``.
            n: counts, shape ``(..., B)`` (broadcast against ``f``).
            upper: a known upper bound of the fit (else :math:`\sum_i n_i`).
        """
        shape = np.broadcast_shapes(f.shape[:-1], n.shape[:-1])
        nb = self.spec.n_bins
        total = np.broadcast_to(np.sum(n * (f > 0), axis=-1), shape).astype(np.float64)
        if upper is not None:
            total = np.minimum(total, upper)

        def derivs(x: FloatArray) -> tuple[FloatArray, FloatArray]:
            g = np.zeros(shape)
            h = np.zeros(shape)
            for i in range(nb):  # (bins without signal are masked out: their 0 * inf is ignored)
                fi = f[..., i]
                t = self.bin_terms(i, x * fi, n[..., i], loglike=False)
                g = g + np.where(fi > 0, fi * t.d1, 0.0)
                h = h + np.where(fi > 0, fi * fi * t.d2, 0.0)
            return g, h

        with np.errstate(invalid="ignore"):
            g0, _ = derivs(np.zeros(shape))
        hi = np.where(g0 > 0, total, 0.0)
        shat = _newton_bisect(derivs, np.zeros(shape), hi, 0.5 * hi)
        loglike = [self.bin_terms(i, shat * f[..., i], n[..., i], newton=False).loglike for i in range(nb)]
        return shat, loglike

    def fit_signal_nuisance(
        self, s: FloatArray, f: FloatArray, n: FloatArray
    ) -> tuple[FloatArray, list[FloatArray], list[FloatArray]]:
        r"""The conditional fit at a fixed total signal ``s``: :math:`\hat{\hat\theta}` and each bin's terms.

        Maximises :math:`h(\theta) = \sum_i \ell_i(s f_i e^{\alpha\theta}) - \theta^2/2` with the backgrounds
        profiled in closed form. The root of :math:`h'` lies in :math:`[-\alpha s, 0]` if :math:`h'(0) < 0`
        (since :math:`\partial\ell_i/\partial a \ge -1`) and in :math:`[0, \alpha \sum_i n_i]` otherwise.

        Returns:
            theta (shape of the broadcast), the bins' profiled loglike, and the bins' background scales.
        """
        shape = np.broadcast_shapes(s.shape, f.shape[:-1], n.shape[:-1])
        nb = self.spec.n_bins
        alpha = self.alpha
        if alpha > 0:
            total = np.broadcast_to(np.sum(n * (f > 0), axis=-1), shape).astype(np.float64)

            def derivs(theta: FloatArray) -> tuple[FloatArray, FloatArray]:
                k = np.exp(alpha * theta)
                g = -theta
                h = np.full(shape, -1.0)
                for i in range(nb):
                    si = s * f[..., i]
                    t = self.bin_terms(i, si * k, n[..., i], loglike=False)
                    sk = si * alpha * k
                    g = g + np.where(si > 0, t.d1 * sk, 0.0)
                    h = h + np.where(si > 0, t.d2 * sk * sk + t.d1 * sk * alpha, 0.0)
                return g, h

            with np.errstate(invalid="ignore"):
                g0, _ = derivs(np.zeros(shape))
            neg = g0 < 0
            lo = np.where(neg, -alpha * np.broadcast_to(s, shape), 0.0)
            hi = np.where(neg, 0.0, alpha * total)
            theta = _newton_bisect(derivs, lo, hi, np.zeros(shape))
        else:
            theta = np.zeros(shape)
        k = np.exp(alpha * theta)
        terms = [self.bin_terms(i, s * f[..., i] * k, n[..., i], newton=False) for i in range(nb)]
        return theta, [t.loglike for t in terms], [t.gamma for t in terms]

    def signal_scale(self, theta: FloatArray) -> FloatArray:
        r"""The signal scale factor :math:`k(\theta) = (1 + \sigma_s)^\theta`."""
        return np.asarray(np.exp(self.alpha * theta))


def _newton_bisect(
    derivs: Any, lo: FloatArray, hi: FloatArray, x0: FloatArray, *, max_iter: int = 100, xtol: float = 1e-13
) -> FloatArray:
    """Root of a decreasing ``g`` in ``[lo, hi]`` (vectorised), by Newton steps kept inside a shrinking bracket.

    ``derivs(x)`` returns ``(g, g')``. Where ``g(lo) < 0`` the root is ``lo``; where ``g(hi) > 0`` it is ``hi``.
    """
    lo = np.array(lo, dtype=np.float64)
    hi = np.array(hi, dtype=np.float64)
    x = np.clip(x0, lo, hi)
    for _ in range(max_iter):
        with np.errstate(invalid="ignore"):
            g, h = derivs(x)
        lo = np.where(g > 0, x, lo)
        hi = np.where(g > 0, hi, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            step = x - g / h
        margin = 0.5 * (hi - lo)
        ok = (h < 0) & (step >= lo - margin) & (step <= hi + margin)
        new = np.where(ok, np.clip(step, lo, hi), 0.5 * (lo + hi))
        new = np.where(g == 0, x, new)
        if np.all(np.abs(new - x) <= xtol * (1.0 + np.abs(x))):
            return np.asarray(new)
        x = new
    return np.asarray(x)
