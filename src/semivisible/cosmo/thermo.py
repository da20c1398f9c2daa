r"""Effective numbers of relativistic degrees of freedom of the Standard Model, g_eff(T) and h_eff(T).

Definitions (energy density rho, entropy density s of the plasma at photon temperature T)::

    rho = (pi^2/30) g_eff(T) T^4,        s = (2 pi^2/45) h_eff(T) T^3,
    g_*^(1/2)(T) = h_eff / sqrt(g_eff) (1 + (1/3) d ln h_eff / d ln T)

(the last is the combination that enters the freeze-out equation: Gondolo and Gelmini, Nucl. Phys. B 360
(1991) 145, Eq. (3.9) context; Edsjo and Gondolo, PRD 56, 1879 (1997), Eq. (2.3)).

Method (no tabulated input: everything is computed from the particle content)
-------------------------------------------------------------------------------
Each species i of mass m_i and internal degrees of freedom g_i is an ideal Bose or Fermi gas. With
z = m/T, the energy and entropy contributions are the exact Bessel series (e.g. Husdal, Galaxies 4 (2016)
78, arXiv:1609.04979, Eqs. (2.6)-(2.10) in integral form)::

    g_rho,i = g_i (15/pi^4) sum_n (+-1)^(n+1) [3 z^2 K_2(n z)/n^2 + z^3 K_1(n z)/n]
    h_i     = g_i (45/(4 pi^4)) sum_n (+-1)^(n+1) [4 z^2 K_2(n z)/n^2 + z^3 K_1(n z)/n]

(+ for bosons, alternating for fermions; massless limits 1 and 7/8 per degree of freedom; 80 terms).

Content: photon; e, mu, tau; three neutrino flavours (nu + nu-bar, one helicity: 6 x 7/8); W+-, Z, H
with their pole masses; above the QCD transition the quarks u, d, s, c, b, t (12 each, PDG MS-bar masses,
the top pole mass) and 16 gluons; below it a hadron-resonance gas of the light mesons and baryons
(pi, K, eta, rho, omega, K*, eta', f0, a0, phi, h1, b1, a1, f2, f1, K1; N, Lambda, Sigma, Delta, Xi,
Sigma*; PDG 2024 masses). At T >> m_t: g_eff = h_eff = 106.75.

QCD transition. A smooth switch between the hadron gas and the quark-gluon plasma,
``f(T) = [1 + tanh((T - T_c)/W)]/2`` with T_c = :data:`T_QCD_GEV` = 0.170 GeV and
W = :data:`W_QCD_GEV` = 0.020 GeV: ``g = g_leptons,gamma,EW + f g_QGP + (1 - f) g_HRG`` (same for h).
T_c is inside the lattice crossover range (T_pc ~ 155-160 MeV, Borsanyi et al., Nature 539 (2016) 69,
arXiv:1606.07494); the width W is twice the "10-20 MeV" often used because the lattice crossover is
broad (the free QGP overestimates g at 250-300 MeV). Accuracy against the lattice-based tables of
Borsanyi et al. (Table S2) and Saikawa & Shirai (arXiv:1803.01038): a few per cent outside 0.1-1 GeV,
<~ 15 % across the transition (see the tests). The plasma carries the leading O(alpha_s) pressure correction
(Kapusta and Gale, "Finite-temperature field theory", 2nd ed., Eq. (8.54)): every gluon degree of freedom is
multiplied by (1 - 15 alpha_s/(4 pi)) and every quark one by (1 - 50 alpha_s/(21 pi)), with
alpha_s(mu = 2 pi T) from :func:`semivisible.model.hadrons.alpha_s`; the entropy gets the same factors
(d alpha_s/dT neglected). Without it the free plasma is ~30 % above the lattice at 250-300 MeV; with it the
model is 2-10 % below the lattice tables at 1 GeV-1 TeV (g_eff(10 TeV) = 102.1, the free-gas 106.75 is
:func:`tabulate` with ``qcd_corrections=False``). Drees, Hajkarim, Schmitz (arXiv:1503.03513) and Husdal
(arXiv:1609.04979) discuss the same physics.

Neutrino decoupling. Neutrinos are taken to decouple instantaneously while e+- are still relativistic,
so that entropy conservation in the photon-electron plasma gives
``(T_nu/T)^3 = h_gamma,e(T) / (11/2)`` at every T: T_nu = T for T >> m_e and T_nu = (4/11)^(1/3) T after
e+e- annihilation. Hence g_eff -> 2 + 6 (7/8)(4/11)^(4/3) = 3.363 and h_eff -> 2 + 6 (7/8)(4/11) = 3.909
at T << m_e. (The non-instantaneous decoupling, N_eff = 3.044, is neglected: a 0.4 % effect on g_eff.)

The functions are tabulated once on a log grid (1e-7 to 1e5 GeV, 40 points per decade) at first use and
interpolated with cubic splines in (ln T, ln g); d ln h / d ln T is the spline derivative. Outside the
grid the end values are held.

Examples
--------
>>> round(float(g_eff(1e-5)), 2), round(float(h_eff(1e-5)), 2)
(3.36, 3.91)
>>> round(float(g_eff(0.01)), 1)
10.8
>>> round(float(g_eff(1e4)), 1)   # 106.75 less the O(alpha_s) plasma correction
102.1
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.interpolate import CubicSpline
from scipy.special import kv

from semivisible.model.constants import M_E_GEV, M_MU_GEV, M_PI0_GEV, M_PI_CHARGED_GEV, M_TAU_GEV
from semivisible.model.hadrons import alpha_s

__all__ = [
    "T_QCD_GEV",
    "W_QCD_GEV",
    "Species",
    "dlnh_dlnt",
    "g_eff",
    "g_star_sqrt",
    "h_eff",
    "qgp_fraction",
    "species_dof",
    "tabulate",
]

FloatArray = NDArray[np.float64]

#: Centre of the tanh switch hadron gas -> quark-gluon plasma (GeV).
T_QCD_GEV: float = 0.170
#: Width of the tanh switch (GeV).
W_QCD_GEV: float = 0.020

_N_TERMS = 80
_LOG10_T_MIN = -7.0
_LOG10_T_MAX = 5.0
_PER_DECADE = 40


@dataclass(frozen=True, slots=True)
class Species:
    """One ideal-gas species: mass (GeV), internal degrees of freedom, statistics and phase.

    ``phase`` is ``"all"`` (always present), ``"qgp"`` (quarks, gluons) or ``"hrg"`` (hadrons).
    """

    name: str
    mass: float
    dof: float
    fermion: bool
    phase: str = "all"


# Masses: PDG 2024 (quark masses MS-bar at 2 GeV for u, d, s; m_q(m_q) for c, b; top pole mass).
_SPECIES: tuple[Species, ...] = (
    Species("photon", 0.0, 2, False),
    Species("e", M_E_GEV, 4, True),
    Species("mu", M_MU_GEV, 4, True),
    Species("tau", M_TAU_GEV, 4, True),
    Species("W", 80.3692, 6, False),
    Species("Z", 91.1880, 3, False),
    Species("H", 125.20, 1, False),
    Species("u", 2.16e-3, 12, True, "qgp"),
    Species("d", 4.70e-3, 12, True, "qgp"),
    Species("s", 93.5e-3, 12, True, "qgp"),
    Species("c", 1.2730, 12, True, "qgp"),
    Species("b", 4.183, 12, True, "qgp"),
    Species("t", 172.57, 12, True, "qgp"),
    Species("gluon", 0.0, 16, False, "qgp"),
    Species("pi+-", M_PI_CHARGED_GEV, 2, False, "hrg"),
    Species("pi0", M_PI0_GEV, 1, False, "hrg"),
    Species("K+-", 0.493677, 2, False, "hrg"),
    Species("K0", 0.497611, 2, False, "hrg"),
    Species("eta", 0.547862, 1, False, "hrg"),
    Species("rho", 0.77526, 9, False, "hrg"),
    Species("omega", 0.78266, 3, False, "hrg"),
    Species("K*(892)", 0.8917, 12, False, "hrg"),
    Species("eta'", 0.95778, 1, False, "hrg"),
    Species("f0(980)", 0.990, 1, False, "hrg"),
    Species("a0(980)", 0.980, 3, False, "hrg"),
    Species("phi", 1.019461, 3, False, "hrg"),
    Species("h1(1170)", 1.166, 3, False, "hrg"),
    Species("b1(1235)", 1.2295, 9, False, "hrg"),
    Species("a1(1260)", 1.230, 9, False, "hrg"),
    Species("K1(1270)", 1.253, 12, False, "hrg"),
    Species("f2(1270)", 1.2754, 5, False, "hrg"),
    Species("f1(1285)", 1.2818, 3, False, "hrg"),
    Species("K1(1400)", 1.403, 12, False, "hrg"),
    Species("N", 0.9389, 8, True, "hrg"),
    Species("Lambda", 1.115683, 4, True, "hrg"),
    Species("Sigma", 1.1932, 12, True, "hrg"),
    Species("Delta(1232)", 1.232, 32, True, "hrg"),
    Species("Xi", 1.3183, 8, True, "hrg"),
    Species("Sigma(1385)", 1.3850, 24, True, "hrg"),
)

#: Three neutrino flavours, nu and nu-bar with one helicity each.
_NEUTRINO_DOF = 6.0


def species_dof(mass: float, temperature: ArrayLike, fermion: bool) -> tuple[FloatArray, FloatArray]:
    """Energy and entropy degrees of freedom (g_rho, h) of ONE internal state of mass ``mass`` at T (GeV).

    Exact Bessel series (module docstring); massless limits 1 (boson) and 7/8 (fermion).

    >>> g, h = species_dof(0.0, 1.0, fermion=True)
    >>> float(g), float(h)
    (0.875, 0.875)
    >>> g, h = species_dof(10.0, 0.1, fermion=False)
    >>> float(g) < 1e-30
    True
    """
    t = np.asarray(temperature, dtype=np.float64)
    if mass == 0.0:
        one = np.full_like(t, 7.0 / 8.0 if fermion else 1.0)
        return one, one.copy()
    z_all = np.broadcast_to(mass / t, t.shape).ravel()
    g_rho = np.zeros_like(z_all)
    h = np.zeros_like(z_all)
    live = z_all < 300.0  # beyond, the contribution is < e^-300: exactly 0 in double precision sums
    if np.any(live):
        z = z_all[live][:, None]
        n = np.arange(1, _N_TERMS + 1, dtype=np.float64)
        sign = np.where(n % 2 == 1, 1.0, -1.0) if fermion else np.ones_like(n)
        nz = n * z
        # Terms beyond n z > z + 40 are below e^-40 of the first one: skip their Bessel functions.
        keep = nz < z + 40.0
        k1 = np.zeros_like(nz)
        k2 = np.zeros_like(nz)
        k1[keep] = kv(1, nz[keep])
        k2[keep] = kv(2, nz[keep])
        a = z**2 * k2 / n**2
        b = z**3 * k1 / n
        g_rho[live] = 15.0 / math.pi**4 * np.sum(sign * (3.0 * a + b), axis=-1)
        h[live] = 45.0 / (4.0 * math.pi**4) * np.sum(sign * (4.0 * a + b), axis=-1)
    return g_rho.reshape(t.shape), h.reshape(t.shape)


def qgp_fraction(temperature: ArrayLike) -> FloatArray:
    """Weight f(T) = [1 + tanh((T - T_c)/W)]/2 of the quark-gluon plasma in the QCD crossover.

    >>> float(qgp_fraction(T_QCD_GEV))
    0.5
    """
    t = np.asarray(temperature, dtype=np.float64)
    return np.asarray(0.5 * (1.0 + np.tanh((t - T_QCD_GEV) / W_QCD_GEV)), dtype=np.float64)


def tabulate(temperature: ArrayLike, qcd_corrections: bool = True) -> tuple[FloatArray, FloatArray]:
    """g_eff and h_eff computed directly at the given temperatures (GeV), without the cached spline.

    ``qcd_corrections=False`` gives the free (Stefan-Boltzmann) quark-gluon plasma, whose high-T limit is
    the textbook 106.75.

    >>> g, h = tabulate([1e4], qcd_corrections=False)
    >>> round(float(g[0]), 2)
    106.75
    """
    t = np.atleast_1d(np.asarray(temperature, dtype=np.float64))
    parts = {ph: (np.zeros_like(t), np.zeros_like(t)) for ph in ("all", "qgp", "hrg")}
    h_gamma_e = np.zeros_like(t)
    a_s = alpha_s(2.0 * math.pi * t) if qcd_corrections else np.zeros_like(t)
    for sp in _SPECIES:
        g1, h1 = species_dof(sp.mass, t, sp.fermion)
        if sp.phase == "qgp":  # O(alpha_s) pressure correction of the plasma, mu = 2 pi T
            corr = 1.0 - (15.0 / (4.0 * math.pi) if sp.name == "gluon" else 50.0 / (21.0 * math.pi)) * a_s
            g1, h1 = g1 * corr, h1 * corr
        g_acc, h_acc = parts[sp.phase]
        g_acc += sp.dof * g1
        h_acc += sp.dof * h1
        if sp.name in ("photon", "e"):
            h_gamma_e += sp.dof * h1
    # Instantaneous neutrino decoupling with relativistic e+-: (T_nu/T)^3 = h_(gamma,e)(T) / (11/2).
    r3 = h_gamma_e / 5.5
    g_nu = _NEUTRINO_DOF * 7.0 / 8.0 * r3 ** (4.0 / 3.0)
    h_nu = _NEUTRINO_DOF * 7.0 / 8.0 * r3
    f = qgp_fraction(t)
    g = parts["all"][0] + g_nu + f * parts["qgp"][0] + (1.0 - f) * parts["hrg"][0]
    h = parts["all"][1] + h_nu + f * parts["qgp"][1] + (1.0 - f) * parts["hrg"][1]
    return np.asarray(g, dtype=np.float64), np.asarray(h, dtype=np.float64)


@functools.cache
def _splines() -> tuple[CubicSpline, CubicSpline, float, float]:
    n = int((_LOG10_T_MAX - _LOG10_T_MIN) * _PER_DECADE) + 1
    log_t = np.linspace(_LOG10_T_MIN, _LOG10_T_MAX, n) * math.log(10.0)
    g, h = tabulate(np.exp(log_t))
    return CubicSpline(log_t, np.log(g)), CubicSpline(log_t, np.log(h)), float(log_t[0]), float(log_t[-1])


def _log_t(temperature: ArrayLike) -> tuple[FloatArray, CubicSpline, CubicSpline]:
    t = np.asarray(temperature, dtype=np.float64)
    if np.any(~(t > 0.0)):
        from semivisible.errors import ParameterError

        raise ParameterError("temperature", temperature, "T > 0 (GeV)")
    sg, sh, lo, hi = _splines()
    return np.asarray(np.clip(np.log(t), lo, hi), dtype=np.float64), sg, sh


def g_eff(temperature: ArrayLike) -> FloatArray:
    """Energy-density degrees of freedom g_eff(T), T in GeV: rho = (pi^2/30) g_eff T^4.

    >>> 50.0 < float(g_eff(0.4)) < 60.0   # lattice (Borsanyi et al. 2016): ~57
    True
    """
    lt, sg, _ = _log_t(temperature)
    return np.asarray(np.exp(sg(lt)), dtype=np.float64)


def h_eff(temperature: ArrayLike) -> FloatArray:
    """Entropy degrees of freedom h_eff(T), T in GeV: s = (2 pi^2/45) h_eff T^3.

    >>> round(float(h_eff(0.01)), 1)
    10.8
    """
    lt, _, sh = _log_t(temperature)
    return np.asarray(np.exp(sh(lt)), dtype=np.float64)


def dlnh_dlnt(temperature: ArrayLike) -> FloatArray:
    """d ln h_eff / d ln T (spline derivative; 0 outside the tabulated range).

    >>> abs(float(dlnh_dlnt(1e3))) < 0.05
    True
    """
    t = np.asarray(temperature, dtype=np.float64)
    lt, _, sh = _log_t(t)
    _, _, lo, hi = _splines()
    inside = (np.log(t) > lo) & (np.log(t) < hi)
    return np.asarray(np.where(inside, sh(lt, 1), 0.0), dtype=np.float64)


def g_star_sqrt(temperature: ArrayLike) -> FloatArray:
    """g_*^(1/2) = h_eff / sqrt(g_eff) (1 + (1/3) d ln h_eff / d ln T) (Gondolo-Gelmini 1991).

    >>> round(float(g_star_sqrt(0.01)), 2)  # ~ sqrt(10.75)
    3.29
    """
    h = h_eff(temperature)
    return np.asarray(h / np.sqrt(g_eff(temperature)) * (1.0 + dlnh_dlnt(temperature) / 3.0), dtype=np.float64)
