r"""A' production by proton bremsstrahlung, p N -> p N A', in the quasi-real (Fermi-Weizsaecker-Williams) approximation.

The beam proton radiates a quasi-real A' and then scatters inelastically on a target nucleon (Bluemlein and
Brunner, arXiv:1311.3870, PLB 731 (2014) 320, Sec. 2; used by Gorbunov, Makarov, Tkachev, arXiv:1411.4007, by
de Niverville et al. (BdNMC, arXiv:1609.01770) and by Tsai, de Niverville, Liu, arXiv:1908.07525). With E_p the
beam energy, z = E_A'/E_p the A' energy fraction and p_T its transverse momentum, the A' per proton on target is

    d^2N/(dz dp_T^2) = [sigma_pp(s')/sigma_pp(s)] |F1(m_A'^2)|^2 w_ba(z, p_T^2),
    s = 2 m_p E_p,    s' = 2 m_p (E_p - E_A') = 2 m_p E_p (1 - z),

with the splitting function (arXiv:1311.3870 Sec. 2; the same expression in arXiv:1411.4007 and
arXiv:1908.07525)

    w_ba = eps^2 alpha/(2 pi H) { (1 + (1-z)^2)/z - 2 z (1-z) [ (2 m_p^2 + m^2)/H - 2 z^2 m_p^4/H^2 ]
                                  + 2 z (1-z) (1 + (1-z)^2) m_p^2 m^2/H^2 + 2 z (1-z)^2 m^4/H^2 },
    H(p_T^2, z) = p_T^2 + (1 - z) m^2 + z^2 m_p^2,

m = m_A'. The ratio of pp cross sections stands for sigma_pA(s')/sigma_pA(s) (the A dependence cancels); BdNMC,
SHiP's FairShip (``proton_bremsstrahlung.py``) and the other public implementations take the PDG fit of the
*total* pp cross section (:func:`sigma_pp_total_mb`), which we follow. |F1|^2 is the time-like Dirac form factor
of the proton in the extended vector-meson-dominance model of Faessler, Fuchs, Krivoruchenko (arXiv:0910.5589),
as used in arXiv:1311.3870 (:func:`proton_form_factor_sq`).

**Kinematic convention.** z is the A' energy fraction, E_A' = z E_p (arXiv:1311.3870: s' = 2 m_p (E_p - E_A'));
the longitudinal momentum is p_z = sqrt(E_A'^2 - p_T^2 - m^2), so only p_T^2 < z^2 E_p^2 - m^2 is physical and
the integrals stop there (for the default cuts at E_p >= 70 GeV this never binds). At these energies the
difference to the convention z = p_z/p_p (BdNMC, FairShip) is O(m^2/E^2).

**Cuts.** The approximation needs E_p, E_A', E_p - E_A' >> m_p, m_A', p_T (arXiv:1311.3870 Sec. 2), hence the
window 0.1 < z < 0.9 and p_T < 1 GeV of Bluemlein and Brunner; BdNMC (arXiv:1609.01770; arXiv:1908.07525) takes
z in [max(0.1, 3 m_A'/E_p), 0.9]. The default ``z_min`` is the latter, which equals 0.1 for every m_A' < E_p/30
(m_A' < 2.3 GeV at NuCal, 13 GeV at CHARM).

**Small and large masses.** Without the form factor the p_T^2 integral is
(alpha/2 pi)[c0 ln(1 + X/A) - c1 X/(A (X + A)) + c2 X (X + 2A)/(2 A^2 (X + A)^2)], A = (1-z) m^2 + z^2 m_p^2,
X = p_T,max^2, c0 = (1 + (1-z)^2)/z, c1 = 2 z (1-z)(2 m_p^2 + m^2),
c2 = 2 z (1-z)[2 z^2 m_p^4 + (1 + (1-z)^2) m_p^2 m^2 + (1-z) m^4]. The proton mass regulates the collinear
region, so the yield tends to a constant for m_A' << z m_p (no 1/m^2 growth); for m_A' >> p_T,max, m_p it falls as
(alpha/2 pi)(X/m^2) Int dz R(z) (1 + (1-z)^2)/(z (1-z)), R = sigma_pp(s')/sigma_pp(s). The tests check both.

Examples
--------
>>> round(float(proton_form_factor_sq(0.0)), 3)  # 1 up to the constant widths (see proton_form_factor_sq)
1.02
>>> f"{proton_brem_yield(0.1, 400.0):.3g}"  # A' per POT for eps = 1, 0.1 < z < 0.9, p_T < 1 GeV
'0.00817'
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate

from semivisible.errors import ParameterError, check_int, check_real
from semivisible.model.constants import ALPHA_EM

__all__ = [
    "M_P_GEV",
    "PT_MAX_GEV",
    "Z_MAX",
    "Z_MIN",
    "default_z_min",
    "proton_brem_rows",
    "proton_brem_yield",
    "proton_form_factor_sq",
    "sigma_pp_total_mb",
    "splitting_function",
]

FloatArray = NDArray[np.float64]

#: Proton mass in GeV, PDG 2024 (Navas et al., Phys. Rev. D 110, 030001): 938.27208816 MeV.
M_P_GEV: float = 0.93827208816

#: Lower edge of the z window of Bluemlein and Brunner (arXiv:1311.3870, Sec. 2): 0.1 < z < 0.9.
Z_MIN: float = 0.1
#: Upper edge of the z window of arXiv:1311.3870 (and of BdNMC, arXiv:1609.01770: z_max = 1 - z_min).
Z_MAX: float = 0.9
#: Transverse-momentum cut of arXiv:1311.3870 (p_T < 1 GeV), GeV.
PT_MAX_GEV: float = 1.0

# Time-like Dirac form factor of the proton in extended vector-meson dominance (Faessler, Fuchs, Krivoruchenko,
# arXiv:0910.5589), in the form used for proton bremsstrahlung by arXiv:1311.3870 and BdNMC (arXiv:1609.01770):
# F1 = Sum_V f_V m_V^2/(m_V^2 - q^2 - i m_V Gamma_V) over rho, rho', rho'' and omega, omega', omega''.
# Masses and widths in GeV; the isovector and the isoscalar coefficients each sum to 1/2, so F1(0) = 1.
_VMD_MASS = np.array([0.77, 1.25, 1.45, 0.77, 1.25, 1.45])
_VMD_WIDTH = np.array([0.15, 0.3, 0.5, 0.0085, 0.3, 0.5])
_VMD_COEFF = np.array(
    [
        0.6165340033101271,  # rho
        0.22320420111672623,  # rho'
        -0.33973820442685326,  # rho''
        1.0117544786579074,  # omega
        -0.8816565944110686,  # omega'
        0.3699021157531611,  # omega''
    ]
)

# PDG fit of the total pp cross section (Beringer et al. (PDG 2012), Phys. Rev. D 86, 010001, "Plots of cross
# sections and related quantities"): sigma = Z + B ln^2(s/s0) + Y1 (s1/s)^eta1 - Y2 (s1/s)^eta2, in mb.
_PP_Z, _PP_B, _PP_S0 = 35.45, 0.308, 5.38**2
_PP_Y1, _PP_Y2, _PP_ETA1, _PP_ETA2 = 42.53, 33.34, 0.458, 0.545


def proton_form_factor_sq(ma: ArrayLike) -> FloatArray:
    r"""|F1(q^2 = m_A'^2)|^2 of the proton, time-like, dimensionless (vectorised over ``ma`` in GeV, ma >= 0).

        F1(q^2) = Sum_{V = rho, rho', rho'', omega, omega', omega''} f_V m_V^2 / (m_V^2 - q^2 - i m_V Gamma_V)

    (extended vector-meson dominance, Faessler, Fuchs, Krivoruchenko, arXiv:0910.5589, as used by
    arXiv:1311.3870 for proton bremsstrahlung; coefficients f_V, masses and widths as in BdNMC,
    arXiv:1609.01770). The coefficients sum to 1 (the proton charge), but with constant widths
    F1(0) = Sum f_V/(1 - i Gamma_V/m_V), so |F1(0)|^2 = 1.020 rather than 1; the rho-omega peak at 0.77 GeV
    reaches |F1|^2 ~ 10^4 (the narrow omega).

    >>> round(float(proton_form_factor_sq(0.0)), 3)
    1.02
    >>> bool(proton_form_factor_sq(0.77) > 1000)
    True
    """
    m = check_real("ma", ma, 0.0, low_open=False)
    q2 = (m * m)[..., None]
    mv2 = _VMD_MASS**2
    amp = np.sum(_VMD_COEFF * mv2 / (mv2 - q2 - 1j * _VMD_MASS * _VMD_WIDTH), axis=-1)
    return np.asarray(np.abs(amp) ** 2, dtype=np.float64)


def sigma_pp_total_mb(s_gev2: ArrayLike) -> FloatArray:
    r"""Total pp cross section in mb at squared CM energy ``s_gev2`` (GeV^2), the PDG fit

        sigma_pp(s) = Z + B ln^2(s/s0) + Y1 (s1/s)^eta1 - Y2 (s1/s)^eta2,

    Z = 35.45 mb, B = 0.308 mb, sqrt(s0) = 5.38 GeV, s1 = 1 GeV^2, Y1 = 42.53 mb, Y2 = 33.34 mb, eta1 = 0.458,
    eta2 = 0.545 (Beringer et al. (PDG 2012), Phys. Rev. D 86, 010001, "Plots of cross sections and related
    quantities"; the same fit in SHiP's FairShip and the total-cross-section form in BdNMC). The bremsstrahlung
    rate uses only the ratio sigma_pp(s')/sigma_pp(s). Meant for s >~ 5 GeV^2 (the fit's range); s > 0 required.

    >>> round(float(sigma_pp_total_mb(2 * 0.93827208816 * 400.0)), 1)  # sqrt(s) = 27.4 GeV, 400 GeV beam
    39.9
    """
    s = check_real("s_gev2", s_gev2)
    log_s = np.log(s / _PP_S0)
    return np.asarray(_PP_Z + _PP_B * log_s**2 + _PP_Y1 * s**-_PP_ETA1 - _PP_Y2 * s**-_PP_ETA2)


def _check_beam(e_beam_gev: float) -> float:
    e = float(check_real("e_beam_gev", e_beam_gev))
    if not e > M_P_GEV:
        raise ParameterError("e_beam_gev", e_beam_gev, f"e_beam_gev > m_p = {M_P_GEV} GeV (finite)")
    return e


def splitting_function(z: ArrayLike, pt2: ArrayLike, ma: float, e_beam_gev: float) -> FloatArray:
    r"""The splitting function w_ba(z, p_T^2) for eps = 1, per unit z per unit p_T^2, in GeV^-2 (module docstring;
    arXiv:1311.3870 Sec. 2):

        w_ba = alpha/(2 pi H) { (1 + (1-z)^2)/z - 2 z (1-z) [ (2 m_p^2 + m^2)/H - 2 z^2 m_p^4/H^2 ]
                                + 2 z (1-z) (1 + (1-z)^2) m_p^2 m^2/H^2 + 2 z (1-z)^2 m^4/H^2 },
        H = p_T^2 + (1-z) m^2 + z^2 m_p^2.

    ``z`` (in (0, 1)) and ``pt2`` (GeV^2, >= 0) broadcast; ``ma`` in GeV. The result is zero where the A' is
    unphysical, p_T^2 > z^2 E_p^2 - m^2 (E_A' = z E_p). No form factor and no cross-section ratio here.

    >>> w = splitting_function(0.5, 0.0, 0.0, 400.0)  # m = 0, p_T = 0: H = m_p^2/4 and the bracket is 5/2
    >>> bool(abs(float(w) / (ALPHA_EM / (2 * math.pi * M_P_GEV**2 / 4) * 2.5) - 1) < 1e-12)
    True
    """
    z_a = check_real("z", z, 0.0, 1.0, high_open=True)
    pt2_a = check_real("pt2", pt2, 0.0, low_open=False)
    m = float(check_real("ma", ma, 0.0, low_open=False))
    e = _check_beam(e_beam_gev)
    mp2, m2 = M_P_GEV**2, m * m
    h = pt2_a + (1.0 - z_a) * m2 + z_a * z_a * mp2
    omz = 1.0 - z_a
    split = 1.0 + omz * omz
    bracket = (
        split / z_a
        - 2.0 * z_a * omz * ((2.0 * mp2 + m2) / h - 2.0 * z_a * z_a * mp2 * mp2 / h**2)
        + 2.0 * z_a * omz * split * mp2 * m2 / h**2
        + 2.0 * z_a * omz * omz * m2 * m2 / h**2
    )
    physical = pt2_a <= (z_a * e) ** 2 - m2
    return np.asarray(np.where(physical, ALPHA_EM / (2.0 * math.pi * h) * bracket, 0.0))


def _pt2_integral(z: FloatArray, x: FloatArray, m: float) -> FloatArray:
    """Int_0^x dp_T^2 w_ba(z, p_T^2), closed form (module docstring); zero where x <= 0."""
    mp2, m2 = M_P_GEV**2, m * m
    omz = 1.0 - z
    a = omz * m2 + z * z * mp2
    xp = np.maximum(x, 0.0)
    split = 1.0 + omz * omz
    c0 = split / z
    c1 = 2.0 * z * omz * (2.0 * mp2 + m2)
    c2 = 2.0 * z * omz * (2.0 * z * z * mp2 * mp2 + split * mp2 * m2 + omz * m2 * m2)
    value = c0 * np.log1p(xp / a) - c1 * xp / (a * (xp + a)) + c2 * xp * (xp + 2.0 * a) / (2.0 * a * a * (xp + a) ** 2)
    return np.asarray(ALPHA_EM / (2.0 * math.pi) * value)


def _sigma_ratio(z: FloatArray, e: float) -> FloatArray:
    """sigma_pp(s')/sigma_pp(s), s' = 2 m_p E_p (1 - z), s = 2 m_p E_p."""
    s = 2.0 * M_P_GEV * e
    return np.asarray(sigma_pp_total_mb(s * (1.0 - z)) / sigma_pp_total_mb(s))


def default_z_min(ma: float, e_beam_gev: float) -> float:
    """max(0.1, 3 m_A'/E_p): BdNMC's lower z edge (arXiv:1609.01770, arXiv:1908.07525); 0.1 of arXiv:1311.3870
    whenever m_A' < E_p/30.

    >>> default_z_min(0.5, 70.0)
    0.1
    """
    return max(Z_MIN, 3.0 * float(ma) / float(e_beam_gev))


def _window(
    ma: float, e_beam_gev: float, z_min: float | None, z_max: float, pt_max_gev: float, e_min_gev: float | None
) -> tuple[float, float, float, float, float]:
    """Validated (m, E_p, z_lo, z_hi, p_T,max^2); z_lo includes the energy cut z >= e_min/E_p."""
    m = float(check_real("ma", ma, unit="GeV"))
    e = _check_beam(e_beam_gev)
    zmin = default_z_min(m, e) if z_min is None else float(check_real("z_min", z_min, 0.0, 1.0, high_open=True))
    zmax = float(check_real("z_max", z_max, 0.0, 1.0, high_open=True))
    if not zmin < zmax:
        raise ParameterError("z_max", z_max, f"z_min = {zmin:g} < z_max < 1")
    ptmax = float(check_real("pt_max_gev", pt_max_gev, unit="GeV"))
    z_lo = zmin
    if e_min_gev is not None:
        z_lo = max(z_lo, float(check_real("e_min_gev", e_min_gev, 0.0, low_open=False, unit="GeV")) / e)
    return m, e, z_lo, zmax, ptmax * ptmax


def _z_integrand(z: FloatArray, m: float, e: float, pt2_max: float) -> FloatArray:
    """dN/dz without the form factor: R(z) Int dp_T^2 w_ba over p_T^2 < min(p_T,max^2, z^2 E_p^2 - m^2)."""
    x = np.minimum(pt2_max, (z * e) ** 2 - m * m)
    return np.asarray(_sigma_ratio(z, e) * _pt2_integral(z, x, m))


def proton_brem_yield(
    ma: float,
    e_beam_gev: float,
    *,
    z_min: float | None = None,
    z_max: float = Z_MAX,
    pt_max_gev: float = PT_MAX_GEV,
    e_min_gev: float | None = None,
    form_factor: bool = True,
) -> float:
    r"""Expected A' of mass ``ma`` (GeV) per proton on target of energy ``e_beam_gev`` (GeV), for eps = 1:

        N/N_POT = |F1(m^2)|^2 Int_{z_lo}^{z_max} dz [sigma_pp(s')/sigma_pp(s)] Int_0^{p_T,max^2} dp_T^2 w_ba(z, p_T^2)

    (arXiv:1311.3870 Sec. 2; module docstring). The p_T^2 integral is done in closed form (and stops at the
    physical edge z^2 E_p^2 - m^2), the z integral with scipy's adaptive quadrature. ``z_min`` None means
    max(0.1, 3 m/E_p) (BdNMC; 0.1 of Bluemlein-Brunner below m = E_p/30); ``z_max`` = 0.9 and ``pt_max_gev`` = 1
    are Bluemlein and Brunner's. ``e_min_gev`` keeps E_A' = z E_p > e_min_gev. ``form_factor`` False drops
    |F1|^2 (a point-like proton). Multiply by eps^2 for the physical yield.

    >>> f"{proton_brem_yield(0.5, 70.0, form_factor=False):.3g}"
    '0.00502'
    """
    m, e, z_lo, z_hi, pt2_max = _window(ma, e_beam_gev, z_min, z_max, pt_max_gev, e_min_gev)
    if not isinstance(form_factor, bool):
        raise ParameterError("form_factor", form_factor, "True or False")
    z_phys = max(z_lo, m / e)  # below z = m/E_p there is no physical A'
    if z_phys >= z_hi:
        return 0.0
    value, _ = integrate.quad(
        lambda t: float(_z_integrand(np.asarray(t), m, e, pt2_max)), z_phys, z_hi, epsabs=0.0, epsrel=1e-9, limit=200
    )
    return float(value * (float(proton_form_factor_sq(m)) if form_factor else 1.0))


def proton_brem_rows(
    ma: float,
    e_beam_gev: float,
    *,
    n_samples: int,
    rng: np.random.Generator,
    z_max: float = Z_MAX,
    pt_max_gev: float = PT_MAX_GEV,
    e_min_gev: float | None = None,
    z_min: float | None = None,
    form_factor: bool = True,
) -> dict[str, FloatArray]:
    r"""Weighted A' from proton bremsstrahlung, one per row, for eps = 1.

    Returns float64 arrays ``energy_gev`` (E_A' = z E_p), ``theta_x_rad``, ``theta_y_rad`` (the polar angle
    theta = arctan(p_T/p_z), p_z = sqrt(E^2 - p_T^2 - m^2), times cos and sin of a uniform azimuth),
    ``parent_energy_gev`` (the beam energy) and ``weight``: the expected A' per POT carried by the row, so that
    the weights sum to :func:`proton_brem_yield` with the same cuts, within MC error.

    Importance sampling: ln z uniform on [ln z_lo, ln z_max] and u = ln(p_T^2 + A(z)) uniform on
    [ln A, ln(X(z) + A)], A = (1-z) m^2 + z^2 m_p^2, X = min(p_T,max^2, z^2 E_p^2 - m^2): the proposal follows
    the leading (1 + (1-z)^2)/(z H) of w_ba, so the weights w = N-integrand/(proposal density)/n_samples vary
    slowly. Rows with no physical phase space (X <= 0) are dropped. Deterministic for a seeded ``rng``.

    >>> rows = proton_brem_rows(0.3, 70.0, n_samples=2000, rng=np.random.default_rng(1))
    >>> bool(abs(rows["weight"].sum() / proton_brem_yield(0.3, 70.0) - 1) < 0.02)
    True
    """
    m, e, z_lo, z_hi, pt2_max = _window(ma, e_beam_gev, z_min, z_max, pt_max_gev, e_min_gev)
    n = check_int("n_samples", n_samples, 1, 10**9)
    if not isinstance(rng, np.random.Generator):
        raise ParameterError("rng", rng, "a numpy.random.Generator")
    if not isinstance(form_factor, bool):
        raise ParameterError("form_factor", form_factor, "True or False")
    z_log_span = math.log(z_hi / z_lo)
    z = z_lo * np.exp(z_log_span * rng.random(n))
    u = rng.random(n)
    phi = rng.uniform(0.0, 2.0 * math.pi, n)
    a = (1.0 - z) * m * m + z * z * M_P_GEV**2
    x = np.minimum(pt2_max, (z * e) ** 2 - m * m)
    keep = x > 0.0
    z, u, phi, a, x = z[keep], u[keep], phi[keep], a[keep], x[keep]
    log_span = np.log1p(x / a)
    pt2 = a * np.expm1(u * log_span)  # p_T^2 + A = A (1 + X/A)^u
    density = 1.0 / (z * z_log_span * (pt2 + a) * log_span)
    ff = float(proton_form_factor_sq(m)) if form_factor else 1.0
    weight = ff * _sigma_ratio(z, e) * splitting_function(z, pt2, m, e) / density / n
    energy = z * e
    p_z = np.sqrt(np.maximum(energy * energy - pt2 - m * m, 0.0))
    theta = np.arctan2(np.sqrt(pt2), p_z)
    ok = (p_z > 0.0) & (weight > 0.0)
    return {
        "energy_gev": np.asarray(energy[ok], dtype=np.float64),
        "theta_x_rad": np.asarray((theta * np.cos(phi))[ok], dtype=np.float64),
        "theta_y_rad": np.asarray((theta * np.sin(phi))[ok], dtype=np.float64),
        "parent_energy_gev": np.full(int(ok.sum()), e, dtype=np.float64),
        "weight": np.asarray(weight[ok], dtype=np.float64),
    }
