r"""The dark-photon contribution to the lepton anomalous magnetic moments (one loop).

One-loop A' exchange (Pospelov, PRD 80, 095002 (2009), arXiv:0811.1030; Endo, Hamaguchi, Mishima,
PRD 86, 095029 (2012), arXiv:1209.2558, Eq. (6)):

    Delta a_l = (alpha eps^2 / (2 pi)) Int_0^1 dz 2 m_l^2 z (1-z)^2 / (m_l^2 (1-z)^2 + m_A'^2 z)

Limits: alpha eps^2/(2 pi) for m_A' << m_l, and (alpha eps^2/(2 pi)) 2 m_l^2/(3 m_A'^2) for m_A' >> m_l.
In the pseudo-Dirac model the A' loop is the only new contribution (chi does not couple to leptons). The measured
anomalies and the band of the paper's Fig. 4 are in :mod:`semivisible.cosmo.g2`; this module is the model's
prediction only, so that the model depends on no measurement.

Examples
--------
>>> f"{float(delta_a_mu(0.1, 1e-3)):.4g}"
'2.571e-10'
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.model.constants import ALPHA_EM, M_E_GEV, M_MU_GEV

__all__ = ["delta_a_e", "delta_a_lepton", "delta_a_mu", "eps_for_delta_a_mu", "g2_loop_function"]

FloatArray = NDArray[np.float64]


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
