r"""The muon g-2 anomaly and the band of eps that explains it with a dark photon.

The A' one-loop contribution Delta a_l (Pospelov arXiv:0811.1030; Endo, Hamaguchi, Mishima arXiv:1209.2558
Eq. (6)) is the model's prediction and lives in :mod:`semivisible.model.g2_loop`; it is re-exported here.

The inverse, eps(m_A') for a target Delta a_mu, gives the band of the paper's Fig. 4. The reference values
ship as package data (``cosmo/data/g2_references.toml``), each with its sources:

* ``wp2020-world2021``: (251 +- 59)e-11, BNL + FNAL Run 1 vs WP2020, the paper's red band;
* ``wp2020-bnl``: (279 +- 76)e-11, BNL alone vs WP2020, the paper's blue band;
* ``wp2025``: (38 +- 63)e-11, the 2025 world average vs WP2025: no anomaly.

Examples
--------
>>> band = g2_band(0.3)
>>> round(band.eps_central, 5)
0.00631
>>> band.eps_2sigma[0] < band.eps_central < band.eps_2sigma[1]
True
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_real
from semivisible.model.constants import MA_MAX_GEV, MA_MIN_GEV
from semivisible.model.g2_loop import delta_a_e, delta_a_lepton, delta_a_mu, eps_for_delta_a_mu, g2_loop_function
from semivisible.vocabulary import with_rule_keys

__all__ = [
    "DEFAULT_REFERENCE",
    "FIG4_REFERENCES",
    "G2Band",
    "G2Reference",
    "delta_a_e",
    "delta_a_lepton",
    "delta_a_mu",
    "eps_for_delta_a_mu",
    "g2_band",
    "g2_loop_function",
    "g2_references",
    "get_reference",
]

FloatArray = NDArray[np.float64]

#: The reference of the paper's red band (arXiv:2107.02021 Fig. 4).
DEFAULT_REFERENCE = "wp2020-world2021"
#: The references of the two bands of the paper's Fig. 4: red (BNL + FNAL 2021 vs WP2020) and blue (BNL alone).
FIG4_REFERENCES: tuple[str, ...] = ("wp2020-world2021", "wp2020-bnl")


@dataclass(frozen=True, slots=True)
class G2Reference:
    """A measured anomaly Delta a_mu = a_mu(exp) - a_mu(SM) with its 1-sigma error (absolute units)."""

    name: str
    delta_a_mu: float
    sigma: float
    label: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        # a_mu itself is 1.166e-3: an anomaly or an error beyond 1e-4 (10% of a_mu) is not a measurement.
        check_real("delta_a_mu", self.delta_a_mu, -1e-4, 1e-4, low_open=False)
        check_real("delta_a_mu_error", self.sigma, 0.0, 1e-4)


@cache
def g2_references() -> dict[str, G2Reference]:
    """The named g-2 references shipped with the package, by name.

    >>> sorted(g2_references())
    ['wp2020-bnl', 'wp2020-world2021', 'wp2025']
    """
    text = (files("semivisible.cosmo") / "data" / "g2_references.toml").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    out = {}
    for name, entry in data.items():
        if not isinstance(entry, dict):
            continue
        out[name] = G2Reference(
            name=name,
            delta_a_mu=float(entry["delta_a_mu_1e11"]) * 1e-11,
            sigma=float(entry["sigma_1e11"]) * 1e-11,
            label=str(entry["label"]),
            source=f"{entry['source']}; exp: {entry['experiment']}; th: {entry['theory']}",
        )
    return out


def get_reference(
    reference: str | G2Reference = DEFAULT_REFERENCE,
    delta_a_mu: float | None = None,
    delta_a_mu_error: float | None = None,
) -> G2Reference:
    """Resolve a g-2 reference: a shipped name, a :class:`G2Reference`, or a user value +- error.

    A user value wins over ``reference``; both ``delta_a_mu`` and ``delta_a_mu_error`` must then be given.

    >>> round(get_reference("wp2020-bnl").delta_a_mu * 1e11, 6)
    279.0
    >>> get_reference(delta_a_mu=2e-9, delta_a_mu_error=5e-10).name
    'user'
    """
    if delta_a_mu is not None or delta_a_mu_error is not None:
        if delta_a_mu is None or delta_a_mu_error is None:
            missing = "delta_a_mu" if delta_a_mu is None else "delta_a_mu_error"
            raise ParameterError(missing, None, "both delta_a_mu and delta_a_mu_error, or neither")
        return G2Reference("user", float(delta_a_mu), float(delta_a_mu_error), label="user value")
    if isinstance(reference, G2Reference):
        return reference
    refs = g2_references()
    if reference not in refs:
        raise ParameterError("reference", reference, "one of " + ", ".join(sorted(refs)))
    return refs[reference]


def _nan_to_none(x: Any) -> Any:
    """NaN -> None, elementwise for arrays (as lists): JSON has no NaN."""
    if isinstance(x, np.ndarray):
        return [None if math.isnan(v) else float(v) for v in x.ravel()]
    return None if math.isnan(x) else x


@dataclass(frozen=True, slots=True)
class G2Band:
    """The eps band that explains a g-2 reference at m_A' (a number, or an array of masses).

    ``eps_1sigma`` and ``eps_2sigma`` are (low, high). A low edge of 0 means the band reaches eps = 0 (the
    reference is compatible with no anomaly at that level); ``eps_central`` is NaN when the central value is
    negative (``to_dict`` turns it into ``None``). For an array of masses every field is an array of that shape.
    """

    ma: Any
    reference: G2Reference
    eps_central: Any
    eps_1sigma: tuple[Any, Any]
    eps_2sigma: tuple[Any, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes ``None``, arrays lists; keys as in :mod:`semivisible.vocabulary`)."""
        ma = self.ma.tolist() if isinstance(self.ma, np.ndarray) else self.ma
        return with_rule_keys(
            {
                "ma_GeV": ma,
                "reference": self.reference.name,
                "delta_a_mu": self.reference.delta_a_mu,
                "delta_a_mu_error": self.reference.sigma,
                "eps_central": _nan_to_none(self.eps_central),
                "eps_1sigma_lo": _nan_to_none(self.eps_1sigma[0]),
                "eps_1sigma_hi": _nan_to_none(self.eps_1sigma[1]),
                "eps_2sigma_lo": _nan_to_none(self.eps_2sigma[0]),
                "eps_2sigma_hi": _nan_to_none(self.eps_2sigma[1]),
            }
        )


def g2_band(
    ma: ArrayLike,
    reference: str | G2Reference = DEFAULT_REFERENCE,
    delta_a_mu: float | None = None,
    delta_a_mu_error: float | None = None,
) -> G2Band:
    """The eps that gives the reference's Delta a_mu at m_A' = ``ma`` (GeV, a number or an array), with its 1 and
    2 sigma band.

    The band edges solve Delta a_mu(m_A', eps) = Delta a +- n sigma; a negative edge is clipped to eps = 0.
    A number gives floats, an array gives arrays of its shape.

    >>> b = g2_band(0.3, "wp2025")
    >>> b.eps_2sigma[0]
    0.0
    >>> g2_band([0.1, 0.3]).eps_central.shape
    (2,)
    """
    m = check_real("ma", ma, MA_MIN_GEV, MA_MAX_GEV, low_open=False, unit="GeV")
    ref = get_reference(reference, delta_a_mu, delta_a_mu_error)
    scalar = m.ndim == 0

    def out(x: FloatArray) -> Any:
        return float(x) if scalar else np.asarray(x, dtype=np.float64)

    def eps_at(target: float) -> Any:
        return out(eps_for_delta_a_mu(m, max(target, 0.0)))

    central = out(eps_for_delta_a_mu(m, ref.delta_a_mu))
    one = (eps_at(ref.delta_a_mu - ref.sigma), eps_at(ref.delta_a_mu + ref.sigma))
    two = (eps_at(ref.delta_a_mu - 2 * ref.sigma), eps_at(ref.delta_a_mu + 2 * ref.sigma))
    return G2Band(ma=out(m), reference=ref, eps_central=central, eps_1sigma=one, eps_2sigma=two)
