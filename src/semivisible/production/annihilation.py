r"""A' from positron annihilation on atomic electrons: resonant e+ e- -> A' and associated e+ e- -> gamma A'.

The positrons of an electromagnetic shower (pair conversions, or the beam itself) annihilate on the electrons of
the target at rest (Marsicano et al., arXiv:1802.03794; Andreev et al. (NA64), arXiv:2307.02404). With s the
squared CM energy of a positron of total energy E on an electron at rest,

    s = 2 m_e^2 + 2 m_e E.

**Resonant** e+ e- -> A' (arXiv:1802.03794 Eq. 2). For a vector of mass M and width Gamma coupled as eps e to
electrons, Gamma(A' -> e+ e-) = (alpha eps^2 M/3)(1 + 2 m_e^2/M^2) sqrt(1 - 4 m_e^2/M^2), and the cross section
summed over the A' final states is the relativistic Breit-Wigner

    sigma(s) = 12 pi Gamma_ee Gamma / [ (s - M^2)^2 + M^2 Gamma^2 ]   (times M^2/M^2 at the pole).

In the narrow-width limit it is sigma(E) = sigma_int delta(E - E_res), with

    E_res = (M^2 - 2 m_e^2)/(2 m_e),    sigma_int = 12 pi^2 Gamma_ee/(2 m_e M) ~ 2 pi^2 alpha eps^2/m_e

(arXiv:1802.03794 Eq. 3; 2 pi^2 alpha/m_e = 1.10e-25 cm^2 GeV per electron for eps = 1). The A' carries the
whole four-momentum: E_A' = E + m_e, along the positron.

**Associated** e+ e- -> gamma A' (arXiv:1802.03794 Eq. 4; the e+ e- -> gamma gamma* amplitude, e.g. Boehm and
Fayet, hep-ph/0305261), with c = cos theta* the A' angle to the positron in the CM frame,

    dsigma/dc = (2 pi alpha^2 eps^2/s)(1 - M^2/s) [ (1 + c^2) + 4 M^2 s/(s - M^2)^2 ] / (1 - beta^2 c^2),

where beta^2 = 1 - 4 m_e^2/s regulates the collinear poles (the electron mass). It needs s > M^2, i.e.
E > M^2/(2 m_e) - m_e: at NA64 (E < 100 GeV) only m_A' < 0.32 GeV.

Both rates are per target electron; a target of ``n_e`` electrons per cm^2 per radiation length and a positron
track length T+(E) (in X0 per GeV, from the shower MC) give the A' yield per particle on target

    N_res = eps^2 n_e sigma_int T+(E_res),    N_assoc = eps^2 n_e Int dE T+(E) sigma_assoc(E).

Examples
--------
>>> round(resonant_energy_gev(0.25), 2)  # GeV: a 61 GeV positron makes a 250 MeV A' on an electron at rest
61.15
>>> f"{resonant_sigma_integral_cm2_gev(0.25):.3g}"  # cm^2 GeV per electron, eps = 1
'1.1e-25'
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_real
from semivisible.model.constants import ALPHA_EM, M_E_GEV
from semivisible.production.channels import CHANNELS, check_channels
from semivisible.production.xsec import GEV2_TO_PB

__all__ = [
    "ANNIHILATION_BANDWIDTH",
    "ASSOCIATED_K_MIN",
    "CHANNELS",
    "PB_TO_CM2",
    "annihilation_rows",
    "associated_cos_min",
    "associated_kinematics",
    "check_channels",
    "dsigma_dcos_associated_pb",
    "gamma_ee_gev",
    "resonant_energy_gev",
    "resonant_line_shape",
    "resonant_sigma_integral_cm2_gev",
    "resonant_total_width_gev",
    "sample_associated_cos",
    "sigma_associated_pb",
    "soft_virtual_correction",
]

FloatArray = NDArray[np.float64]

#: 1 pb in cm^2.
PB_TO_CM2 = 1e-36


def _check_mass(ma: float) -> float:
    m = check_real("ma", ma)
    if not m > 2.0 * M_E_GEV:
        raise ParameterError("ma", ma, f"ma > 2 m_e = {2 * M_E_GEV:.6g} GeV (finite)")
    return float(m)


def gamma_ee_gev(ma: float, eps: float = 1.0) -> float:
    """Gamma(A' -> e+ e-) = (alpha eps^2 M/3)(1 + 2 m_e^2/M^2) sqrt(1 - 4 m_e^2/M^2), GeV (arXiv:0906.0580 Eq. 2.2).

    >>> f"{gamma_ee_gev(0.1, 1e-3):.4g}"
    '2.432e-10'
    """
    m = _check_mass(ma)
    r = (M_E_GEV / m) ** 2
    return float(ALPHA_EM * eps**2 * m / 3.0 * (1.0 + 2.0 * r) * math.sqrt(1.0 - 4.0 * r))


def resonant_energy_gev(ma: float) -> float:
    """Total positron energy E_res = (M^2 - 2 m_e^2)/(2 m_e) at which e+ e- (at rest) -> A' is on shell, GeV.

    Source: s = 2 m_e^2 + 2 m_e E = M^2 (arXiv:1802.03794, below Eq. 2).
    """
    m = _check_mass(ma)
    return (m * m - 2.0 * M_E_GEV**2) / (2.0 * M_E_GEV)


def resonant_sigma_integral_cm2_gev(ma: float) -> float:
    r"""Int dE sigma(e+ e- -> A') for eps = 1, cm^2 GeV per target electron, in the narrow-width limit.

    sigma_int = 12 pi^2 Gamma_ee / (2 m_e M) = (2 pi^2 alpha/m_e)(1 + 2 m_e^2/M^2) sqrt(1 - 4 m_e^2/M^2)
    (arXiv:1802.03794 Eq. 3 for M >> m_e), converted with (hbar c)^2 = 0.3894 mb GeV^2.
    """
    m = _check_mass(ma)
    sigma_gev = 12.0 * math.pi**2 * gamma_ee_gev(m) / (2.0 * M_E_GEV * m)  # GeV^-2 x GeV
    return sigma_gev * GEV2_TO_PB * PB_TO_CM2


def _dirac_width(mass: FloatArray, coupling: float, m: float) -> FloatArray:
    """(coupling mass/3)(1 + 2 m^2/mass^2) sqrt(1 - 4 m^2/mass^2): a vector of mass ``mass`` into a Dirac pair."""
    mass = np.asarray(mass, dtype=np.float64)
    safe = np.where(mass > 2.0 * m, mass, 1.0)
    r = np.clip(4.0 * m * m / (safe * safe), 0.0, 1.0)
    return np.asarray(np.where(mass > 2.0 * m, coupling * safe / 3.0 * (1.0 + 0.5 * r) * np.sqrt(1.0 - r), 0.0))


def resonant_total_width_gev(ma: float, alpha_d: float, ratio: float) -> float:
    """Total A' width (GeV) of the invisible benchmark: A' -> chi chibar, a Dirac chi of mass m_A'/ratio.

    Gamma = (alpha_D m_A'/3)(1 + 2 m_chi^2/m_A'^2) sqrt(1 - 4 m_chi^2/m_A'^2) (DMG4, arXiv:2101.12192; the
    visible part alpha eps^2 m_A'/3 is negligible at the limits).
    """
    m = _check_mass(ma)
    return float(_dirac_width(np.asarray(m), float(alpha_d), m / float(ratio)))


def resonant_line_shape(energy_gev: ArrayLike, ma: float, alpha_d: float, ratio: float) -> FloatArray:
    r"""The A' line shape in the positron energy E (GeV^-1) for e+ e- -> A'(*) -> chi chibar, with the
    energy-dependent partial widths of the relativistic Breit-Wigner:

        sigma(E) = 12 pi Gamma_ee(sqrt s) Gamma_chi(sqrt s) / [ (s - M^2)^2 + M^2 Gamma^2 ] = sigma_int L(E),

    s = 2 m_e^2 + 2 m_e E, Gamma_ee(sqrt s) = alpha eps^2 sqrt(s)/3 (m_e -> 0 in the off-shell factor),
    Gamma_chi(sqrt s) the Dirac width at mass sqrt(s) (zero below 2 m_chi) and Gamma the total width at M
    (:func:`resonant_total_width_gev`). This is DMG4's resonant cross section (arXiv:2101.12192, its
    ``DarkPhotonsAnnihilation`` prefactor 4 pi alpha eps^2 alpha_D (q/sqrt s)(s - 4 q^2/3)). For Gamma << M, L
    integrates to 1; the off-shell tails fall with the partial widths, not as a constant-width Lorentzian.
    """
    m = _check_mass(ma)
    ad = float(check_real("alpha_d", alpha_d))
    rr = float(check_real("ratio", ratio, 2.0))
    gamma = resonant_total_width_gev(m, ad, rr)
    s = 2.0 * M_E_GEV**2 + 2.0 * M_E_GEV * np.asarray(energy_gev, dtype=np.float64)
    root = np.sqrt(np.maximum(s, 0.0))
    partial = ALPHA_EM * root / 3.0 * _dirac_width(root, ad, m / rr)
    sigma_e = 12.0 * math.pi * partial / ((s - m * m) ** 2 + (m * gamma) ** 2)  # GeV^-2, eps = 1
    sigma_int = 12.0 * math.pi**2 * gamma_ee_gev(m) / (2.0 * M_E_GEV * m)
    return np.asarray(sigma_e / sigma_int)


def _cauchy_density(energy_gev: FloatArray, ma: float, width_gev: float) -> FloatArray:
    """The constant-width Breit-Wigner in s as a density in E, (2 m_e/pi) M Gamma/((s - M^2)^2 + M^2 Gamma^2)."""
    s = 2.0 * M_E_GEV**2 + 2.0 * M_E_GEV * energy_gev
    return np.asarray(2.0 * M_E_GEV / math.pi * ma * width_gev / ((s - ma * ma) ** 2 + (ma * width_gev) ** 2))


def _beta2(s: FloatArray) -> FloatArray:
    return np.asarray(1.0 - 4.0 * M_E_GEV**2 / s)


def dsigma_dcos_associated_pb(s: ArrayLike, ma: float, cos_theta: ArrayLike) -> FloatArray:
    r"""dsigma/dcos theta* of e+ e- -> gamma A' for eps = 1, pb, theta* the A' angle to the e+ in the CM frame.

    (2 pi alpha^2/s)(1 - M^2/s) [(1 + c^2) + 4 M^2 s/(s - M^2)^2]/(1 - beta^2 c^2), beta^2 = 1 - 4 m_e^2/s
    (module docstring; arXiv:1802.03794 Eq. 4). Zero for s <= M^2.
    """
    m = _check_mass(ma)
    s_arr = np.asarray(s, dtype=np.float64)
    c = np.asarray(cos_theta, dtype=np.float64)
    open_ = s_arr > m * m
    s_safe = np.where(open_, s_arr, 2.0 * m * m)
    k = 4.0 * m * m * s_safe / (s_safe - m * m) ** 2
    value = (
        2.0
        * math.pi
        * ALPHA_EM**2
        / s_safe
        * (1.0 - m * m / s_safe)
        * (1.0 + c * c + k)
        / (1.0 - _beta2(s_safe) * c * c)
    )
    return np.asarray(np.where(open_, value * GEV2_TO_PB, 0.0))


def _primitive(c: FloatArray, beta: FloatArray, k: FloatArray) -> FloatArray:
    """Int dc (1 + k + c^2)/(1 - beta^2 c^2) = -c/beta^2 + (1 + k + 1/beta^2) artanh(beta c)/beta."""
    return np.asarray(-c / beta**2 + (1.0 + k + 1.0 / beta**2) * np.arctanh(beta * c) / beta)


def sigma_associated_pb(s: ArrayLike, ma: float, cos_min: ArrayLike = -1.0) -> FloatArray:
    """sigma(e+ e- -> gamma A') for eps = 1 with cos theta* > ``cos_min``, pb (the integral of
    :func:`dsigma_dcos_associated_pb`, done analytically). Zero for s <= M^2.

    For M -> 0 it is twice sigma(e+ e- -> gamma gamma) = (2 pi alpha^2/s)(ln(s/m_e^2) - 1) (the photon pair is
    counted once over the whole sphere, the distinguishable gamma A' pair twice; Berestetskii, Lifshitz,
    Pitaevskii, QED, Sec. 88):

    >>> import math
    >>> s = 2 * 0.000511 * 60.0
    >>> pair = 2 * math.pi / 137.036**2 / s * (math.log(s / 0.000511**2) - 1) * 0.3894e9  # gamma gamma, pb
    >>> bool(abs(float(sigma_associated_pb(s, 0.0011)) / (2 * pair) - 1) < 0.01)
    True
    """
    m = _check_mass(ma)
    s_arr = np.asarray(s, dtype=np.float64)
    open_ = s_arr > m * m
    s_safe = np.where(open_, s_arr, 2.0 * m * m)
    k = 4.0 * m * m * s_safe / (s_safe - m * m) ** 2
    beta = np.sqrt(_beta2(s_safe))
    c0 = np.clip(np.asarray(cos_min, dtype=np.float64), -1.0, 1.0)
    integral = _primitive(np.ones_like(s_safe), beta, k) - _primitive(c0 * np.ones_like(s_safe), beta, k)
    value = 2.0 * math.pi * ALPHA_EM**2 / s_safe * (1.0 - m * m / s_safe) * integral * GEV2_TO_PB
    return np.asarray(np.where(open_, value, 0.0))


def associated_kinematics(energy_gev: ArrayLike, ma: float, cos_theta: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Lab energy (GeV) and angle to the positron (rad) of the A' of e+ e- -> gamma A' at CM angle theta*.

    The CM moves with gamma = (E + m_e)/sqrt(s), gamma beta = p/sqrt(s); in the CM the A' has
    E* = (s + M^2)/(2 sqrt s) and p* = (s - M^2)/(2 sqrt s).
    """
    m = _check_mass(ma)
    e = np.asarray(energy_gev, dtype=np.float64)
    c = np.asarray(cos_theta, dtype=np.float64)
    s = 2.0 * M_E_GEV**2 + 2.0 * M_E_GEV * e
    root = np.sqrt(s)
    e_star, p_star = (s + m * m) / (2.0 * root), np.maximum(s - m * m, 0.0) / (2.0 * root)
    gamma, gamma_beta = (e + M_E_GEV) / root, np.sqrt(np.maximum(e * e - M_E_GEV**2, 0.0)) / root
    e_lab = gamma * e_star + gamma_beta * p_star * c
    p_long = gamma_beta * e_star + gamma * p_star * c
    p_trans = p_star * np.sqrt(np.maximum(1.0 - c * c, 0.0))
    return np.asarray(e_lab), np.asarray(np.arctan2(p_trans, p_long))


def associated_cos_min(energy_gev: ArrayLike, ma: float, e_min_gev: float) -> FloatArray:
    """The CM cosine above which the A' of e+ e- -> gamma A' has a lab energy above ``e_min_gev`` (clipped to
    [-1, 1]; 1 where no angle reaches it)."""
    m = _check_mass(ma)
    e = np.asarray(energy_gev, dtype=np.float64)
    s = 2.0 * M_E_GEV**2 + 2.0 * M_E_GEV * e
    root = np.sqrt(s)
    e_star, p_star = (s + m * m) / (2.0 * root), np.maximum(s - m * m, 0.0) / (2.0 * root)
    gamma, gamma_beta = (e + M_E_GEV) / root, np.sqrt(np.maximum(e * e - M_E_GEV**2, 0.0)) / root
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (e_min_gev - gamma * e_star) / (gamma_beta * p_star)
    return np.asarray(np.clip(np.where(np.isfinite(c), c, 1.0), -1.0, 1.0))


def sample_associated_cos(s: FloatArray, ma: float, cos_min: FloatArray, rng: np.random.Generator) -> FloatArray:
    """CM cosines from :func:`dsigma_dcos_associated_pb` on [cos_min, 1]: artanh-uniform proposals from
    1/(1 - beta^2 c^2), accepted with (1 + k + c^2)/(2 + k) (>= 1/2)."""
    m = float(ma)
    n = s.size
    out = np.empty(n)
    todo = np.arange(n)
    k_all = 4.0 * m * m * s / (s - m * m) ** 2
    beta_all = np.sqrt(_beta2(s))
    while todo.size:
        beta, k = beta_all[todo], k_all[todo]
        lo, hi = np.arctanh(beta * cos_min[todo]), np.arctanh(beta)
        c = np.tanh(lo + (hi - lo) * rng.random(todo.size)) / beta
        accept = rng.random(todo.size) * (2.0 + k) < 1.0 + k + c * c
        out[todo[accept]] = c[accept]
        todo = todo[~accept]
    return out


#: Relative bandwidth h of the kernel estimate of the positron track-length spectrum T+(E) (a Gaussian in ln E):
#: the resonance picks T+ at one energy, which a finite MC sample only gives smoothed. The bias is of order
#: h^2 E^2 T+''/(2 T+), below 1e-3 for the smooth spectra of a shower; the tests vary h by a factor 2.
ANNIHILATION_BANDWIDTH = 0.02


#: The photon energy fraction k = 1 - M^2/s (in the CM) above which e+ e- -> gamma A' is the ``associated``
#: channel; softer photons are in the resonance's soft-virtual factor.
ASSOCIATED_K_MIN = 0.05


def soft_virtual_correction(ma: float, k_min: float = ASSOCIATED_K_MIN) -> float:
    r"""The O(alpha) soft-photon (k < k_min) plus virtual correction to e+ e- -> A' at s = M^2:

        delta = (2 alpha/pi) [ (L - 1) ln k_min + 3 L/4 - 1 + pi^2/6 ],    L = ln(s/m_e^2)

    (initial-state radiation in s-channel annihilation: Berends, Kleiss, Nucl. Phys. B 260 (1985) 32; Kuraev,
    Fadin, Sov. J. Nucl. Phys. 41 (1985) 466). With the hard photons of :func:`sigma_associated_pb` above
    k_min it completes the O(alpha) radiative correction.

    >>> round(soft_virtual_correction(0.25, 0.05), 3)
    -0.112
    """
    m = _check_mass(ma)
    if not 0.0 < k_min < 1.0:
        raise ParameterError("k_min", k_min, "0 < k_min < 1")
    big_l = math.log(m * m / M_E_GEV**2)
    return 2.0 * ALPHA_EM / math.pi * ((big_l - 1.0) * math.log(k_min) + 0.75 * big_l - 1.0 + math.pi**2 / 6.0)


def _lognormal_pdf(energy: FloatArray, centre: FloatArray, h: float) -> FloatArray:
    z = np.log(energy / centre) / h
    return np.asarray(np.exp(-0.5 * z * z) / (math.sqrt(2.0 * math.pi) * h * energy))


def annihilation_rows(
    ma: float,
    positrons: dict[str, FloatArray],
    *,
    electrons_per_x0_cm2: float,
    e_min_gev: float,
    e_max_gev: float,
    channels: tuple[str, ...],
    alpha_d: float | None,
    ratio: float | None,
    rng: np.random.Generator,
    bandwidth: float = ANNIHILATION_BANDWIDTH,
    k_min: float = ASSOCIATED_K_MIN,
) -> dict[str, FloatArray]:
    r"""Weighted A' of mass ``ma`` from the positron track segments of a shower, per particle on target, eps = 1.

    ``positrons`` holds the segments' ``energy_gev``, ``length_x0``, ``depth_x0``, ``theta_x_rad``,
    ``theta_y_rad`` and ``primary`` (float arrays). Each row's ``weight`` is the expected number of A' (before the
    division by the number of primaries) with E_A' > ``e_min_gev``; ``channel`` is its code in :data:`CHANNELS`.

    * ``annihilation``: N = n_e sigma_int Int dE T+(E) L(E), T+ the kernel estimate Sum_i l_i K_h(E; E_i) (a
      Gaussian in ln E of width ``bandwidth``) and L the line shape (:func:`resonant_line_shape` of the benchmark
      ``alpha_d``, ``ratio``; a delta at E_res when they are None). One energy per segment is drawn from the mixture
      (K_h + L)/2 and weighted by K_h L/q (multiple importance sampling: unbiased for narrow and for broad
      resonances). The A' takes the four-momentum of the pair: E_A' = E + m_e, along the positron.
    * ``associated``: N = n_e Sum_i l_i sigma_assoc(E_i; E_A' > E_min) for a hard photon, k = 1 - M^2/s >
      ``k_min``; theta* from :func:`dsigma_dcos_associated_pb`, the lab angle added to the positron's
      direction. The soft photons (k < ``k_min``) and the virtual corrections belong to the resonance: with both
      channels its cross section carries :func:`soft_virtual_correction`, so the sum is the O(alpha)
      initial-state-radiation result and does not depend on ``k_min`` (the tests vary it).
    """
    m = _check_mass(ma)
    n_e = float(electrons_per_x0_cm2)
    e_seg = np.asarray(positrons["energy_gev"], dtype=np.float64)
    out: dict[str, list[FloatArray]] = {k: [] for k in _ROW_KEYS}

    def add(
        sel: NDArray[np.bool_],
        energy: FloatArray,
        parent: FloatArray,
        weight: FloatArray,
        dtx: FloatArray,
        dty: FloatArray,
        code: int,
    ) -> None:
        out["energy_gev"].append(energy)
        out["theta_x_rad"].append(np.asarray(positrons["theta_x_rad"])[sel] + dtx)
        out["theta_y_rad"].append(np.asarray(positrons["theta_y_rad"])[sel] + dty)
        out["depth_x0"].append(np.asarray(positrons["depth_x0"])[sel])
        out["parent_energy_gev"].append(parent)
        out["weight"].append(weight)
        out["primary"].append(np.asarray(positrons["primary"])[sel].astype(np.float64))
        out["channel"].append(np.full(int(sel.sum()), float(code)))

    cut = e_min_gev - M_E_GEV  # positron energy whose A' has E_A' = e_min
    e_res = resonant_energy_gev(m)
    if "annihilation" in channels and e_seg.size:
        sigma_int = resonant_sigma_integral_cm2_gev(m)
        if "associated" in channels:
            sigma_int *= 1.0 + soft_virtual_correction(m, k_min)
        length = np.asarray(positrons["length_x0"], dtype=np.float64)
        if alpha_d is None or ratio is None:
            # Narrow: the positron energy is E_res; the weight is the kernel density of T+ there.
            near = np.abs(np.log(e_res / e_seg)) < 6.0 * bandwidth
            sel = near if e_res > cut else np.zeros(e_seg.size, dtype=bool)
            energy_pos = np.full(int(sel.sum()), e_res)
            weight = n_e * sigma_int * length[sel] * _lognormal_pdf(energy_pos, e_seg[sel], bandwidth)
        else:
            width_gev = resonant_total_width_gev(m, alpha_d, ratio)
            mg = m * width_gev
            s_cut, s_max = 2.0 * M_E_GEV * (M_E_GEV + cut), 2.0 * M_E_GEV * (M_E_GEV + e_max_gev)
            u_lo, u_hi = math.atan((s_cut - m * m) / mg), math.atan((s_max - m * m) / mg)
            mass_l = (u_hi - u_lo) / math.pi  # the line shape's probability on [cut, e_max]
            from_kernel = rng.random(e_seg.size) < 0.5
            e_k = e_seg * np.exp(bandwidth * rng.standard_normal(e_seg.size))
            s_l = m * m + mg * np.tan(u_lo + (u_hi - u_lo) * rng.random(e_seg.size))
            trial = np.where(from_kernel, e_k, s_l / (2.0 * M_E_GEV) - M_E_GEV)
            kern = _lognormal_pdf(trial, e_seg, bandwidth)
            line = resonant_line_shape(trial, m, alpha_d, ratio)
            q = 0.5 * kern + 0.5 * _cauchy_density(trial, m, width_gev) / max(mass_l, 1e-300)
            inside = (trial > cut) & (trial < e_max_gev)
            w_all = np.where(inside, n_e * sigma_int * length * kern * line / np.maximum(q, 1e-300), 0.0)
            sel = w_all > 0
            energy_pos, weight = trial[sel], w_all[sel]
        energy = energy_pos + M_E_GEV
        zeros = np.zeros(int(sel.sum()))
        # The parent is the positron (of the kernel-smoothed energy) that annihilates: x = 1 + m_e/E.
        add(sel, energy, energy_pos, weight, zeros, zeros, CHANNELS.index("annihilation"))
    if "associated" in channels and e_seg.size:
        s = 2.0 * M_E_GEV**2 + 2.0 * M_E_GEV * e_seg
        c_min = associated_cos_min(e_seg, m, e_min_gev)
        sel = (s * (1.0 - k_min) > m * m) & (c_min < 1.0)
        sigma = sigma_associated_pb(s[sel], m, c_min[sel]) * PB_TO_CM2
        weight = n_e * np.asarray(positrons["length_x0"], dtype=np.float64)[sel] * sigma
        c = sample_associated_cos(s[sel], m, c_min[sel], rng)
        e_lab, theta = associated_kinematics(e_seg[sel], m, c)
        phi = rng.uniform(0.0, 2.0 * math.pi, e_lab.size)
        add(sel, e_lab, e_seg[sel], weight, theta * np.cos(phi), theta * np.sin(phi), CHANNELS.index("associated"))
    return {k: (np.concatenate(v) if v else np.zeros(0)) for k, v in out.items()}


_ROW_KEYS = (
    "energy_gev",
    "theta_x_rad",
    "theta_y_rad",
    "depth_x0",
    "parent_energy_gev",
    "weight",
    "primary",
    "channel",
)
