r"""The dark-photon contribution to the lepton anomalous magnetic moments, and the muon g-2 band.

One-loop A' exchange (Pospelov, PRD 80, 095002 (2009), arXiv:0811.1030; Endo, Hamaguchi, Mishima,
PRD 86, 095029 (2012), arXiv:1209.2558, Eq. (6)):

    Delta a_l = (alpha eps^2 / (2 pi)) Int_0^1 dz 2 m_l^2 z (1-z)^2 / (m_l^2 (1-z)^2 + m_A'^2 z)

Limits: alpha eps^2/(2 pi) for m_A' << m_l, and (alpha eps^2/(2 pi)) 2 m_l^2/(3 m_A'^2) for m_A' >> m_l.
In the pseudo-Dirac model the A' loop is the only new contribution (chi does not couple to leptons).

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

from semivisible.errors import ParameterError
from semivisible.model.constants import ALPHA_EM, M_E_GEV, M_MU_GEV

__all__ = [
    "DEFAULT_REFERENCE",
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


@cache
def _composite_nodes() -> tuple[FloatArray, FloatArray]:
    """Gauss-Legendre nodes and weights in w = 1 - z on panels refined geometrically towards both ends.

    The integrand has a boundary layer at w ~ sqrt(m_A'^2/m_l^2) for a light A', and at 1 - w ~ m_l^2/m_A'^2
    for a heavy one; panels of geometric size from 1e-14 to 1/2 at each end resolve both at any mass ratio.
    """
    half = np.logspace(-14, np.log10(0.5), 28)
    edges = np.concatenate(([0.0], half, 1.0 - half[-2::-1], [1.0]))
    x, w = np.polynomial.legendre.leggauss(16)
    lo, hi = edges[:-1, None], edges[1:, None]
    nodes = (0.5 * (hi - lo) * (x + 1.0) + lo).ravel()
    weights = (0.5 * (hi - lo) * w).ravel()
    return nodes, weights


def g2_loop_function(mass_ratio_sq: ArrayLike) -> FloatArray:
    """The loop integral F(r) = Int_0^1 dz 2 z (1-z)^2 / ((1-z)^2 + r z), with r = m_A'^2/m_l^2.

    F = 1 - pi sqrt(r) + O(r log r) for r -> 0 and F -> 2/(3 r) for r -> infinity. Composite Gauss-Legendre
    quadrature, within 1e-10 of adaptive quadrature for 1e-10 <= r <= 1e7 (``tests/cosmo/test_g2.py``).

    >>> round(float(g2_loop_function(0.0)), 12)
    1.0
    >>> round(float(g2_loop_function(1e6) * 1e6 * 1.5), 4)
    1.0
    """
    r = np.asarray(mass_ratio_sq, dtype=np.float64)
    w, wt = _composite_nodes()
    rr = r[..., None]
    integrand = 2.0 * (1.0 - w) * w**2 / (w**2 + rr * (1.0 - w))
    return np.asarray(integrand @ wt, dtype=np.float64)


def delta_a_lepton(ma: ArrayLike, eps: ArrayLike, lepton_mass: ArrayLike) -> FloatArray:
    """Delta a_l = (alpha eps^2/(2 pi)) F(m_A'^2/m_l^2), the A' one-loop contribution (arXiv:1209.2558 Eq. 6).

    Args:
        ma: A' mass, GeV.
        eps: kinetic mixing.
        lepton_mass: GeV.

    >>> import math
    >>> from semivisible.model.constants import ALPHA_EM
    >>> math.isclose(float(delta_a_lepton(1e-9, 1.0, 1.0)), ALPHA_EM / (2 * math.pi), rel_tol=1e-8)
    True
    """
    ma, eps, ml = (np.asarray(v, dtype=np.float64) for v in (ma, eps, lepton_mass))
    return np.asarray(ALPHA_EM * eps**2 / (2.0 * np.pi) * g2_loop_function((ma / ml) ** 2), dtype=np.float64)


def delta_a_mu(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Delta a_mu from the A' loop (:func:`delta_a_lepton` with m_mu).

    >>> f"{float(delta_a_mu(0.1, 1e-3)):.4g}"
    '2.571e-10'
    """
    return delta_a_lepton(ma, eps, M_MU_GEV)


def delta_a_e(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Delta a_e from the A' loop (:func:`delta_a_lepton` with m_e).

    >>> f"{float(delta_a_e(0.001, 1.491e-3)):.4g}"
    '2.404e-10'
    """
    return delta_a_lepton(ma, eps, M_E_GEV)


def eps_for_delta_a_mu(ma: ArrayLike, delta_a: ArrayLike) -> FloatArray:
    """The mixing eps at which the A' loop gives Delta a_mu = ``delta_a`` (absolute, e.g. 251e-11).

    eps = sqrt(delta_a / Delta a_mu(m_A', eps = 1)); NaN where delta_a < 0 (no real solution), 0 where it is 0.

    >>> import math
    >>> from semivisible.model.constants import ALPHA_EM
    >>> eps = float(eps_for_delta_a_mu(1e-6, 251e-11))
    >>> math.isclose(eps, math.sqrt(2 * math.pi * 251e-11 / ALPHA_EM), rel_tol=1e-4)
    True
    """
    target = np.asarray(delta_a, dtype=np.float64)
    unit = delta_a_mu(ma, 1.0)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.sqrt(np.where(target >= 0, target, np.nan) / unit), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class G2Reference:
    """A measured anomaly Delta a_mu = a_mu(exp) - a_mu(SM) with its 1-sigma error (absolute units)."""

    name: str
    delta_a_mu: float
    sigma: float
    label: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        if not math.isfinite(self.delta_a_mu):
            raise ParameterError("delta_a_mu", self.delta_a_mu, "a finite number")
        if not (math.isfinite(self.sigma) and self.sigma > 0):
            raise ParameterError("delta_a_mu_error", self.sigma, "delta_a_mu_error > 0 and finite")


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


def _nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x


@dataclass(frozen=True, slots=True)
class G2Band:
    """The eps band that explains a g-2 reference at one m_A'.

    ``eps_1sigma`` and ``eps_2sigma`` are (low, high). A low edge of 0 means the band reaches eps = 0 (the
    reference is compatible with no anomaly at that level); ``eps_central`` is NaN when the central value is
    negative.
    """

    ma: float
    reference: G2Reference
    eps_central: float
    eps_1sigma: tuple[float, float]
    eps_2sigma: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes ``None``)."""
        return {
            "ma_GeV": self.ma,
            "reference": self.reference.name,
            "delta_a_mu": self.reference.delta_a_mu,
            "delta_a_mu_error": self.reference.sigma,
            "eps_central": _nan_to_none(self.eps_central),
            "eps_1sigma_lo": _nan_to_none(self.eps_1sigma[0]),
            "eps_1sigma_hi": _nan_to_none(self.eps_1sigma[1]),
            "eps_2sigma_lo": _nan_to_none(self.eps_2sigma[0]),
            "eps_2sigma_hi": _nan_to_none(self.eps_2sigma[1]),
        }


def g2_band(
    ma: float,
    reference: str | G2Reference = DEFAULT_REFERENCE,
    delta_a_mu: float | None = None,
    delta_a_mu_error: float | None = None,
) -> G2Band:
    """The eps that gives the reference's Delta a_mu at m_A' = ``ma`` (GeV), with its 1 and 2 sigma band.

    The band edges solve Delta a_mu(m_A', eps) = Delta a +- n sigma; a negative edge is clipped to eps = 0.

    >>> b = g2_band(0.3, "wp2025")
    >>> b.eps_2sigma[0]
    0.0
    """
    if not (math.isfinite(ma) and ma > 0):
        raise ParameterError("ma", ma, "ma > 0 and finite")
    ref = get_reference(reference, delta_a_mu, delta_a_mu_error)

    def eps_at(target: float) -> float:
        return float(eps_for_delta_a_mu(ma, max(target, 0.0)))

    central = float(eps_for_delta_a_mu(ma, ref.delta_a_mu))
    one = (eps_at(ref.delta_a_mu - ref.sigma), eps_at(ref.delta_a_mu + ref.sigma))
    two = (eps_at(ref.delta_a_mu - 2 * ref.sigma), eps_at(ref.delta_a_mu + 2 * ref.sigma))
    return G2Band(ma=float(ma), reference=ref, eps_central=central, eps_1sigma=one, eps_2sigma=two)
