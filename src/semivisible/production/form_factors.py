r"""Atomic and nuclear form factors of Tsai, and the effective photon flux chi of dark bremsstrahlung.

Tsai, Rev. Mod. Phys. 46, 815 (1974) and Kim & Tsai, PRD 8, 3109 (1973), in the form of Bjorken, Essig,
Schuster, Toro, PRD 80, 075018 (2009), arXiv:0906.0580, Eqs. (A18)-(A19) (also Gninenko et al.,
arXiv:1712.05706 Eq. 9). With t = -q^2 > 0 in GeV^2:

    G2_el(t)   = Z^2 [a^2 t / (1 + a^2 t)]^2 [1 / (1 + t/d)]^2                    (screening x nuclear size)
    G2_inel(t) = Z   [a'^2 t / (1 + a'^2 t)]^2 [(1 + t (mu_p^2 - 1)/(4 m_p^2)) / (1 + t/0.71 GeV^2)^4]^2

    a = 111 Z^(-1/3) / m_e,   a' = 773 Z^(-2/3) / m_e   (GeV^-1),   d = 0.164 A^(-2/3) GeV^2,
    mu_p = 2.79,   m_p = 0.938 GeV.

The effective photon flux is chi = Int_{t_min}^{t_max} dt (t - t_min)/t^2 G2(t) (BEST Eq. A17), in
dimensionless units (it is ~ Z^2 log for a screened heavy atom).

Examples
--------
>>> from semivisible.production.materials import get_material
>>> pb = get_material("Pb")
>>> tmin, tmax = (0.01**2 / 200.0) ** 2, 0.01**2
>>> round(float(chi_elastic_closed_form(tmin, tmax, pb.Z, pb.A)) / pb.Z**2, 2)
11.39
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible._numerics import gauss_legendre_unit
from semivisible.model.constants import M_E_GEV

__all__ = [
    "chi",
    "chi_elastic_closed_form",
    "g2_elastic",
    "g2_inelastic",
    "screening_a_elastic",
    "screening_a_inelastic",
]

FloatArray = NDArray[np.float64]

#: Proton magnetic moment in nuclear magnetons and proton mass in GeV, as in BEST Eq. (A19).
MU_PROTON = 2.79
M_PROTON_GEV = 0.938
#: Dipole scale of the proton form factor, GeV^2 (BEST Eq. A19).
DIPOLE_GEV2 = 0.71


def screening_a_elastic(Z: ArrayLike) -> FloatArray:
    """Atomic screening parameter a = 111 Z^(-1/3) / m_e in GeV^-1 (BEST Eq. A18)."""
    return np.asarray(111.0 * np.asarray(Z, dtype=np.float64) ** (-1.0 / 3.0) / M_E_GEV, dtype=np.float64)


def screening_a_inelastic(Z: ArrayLike) -> FloatArray:
    """Inelastic (atomic-electron) screening a' = 773 Z^(-2/3) / m_e in GeV^-1 (BEST Eq. A19)."""
    return np.asarray(773.0 * np.asarray(Z, dtype=np.float64) ** (-2.0 / 3.0) / M_E_GEV, dtype=np.float64)


def nuclear_size_d(A: ArrayLike) -> FloatArray:
    """Nuclear-size parameter d = 0.164 A^(-2/3) GeV^2 (BEST Eq. A18)."""
    return np.asarray(0.164 * np.asarray(A, dtype=np.float64) ** (-2.0 / 3.0), dtype=np.float64)


def g2_elastic(t: ArrayLike, Z: ArrayLike, A: ArrayLike) -> FloatArray:
    """Elastic atomic form factor G2_el(t) (screened coherent nucleus), t = -q^2 in GeV^2.

    >>> round(float(g2_elastic(1e-3, 82, 207.2)) / 82**2, 3)  # no screening, some nuclear suppression
    0.679
    """
    t = np.asarray(t, dtype=np.float64)
    a2 = screening_a_elastic(Z) ** 2
    d = nuclear_size_d(A)
    z2 = np.asarray(Z, dtype=np.float64) ** 2
    return np.asarray(z2 * (a2 * t / (1.0 + a2 * t)) ** 2 / (1.0 + t / d) ** 2, dtype=np.float64)


def g2_inelastic(t: ArrayLike, Z: ArrayLike) -> FloatArray:
    """Inelastic (quasi-elastic on protons, screened by atomic electrons) form factor G2_inel(t), GeV^2.

    >>> float(g2_inelastic(0.0, 82))
    0.0
    """
    t = np.asarray(t, dtype=np.float64)
    a2 = screening_a_inelastic(Z) ** 2
    zz = np.asarray(Z, dtype=np.float64)
    proton = (1.0 + t * (MU_PROTON**2 - 1.0) / (4.0 * M_PROTON_GEV**2)) / (1.0 + t / DIPOLE_GEV2) ** 4
    return np.asarray(zz * (a2 * t / (1.0 + a2 * t)) ** 2 * proton**2, dtype=np.float64)


def chi(
    t_min: ArrayLike,
    t_max: ArrayLike,
    Z: ArrayLike,
    A: ArrayLike,
    inelastic: bool = True,
    n_nodes: int = 160,
) -> FloatArray:
    """Effective photon flux chi = Int_{t_min}^{t_max} dt (t - t_min)/t^2 [G2_el(t) + G2_inel(t)].

    Gauss-Legendre in ln t (the integrand is smooth there), vectorised over t_min and t_max (GeV^2). Within
    1e-8 of adaptive quadrature (``tests/production/test_form_factors.py``). 0 where t_max <= t_min.

    Args:
        t_min, t_max: integration limits in GeV^2.
        Z, A: atomic number and mass number of the target.
        inelastic: include G2_inel (default True).
        n_nodes: quadrature nodes.

    >>> c = chi(1e-12, 1e-4, 82, 207.2)
    >>> bool(c > chi(1e-12, 1e-4, 82, 207.2, inelastic=False) > 0)
    True
    """
    lo = np.asarray(t_min, dtype=np.float64)
    hi = np.asarray(t_max, dtype=np.float64)
    lo, hi = np.broadcast_arrays(lo, hi)
    valid = hi > lo
    log_lo = np.log(np.where(lo > 0, lo, 1e-300))
    log_hi = np.log(np.where(valid, hi, np.where(lo > 0, lo, 1.0) * 2.0))
    x, w = gauss_legendre_unit(n_nodes)
    span = (log_hi - log_lo)[..., None]
    t = np.exp(log_lo[..., None] + span * x)
    form = g2_elastic(t, Z, A)
    if inelastic:
        form = form + g2_inelastic(t, Z)
    # dt = t d(ln t): (t - t_min)/t^2 dt = (1 - t_min/t) d(ln t)
    integrand = (1.0 - lo[..., None] / t) * form
    out = (integrand * span) @ w
    return np.asarray(np.where(valid, out, 0.0), dtype=np.float64)


def chi_elastic_closed_form(t_min: ArrayLike, t_max: ArrayLike, Z: ArrayLike, A: ArrayLike) -> FloatArray:
    """Closed form of the elastic chi (as in DMG4 ``DarkPhotons::TotalCrossSectionCalc``), with t_a = 1/a^2, t_d = d.

    chi_el = -Z^2 t_d^2/(t_a - t_d)^3 [ (t_a - t_d)(t_a + t_d + 2 t_max)(t_max - t_min)/((t_a + t_max)(t_d + t_max))
             + (t_a + t_d + 2 t_min)(ln(t_a + t_max) - ln(t_d + t_max) - ln(t_a + t_min) + ln(t_d + t_min)) ]

    >>> round(float(chi_elastic_closed_form(1e-12, 1e-4, 82, 207.2) / chi(1e-12, 1e-4, 82, 207.2, False)), 8)
    1.0
    """
    tmin = np.asarray(t_min, dtype=np.float64)
    tmax = np.asarray(t_max, dtype=np.float64)
    ta = 1.0 / screening_a_elastic(Z) ** 2
    td = nuclear_size_d(A)
    z2 = np.asarray(Z, dtype=np.float64) ** 2
    first = (ta - td) * (ta + td + 2.0 * tmax) * (tmax - tmin) / ((ta + tmax) * (td + tmax))
    logs = np.log(ta + tmax) - np.log(td + tmax) - np.log(ta + tmin) + np.log(td + tmin)
    return np.asarray(-z2 * td**2 / (ta - td) ** 3 * (first + (ta + td + 2.0 * tmin) * logs), dtype=np.float64)
