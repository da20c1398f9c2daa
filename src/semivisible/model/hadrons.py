r"""Hadronic R ratio, R(sqrt s) = sigma(e+e- -> hadrons) / sigma_pt(e+e- -> mu+mu-), from 0 to ~12 GeV.

Here ``sigma_pt = 4 pi alpha^2 / (3 s)`` (point-like muon pairs, alpha = alpha(0)). R feeds the dark-photon
width ``Gamma(A' -> hadrons) = (alpha eps^2 m_A' / 3) R(m_A')`` and the coannihilation rate
chi1 chi2 -> A'* -> hadrons. All energies, masses and widths are in GeV. Every number is read from
``data/hadronic_r.toml``, where each value carries its source (mostly PDG 2024: S. Navas et al.,
Phys. Rev. D 110, 030001 (2024)).

Model
-----
``R = R_pipi + sum_V R_V + S(sqrt s) R_uds + R_c + R_b`` with the terms below; ``R = 0`` exactly below the
pi+ pi- threshold ``2 m_pi+`` (the only channel open lower down, omega -> pi0 gamma, gives R < 1e-6 there
and is dropped).

1. ``pi+ pi-`` (rho): ``R_pipi = beta_pi^3 |F_pi(s)|^2 / 4``, ``beta_pi = sqrt(1 - 4 m_pi^2 / s)``, with the
   Gounaris-Sakurai (GS) form factor [G. J. Gounaris, J. J. Sakurai, PRL 21 (1968) 244], as used by CMD-2
   (hep-ex/0112031), KLOE and BaBar (arXiv:1205.2228)::

       F_pi = [BW_rho(s) (1 + delta s / M_w^2 BW_w(s)) + beta BW_rho'(s)] / (1 + beta)
       BW_GS(s) = M^2 (1 + d Gamma/M) / (M^2 - s + f(s) - i M Gamma(s)),
       Gamma(s) = Gamma (k/k_M)^3 M/sqrt(s),
       f(s) = Gamma M^2 / k_M^3 [k^2 (h(s) - h(M^2)) + (M^2 - s) k_M^2 h'(M^2)],
       h(s) = 2/pi k/sqrt(s) ln((sqrt(s) + 2k) / (2 m_pi)),   k = sqrt(s/4 - m_pi^2),
       d = 3/pi m_pi^2/k_M^2 ln((M + 2 k_M)/(2 m_pi)) + M/(2 pi k_M) - m_pi^2 M/(pi k_M^3)  (BW_GS(0) = 1).

   rho(770) and rho(1450) masses/widths are PDG 2024. The rho(1450) admixture ``beta`` (real) is *not* fitted:
   it is fixed so that the rho(770) term reproduces the PDG electronic width,
   ``|BW_rho + beta BW_rho'|^2 / (1 + beta)^2 = 36 Gamma(rho -> ee) / (alpha^2 beta_pi^3 Gamma_rho)`` at
   ``s = M_rho^2`` (beta ~ -0.09; CMD-2/KLOE/BaBar fits find beta ~ -0.07 ... -0.15). rho-omega mixing is
   included with ``BW_w = M_w^2 / (M_w^2 - s - i M_w Gamma_w)``; ``delta`` is taken real and its size is
   fixed by PDG ``B(omega -> pi+ pi-)`` and ``B(omega -> e+ e-)``:
   ``delta = 6 sqrt(B_ee B_pipi) / (alpha beta_pi^(3/2)) (Gamma_w / M_w) |1 + beta| / |BW_rho(M_w^2)|``.
   The omega -> pi+ pi- part of the omega is therefore inside F_pi, not in R_omega.

2. Narrow vector mesons V = omega, phi, J/psi, psi(2S), Upsilon(1S, 2S, 3S): relativistic Breit-Wigner with
   energy-dependent partial widths,
   ``R_V = 9 s Gamma_ee Gamma_had(s) / (alpha^2 [(s - M^2)^2 + M^2 Gamma(s)^2])``, i.e. a peak cross section
   ``12 pi B_ee B_had / M^2`` (peak ``R = 9 B_ee B_had / alpha^2``). ``Gamma_had(s) = Gamma sum_i B_i g_i(s)``
   over the listed hadronic channels, ``g_i = (p/p_M)^(2l+1) B_l(p, p_M)`` with the quasi-two-body break-up
   momentum ``p`` (zero below the channel threshold) and the Blatt-Weisskopf factor
   ``B_1 = (1 + r^2 p_M^2)/(1 + r^2 p^2)``, ``B_0 = 1``; the rest of the width (leptons, unlisted modes)
   is constant, so ``Gamma(M^2) = Gamma``. Each V thus vanishes below its lowest hadronic threshold
   (phi: pi0 gamma, then 3 pi, K K). Gamma_ee is taken constant.

3. Quark continuum, massless pQCD to O(alpha_s^3) in MS-bar with mu^2 = s [PDG 2024 QCD review, Eq. (9.7)]::

       R_q = N_c Q_q^2 K(s),   K = 1 + a + c2(n_f) a^2 + c3(n_f) a^3,   a = alpha_s(sqrt s) / pi.

   alpha_s runs at four loops [van Ritbergen, Vermaseren, Larin, hep-ph/9701390] from alpha_s(M_Z) = 0.1180
   (PDG 2024), with n_f = 5/4/3 below m_b(m_b) = 4.183 GeV and m_c(m_c) = 1.273 GeV and continuous matching
   (O(a^2) decoupling terms, ~0.2 %, neglected); it is frozen below 1 GeV where the continuum is off.
   In c2, c3 the flavour number is ``n_f = 3 + v_c + v_b`` (continuous across the open-flavour thresholds).

   * u, d, s: ``S(sqrt s) R_uds`` with the C1 smoothstep ``S = x^2 (3 - 2x)``,
     ``x = (sqrt s - 1.0 GeV) / (0.6 GeV)`` clipped to [0, 1]: a documented phenomenological switch-on that
     stands in for the multi-hadron channels and the rho', omega', phi' region (1-2 GeV). It is not a fit; it
     matches the PDG R compilation to ~15-25 % point by point in 1.1-2 GeV (the 1.65 GeV bump and the 1.9 GeV
     dip are not modelled) and KEDR/BESIII (R = 2.2-2.4) above 1.84 GeV to a few per cent.
   * charm: ``R_c = N_c (4/9) v (3 - v^2)/2 K``, ``v = sqrt(1 - (2 m_D0)^2 / s)`` (the Born quark-velocity
     factor with the D0 D0bar threshold), no psi(3770)/psi(4040)/psi(4160)/psi(4415) resonances, so R in
     3.73-4.6 GeV is reproduced only on average (the model is ~15 % low there).
   * bottom: ``R_b = N_c (1/9) v (3 - v^2)/2 K`` with the B+ B- threshold; no Upsilon(4S) and above.

Not included: the Z (R is the photon-exchange ratio), the top quark, the rho -> pi0 gamma / eta gamma modes,
omega -> pi0 gamma below 2 m_pi (see above), the excited rho/omega/phi and charmonium states above open charm.
Inputs are clipped to ``sqrt s <= 1e4 GeV``; NaN propagates.

Examples
--------
>>> round(float(r_ratio(0.2)), 6)
0.0
>>> 2.1 < float(r_ratio(2.5)) < 2.4
True
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.model.constants import (
    ALPHA_EM,
    HBARC_GEV_M,
    M_K_CHARGED_GEV,
    M_PI0_GEV,
    M_PI_CHARGED_GEV,
)

__all__ = [
    "alpha_s",
    "load_parameters",
    "pion_form_factor_sq",
    "r_components",
    "r_ratio",
    "sigma_hadrons_nb",
]

FloatArray = NDArray[np.float64]
ComplexArray = NDArray[np.complex128]

#: 1 GeV^-2 in nb: (hbar c)^2 with hbar c in GeV m, 1 nb = 1e-37 m^2.
_GEV2_TO_NB: float = HBARC_GEV_M**2 / 1.0e-37

_ZETA3: float = 1.2020569031595942


# ----------------------------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _raw_parameters() -> dict[str, Any]:
    text = (files("semivisible.model") / "data" / "hadronic_r.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_parameters() -> dict[str, Any]:
    """Return a copy of the parsed ``data/hadronic_r.toml``; each parameter is ``{"value": v, "source": s}``.

    >>> p = load_parameters()
    >>> p["qcd"]["alpha_s_mz"]["value"]
    0.118
    >>> "PDG 2024" in p["qcd"]["alpha_s_mz"]["source"]
    True
    """
    return copy.deepcopy(_raw_parameters())


def _val(table: dict[str, Any], key: str) -> float:
    return float(table[key]["value"])


@dataclass(frozen=True)
class _Channel:
    m1: float
    m2: float
    l: int  # noqa: E741
    branching: float


@dataclass(frozen=True)
class _Resonance:
    name: str
    mass: float
    width: float
    b_ee: float
    channels: tuple[_Channel, ...]


@dataclass(frozen=True)
class _GS:
    """Gounaris-Sakurai constants of one rho-like resonance."""

    mass: float
    width: float
    k_m: float
    h_m: float
    dh_m: float
    d: float


@dataclass(frozen=True)
class _Model:
    resonances: tuple[_Resonance, ...]
    radius: float
    rho: _GS
    rho1450: _GS
    m_omega: float
    gamma_omega: float
    beta: float
    delta: float
    n_c: float
    c2: tuple[float, float]
    c3: tuple[float, float, float]
    onset_lo: float
    onset_hi: float
    thr_charm: float
    thr_bottom: float
    max_sqrt_s: float
    log_mu_grid: FloatArray
    alpha_s_grid: FloatArray
    freeze_scale: float


def _gs_constants(mass: float, width: float) -> _GS:
    m = M_PI_CHARGED_GEV
    k_m = math.sqrt(mass**2 / 4.0 - m**2)
    h_m = 2.0 / math.pi * k_m / mass * math.log((mass + 2.0 * k_m) / (2.0 * m))
    dh_m = h_m * (1.0 / (8.0 * k_m**2) - 1.0 / (2.0 * mass**2)) + 1.0 / (2.0 * math.pi * mass**2)
    d = (
        3.0 / math.pi * m**2 / k_m**2 * math.log((mass + 2.0 * k_m) / (2.0 * m))
        + mass / (2.0 * math.pi * k_m)
        - m**2 * mass / (math.pi * k_m**3)
    )
    return _GS(mass, width, k_m, h_m, dh_m, d)


def _bw_gs(s: FloatArray, c: _GS) -> ComplexArray:
    """Gounaris-Sakurai Breit-Wigner, normalised to 1 at s = 0; s must be >= 4 m_pi^2."""
    m = M_PI_CHARGED_GEV
    sqrt_s = np.sqrt(s)
    k = np.sqrt(np.maximum(s / 4.0 - m**2, 0.0))
    h = 2.0 / np.pi * k / sqrt_s * np.log((sqrt_s + 2.0 * k) / (2.0 * m))
    f = c.width * c.mass**2 / c.k_m**3 * (k**2 * (h - c.h_m) + (c.mass**2 - s) * c.k_m**2 * c.dh_m)
    gamma_s = c.width * (k / c.k_m) ** 3 * c.mass / sqrt_s
    num = c.mass**2 * (1.0 + c.d * c.width / c.mass)
    return np.asarray(num / (c.mass**2 - s + f - 1j * c.mass * gamma_s), dtype=np.complex128)


def _alpha_s_table(
    alpha_mz: float, m_z: float, m_c: float, m_b: float, mu_lo: float, mu_hi: float
) -> tuple[FloatArray, FloatArray]:
    """alpha_s on a grid in ln(mu): four-loop running, n_f = 3/4/5, continuous matching at m_c, m_b."""

    def run(a0: float, t0: float, t1: float, nf: int, npts: int) -> tuple[FloatArray, FloatArray]:
        # da/dt = -a^2 (b0 + b1 a + b2 a^2 + b3 a^3), a = alpha_s/(4 pi), t = ln(mu^2). A classical fixed-step
        # Runge-Kutta (4th order), 16 steps per output interval: the local error is O(h^5) with h <= 0.004,
        # below 1e-13 relative here (tests compare with the closed-form 1-loop solution and PDG alpha_s values).
        # Written out instead of scipy.integrate.solve_ivp, whose import costs 0.25 s at start-up.
        b0 = 11.0 - 2.0 / 3.0 * nf
        b1 = 102.0 - 38.0 / 3.0 * nf
        b2 = 2857.0 / 2.0 - 5033.0 / 18.0 * nf + 325.0 / 54.0 * nf**2
        b3 = (
            (149753.0 / 6.0 + 3564.0 * _ZETA3)
            - (1078361.0 / 162.0 + 6508.0 / 27.0 * _ZETA3) * nf
            + (50065.0 / 162.0 + 6472.0 / 81.0 * _ZETA3) * nf**2
            + 1093.0 / 729.0 * nf**3
        )

        def f(a: float) -> float:
            return -(a**2) * (b0 + a * (b1 + a * (b2 + a * b3)))

        t = np.linspace(t0, t1, npts)
        out = np.empty(npts)
        out[0] = a = a0
        substeps = 16
        for i in range(1, npts):
            h = (t[i] - t[i - 1]) / substeps
            for _ in range(substeps):
                k1 = f(a)
                k2 = f(a + 0.5 * h * k1)
                k3 = f(a + 0.5 * h * k2)
                k4 = f(a + h * k3)
                a += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            out[i] = a
        return t, out

    t_z, t_b, t_c = 2.0 * math.log(m_z), 2.0 * math.log(m_b), 2.0 * math.log(m_c)
    t_lo, t_hi = 2.0 * math.log(mu_lo), 2.0 * math.log(mu_hi)
    a_z = alpha_mz / (4.0 * math.pi)
    t5d, a5d = run(a_z, t_z, t_b, 5, 400)
    t4, a4 = run(float(a5d[-1]), t_b, t_c, 4, 300)
    t3, a3 = run(float(a4[-1]), t_c, t_lo, 3, 200)
    t5u, a5u = run(a_z, t_z, t_hi, 5, 400)
    t = np.concatenate([t3[::-1], t4[::-1][1:], t5d[::-1][1:], t5u[1:]])
    a = np.concatenate([a3[::-1], a4[::-1][1:], a5d[::-1][1:], a5u[1:]])
    return 0.5 * t, 4.0 * math.pi * a


@functools.lru_cache(maxsize=1)
def _model() -> _Model:
    p = _raw_parameters()
    qcd, masses, ff = p["qcd"], p["masses"], p["pion_form_factor"]
    particle_mass = {
        "pi": M_PI_CHARGED_GEV,
        "pi0": M_PI0_GEV,
        "K": M_K_CHARGED_GEV,
        "K0": _val(masses, "m_k0_gev"),
        "eta": _val(masses, "m_eta_gev"),
        "gamma": 0.0,
    }
    resonances = []
    for r in p["resonance"]:
        channels = tuple(
            _Channel(
                m1=particle_mass[ch["daughters"][0]],
                m2=sum(particle_mass[d] for d in ch["daughters"][1:]),
                l=int(ch["l"]),
                branching=_val(ch, "branching"),
            )
            for ch in r["channel"]
        )
        resonances.append(_Resonance(r["name"], _val(r, "mass_gev"), _val(r, "width_gev"), _val(r, "b_ee"), channels))
    omega = next(r for r in resonances if r.name == "omega")

    rho = _gs_constants(_val(ff, "m_rho_gev"), _val(ff, "gamma_rho_gev"))
    rho1450 = _gs_constants(_val(ff, "m_rho1450_gev"), _val(ff, "gamma_rho1450_gev"))

    # beta from Gamma(rho -> ee): |b + beta b'|^2 = X (1 + beta)^2 at s = M_rho^2 (real root closest to 0)
    s_rho = np.array([rho.mass**2])
    b, bp = complex(_bw_gs(s_rho, rho)[0]), complex(_bw_gs(s_rho, rho1450)[0])
    beta3 = (1.0 - 4.0 * M_PI_CHARGED_GEV**2 / rho.mass**2) ** 1.5
    x = 36.0 * _val(ff, "gamma_rho_ee_gev") / (ALPHA_EM**2 * beta3 * rho.width)
    qa = abs(bp) ** 2 - x
    qb = 2.0 * ((b * bp.conjugate()).real - x)
    qc = abs(b) ** 2 - x
    roots = np.roots([qa, qb, qc])
    real_roots = [float(z.real) for z in roots if abs(z.imag) < 1e-12]
    beta = min(real_roots, key=abs)

    # |delta| from B(omega -> pi pi) and B(omega -> ee), real and positive
    s_w = np.array([omega.mass**2])
    beta_w = math.sqrt(1.0 - 4.0 * M_PI_CHARGED_GEV**2 / omega.mass**2)
    bw_rho_w = abs(complex(_bw_gs(s_w, rho)[0])) / abs(1.0 + beta)
    delta = (
        6.0
        * math.sqrt(omega.b_ee * _val(ff, "omega_pipi_branching"))
        / (ALPHA_EM * beta_w**1.5)
        * (omega.width / omega.mass)
        / bw_rho_w
    )

    freeze = _val(qcd, "freeze_scale_gev")
    max_sqrt_s = _val(p["validity"], "max_sqrt_s_gev")
    log_mu, a_s = _alpha_s_table(
        _val(qcd, "alpha_s_mz"),
        _val(qcd, "m_z_gev"),
        _val(qcd, "m_c_msbar_gev"),
        _val(qcd, "m_b_msbar_gev"),
        freeze,
        max_sqrt_s,
    )
    c2 = tuple(float(v) for v in qcd["r_c2"]["value"])
    c3 = tuple(float(v) for v in qcd["r_c3"]["value"])
    cont = p["continuum"]
    return _Model(
        resonances=tuple(resonances),
        radius=_val(p["widths"], "blatt_weisskopf_radius_gev_inv"),
        rho=rho,
        rho1450=rho1450,
        m_omega=omega.mass,
        gamma_omega=omega.width,
        beta=beta,
        delta=delta,
        n_c=_val(qcd, "n_colours"),
        c2=(c2[0], c2[1]),
        c3=(c3[0], c3[1], c3[2]),
        onset_lo=_val(cont, "uds_onset_low_gev"),
        onset_hi=_val(cont, "uds_onset_high_gev"),
        thr_charm=2.0 * _val(masses, "m_d0_gev"),
        thr_bottom=2.0 * _val(masses, "m_b_charged_gev"),
        max_sqrt_s=max_sqrt_s,
        log_mu_grid=log_mu,
        alpha_s_grid=a_s,
        freeze_scale=freeze,
    )


# ----------------------------------------------------------------------------------------------------------
# Building blocks
# ----------------------------------------------------------------------------------------------------------
def _prepare(sqrt_s_gev: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Return (input as float64 array, evaluation energy clipped to [2 m_pi, max]). NaN propagates (documented in
    the tests: R(nan) is nan); R is 0 below the 2 m_pi threshold, negative values included; inf is the continuum."""
    x = np.asarray(sqrt_s_gev, dtype=np.float64)
    e = np.clip(np.nan_to_num(x, nan=0.0), 2.0 * M_PI_CHARGED_GEV, _model().max_sqrt_s)
    return x, np.asarray(e, dtype=np.float64)


def _finish(x: FloatArray, r: FloatArray) -> FloatArray:
    """Zero below 2 m_pi (and for negative input), NaN for NaN input; always an ndarray of x's shape."""
    out = np.where(x >= 2.0 * M_PI_CHARGED_GEV, r, 0.0)
    out = np.where(np.isnan(x), np.nan, out)
    return np.asarray(out, dtype=np.float64).reshape(x.shape)


def _break_up_momentum(sqrt_s: FloatArray, m1: float, m2: float) -> FloatArray:
    s = sqrt_s**2
    arg = np.maximum((s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2), 0.0)
    return np.asarray(np.sqrt(arg) / (2.0 * sqrt_s), dtype=np.float64)


def _velocity_factor(sqrt_s: FloatArray, threshold: float) -> FloatArray:
    """Born factor v (3 - v^2) / 2 of a quark pair, v = sqrt(1 - threshold^2 / s); 0 below threshold."""
    v = np.sqrt(np.maximum(1.0 - threshold**2 / sqrt_s**2, 0.0))
    return np.asarray(v * (3.0 - v**2) / 2.0, dtype=np.float64)


def _r_resonance(sqrt_s: FloatArray, res: _Resonance, radius: float) -> FloatArray:
    s = sqrt_s**2
    frac_had = np.zeros_like(sqrt_s)
    b_sum = 0.0
    for ch in res.channels:  # loop over a handful of decay channels, not over points
        p = _break_up_momentum(sqrt_s, ch.m1, ch.m2)
        p_m = float(_break_up_momentum(np.array([res.mass]), ch.m1, ch.m2)[0])
        g = (p / p_m) ** (2 * ch.l + 1)
        if ch.l == 1:
            g = g * (1.0 + (radius * p_m) ** 2) / (1.0 + (radius * p) ** 2)
        frac_had = frac_had + ch.branching * g
        b_sum += ch.branching
    gamma_had = res.width * frac_had
    gamma_tot = gamma_had + res.width * (1.0 - b_sum)
    gamma_ee = res.b_ee * res.width
    den = (s - res.mass**2) ** 2 + res.mass**2 * gamma_tot**2
    return np.asarray(9.0 * s * gamma_ee * gamma_had / (ALPHA_EM**2 * den), dtype=np.float64)


def _form_factor(sqrt_s: FloatArray) -> ComplexArray:
    m = _model()
    s = sqrt_s**2
    bw_w = m.m_omega**2 / (m.m_omega**2 - s - 1j * m.m_omega * m.gamma_omega)
    mix = 1.0 + m.delta * s / m.m_omega**2 * bw_w
    f = (_bw_gs(s, m.rho) * mix + m.beta * _bw_gs(s, m.rho1450)) / (1.0 + m.beta)
    return np.asarray(f, dtype=np.complex128)


def _alpha_s_eval(mu: FloatArray) -> FloatArray:
    m = _model()
    log_mu = np.log(np.clip(mu, m.freeze_scale, m.max_sqrt_s))
    return np.asarray(np.interp(log_mu, m.log_mu_grid, m.alpha_s_grid), dtype=np.float64)


# ----------------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------------
def alpha_s(mu_gev: ArrayLike) -> FloatArray:
    """Strong coupling alpha_s(mu) in MS-bar (four-loop running from alpha_s(M_Z) = 0.1180, PDG 2024).

    n_f = 3, 4, 5 below m_c(m_c), between, above m_b(m_b); frozen below 1 GeV; NaN propagates.

    >>> round(float(alpha_s(91.188)), 4)
    0.118
    >>> 0.17 < float(alpha_s(10.0)) < 0.19
    True
    """
    mu = np.asarray(mu_gev, dtype=np.float64)
    out = _alpha_s_eval(np.nan_to_num(mu, nan=1.0))
    return np.asarray(np.where(np.isnan(mu), np.nan, out), dtype=np.float64).reshape(mu.shape)


def pion_form_factor_sq(sqrt_s_gev: ArrayLike) -> FloatArray:
    """|F_pi(s)|^2 of the Gounaris-Sakurai rho(770) + rho(1450) form factor with rho-omega mixing.

    Defined for sqrt(s) >= 2 m_pi+ (the region that enters R); returns 0 below.

    >>> 40.0 < float(pion_form_factor_sq(0.775)) < 48.0
    True
    """
    x, e = _prepare(sqrt_s_gev)
    return _finish(x, np.asarray(np.abs(_form_factor(e)) ** 2, dtype=np.float64))


def r_components(sqrt_s_gev: ArrayLike) -> dict[str, FloatArray]:
    """Contributions to R, keyed ``"pi+pi-"``, the resonance names, ``"uds"``, ``"charm"``, ``"bottom"``.

    They sum to :func:`r_ratio`. Resonance names: omega, phi, J/psi, psi(2S), Upsilon(1S), Upsilon(2S),
    Upsilon(3S).

    >>> c = r_components(1.019461)
    >>> round(float(c["phi"]), 1)
    50.2
    >>> sorted(c)[:3]
    ['J/psi', 'Upsilon(1S)', 'Upsilon(2S)']
    """
    m = _model()
    x, e = _prepare(sqrt_s_gev)
    s = e**2
    out: dict[str, FloatArray] = {}
    beta_pi = np.sqrt(np.maximum(1.0 - 4.0 * M_PI_CHARGED_GEV**2 / s, 0.0))
    out["pi+pi-"] = _finish(x, beta_pi**3 * np.abs(_form_factor(e)) ** 2 / 4.0)
    for res in m.resonances:
        out[res.name] = _finish(x, _r_resonance(e, res, m.radius))

    v_c = _velocity_factor(e, m.thr_charm)
    v_b = _velocity_factor(e, m.thr_bottom)
    a = _alpha_s_eval(e) / np.pi
    nf = 3.0 + v_c + v_b
    k_qcd = 1.0 + a + (m.c2[0] + m.c2[1] * nf) * a**2 + (m.c3[0] + m.c3[1] * nf + m.c3[2] * nf**2) * a**3
    xo = np.clip((e - m.onset_lo) / (m.onset_hi - m.onset_lo), 0.0, 1.0)
    onset = xo**2 * (3.0 - 2.0 * xo)
    out["uds"] = _finish(x, m.n_c * (4.0 / 9.0 + 1.0 / 9.0 + 1.0 / 9.0) * k_qcd * onset)
    out["charm"] = _finish(x, m.n_c * (4.0 / 9.0) * v_c * k_qcd)
    out["bottom"] = _finish(x, m.n_c * (1.0 / 9.0) * v_b * k_qcd)
    return out


def r_ratio(sqrt_s_gev: ArrayLike) -> FloatArray:
    """R(sqrt s) = sigma(e+e- -> hadrons) / sigma_pt(e+e- -> mu+mu-), sqrt(s) in GeV; same shape as the input.

    Exactly 0 below 2 m_pi+; non-negative; vectorised.

    >>> r_ratio([0.1, 3.0, 8.0]).round(2).tolist()
    [0.0, 2.21, 3.53]
    """
    comps = r_components(sqrt_s_gev)
    total = np.zeros_like(next(iter(comps.values())))
    for v in comps.values():
        total = total + v
    return np.asarray(total, dtype=np.float64)


def sigma_hadrons_nb(sqrt_s_gev: ArrayLike) -> FloatArray:
    """sigma(e+e- -> hadrons) = R sigma_pt = R 4 pi alpha^2 / (3 s) in nb (Born level, no ISR).

    >>> round(float(sigma_hadrons_nb(10.52)), 3)
    2.771
    """
    x = np.asarray(sqrt_s_gev, dtype=np.float64)
    r = r_ratio(x)
    s = np.square(np.nan_to_num(x, nan=1.0))
    pt = np.divide(4.0 * np.pi * ALPHA_EM**2 / 3.0, s, out=np.zeros_like(s), where=s > 0.0)
    return np.asarray(r * pt * _GEV2_TO_NB, dtype=np.float64).reshape(x.shape)
