r"""Exact CLs upper limits for a single counting bin (no asymptotic formulae).

For n observed events and a known background b, the CLs of a signal s (Read, J. Phys. G 28, 2693 (2002);
Junk, NIM A 434, 435 (1999)) with the number of events as test statistic is

    CLs(s) = P(N <= n | s + b) / P(N <= n | b),

and the upper limit at confidence level CL solves CLs(s_up) = 1 - CL. For n = 0 the background cancels:
CLs = exp(-s), so s_up = -ln(1 - CL) = ln 10 = 2.303 at 90% CL, for any background (follows from the definition above).

Examples
--------
>>> round(upper_limit_counting(0, 0.53), 6)
2.302585
>>> upper_limit_counting(2, 0.5) > upper_limit_counting(0, 0.5)
True
"""

from __future__ import annotations

import math

from scipy import optimize, stats

from semivisible.errors import ParameterError

__all__ = ["cls_counting", "upper_limit_counting"]


def cls_counting(signal: float, n_observed: int, background: float) -> float:
    """CLs of ``signal`` events for ``n_observed`` events over a known ``background`` (single bin)."""
    num = stats.poisson.cdf(n_observed, signal + background)
    den = stats.poisson.cdf(n_observed, background)
    return float(num / den)


def upper_limit_counting(n_observed: int, background: float = 0.0, cl: float = 0.9) -> float:
    """The CLs upper limit on the signal (events) at confidence level ``cl`` (default 0.90).

    Raises:
        ParameterError: n_observed < 0, background < 0, or cl outside (0, 1).
    """
    if n_observed < 0 or int(n_observed) != n_observed:
        raise ParameterError("n_observed", n_observed, "a non-negative integer")
    if not (background >= 0 and math.isfinite(background)):
        raise ParameterError("background", background, "background >= 0")
    if not 0 < cl < 1:
        raise ParameterError("cl", cl, "0 < cl < 1")
    target = 1.0 - cl
    if n_observed == 0:
        return -math.log(target)
    hi = 10.0 + 10.0 * (n_observed + math.sqrt(n_observed + 1.0))
    return float(optimize.brentq(lambda s: cls_counting(s, int(n_observed), background) - target, 0.0, hi, xtol=1e-12))
