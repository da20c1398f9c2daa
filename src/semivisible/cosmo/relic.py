r"""Thermal relic density of pseudo-Dirac (inelastic) dark matter: chi1 chi2 -> A'* -> SM coannihilation.

Physics (sources given per item; units GeV, cross sections in GeV^-2 unless a name says cm^3/s):

1. Cross section (derived by us from the spin-summed traces; the vector-current bracket is the
   one of :func:`semivisible.model.aprime.gamma_aprime_to_chi1chi2`)::

       sigma_12(s) = (4 pi alpha alpha_D eps^2 / 3) sqrt(s - Delta^2) (1 + (m1+m2)^2/(2 s)) / sqrt(s - (m1+m2)^2)
                     x C(s) / [(s - m_A'^2)^2 + m_A'^2 Gamma_A'^2],
       C(s) = sum_{l = e, mu, tau} (s + 2 m_l^2) sqrt(1 - 4 m_l^2/s) + s R(sqrt s)

   with the full Breit-Wigner and the total A' width (:mod:`semivisible.model.aprime`), and hadrons through
   R(sqrt s) (:func:`semivisible.model.hadrons.r_ratio`) times the massless muon channel. For Delta -> 0 it is the
   Dirac chi chi-bar -> f f-bar formula; at threshold sigma v_Mol -> 4 pi alpha alpha_D eps^2 (M^2 + 2 m_f^2)
   sqrt(1 - 4 m_f^2/M^2)/(M^2 - m_A'^2)^2, M = m1 + m2 (tests).

2. Thermal average for unequal masses (Edsjo and Gondolo, PRD 56, 1879 (1997), Eqs. (2.7)-(2.9);
   Gondolo and Gelmini, Nucl. Phys. B 360 (1991) 145, Eq. (3.8) for m1 = m2)::

       <sigma_12 v>(T) = Int_{M^2}^inf ds sigma_12(s) lambda(s, m1^2, m2^2) K1(sqrt s/T)/sqrt(s)
                         / [8 m1^2 m2^2 T K2(m1/T) K2(m2/T)]

   evaluated with exponentially scaled Bessel functions (``scipy.special.kve``; the factors e^-(m1+m2)/T cancel
   analytically, and K1 uses its asymptotic series for arguments > 50) in the variable v = sqrt(sqrt(s) - M),
   in which the threshold behaviour is smooth. The v axis is cut into Gauss-Legendre panels (8 nodes) that are
   refined geometrically (factor 2) towards every narrow structure: the A' pole (half-width Gamma_A'/2), the
   rho, omega, phi, J/psi, psi(2S), Upsilon(1S-3S) peaks of R and the e, mu, tau, pi pair thresholds. The nodes
   and the eps-independent part of sigma_12 are computed once per mass point; <sigma v> is tabulated on 40
   values of x = m1/T in [1, 1000] and interpolated by a cubic spline in (ln x, ln <sigma v>).

3. Coannihilation (Griest and Seckel, PRD 43, 3191 (1991), Eq. (12)) with g1 = g2 = 2 and no chi1 chi1, chi2 chi2
   annihilation at tree level::

       <sigma_eff v> = 2 <sigma_12 v> r / (1 + r)^2,   r = n2_eq/n1_eq = (m2/m1)^2 K2(m2/T)/K2(m1/T)
                                                          ~ (1 + f)^(3/2) e^(-x f)

   ASSUMPTION: chi1 <-> chi2 conversions (chi2 f -> chi1 f, chi2 -> chi1 f f-bar) keep n2/n1 at its equilibrium
   value during freeze-out, so that one equation for Y = (n1 + n2)/s suffices. Their rates scale as eps^2, so
   this fails at small eps and large Delta, i.e. when the conversion rate drops below the Hubble rate before
   coannihilation freezes out (late times, x f >~ 10): then chi2 freezes out by itself and the true relic
   abundance differs (see e.g. Brahma, Heeba, Schutz, arXiv:2308.01960; Garny, Heisig, Luelf, Vogl,
   arXiv:1705.09292 for "conversion-driven" freeze-out). This module does not check it.

4. Boltzmann equation (Gondolo and Gelmini, Nucl. Phys. B 360 (1991) 145), x = m1/T::

       dY/dx = -(1/x^2) sqrt(pi/45) M_Pl m1 g_*^(1/2)(T) <sigma_eff v> (Y^2 - Y_eq^2),   M_Pl = 1.22091e19 GeV
       Y_eq = 45 x^2 [g1 K2(x) + g2 (m2/m1)^2 K2(x m2/m1)] / (4 pi^4 h_eff(T))

   integrated from x = 1 (Y = Y_eq) to x = 1000 in ln x (3000 steps) with the L-stable second-order
   BDF2 scheme (first step implicit Euler): each implicit step is a quadratic in Y with a closed-form positive
   root, so the solver is exactly as stiff-stable as an implicit scipy method while being vectorised over many
   mass points (one loop over 3000 steps for a whole relic line). ``method="radau"`` solves the same equation
   with ``scipy.integrate.solve_ivp(method="Radau")`` in W = ln Y as a cross-check (tests: < 0.5 %).
   The residual annihilation after x = 1000 is added analytically, 1/Y_inf = 1/Y(1000) + lambda(1000)/1000.
   g_eff, h_eff and g_*^(1/2) come from :mod:`semivisible.cosmo.thermo`.

5. Relic density: Omega h^2 = (s0/rho_c h^-2) m1 Y_inf = 2.744e8 (m1/GeV) Y_inf with s0 = 2891.2 cm^-3 and
   rho_c/h^2 = 1.05368e-5 GeV cm^-3 (PDG 2024 astrophysical constants); target 0.120 (Planck 2018,
   arXiv:1807.06209). chi2 decays to chi1 after freeze-out, so Y counts both states.

The freeze-out point x_f is where Y = 2.5 Y_eq (the micrOMEGAs convention).

Examples
--------
>>> from semivisible.model.dark_sector import DarkSector
>>> res = relic_abundance(DarkSector.from_benchmark(0.3, 1e-3))
>>> 0.0 < res.omega_h2 and 10.0 < res.x_f < 30.0
True
>>> eps = eps_relic(0.3)
>>> abs(relic_abundance(DarkSector.from_benchmark(0.3, eps)).omega_h2 / 0.120 - 1) < 1e-3
True
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp
from scipy.interpolate import CubicSpline
from scipy.special import kve

from semivisible.cosmo.thermo import g_star_sqrt, h_eff
from semivisible.errors import ParameterError, check_real
from semivisible.model.aprime import (
    gamma_aprime_to_chi1chi2,
    gamma_aprime_to_majorana_pair,
    gamma_aprime_to_scalar_pair,
    gamma_aprime_visible,
)
from semivisible.model.constants import (
    ALPHA_EM,
    HBARC_GEV_M,
    M_E_GEV,
    M_MU_GEV,
    M_PI_CHARGED_GEV,
    M_TAU_GEV,
    SPEED_OF_LIGHT_M_S,
)
from semivisible.model.dark_sector import DarkSector
from semivisible.model.hadrons import load_parameters, r_ratio

__all__ = [
    "DM_TYPES",
    "GEV2_TO_CM3_S",
    "M_PLANCK_GEV",
    "OMEGA_DM_H2",
    "OMEGA_H2_PER_Y_GEV",
    "RelicResult",
    "eps_relic",
    "freeze_out_constant_sigma_v",
    "relic_abundance",
    "relic_line",
    "relic_point",
    "sigma_12",
    "sigma_elastic",
    "sigma_v_12_threshold",
    "thermal_average_sigma_v",
]

FloatArray = NDArray[np.float64]

#: 1 GeV^-2 times c in cm^3/s: (hbar c)^2 c = 1.1673e-17 cm^3/s.
GEV2_TO_CM3_S: float = (HBARC_GEV_M * 100.0) ** 2 * SPEED_OF_LIGHT_M_S * 100.0
#: Planck mass in GeV (PDG 2024: 1.220890e19 GeV); the value used is CODATA 2014's 1.220910(29)e19 GeV.
M_PLANCK_GEV: float = 1.22091e19
#: Omega h^2 per unit m1[GeV] Y: s0 / (rho_c/h^2) = 2891.2 cm^-3 / 1.05368e-5 GeV cm^-3 (PDG 2024).
OMEGA_H2_PER_Y_GEV: float = 2891.2 / 1.05368e-5
#: Planck 2018 dark-matter density Omega_c h^2 = 0.120 (arXiv:1807.06209, TT,TE,EE+lowE+lensing: 0.1200).
OMEGA_DM_H2: float = 0.120

_G_CHI = 2.0  # g1 = g2 = 2 (Majorana mass eigenstates)
#: Dark-matter types of the relic calculation: the pseudo-Dirac (inelastic) pair of this package, and the two
#: elastic p-wave benchmarks drawn with it in NA64's y plots (complex scalar, Majorana fermion).
DM_TYPES: tuple[str, ...] = ("pseudo-dirac", "majorana", "scalar")


def _check_dm_type(dm_type: str) -> None:
    if dm_type not in DM_TYPES:
        raise ParameterError("dm_type", dm_type, " or ".join(repr(d) for d in DM_TYPES))


_X_MIN, _X_MAX = 1.0, 1000.0
_N_XTAB = 40
_N_STEPS = 3000
_X_FREEZE_RATIO = 2.5  # x_f: Y = 2.5 Y_eq
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)
_LEPTONS = (M_E_GEV, M_MU_GEV, M_TAU_GEV)


# ----------------------------------------------------------------------------------------------------------
# Cross section
# ----------------------------------------------------------------------------------------------------------
def _channel_sum(s: FloatArray) -> FloatArray:
    """C(s) = sum_l (s + 2 m_l^2) sqrt(1 - 4 m_l^2/s) + s R(sqrt s), in GeV^2."""
    out = s * r_ratio(np.sqrt(s))
    for ml in _LEPTONS:
        b2 = np.clip(1.0 - 4.0 * ml**2 / s, 0.0, None)
        out = out + (s + 2.0 * ml**2) * np.sqrt(b2)
    return np.asarray(out, dtype=np.float64)


def _dark_factor(s: FloatArray, m1: float, m2: float, dm_type: str = "pseudo-dirac") -> FloatArray:
    """Pseudo-Dirac: sqrt(s - Delta^2) (1 + M^2/(2 s)) / sqrt(s - M^2); elastic p-wave types: beta_chi =
    sqrt(1 - 4 m^2/s) (m1 = m2 = m). 0 at and below threshold."""
    big, small = (m1 + m2) ** 2, (m2 - m1) ** 2
    above = s > big
    if dm_type != "pseudo-dirac":
        return np.asarray(np.sqrt(np.clip(1.0 - big / np.where(above, s, big), 0.0, None)), dtype=np.float64)
    den = np.sqrt(np.where(above, s - big, 1.0))
    val = np.sqrt(np.clip(s - small, 0.0, None)) * (1.0 + big / (2.0 * s)) / den
    return np.asarray(np.where(above, val, 0.0), dtype=np.float64)


def _gamma_split(ma: float, alpha_d: float, m1: float, m2: float, dm_type: str = "pseudo-dirac") -> tuple[float, float]:
    """(Gamma(A' -> dark pair), Gamma_visible / eps^2) in GeV."""
    if dm_type == "scalar":
        g_dark = float(gamma_aprime_to_scalar_pair(ma, alpha_d, m1))
    elif dm_type == "majorana":
        g_dark = float(gamma_aprime_to_majorana_pair(ma, alpha_d, m1))
    else:
        g_dark = float(gamma_aprime_to_chi1chi2(ma, alpha_d, m1, m2))
    return g_dark, float(gamma_aprime_visible(ma, 1.0))


def sigma_12(
    sqrt_s: ArrayLike,
    ma: float,
    eps: float,
    alpha_d: float,
    mchi1: float,
    mchi2: float,
    gamma_aprime: float | None = None,
) -> FloatArray:
    """sigma(chi1 chi2 -> A'* -> e+e-, mu+mu-, tau+tau-, hadrons) in GeV^-2 at centre-of-mass energy sqrt(s) (GeV).

    Equation in the module docstring (our derivation). ``gamma_aprime`` defaults to the total A' width.
    Zero below the chi1 chi2 threshold.

    >>> s0 = sigma_12(0.31, 0.45, 1e-3, 0.1, 0.15, 0.15 * 1.001)
    >>> bool(s0 > 0), float(sigma_12(0.29, 0.45, 1e-3, 0.1, 0.15, 0.15 * 1.001))
    (True, 0.0)
    """
    e = np.asarray(sqrt_s, dtype=np.float64)
    s = e * e
    if gamma_aprime is None:
        g_chi, g_vis = _gamma_split(ma, alpha_d, mchi1, mchi2)
        gamma_aprime = g_chi + eps**2 * g_vis
    pref = 4.0 * math.pi * ALPHA_EM * alpha_d * eps**2 / 3.0
    bw = (s - ma**2) ** 2 + ma**2 * gamma_aprime**2
    with np.errstate(divide="ignore", invalid="ignore"):
        c = _channel_sum(np.where(s > 0, s, 1.0))
    return np.asarray(pref * _dark_factor(s, mchi1, mchi2) * c / bw, dtype=np.float64)


def sigma_v_12_threshold(ma: float, eps: float, alpha_d: float, mchi1: float, mchi2: float) -> float:
    """Threshold (s-wave) limit of sigma_12 v_Mol in GeV^-2 (NR limit of sigma_12), A' width neglected::

        sigma_12 v = 4 pi alpha alpha_D eps^2 C(M^2)/M^2 x M^2 / (M^2 - m_A'^2)^2,   M = m1 + m2

    with C the channel sum of the module docstring (for one massless lepton C/M^2 = 1).

    >>> import math
    >>> sv = sigma_v_12_threshold(0.3, 1e-3, 0.1, 0.01, 0.01)  # e+e- (nearly massless) only: 16 pi a aD eps^2 m^2/D^2
    >>> round(sv / (16 * math.pi * ALPHA_EM * 0.1 * 1e-6 * 0.01**2 / (0.3**2 - 0.02**2) ** 2), 3)
    1.0
    """
    big = (mchi1 + mchi2) ** 2
    c = float(_channel_sum(np.array([big]))[0])
    return 4.0 * math.pi * ALPHA_EM * alpha_d * eps**2 * c / (big - ma**2) ** 2


def sigma_elastic(
    sqrt_s: ArrayLike, ma: float, eps: float, alpha_d: float, mchi: float, dm_type: str = "scalar"
) -> FloatArray:
    """sigma(chi chi(*) -> A'* -> e+e-, mu+mu-, tau+tau-, hadrons) in GeV^-2 for the elastic p-wave benchmarks.

    Complex scalar (chi chi*, current g_D (p1 - p2)) and Majorana (chi chi, L = (g_D/2) chi-bar gamma gamma5 chi)
    have the same spin-averaged cross section (traces in docs/validation.md section 5)::

        sigma(s) = (4 pi alpha alpha_D eps^2 / 3) beta_chi C(s) / [(s - m_A'^2)^2 + m_A'^2 Gamma_A'^2],

    beta_chi = sqrt(1 - 4 m_chi^2/s), C(s) as for :func:`sigma_12`. Its NR limit is the p-wave
    sigma v_rel = (8 pi/3) alpha alpha_D eps^2 m_chi^2 v_rel^2 / (m_A'^2 - 4 m_chi^2)^2 for one massless lepton
    (Izaguirre, Krnjaic, Schuster, Toro, arXiv:1505.00011). ``dm_type`` selects the A' width into the dark pair.

    >>> s = sigma_elastic([0.21, 0.19], 0.3, 1e-3, 0.1, 0.1)
    >>> bool(s[0] > 0), float(s[1])
    (True, 0.0)
    """
    if dm_type not in ("scalar", "majorana"):
        raise ParameterError("dm_type", dm_type, "'scalar' or 'majorana'")
    e = np.asarray(sqrt_s, dtype=np.float64)
    s = e * e
    g_dark, g_vis = _gamma_split(ma, alpha_d, mchi, mchi, dm_type)
    gamma = g_dark + eps**2 * g_vis
    bw = (s - ma**2) ** 2 + ma**2 * gamma**2
    with np.errstate(divide="ignore", invalid="ignore"):
        c = _channel_sum(np.where(s > 0, s, 1.0))
    pref = 4.0 * math.pi * ALPHA_EM * alpha_d * eps**2 / 3.0
    return np.asarray(pref * _dark_factor(s, mchi, mchi, dm_type) * c / bw, dtype=np.float64)


# ----------------------------------------------------------------------------------------------------------
# Thermal average: nodes and kernel
# ----------------------------------------------------------------------------------------------------------
@functools.cache
def _r_structures() -> tuple[tuple[float, float], ...]:
    """(mass, width) in GeV of the narrow structures of R: rho and the vector mesons of hadronic_r.toml."""
    p = load_parameters()
    ff = p["pion_form_factor"]
    out = [(float(ff["m_rho_gev"]["value"]), float(ff["gamma_rho_gev"]["value"]))]
    for res in p["resonance"]:
        out.append((float(res["mass_gev"]["value"]), float(res["width_gev"]["value"])))
    return tuple(out)


def _panel_edges(m1: float, m2: float, ma: float, gamma_a: float) -> FloatArray:
    """Panel edges in v = sqrt(sqrt(s) - M): geometric base grid plus refinement towards narrow structures."""
    big_m = m1 + m2
    v_hi = math.sqrt(100.0 * m1)
    base = np.concatenate(([0.0], np.geomspace(1e-3 * v_hi, v_hi, 24)))
    edges = [base]
    peaks = [(ma, gamma_a), *_r_structures()]
    for e_p, g_p in peaks:
        if e_p - big_m > 100.0 * m1 or g_p <= 0.0:
            continue
        v_p = math.sqrt(max(e_p - big_m, 0.0))
        v_plus = math.sqrt(max(e_p + 0.5 * g_p - big_m, 0.0))
        v_minus = math.sqrt(max(e_p - 0.5 * g_p - big_m, 0.0))
        hw = max(0.5 * (v_plus - v_minus), 1e-12 * v_hi)
        reach = max(0.5 * v_p, 0.05 * v_hi)
        k_max = max(1, min(45, math.ceil(math.log2(reach / hw)) + 1))
        steps = hw * 2.0 ** np.arange(-1, k_max)
        edges.append(np.concatenate(([v_p], v_p - steps, v_p + steps)))
    for thr in (*(2.0 * m for m in _LEPTONS), 2.0 * M_PI_CHARGED_GEV):
        if thr > big_m and thr - big_m < 100.0 * m1:
            v_t = math.sqrt(thr - big_m)
            edges.append(v_t * (1.0 + np.geomspace(1e-6, 0.5, 10)))
            edges.append(np.array([v_t]))
    all_edges = np.unique(np.clip(np.concatenate(edges), 0.0, v_hi))
    return np.asarray(all_edges, dtype=np.float64)


def _kve1(y: FloatArray) -> FloatArray:
    """e^y K_1(y): scipy kve for y < 50, the asymptotic series (relative error < 1e-9) above."""
    out = np.empty_like(y)
    small = y < 50.0
    out[small] = kve(1, y[small])
    yb = y[~small]
    z = 1.0 / (8.0 * yb)  # Hankel series with mu = 4 nu^2 = 4: prod_k (mu - (2k-1)^2) / (k! (8y)^k)
    series = 1.0 + z * (3.0 + z * (-7.5 + z * (52.5 + z * (-590.625 + z * 9095.625))))
    out[~small] = np.sqrt(math.pi / (2.0 * yb)) * series
    return out


@dataclass(frozen=True)
class _Kernel:
    """Per-mass-point quadrature: <sigma_12 v>(x_j) = K[j] @ (eps^2 numer / BW(s_k))."""

    m1: float
    m2: float
    ma: float
    alpha_d: float
    s: FloatArray
    numer: FloatArray  # sigma_12 * BW / eps^2 at the nodes
    kmat: FloatArray  # (n_x, n_nodes)
    g_chi: float  # Gamma(A' -> chi1 chi2)
    g_vis: float  # Gamma_visible / eps^2
    dm_type: str = "pseudo-dirac"


@functools.cache
def _x_table() -> FloatArray:
    return np.geomspace(_X_MIN, _X_MAX, _N_XTAB)


def _make_kernel(
    ma: float, alpha_d: float, m1: float, m2: float, eps_guess: float, dm_type: str = "pseudo-dirac"
) -> _Kernel:
    g_chi, g_vis = _gamma_split(ma, alpha_d, m1, m2, dm_type)
    edges = _panel_edges(m1, m2, ma, g_chi + eps_guess**2 * g_vis)
    lo, hi = edges[:-1, None], edges[1:, None]
    v = (0.5 * (hi - lo) * (_GL_X + 1.0) + lo).ravel()
    wv = (0.5 * (hi - lo) * _GL_W).ravel()
    big_m = m1 + m2
    energy = big_m + v * v
    s = energy * energy
    lam = (s - big_m**2) * (s - (m2 - m1) ** 2)
    w_e = 2.0 * v * wv  # dE = 2 v dv
    numer = 4.0 * math.pi * ALPHA_EM * alpha_d / 3.0 * _dark_factor(s, m1, m2, dm_type) * _channel_sum(s)

    x = _x_table()
    t = m1 / x
    arg = (v * v)[None, :] / t[:, None]  # (E - M)/T
    live = arg < 100.0
    kmat = np.zeros_like(arg)
    y = np.broadcast_to(energy[None, :], arg.shape)[live] / np.broadcast_to(t[:, None], arg.shape)[live]
    kmat[live] = _kve1(y) * np.exp(-arg[live])
    norm = 4.0 * m1**2 * m2**2 * t * kve(2, x) * kve(2, x * m2 / m1)
    kmat *= (w_e * lam)[None, :] / norm[:, None]
    return _Kernel(m1, m2, ma, alpha_d, s, numer, kmat, g_chi, g_vis, dm_type)


def _sigma_v_table(ker: _Kernel, eps: float) -> FloatArray:
    """<sigma_12 v> in GeV^-2 on the x table."""
    gam = ker.g_chi + eps**2 * ker.g_vis
    bw = (ker.s - ker.ma**2) ** 2 + ker.ma**2 * gam**2
    return np.asarray(ker.kmat @ (eps**2 * ker.numer / bw), dtype=np.float64)


def thermal_average_sigma_v(point: DarkSector, x: ArrayLike) -> FloatArray:
    """<sigma_12 v>(x = m1/T) in cm^3/s (Edsjo-Gondolo average, module docstring), for 1 <= x <= 1000.

    >>> from semivisible.model.dark_sector import DarkSector
    >>> p = DarkSector.from_benchmark(0.3, 1e-3, splitting=1e-3)
    >>> sv = thermal_average_sigma_v(p, [20.0])
    >>> 1e-24 < float(sv[0]) < 1e-23
    True
    """
    xa = np.asarray(x, dtype=np.float64)
    if np.any(~((xa >= _X_MIN) & (xa <= _X_MAX))):
        raise ParameterError("x", x, f"{_X_MIN:g} <= x <= {_X_MAX:g}")
    ker = _make_kernel(point.ma, point.alpha_d, point.mchi1, point.mchi2, point.eps)
    tab = np.log(np.maximum(_sigma_v_table(ker, point.eps), 1e-300))
    spl = CubicSpline(np.log(_x_table()), tab)
    return np.asarray(np.exp(spl(np.log(xa))) * GEV2_TO_CM3_S, dtype=np.float64)


def _ln_coann_weight(x: FloatArray, m1: float, m2: float) -> FloatArray:
    """ln[2 r/(1 + r)^2], r = (m2/m1)^2 K2(x m2/m1)/K2(x)."""
    ln_r = 2.0 * math.log(m2 / m1) + np.log(kve(2, x * m2 / m1)) - np.log(kve(2, x)) - x * (m2 / m1 - 1.0)
    return np.asarray(math.log(2.0) + ln_r - 2.0 * np.logaddexp(0.0, ln_r), dtype=np.float64)


# ----------------------------------------------------------------------------------------------------------
# Boltzmann solver (vectorised over points)
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Species:
    m1: FloatArray
    m2: FloatArray
    g1: FloatArray
    g2: FloatArray


def _ln_yeq(x: FloatArray, sp: _Species, h: FloatArray) -> FloatArray:
    """ln Y_eq on (n_points, n_x); x broadcast as (1, n_x)."""
    ratio = (sp.m2 / sp.m1)[:, None]
    x2 = x * ratio
    t1 = np.log(sp.g1[:, None] * kve(2, x)) - x
    with np.errstate(divide="ignore"):
        t2 = np.log(sp.g2[:, None] * ratio**2 * kve(2, x2)) - x2
    return np.asarray(
        np.log(45.0 / (4.0 * math.pi**4)) + 2.0 * np.log(x) + np.logaddexp(t1, t2) - np.log(h), dtype=np.float64
    )


def _solve_bdf2(sp: _Species, ln_sv_tab: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Y_inf and x_f for each point; ln_sv_tab is ln <sigma_eff v> (GeV^-2) on the x table, shape (n, n_x)."""
    u = np.linspace(math.log(_X_MIN), math.log(_X_MAX), _N_STEPS + 1)
    x = np.exp(u)[None, :]
    temp = sp.m1[:, None] / x
    ln_sv = CubicSpline(np.log(_x_table()), ln_sv_tab, axis=1)(u)
    lam = math.sqrt(math.pi / 45.0) * M_PLANCK_GEV * sp.m1[:, None] * g_star_sqrt(temp) * np.exp(ln_sv)
    a = lam / x  # dY/du = -a (Y^2 - Y_eq^2)
    yeq = np.exp(_ln_yeq(x, sp, h_eff(temp)))
    h = u[1] - u[0]
    y = np.empty_like(a)
    y[:, 0] = yeq[:, 0]

    def implicit(c: FloatArray, d: FloatArray, k: int) -> FloatArray:
        # y + c a (y^2 - yeq^2) = d  ->  positive root of c a y^2 + y - (d + c a yeq^2) = 0
        ca = c * a[:, k]
        q = np.maximum(d + ca * yeq[:, k] ** 2, 0.0)
        return np.asarray(2.0 * q / (1.0 + np.sqrt(1.0 + 4.0 * ca * q)), dtype=np.float64)

    y[:, 1] = implicit(np.full(len(sp.m1), h), y[:, 0], 1)
    c2 = np.full(len(sp.m1), 2.0 * h / 3.0)
    for k in range(2, _N_STEPS + 1):
        y[:, k] = implicit(c2, (4.0 * y[:, k - 1] - y[:, k - 2]) / 3.0, k)
    y_inf = 1.0 / (1.0 / y[:, -1] + a[:, -1])
    return y_inf, _x_freeze(u, y, yeq)


def _x_freeze(u: FloatArray, y: FloatArray, yeq: FloatArray) -> FloatArray:
    """First x where Y = 2.5 Y_eq (log-linear interpolation in ln x)."""
    with np.errstate(divide="ignore"):
        g = np.log(np.maximum(y, 1e-300)) - np.log(np.maximum(yeq, 1e-300)) - math.log(_X_FREEZE_RATIO)
    out = np.full(y.shape[0], np.nan)
    for i in range(y.shape[0]):
        idx = np.flatnonzero(g[i] > 0.0)
        if idx.size and idx[0] > 0:
            k = idx[0]
            frac = g[i, k - 1] / (g[i, k - 1] - g[i, k])
            out[i] = math.exp(u[k - 1] + frac * (u[k] - u[k - 1]))
    return out


def _solve_radau(sp: _Species, ln_sv_tab: FloatArray) -> tuple[float, float]:
    """Reference solution for ONE point with solve_ivp(Radau) in W = ln Y, u = ln x."""
    m1 = float(sp.m1[0])
    spl = CubicSpline(np.log(_x_table()), ln_sv_tab[0])
    pref = math.sqrt(math.pi / 45.0) * M_PLANCK_GEV * m1

    def coeffs(u: float) -> tuple[float, float]:
        x = math.exp(u)
        temp = m1 / x
        a = pref * float(g_star_sqrt(temp)) * math.exp(float(spl(u))) / x
        lyeq = float(_ln_yeq(np.array([[x]]), sp, np.array([[float(h_eff(temp))]]))[0, 0])
        return a, lyeq

    def rhs(u: float, w: FloatArray) -> FloatArray:
        a, lyeq = coeffs(u)
        return np.array([-a * (math.exp(w[0]) - math.exp(2.0 * lyeq - w[0]))])

    def jac(u: float, w: FloatArray) -> FloatArray:
        a, lyeq = coeffs(u)
        return np.array([[-a * (math.exp(w[0]) + math.exp(2.0 * lyeq - w[0]))]])

    u0, u1 = math.log(_X_MIN), math.log(_X_MAX)
    sol = solve_ivp(rhs, (u0, u1), [coeffs(u0)[1]], method="Radau", jac=jac, rtol=1e-8, atol=1e-10, dense_output=True)
    w_end = float(sol.y[0, -1])
    a_end = coeffs(u1)[0]
    y_inf = 1.0 / (math.exp(-w_end) + a_end)
    uu = np.linspace(u0, u1, 4001)
    yy = np.exp(sol.sol(uu)[0])[None, :]
    xx = np.exp(uu)
    yeq = np.exp(_ln_yeq(xx[None, :], sp, h_eff(m1 / xx)[None, :]))
    return y_inf, float(_x_freeze(uu, yy, yeq)[0])


# ----------------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RelicResult:
    """Result of one freeze-out calculation.

    Attributes:
        omega_h2: Omega h^2 of chi1 today.
        y_inf: asymptotic yield Y = (n1 + n2)/s.
        x_f: freeze-out x = m1/T where Y = 2.5 Y_eq.
        sigma_v_xf_cm3_s: <sigma_eff v> at x_f in cm^3/s.
    """

    omega_h2: float
    y_inf: float
    x_f: float
    sigma_v_xf_cm3_s: float


def _species_for(kernels: Sequence[_Kernel]) -> _Species:
    """Pseudo-Dirac: chi1 and chi2 with g = 2 each. Elastic types: one species with g = 2 in all (Majorana spin
    states; complex scalar chi and chi*), the second slot empty."""
    a1 = np.array([k.m1 for k in kernels], dtype=np.float64)
    a2 = np.array([k.m2 for k in kernels], dtype=np.float64)
    g2 = np.array([_G_CHI if k.dm_type == "pseudo-dirac" else 0.0 for k in kernels])
    return _Species(a1, a2, np.full_like(a1, _G_CHI), g2)


def _ln_sigma_eff_tab(ker: _Kernel, eps: float) -> FloatArray:
    """ln <sigma_eff v>: Griest-Seckel weight for the pseudo-Dirac pair; for a complex scalar Y counts chi and
    chi*, so sigma_eff = sigma(chi chi*)/2 (as for a Dirac fermion); for a Majorana fermion sigma_eff = sigma."""
    sv = np.maximum(_sigma_v_table(ker, eps), 1e-300)
    if ker.dm_type == "pseudo-dirac":
        weight = _ln_coann_weight(_x_table(), ker.m1, ker.m2)
    else:
        weight = np.full(_x_table().shape, math.log(0.5) if ker.dm_type == "scalar" else 0.0)
    return np.asarray(np.log(sv) + weight, dtype=np.float64)


def _result(m1: float, y_inf: float, x_f: float, ln_sv_tab: FloatArray) -> RelicResult:
    sv_xf = math.nan
    if math.isfinite(x_f):
        sv_xf = float(np.exp(CubicSpline(np.log(_x_table()), ln_sv_tab)(math.log(x_f)))) * GEV2_TO_CM3_S
    return RelicResult(OMEGA_H2_PER_Y_GEV * m1 * y_inf, y_inf, x_f, sv_xf)


def relic_abundance(point: DarkSector, method: str = "bdf2", dm_type: str = "pseudo-dirac") -> RelicResult:
    """Omega h^2, Y_inf and x_f of chi1 for one model point (module docstring and its references).

    Args:
        point: the model point (masses in GeV).
        method: ``"bdf2"`` (default, the vectorised implicit solver) or ``"radau"`` (scipy solve_ivp).
        dm_type: ``"pseudo-dirac"`` (default), or an elastic p-wave benchmark, ``"majorana"`` or ``"scalar"``,
            of mass ``point.mchi1`` (the splitting of ``point`` is then not used).

    >>> from semivisible.model.dark_sector import DarkSector
    >>> r = relic_abundance(DarkSector.from_benchmark(0.3, 2e-3, splitting=1e-3))
    >>> r2 = relic_abundance(DarkSector.from_benchmark(0.3, 4e-3, splitting=1e-3))
    >>> 3.5 < r.omega_h2 / r2.omega_h2 < 4.5   # Omega ~ 1/eps^2 (weaker for large splitting)
    True
    """
    if method not in ("bdf2", "radau"):
        raise ParameterError("method", method, "'bdf2' or 'radau'")
    _check_dm_type(dm_type)
    ker = _kernel_for(point, dm_type)
    tab = _ln_sigma_eff_tab(ker, point.eps)
    sp = _species_for([ker])
    if method == "radau":
        y_inf, x_f = _solve_radau(sp, tab[None, :])
    else:
        ys, xs = _solve_bdf2(sp, tab[None, :])
        y_inf, x_f = float(ys[0]), float(xs[0])
    return _result(point.mchi1, y_inf, x_f, tab)


def freeze_out_constant_sigma_v(
    mass: ArrayLike, sigma_v_cm3_s: float | ArrayLike, dof: float = 2.0, method: str = "bdf2"
) -> list[RelicResult]:
    """Freeze-out of ONE self-conjugate species of mass ``mass`` (GeV) with a constant <sigma v> (cm^3/s).

    The textbook s-wave check (Steigman, Dasgupta, Beacom, arXiv:1204.3622): dn/dt = -<sigma v>(n^2 - n_eq^2)
    with ``dof`` internal states. Same solver as :func:`relic_abundance`.

    >>> r = freeze_out_constant_sigma_v([100.0], 2.2e-26)[0]
    >>> 0.09 < r.omega_h2 < 0.13
    True
    """
    m = np.atleast_1d(np.asarray(mass, dtype=np.float64))
    sv = np.broadcast_to(np.asarray(sigma_v_cm3_s, dtype=np.float64), m.shape)
    if np.any(~(m > 0)) or np.any(~(sv > 0)):
        raise ParameterError("mass/sigma_v", (mass, sigma_v_cm3_s), "mass > 0 and sigma_v > 0")
    tab = np.repeat(np.log(sv / GEV2_TO_CM3_S)[:, None], _N_XTAB, axis=1)
    sp = _Species(m, m.copy(), np.full_like(m, dof), np.zeros_like(m))
    if method == "radau":
        out = []
        for i in range(m.size):
            sub = _Species(m[i : i + 1], m[i : i + 1], sp.g1[i : i + 1], sp.g2[i : i + 1])
            yi, xi = _solve_radau(sub, tab[i : i + 1])
            out.append(_result(float(m[i]), yi, xi, tab[i]))
        return out
    ys, xs = _solve_bdf2(sp, tab)
    return [_result(float(m[i]), float(ys[i]), float(xs[i]), tab[i]) for i in range(m.size)]


def _eps_relic_many(kernels: Sequence[_Kernel], target: float = OMEGA_DM_H2) -> tuple[FloatArray, FloatArray]:
    """Solve Omega h^2(eps) = target for each kernel; returns (eps, x_f). Secant iteration in (ln eps, ln Omega)."""
    n = len(kernels)
    sp = _species_for(kernels)
    m1 = sp.m1

    def omega(ln_eps: FloatArray) -> tuple[FloatArray, FloatArray]:
        tab = np.stack([_ln_sigma_eff_tab(k, math.exp(float(le))) for k, le in zip(kernels, ln_eps, strict=True)])
        y, xf = _solve_bdf2(sp, tab)
        return np.log(OMEGA_H2_PER_Y_GEV * m1 * y), xf

    ln_t = math.log(target)
    e0 = np.full(n, math.log(1e-3))
    o0, xf = omega(e0)
    e1 = e0 + 0.5 * (o0 - ln_t)  # Omega ~ 1/eps^2
    o1, xf = omega(e1)
    for _ in range(12):
        if np.all(np.abs(o1 - ln_t) < 1e-5):
            break
        slope = np.where(np.abs(e1 - e0) > 1e-12, (o1 - o0) / np.where(e1 != e0, e1 - e0, 1.0), -2.0)
        slope = np.clip(slope, -6.0, -0.5)
        e2 = e1 - (o1 - ln_t) / slope
        e0, o0 = e1, o1
        e1 = e2
        o1, xf = omega(e1)
    return np.exp(e1), xf


#: The A' masses of the relic solver (GeV): the Standard-Model content of g_eff and the hadronic R it uses are
#: those of the sub-GeV to few-GeV range this package is for; above ~100 GeV the freeze-out leaves its tables.
RELIC_MA_RANGE_GEV = (1e-3, 100.0)


def relic_point(
    ma: float,
    eps: float = 1e-3,
    alpha_d: float = 0.1,
    ratio: float | None = None,
    splitting: float | None = None,
    mchi1: float | None = None,
    delta: float | None = None,
    dm_type: str = "pseudo-dirac",
) -> DarkSector:
    """The model point of a relic calculation, validated as :meth:`DarkSector.build` (masses in GeV).

    For the elastic types (``"majorana"``, ``"scalar"``) the splitting must stay unset; the point then carries a
    negligible one (1e-3 m_chi1) that the relic functions do not use: only m_A', eps, alpha_D and m_chi1 count.

    >>> a, b = relic_point(0.3, dm_type="scalar"), relic_point(0.3, mchi1=0.1, dm_type="scalar")
    >>> abs(a.mchi1 / b.mchi1 - 1) < 1e-12
    True
    """
    _check_dm_type(dm_type)
    if (
        isinstance(ma, bool)
        or not isinstance(ma, int | float)
        or not (RELIC_MA_RANGE_GEV[0] <= ma <= RELIC_MA_RANGE_GEV[1])
    ):
        raise ParameterError(
            "ma", ma, f"{RELIC_MA_RANGE_GEV[0]:g} <= ma <= {RELIC_MA_RANGE_GEV[1]:g} GeV (the relic solver's range)"
        )
    if dm_type == "pseudo-dirac":
        return DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta)
    for name, value in (("splitting", splitting), ("delta", delta)):
        if value is not None:
            raise ParameterError(name, value, "unset: a mass splitting exists only for dm_type='pseudo-dirac'")
    if mchi1 is None:
        return DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=1e-3)
    if ratio is not None:
        raise ParameterError("ratio", ratio, "unset when mchi1 is given")
    return DarkSector.build(ma, eps, alpha_d, mchi1=mchi1, delta=1e-3 * mchi1)


def _kernel_for(point: DarkSector, dm_type: str) -> _Kernel:
    m2 = point.mchi2 if dm_type == "pseudo-dirac" else point.mchi1
    return _make_kernel(point.ma, point.alpha_d, point.mchi1, m2, point.eps, dm_type)


def eps_relic(
    ma: float,
    alpha_d: float = 0.1,
    ratio: float | None = None,
    splitting: float | None = None,
    mchi1: float | None = None,
    delta: float | None = None,
    omega_h2: float = OMEGA_DM_H2,
    dm_type: str = "pseudo-dirac",
) -> float:
    """Kinetic mixing eps for which chi1 makes all dark matter, Omega h^2 = 0.120 (Planck 2018).

    Parameters as :meth:`DarkSector.build`: either (``ratio``, ``splitting``), unset ones taking the benchmark
    values 3 and 0.4, or (``mchi1``, ``delta``) in GeV. Root-finding in ln eps (Omega ~ 1/eps^2; secant,
    relative precision 1e-5 on Omega). ``dm_type`` = ``"majorana"`` or ``"scalar"`` gives the elastic p-wave
    targets (no splitting; ``mchi1`` or ``ratio`` sets the dark-matter mass).

    Raises:
        ParameterError: bad masses, couplings, ratios or dm_type (named as in the API), or a point where no
            physical eps (<= 1) gives the relic abundance.

    >>> 1e-4 < eps_relic(0.3, splitting=1e-3) < eps_relic(0.3) < 1.0
    True
    >>> eps_relic(0.3, splitting=1e-3) < eps_relic(0.3, dm_type="majorana") < eps_relic(0.3, dm_type="scalar")
    True
    """
    point = relic_point(ma, 1e-3, alpha_d, ratio, splitting, mchi1, delta, dm_type)
    check_real("omega_h2", omega_h2, 1e-6, 1.0, low_open=False)
    ker = _kernel_for(point, dm_type)
    eps, _ = _eps_relic_many([ker], omega_h2)
    value = float(eps[0])
    if not (math.isfinite(value) and value <= 1.0):
        raise ParameterError(
            "ma",
            ma,
            f"a point where a mixing eps <= 1 gives Omega h^2 = {omega_h2:g} (here it would take eps = {value:.3g}: "
            "annihilation through the A' is too weak at this mass and coupling)",
        )
    return value


def relic_line(
    ma: ArrayLike,
    alpha_d: float = 0.1,
    ratio: float = 3.0,
    splitting: float | None = None,
    omega_h2: float = OMEGA_DM_H2,
    *,
    dm_type: str = "pseudo-dirac",
    use_cache: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """The thermal-target line: eps_relic and y = eps^2 alpha_D (m1/m_A')^4 for many m_A' (GeV) in one call.

    ``splitting`` defaults to the benchmark 0.4 for ``dm_type="pseudo-dirac"`` and must stay unset for the
    elastic types. All masses are solved together (one vectorised Boltzmann loop per secant iteration).
    ``use_cache`` keeps the line on disk, keyed by its inputs and the package version (:mod:`semivisible.io.cache`).

    >>> eps, y = relic_line([0.1, 0.3], splitting=1e-3)
    >>> bool(np.all(eps > 0)) and y.shape == (2,)
    True
    >>> _, y_s = relic_line([0.3], dm_type="scalar")
    >>> _, y_m = relic_line([0.3], dm_type="majorana")
    >>> 1.9 < float(y_s[0] / y_m[0]) < 2.1   # Y counts chi and chi* for the scalar: twice the coupling
    True
    """
    _check_dm_type(dm_type)
    if dm_type == "pseudo-dirac" and splitting is None:
        splitting = 0.4
    check_real("omega_h2", omega_h2, 1e-6, 1.0, low_open=False)
    mas = np.atleast_1d(check_real("ma", ma, *RELIC_MA_RANGE_GEV, low_open=False, unit="GeV"))
    if mas.ndim != 1 or mas.size == 0:
        raise ParameterError("ma", ma, "a non-empty 1-d array of masses in GeV")
    if use_cache:
        from semivisible.io.cache import cached_arrays

        inputs = {
            "ma": mas.tolist(),
            "alpha_d": alpha_d,
            "ratio": ratio,
            "splitting": splitting,
            "omega": omega_h2,
            "dm_type": dm_type,
        }

        def build() -> tuple[dict[str, Any], dict[str, Any]]:
            eps, y = relic_line(mas, alpha_d, ratio, splitting, omega_h2, dm_type=dm_type)
            return {"eps": eps, "y": y}, {"kind": "relic-line", **inputs}

        def check(arrays: dict[str, Any], meta: dict[str, Any]) -> str | None:
            good = all(k in arrays and arrays[k].shape == mas.shape for k in ("eps", "y"))
            return None if good else f"its line is not of shape {mas.shape}"

        arrays, _ = cached_arrays("relic-line", inputs, build, check=check)
        return arrays["eps"], arrays["y"]
    kernels = []
    for m in mas:
        kernels.append(_kernel_for(relic_point(float(m), 1e-3, alpha_d, ratio, splitting, dm_type=dm_type), dm_type))
    eps, _ = _eps_relic_many(kernels, omega_h2)
    y = eps**2 * alpha_d / ratio**4
    return np.asarray(eps, dtype=np.float64), np.asarray(y, dtype=np.float64)
