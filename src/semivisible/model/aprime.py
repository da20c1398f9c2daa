"""Dark-photon (A') decay widths and branching ratios.

Conventions (arXiv:2107.02021 Eq. 1, and DMG4): the A' couples to the electromagnetic current with strength
``eps * e`` and to the pseudo-Dirac dark fermion through the off-diagonal vector current
``g_D A'_mu chi1bar gamma^mu chi2``, with ``alpha_D = g_D^2 / (4 pi)``. All masses and widths are in GeV.

Every function broadcasts its arguments with numpy and returns a float64 array (0-d for scalar input).

Examples
--------
>>> from semivisible.model.aprime import gamma_aprime_to_chi1chi2
>>> ma = 0.3
>>> float(gamma_aprime_to_chi1chi2(ma, 0.1, ma / 3, 1.4 * ma / 3) / (0.1 * ma))  # doctest: +ELLIPSIS
0.25699...
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import check_broadcast, check_real
from semivisible.model.constants import (
    ALPHA_D_MAX,
    ALPHA_EM,
    EPS_MAX,
    M_E_GEV,
    M_MU_GEV,
    M_TAU_GEV,
    MA_MAX_GEV,
    MA_MIN_GEV,
)
from semivisible.model.hadrons import r_ratio

__all__ = [
    "branching_ratios",
    "gamma_aprime_to_chi1chi2",
    "gamma_aprime_to_ee",
    "gamma_aprime_to_hadrons",
    "gamma_aprime_to_leptons",
    "gamma_aprime_to_majorana_pair",
    "gamma_aprime_to_mumu",
    "gamma_aprime_to_scalar_pair",
    "gamma_aprime_to_tautau",
    "gamma_aprime_total",
    "gamma_aprime_visible",
    "kallen",
]

FloatArray = NDArray[np.float64]


def kallen(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> FloatArray:
    """Källén triangle function lambda(a, b, c) = a^2 + b^2 + c^2 - 2ab - 2ac - 2bc.

    The two-body momentum in the rest frame of a particle of mass M decaying to masses m1, m2 is
    ``p = sqrt(lambda(M^2, m1^2, m2^2)) / (2 M)``.

    >>> float(kallen(4.0, 1.0, 1.0))
    0.0
    """
    a, b, c = (np.asarray(v, dtype=np.float64) for v in (a, b, c))
    return np.asarray(a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c), dtype=np.float64)


def _masses_and_coupling(
    ma: ArrayLike, coupling: ArrayLike, coupling_name: str, **mass: ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """1 keV <= m_A' <= 1 TeV, a coupling in [0, 1] (eps) or [0, 4 pi] (alpha_D), one more mass in [0, 1 TeV], as float
    arrays; ParameterError otherwise.

    Every width here takes arrays that broadcast; a negative or non-finite input is refused (it has no physical
    width), so no NaN or negative width reaches a result.
    """
    ((mass_name, other),) = mass.items() if mass else (("mass", 0.0),)
    top = EPS_MAX if coupling_name == "eps" else ALPHA_D_MAX
    out = (
        check_real("ma", ma, MA_MIN_GEV, MA_MAX_GEV, low_open=False, unit="GeV"),
        check_real(coupling_name, coupling, 0.0, top, low_open=False),
        check_real(mass_name, other, 0.0, MA_MAX_GEV, low_open=False, unit="GeV"),
    )
    check_broadcast(f"ma, {coupling_name}, {mass_name}", *out)
    return out


def gamma_aprime_to_leptons(ma: ArrayLike, eps: ArrayLike, lepton_mass: ArrayLike) -> FloatArray:
    """Width of A' -> l+ l- in GeV.

    Gamma = (alpha eps^2 m_A' / 3) (1 + 2 m_l^2/m_A'^2) sqrt(1 - 4 m_l^2/m_A'^2), and 0 below threshold.
    Standard tree-level result, e.g. Batell, Pospelov, Ritz, PRD 79, 115008 (2009), arXiv:0903.0363; DMG4
    ``APrimeWidth`` (arXiv:2101.12192).

    Args:
        ma: A' mass in GeV.
        eps: kinetic mixing.
        lepton_mass: lepton mass in GeV.

    >>> from semivisible.model.constants import ALPHA_EM
    >>> round(float(gamma_aprime_to_leptons(1.0, 1.0, 0.0)) / (ALPHA_EM / 3), 12)
    1.0
    """
    ma, eps, ml = _masses_and_coupling(ma, eps, "eps", lepton_mass=lepton_mass)
    r = (ml / ma) ** 2
    beta2 = np.clip(1.0 - 4.0 * r, 0.0, None)
    width = ALPHA_EM * eps**2 * ma / 3.0 * (1.0 + 2.0 * r) * np.sqrt(beta2)
    return np.asarray(np.where(beta2 > 0.0, width, 0.0), dtype=np.float64)


def gamma_aprime_to_ee(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Width of A' -> e+ e- in GeV (see :func:`gamma_aprime_to_leptons`).

    >>> float(gamma_aprime_to_ee(0.001, 0.0)) == 0.0
    True
    """
    return gamma_aprime_to_leptons(ma, eps, M_E_GEV)


def gamma_aprime_to_mumu(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Width of A' -> mu+ mu- in GeV, 0 below 2 m_mu (see :func:`gamma_aprime_to_leptons`).

    >>> float(gamma_aprime_to_mumu(0.2, 1e-3))
    0.0
    """
    return gamma_aprime_to_leptons(ma, eps, M_MU_GEV)


def gamma_aprime_to_tautau(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Width of A' -> tau+ tau- in GeV, 0 below 2 m_tau (see :func:`gamma_aprime_to_leptons`).

    >>> float(gamma_aprime_to_tautau(3.0, 1e-3))
    0.0
    """
    return gamma_aprime_to_leptons(ma, eps, M_TAU_GEV)


def gamma_aprime_to_hadrons(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Width of A' -> hadrons in GeV.

    Gamma = (alpha eps^2 m_A' / 3) R(m_A'), with R(sqrt s) = sigma(e+e- -> hadrons)/sigma_pt(e+e- -> mu+mu-)
    from :func:`semivisible.model.hadrons.r_ratio`. The A' couples to quarks exactly as the photon does, so
    its hadronic width is the muon width for m_mu -> 0 times R. Source: e.g. Buschmann, Kopp, Liu, Machado,
    JHEP 07 (2015) 045, arXiv:1505.07459, Eq. (2.5); Ilten et al., arXiv:1801.04847 (DarkCast).

    >>> float(gamma_aprime_to_hadrons(0.2, 1e-3))
    0.0
    """
    ma, eps, _ = _masses_and_coupling(ma, eps, "eps")
    return np.asarray(ALPHA_EM * eps**2 * ma / 3.0 * r_ratio(ma), dtype=np.float64)


def gamma_aprime_visible(ma: ArrayLike, eps: ArrayLike) -> FloatArray:
    """Width of A' into Standard-Model final states (e, mu, tau pairs and hadrons), in GeV.

    >>> float(gamma_aprime_visible(0.05, 1e-3)) == float(gamma_aprime_to_ee(0.05, 1e-3))
    True
    """
    return np.asarray(
        gamma_aprime_to_ee(ma, eps)
        + gamma_aprime_to_mumu(ma, eps)
        + gamma_aprime_to_tautau(ma, eps)
        + gamma_aprime_to_hadrons(ma, eps),
        dtype=np.float64,
    )


def gamma_aprime_to_chi1chi2(ma: ArrayLike, alpha_d: ArrayLike, mchi1: ArrayLike, mchi2: ArrayLike) -> FloatArray:
    """Width of A' -> chi1 chi2 in GeV, exact in the mass splitting.

    Gamma = (alpha_D m_A'/3) sqrt[(1 - (m1+m2)^2/m_A'^2)(1 - (m1-m2)^2/m_A'^2)]
            x [1 - (m1^2 + m2^2 - 6 m1 m2)/(2 m_A'^2) - (m1^2 - m2^2)^2/(2 m_A'^4)],

    0 below threshold. This is the vector-current width for V -> f1 f2bar (spin-summed trace with
    ``-g + q q/M^2``); for m1 = m2 = m it is the Dirac width (alpha_D m_A'/3)(1 + 2m^2/m_A'^2)
    sqrt(1 - 4m^2/m_A'^2). It matches DMG4's ``APrimeWidth(m1, m2, M)`` times alpha_D (arXiv:2101.12192).

    Args:
        ma: A' mass in GeV.
        alpha_d: dark coupling g_D^2/(4 pi).
        mchi1: lighter dark-state mass in GeV.
        mchi2: heavier dark-state mass in GeV.
    """
    ma, ad, m1 = _masses_and_coupling(ma, alpha_d, "alpha_d", mchi1=mchi1)
    m2 = check_real("mchi2", mchi2, 0.0, MA_MAX_GEV, low_open=False, unit="GeV")
    ph = (1.0 - ((m1 + m2) / ma) ** 2) * (1.0 - ((m1 - m2) / ma) ** 2)
    bracket = 1.0 - (m1**2 + m2**2 - 6.0 * m1 * m2) / (2.0 * ma**2) - (m1**2 - m2**2) ** 2 / (2.0 * ma**4)
    width = ad * ma / 3.0 * np.sqrt(np.clip(ph, 0.0, None)) * bracket
    open_ = (m1 + m2) < ma
    return np.asarray(np.where(open_, width, 0.0), dtype=np.float64)


def gamma_aprime_to_scalar_pair(ma: ArrayLike, alpha_d: ArrayLike, mchi: ArrayLike) -> FloatArray:
    """Width of A' -> chi chi* for a complex scalar chi of charge g_D (current i g_D chi* d chi + h.c.), in GeV.

    Gamma = (alpha_D m_A'/12) (1 - 4 m_chi^2/m_A'^2)^(3/2), 0 below threshold (the rho -> pi pi width with
    g^2/(4 pi) = alpha_D; e.g. Izaguirre, Krnjaic, Schuster, Toro, arXiv:1505.00011, for the scalar benchmark).

    >>> round(float(gamma_aprime_to_scalar_pair(1.0, 0.12, 0.0)), 6)
    0.01
    """
    ma, ad, m = _masses_and_coupling(ma, alpha_d, "alpha_d", mchi=mchi)
    b2 = np.clip(1.0 - 4.0 * m**2 / ma**2, 0.0, None)
    return np.asarray(np.where(2.0 * m < ma, ad * ma / 12.0 * b2**1.5, 0.0), dtype=np.float64)


def gamma_aprime_to_majorana_pair(ma: ArrayLike, alpha_d: ArrayLike, mchi: ArrayLike) -> FloatArray:
    """Width of A' -> chi chi for a Majorana chi with L = (g_D/2) chi-bar gamma^mu gamma^5 chi A'_mu, in GeV.

    The Majorana vertex is g_D gamma^mu gamma^5 (two contractions) and the final state has two identical
    particles (factor 1/2), so Gamma = (1/2)(alpha_D m_A'/3)(1 - 4 m_chi^2/m_A'^2)^(3/2): half the axial-vector
    width of a Dirac fermion, whose trace gives (s - 4 m^2) where the vector one gives (s + 2 m^2).

    >>> round(float(gamma_aprime_to_majorana_pair(1.0, 0.06, 0.0)), 6)
    0.01
    """
    ma, ad, m = _masses_and_coupling(ma, alpha_d, "alpha_d", mchi=mchi)
    b2 = np.clip(1.0 - 4.0 * m**2 / ma**2, 0.0, None)
    return np.asarray(np.where(2.0 * m < ma, ad * ma / 6.0 * b2**1.5, 0.0), dtype=np.float64)


def gamma_aprime_total(
    ma: ArrayLike, eps: ArrayLike, alpha_d: ArrayLike, mchi1: ArrayLike, mchi2: ArrayLike
) -> FloatArray:
    """Total A' width in GeV: Gamma(chi1 chi2) + Gamma(e e) + Gamma(mu mu) + Gamma(tau tau) + Gamma(hadrons).

    The pseudo-Dirac model has no diagonal A' chi_i chi_i coupling (arXiv:2107.02021, after Eq. 1), so
    A' -> chi1 chi1 and chi2 chi2 are absent.

    >>> w = gamma_aprime_total(0.3, 6.3e-3, 0.1, 0.1, 0.14)
    >>> float(w) > float(gamma_aprime_to_chi1chi2(0.3, 0.1, 0.1, 0.14))
    True
    """
    return np.asarray(
        gamma_aprime_to_chi1chi2(ma, alpha_d, mchi1, mchi2) + gamma_aprime_visible(ma, eps),
        dtype=np.float64,
    )


def branching_ratios(
    ma: ArrayLike, eps: ArrayLike, alpha_d: ArrayLike, mchi1: ArrayLike, mchi2: ArrayLike
) -> dict[str, FloatArray]:
    """A' branching ratios into ``chi1chi2``, ``ee``, ``mumu``, ``tautau`` and ``hadrons``.

    Each is the partial width divided by :func:`gamma_aprime_total`; they sum to 1.

    >>> br = branching_ratios(0.3, 6.3e-3, 0.1, 0.1, 0.14)
    >>> round(sum(float(v) for v in br.values()), 12)
    1.0
    """
    partial = {
        "chi1chi2": gamma_aprime_to_chi1chi2(ma, alpha_d, mchi1, mchi2),
        "ee": gamma_aprime_to_ee(ma, eps),
        "mumu": gamma_aprime_to_mumu(ma, eps),
        "tautau": gamma_aprime_to_tautau(ma, eps),
        "hadrons": gamma_aprime_to_hadrons(ma, eps),
    }
    total = sum(partial.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        return {k: np.asarray(np.where(total > 0, v / total, 0.0), dtype=np.float64) for k, v in partial.items()}
