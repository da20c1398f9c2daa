"""The ``upper-limit`` command's computation: observed and expected CLs limits on the signal events.

The typer command (registered in :mod:`semivisible.cli.app`) prints this dictionary. The method is the exact
multibin CLs with the profile-likelihood test statistic of :mod:`semivisible.stats.cls` (arXiv:2107.02021:
90% CL, bins S1 and S2).

Examples
--------
>>> from semivisible.experiments import DEFAULT_EXPERIMENT
>>> from semivisible.search import Search
>>> info = upper_limit_info(Search.load(DEFAULT_EXPERIMENT), no_systematics=True)
>>> round(info["s_up_obs"], 4)  # ln 10 for n = 0, any split and background
2.3026
>>> sorted(k for k in info if k.startswith("s_up"))
['s_up_exp', 's_up_exp_1sigma', 's_up_exp_2sigma', 's_up_obs']
"""

from __future__ import annotations

import math
from typing import Any

from semivisible.errors import ParameterError
from semivisible.search import Search
from semivisible.stats.cls import BAND_LEVELS, upper_limits

__all__ = ["upper_limit_info"]


def upper_limit_info(
    search: Search, s1_fraction: float = 0.5, no_systematics: bool = False, cl: float = 0.9
) -> dict[str, Any]:
    """Observed and expected (median, 1 and 2 sigma) CLs upper limits on the total signal, in events.

    Args:
        search: the experiment, resolved once (with [s1] and [s2] signatures).
        s1_fraction: fraction of the signal in S1 (the rest is in S2), in [0, 1].
        no_systematics: switch off the background errors and the signal systematic.
        cl: confidence level, in (0, 1).

    Returns:
        ``s_up_obs``, ``s_up_exp``, ``s_up_exp_1sigma`` ([lo, hi]), ``s_up_exp_2sigma`` ([lo, hi]) and the inputs:
        ``experiment``, ``s1_fraction``, ``cl``, ``no_systematics``, ``bins``, ``n_observed``, ``background``,
        ``background_error``, ``signal_systematic``, ``band_levels``, ``method``.

    Raises:
        ParameterError: an out-of-range fraction or CL, or an experiment without S1/S2 signatures.
    """
    if not (math.isfinite(s1_fraction) and 0.0 <= s1_fraction <= 1.0):
        raise ParameterError("s1_fraction", s1_fraction, "0 <= s1_fraction <= 1")
    if not (math.isfinite(cl) and 0.0 < cl < 1.0):
        raise ParameterError("cl", cl, "0 < cl < 1")
    spec = search.counting_spec(no_systematics=no_systematics)
    limits = upper_limits(spec, s1_fraction, cl=cl)
    info: dict[str, Any] = limits.as_dict(0)
    info.update(
        {
            "experiment": search.name,
            "s1_fraction": float(s1_fraction),
            "cl": float(cl),
            "no_systematics": bool(no_systematics),
            "bins": list(spec.names),
            "n_observed": list(spec.n_observed),
            "background": list(spec.background),
            "background_error": list(spec.background_error),
            "signal_systematic": spec.signal_systematic,
            "band_levels": [round(x, 5) for x in BAND_LEVELS],
            "method": "exact multibin CLs, profile-likelihood q~_mu (arXiv:1007.1727 Eq. 16), sum over (n1, n2); "
            "nuisances at their conditional MLE; Gamma background constraints, log-normal signal systematic",
        }
    )
    return info
