"""Helpers of the ``relic`` command: the thermal-target eps of one model point as a JSON-ready dict.

The typer registration lives in :mod:`semivisible.cli.app`; this module only computes and formats.

Examples
--------
>>> info = relic_info(0.3, splitting=1e-3)
>>> sorted(k for k in info if k.startswith("eps"))
['eps_relic']
>>> abs(info["omega_h2_check"] / info["omega_h2_target"] - 1) < 1e-3
True
"""

from __future__ import annotations

import math
from typing import Any

from semivisible.cosmo.relic import OMEGA_DM_H2, eps_relic, relic_abundance, relic_point
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D

__all__ = ["relic_info", "relic_rows"]

_NOTE = (
    "chi1 chi2 -> A'* -> SM coannihilation (Griest-Seckel, g1 = g2 = 2), assuming chi1 <-> chi2 conversions stay "
    "in equilibrium through freeze-out (questionable at small eps and large splitting)"
)
_NOTE_ELASTIC = {
    "majorana": "Majorana chi chi -> A'* -> SM, p-wave (L = (g_D/2) chi-bar gamma gamma5 chi, g = 2)",
    "scalar": "complex scalar chi chi* -> A'* -> SM, p-wave (Y counts chi and chi*, g = 1 + 1)",
}


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def relic_info(
    ma: float,
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float | None = None,
    splitting: float | None = None,
    mchi1: float | None = None,
    delta: float | None = None,
    dm_type: str = "pseudo-dirac",
) -> dict[str, Any]:
    """eps giving Omega h^2 = 0.120 at this point, with y, the check Omega h^2(eps_relic), x_f and the masses.

    Masses in GeV, <sigma v> in cm^3/s. Parameters as :meth:`DarkSector.build`; ``dm_type`` as
    :func:`semivisible.cosmo.relic.eps_relic` (the elastic types have no splitting).

    Raises:
        ParameterError: a parameter is out of range (the message names it).

    >>> info = relic_info(0.3, dm_type="scalar")
    >>> info["dm_type"], info["mchi2_GeV"] is None, abs(info["omega_h2_check"] / 0.12 - 1) < 1e-3
    ('scalar', True, True)
    """
    eps = eps_relic(ma, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta, dm_type=dm_type)
    elastic = dm_type != "pseudo-dirac"
    point = relic_point(ma, eps, alpha_d, ratio, splitting, mchi1, delta, dm_type)
    res = relic_abundance(point, dm_type=dm_type)
    return {
        "dm_type": dm_type,
        "eps_relic": eps,
        "y": point.y,
        "omega_h2_check": res.omega_h2,
        "omega_h2_target": OMEGA_DM_H2,
        "ma_GeV": point.ma,
        "mchi1_GeV": point.mchi1,
        "mchi2_GeV": None if elastic else point.mchi2,
        "delta_GeV": None if elastic else point.delta,
        "ratio": point.ratio,
        "splitting": None if elastic else point.splitting,
        "alpha_d": point.alpha_d,
        "x_freeze_out": _finite(res.x_f),
        "y_inf": res.y_inf,
        "sigma_eff_v_at_xf_cm3_s": _finite(res.sigma_v_xf_cm3_s),
        "note": _NOTE_ELASTIC.get(dm_type, _NOTE),
    }


def relic_rows(info: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """(quantity, value, unit) rows for a table.

    >>> rows = relic_rows({"eps_relic": 1e-3, "y": 1e-10})
    >>> rows[0]
    ('eps_relic', 0.001, '')
    """
    units = {"ma_GeV": "GeV", "mchi1_GeV": "GeV", "mchi2_GeV": "GeV", "delta_GeV": "GeV"}
    units["sigma_eff_v_at_xf_cm3_s"] = "cm^3/s"
    return [(k, v, units.get(k, "")) for k, v in info.items() if k != "note"]
