r"""Exact-tree-level (ETL) dark bremsstrahlung e- N -> e- N A' on a screened atom, and its shipped table.

Physics
-------
Gninenko, Kirpichnikov, Kirsanov, Krasnikov, PLB 782 (2018) 406, arXiv:1712.05706 (Eqs. 4-9); Liu & Miller,
PRD 96, 016004 (2017), arXiv:1705.01633 (Sec. II and App. A). The full 2 -> 3 tree-level amplitude, both
diagrams (A' radiated by the incoming or by the outgoing electron), one-photon exchange with the atom treated
as a heavy spin-0 target of mass M = A u whose charge form factor squared is Tsai's G2(t) = G2_el(t) +
G2_inel(t) (BEST arXiv:0906.0580 Eqs. A18-A19, as in arXiv:1712.05706 Eq. 9; the inelastic term is used in
the same exact kinematics as the elastic one, as in the public reference kjkellyphys/PETITE). The electron
mass and the nuclear recoil are kept everywhere; no Weizsaecker-Williams approximation is made.

With p (e in), p' (e out), k (A'), P_i, P_f (atom), q = P_i - P_f, t = -q^2 > 0, P = P_i + P_f,

    T^nu = ubar(p') [ gamma^nu (p'+k+m_e) Pslash / s~ + Pslash (p-k+m_e) gamma^nu / u~ ] u(p),
    s~ = (p'+k)^2 - m_e^2,   u~ = (p-k)^2 - m_e^2,
    Sigma = -g_{nu nu'} Tr[(p'+m_e) T^nu (p+m_e) Tbar^nu'] = (c3 s~^3 + c2 s~^2 + c1 s~ + c0) / (s~^2 u~^2)

(our own trace; the coefficients c_n are in :func:`_trace_coefficients`; half of it is the spin average of
arXiv:1705.01633 App. A as coded in PETITE, checked numerically). In the lab frame, at fixed x = E_A'/E0,
A' angle theta and t, the azimuth phi of q about V = p - k enters only through s~ = a + b cos(phi), so the phi
average is analytic: <s~> = a, <1/s~> = 1/sqrt(a^2-b^2), <1/s~^2> = a/(a^2-b^2)^(3/2). The cross section per
atom is

    d sigma / (dx dcos(theta) dt) = alpha^3 eps^2 G2(t)/t^2 * <Sigma> * |k| E0 / (16 M^2 |p| |V|)    (GeV^-4)

with t between the two roots t_-(x, theta), t_+(x, theta) of the recoil kinematics (cos(theta_q) in [-1, 1]).
The (theta, t) integral is a composite Gauss-Legendre product rule (96 x 96 nodes) in (ln(1 - cos theta), ln t):
1 - cos(theta) from 2 down to e^-12 times its peak value (theta_c^2/2, theta_c^2 = (m^2 (1-x)/x + m_e^2 x)/(x E0^2)),
t from max(t_-, 1e-6/a^2) (deep inside the screening, where the integrand vanishes like t^2) to min(t_+, 10 GeV^2).
The x integral (totals) is Gauss-Legendre in the reduced coordinate of :func:`x_of_xi`.

Units: GeV, cross sections per atom in pb for eps = 1 (they scale as eps^2).

Examples
--------
>>> s = sigma_etl_exact(0.0167, 150.0, "Pb") * 1e-8   # eps = 1e-4; DMG4 quotes 3643 pb (DarkPhotons.cc)
>>> 3500 < s < 3800
True
>>> tab = load_etl_table("Pb")
>>> round(float(tab.sigma(0.0167, 150.0)) / sigma_etl_exact(0.0167, 150.0), 2)
1.0
"""

from __future__ import annotations

import datetime
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible._version import __version__
from semivisible.errors import ParameterError
from semivisible.model.constants import ALPHA_EM, M_E_GEV
from semivisible.production.form_factors import (
    chi_elastic_closed_form,
    g2_elastic,
    g2_inelastic,
    screening_a_elastic,
    screening_a_inelastic,
)
from semivisible.production.materials import get_material

__all__ = [
    "GEV2_TO_PB",
    "EtlTable",
    "available_targets",
    "dsigma_dx_etl_exact",
    "load_etl_table",
    "sigma_etl_exact",
    "x_of_xi",
    "x_range",
    "xi_of_x",
]

FloatArray = NDArray[np.float64]

#: Conversion (hbar c)^2: 1 GeV^-2 = 0.3893793721 mb = 3.893793721e8 pb (PDG 2024).
GEV2_TO_PB = 0.3893793721e9
#: Atomic mass unit in GeV (CODATA 2018); the target mass is M = A u.
AMU_GEV = 0.93149410242
#: t above which G2(t)/t^2 is negligible (dipole^8 suppression of G2_inel, (d/t)^2 of G2_el), GeV^2.
T_CAP_GEV2 = 10.0
#: Boundary of the two x segments, in the reduced coordinate xi (see :func:`x_of_xi`).
XI_BREAK = 0.4

# Default quadrature (panels x nodes) of the exact calculation; doubling every rule changes sigma by < 1e-5
# (tests/production/test_etl.py::test_quadrature_converged checks < 1e-4).
_THETA_RULE = (12, 8)
_T_RULE = (12, 8)
_X_RULE = ((4, 8), (8, 8))
# The lower limit of ln(1 - cos theta) sits this many e-folds below the peak (the integrand falls like e^-n).
_THETA_EFOLDS_BELOW = 12.0


@dataclass(frozen=True)
class _Target:
    name: str
    Z: int
    A: float
    M: float


@cache
def _target(name: str) -> _Target:
    mat = get_material(name)
    return _Target(name, mat.Z, mat.A, mat.A * AMU_GEV)


@cache
def _composite_rule(n_panels: int, n_nodes: int) -> tuple[FloatArray, FloatArray]:
    """Composite Gauss-Legendre nodes and weights on [0, 1]."""
    xg, wg = np.polynomial.legendre.leggauss(n_nodes)
    edges = np.linspace(0.0, 1.0, n_panels + 1)
    h = np.diff(edges)
    nodes = (edges[:-1, None] + 0.5 * h[:, None] * (xg[None, :] + 1.0)).ravel()
    weights = (0.5 * h[:, None] * wg[None, :]).ravel()
    return nodes, weights


def x_range(ma: float, energy: float) -> tuple[float, float]:
    """Kinematic range of x = E_A'/E0 used here: x_min = m_A'/E0 (A' at rest), x_max = 1 - m_e/E0.

    The exact upper end is a little lower (nuclear recoil); the cross section vanishes there by itself.

    >>> [round(v, 8) for v in x_range(0.01, 100.0)]
    [0.0001, 0.99999489]
    """
    return ma / energy, 1.0 - M_E_GEV / energy


def _segment_break(ma: float, energy: float) -> tuple[float, float, float]:
    x_lo, x_hi = x_range(ma, energy)
    w_lo, w_hi = 1.0 - x_hi, 1.0 - x_lo
    w_b = max(0.1 * w_hi, float(np.sqrt(w_lo * w_hi)))
    return x_lo, 1.0 - w_b, w_lo


def x_of_xi(ma: float, energy: float, xi: ArrayLike) -> FloatArray:
    r"""Map the reduced coordinate xi in [0, 1] to x (the table's x axis is a grid in xi).

    xi in [0, 0.4]: x = x_min + (x_b - x_min) s^2 with s = xi/0.4 (resolves the sqrt threshold at x_min);
    xi in [0.4, 1]: ln(1 - x) linear from ln(1 - x_b) to ln(m_e/E0) (resolves the x -> 1 peak), where
    1 - x_b = max(0.1 (1 - x_min), sqrt((1 - x_min) m_e/E0)).

    >>> [round(float(v), 6) for v in x_of_xi(0.01, 100.0, [0.0, 0.4, 1.0])]
    [0.0001, 0.90001, 0.999995]
    """
    x_lo, x_b, w_lo = _segment_break(ma, energy)
    xi_a = np.asarray(xi, dtype=np.float64)
    s = np.clip(xi_a / XI_BREAK, 0.0, 1.0)
    r = np.clip((xi_a - XI_BREAK) / (1.0 - XI_BREAK), 0.0, 1.0)
    low = x_lo + (x_b - x_lo) * s**2
    high = 1.0 - np.exp(np.log(1.0 - x_b) + r * (np.log(w_lo) - np.log(1.0 - x_b)))
    return np.asarray(np.where(xi_a <= XI_BREAK, low, high), dtype=np.float64)


def xi_of_x(ma: float, energy: float, x: ArrayLike) -> FloatArray:
    """Inverse of :func:`x_of_xi` (clipped to [0, 1]).

    >>> round(float(xi_of_x(0.01, 100.0, x_of_xi(0.01, 100.0, 0.7))), 12)
    0.7
    """
    x_lo, x_b, w_lo = _segment_break(ma, energy)
    xa = np.clip(np.asarray(x, dtype=np.float64), x_lo, 1.0 - w_lo)
    s = np.sqrt(np.clip((xa - x_lo) / (x_b - x_lo), 0.0, 1.0))
    w = np.maximum(1.0 - xa, w_lo)
    r = (np.log(w) - np.log(1.0 - x_b)) / (np.log(w_lo) - np.log(1.0 - x_b))
    return np.asarray(np.where(xa <= x_b, XI_BREAK * s, XI_BREAK + (1.0 - XI_BREAK) * r), dtype=np.float64)


def _dx_dxi(ma: float, energy: float, xi: FloatArray) -> FloatArray:
    x_lo, x_b, w_lo = _segment_break(ma, energy)
    s = np.clip(xi / XI_BREAK, 0.0, 1.0)
    low = (x_b - x_lo) * 2.0 * s / XI_BREAK
    slope = (np.log(w_lo) - np.log(1.0 - x_b)) / (1.0 - XI_BREAK)
    high = -(1.0 - x_of_xi(ma, energy, xi)) * slope
    return np.asarray(np.where(xi <= XI_BREAK, low, high), dtype=np.float64)


# --------------------------------------------------------------------------------------------------------------
# The squared amplitude
# --------------------------------------------------------------------------------------------------------------


def _trace_coefficients(
    E: float, w: FloatArray, t: FloatArray, ut: FloatArray, ma: float, M: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Coefficients c3..c0 of Sigma = (c3 s~^3 + c2 s~^2 + c1 s~ + c0)/(s~^2 u~^2), w = x E0 (our own trace).

    Dot products used: p.k = (m^2 - u~)/2, p'.k = (s~ - m^2)/2, p.q = (s~ + t)/2, p'.q = -(u~ + t)/2,
    P_i.p = M E0, P_i.k = M w, P.q = 0, P^2 = 4M^2 + t.
    """
    me2 = M_E_GEV**2
    m2 = ma * ma
    mm = m2 + 2.0 * me2
    e_w = E - w
    c3 = 16.0 * M * M * ut
    c2 = 16.0 * M * M * (mm * (t - 4.0 * e_w**2) + 2.0 * t * ut) + 32.0 * M * t * (e_w * mm + E * ut)
    c1 = (
        16.0 * M * M * ut * (-8.0 * E * e_w * (mm + t) + t * (2.0 * t + 2.0 * ut - 2.0 * m2 + 4.0 * me2 - 4.0 * w * w))
        + 16.0 * M * M * ut**3
        - 32.0 * M * t * ut * (-(2.0 * E - w) * (mm + t) + ut * e_w)
        - 16.0 * t * t * ut * (m2 - ut)
    )
    c0 = 16.0 * M * ut * ut * mm * (2.0 * E * t + M * (t - 4.0 * E * E))
    return c3, c2, c1, c0


def _dsigma_dx_dcos_dt(
    ma: float, energy: float, x: FloatArray, c1m: FloatArray, t: FloatArray, target: _Target
) -> FloatArray:
    """d sigma/(dx dcos(theta) dt) in GeV^-4 (eps = 1) at the broadcast points (x, 1 - cos(theta), t); 0 outside.

    Low-level form of the module formula (arXiv:1705.01633 App. A with our trace). Requires the kinematic
    quantities to be computed without cancellations: u~ from E0 w - |p||k| = (E0^2 m^2 + m_e^2 (w^2 - m^2))/
    (E0 w + |p||k|), and |V|^2 = (|p| - |k|)^2 + 2|p||k|(1 - cos theta).
    """
    E = energy
    M = target.M
    me2 = M_E_GEV**2
    w = x * E
    p = np.sqrt(E * E - me2)
    k = np.sqrt(np.maximum(w * w - ma * ma, 0.0))
    cos = 1.0 - c1m
    sin = np.sqrt(np.maximum(c1m * (2.0 - c1m), 0.0))
    pk_dot = (E * E * ma * ma + me2 * (w * w - ma * ma)) / (E * w + p * k) + p * k * c1m
    ut = ma * ma - 2.0 * pk_dot
    V2 = (p - k) ** 2 + 2.0 * p * k * c1m
    V = np.sqrt(V2)
    c = 1.0 + E * (1.0 - x) / M
    q_cos = (ut - c * t) / (2.0 * V)  # |q| cos(theta_q)
    q_sin2 = t + t * t / (4.0 * M * M) - q_cos**2
    ok = q_sin2 > 0.0
    q_sin = np.sqrt(np.where(ok, q_sin2, 0.0))
    a = -t * w / M - (ut - c * t) * k * (p * cos - k) / V2 - ut
    b = 2.0 * q_sin * p * k * sin / V
    am, ap = a - b, a + b
    ok &= am > 0.0
    W = np.where(ok, am * ap, 1.0)
    c3, c2, c1, c0 = _trace_coefficients(E, w, t, ut, ma, M)
    sqw = np.sqrt(W)
    sig = (c3 * a + c2 + c1 / sqw + c0 * a / (W * sqw)) / (ut * ut)
    g2 = g2_elastic(t, target.Z, target.A) + g2_inelastic(t, target.Z)
    out = ALPHA_EM**3 * g2 / (t * t) * sig * k * E / (16.0 * M * M * p * V)
    return np.asarray(np.where(ok, np.maximum(out, 0.0), 0.0), dtype=np.float64)


def _t_limits(
    ma: float, energy: float, x: FloatArray, c1m: FloatArray, target: _Target
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_]]:
    """Roots t_-, t_+ of (u~ - c t)^2 = 4|V|^2 (t + t^2/4M^2), i.e. |cos(theta_q)| = 1, and their validity."""
    E = energy
    M = target.M
    me2 = M_E_GEV**2
    w = x * E
    p = np.sqrt(E * E - me2)
    k = np.sqrt(np.maximum(w * w - ma * ma, 0.0))
    pk_dot = (E * E * ma * ma + me2 * (w * w - ma * ma)) / (E * w + p * k) + p * k * c1m
    ut = ma * ma - 2.0 * pk_dot
    V2 = (p - k) ** 2 + 2.0 * p * k * c1m
    V = np.sqrt(V2)
    c = 1.0 + E * (1.0 - x) / M
    quad_a = 1.0 + 2.0 * E * (1.0 - x) / M + (ut + me2) / (M * M)  # c^2 - V^2/M^2 without cancellation
    minus_b = 2.0 * ut * c + 4.0 * V2
    disc = 4.0 * V2 + 4.0 * c * ut + ut * ut / (M * M)
    valid = (disc > 0.0) & (minus_b > 0.0) & (quad_a > 0.0)
    t_plus = np.where(valid, (minus_b + 2.0 * V * np.sqrt(np.where(valid, disc, 0.0))) / (2.0 * quad_a), 0.0)
    t_minus = np.where(valid, ut * ut / (quad_a * np.where(valid, t_plus, 1.0)), 0.0)
    return t_minus, t_plus, valid


def _dsigma_dx_gev(
    ma: float,
    energy: float,
    x: FloatArray,
    target: _Target,
    theta_rule: tuple[int, int] = _THETA_RULE,
    t_rule: tuple[int, int] = _T_RULE,
    chunk: int = 8,
) -> FloatArray:
    """d sigma/dx in GeV^-2 (eps = 1) by the (ln(1 - cos theta), ln t) product Gauss rule; vectorised over x."""
    ut_th, wt_th = _composite_rule(*theta_rule)
    ut_t, wt_t = _composite_rule(*t_rule)
    t_floor = 1e-6 * min(
        float(screening_a_elastic(target.Z)) ** -2,
        float(screening_a_inelastic(target.Z)) ** -2,
    )
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    x_lo, x_hi = x_range(ma, energy)
    inside = (x > x_lo) & (x < x_hi)
    idx = np.flatnonzero(inside)
    for start in range(0, idx.size, chunk):
        sel = idx[start : start + chunk]
        xs = x[sel][:, None]
        theta_c2 = (ma * ma * (1.0 - xs) / xs + M_E_GEV**2 * xs) / (energy * energy * xs)
        hi = np.log(2.0)
        lo = np.minimum(np.log(0.5 * theta_c2) - _THETA_EFOLDS_BELOW, hi - _THETA_EFOLDS_BELOW)
        ln_c1m = lo + (hi - lo) * ut_th[None, :]
        c1m = np.exp(ln_c1m)
        w_c1m = (hi - lo) * wt_th[None, :] * c1m  # dcos(theta) = c1m dln(c1m)
        t_minus, t_plus, valid = _t_limits(ma, energy, xs, c1m, target)
        t_lo = np.maximum(t_minus, t_floor)
        t_hi = np.minimum(t_plus, T_CAP_GEV2)
        valid &= t_hi > t_lo
        ln_lo = np.log(np.where(valid, t_lo, 1.0))
        ln_hi = np.log(np.where(valid, t_hi, 1.0))
        span = (ln_hi - ln_lo)[..., None]
        t = np.exp(ln_lo[..., None] + span * ut_t)
        w_t = span * wt_t * t
        dens = _dsigma_dx_dcos_dt(ma, energy, xs[..., None], c1m[..., None], t, target)
        inner = np.sum(dens * w_t, axis=-1)
        out[sel] = np.sum(np.where(valid, inner, 0.0) * w_c1m, axis=-1)
    return out


def _check_target(target: str) -> _Target:
    """The target's Z, A and mass; ``ParameterError("target", ...)`` for an unknown material."""
    return _target(target)


def dsigma_dx_etl_exact(ma: float, energy: float, x: ArrayLike, target: str = "Pb") -> FloatArray:
    r"""Exact-tree-level d sigma/dx of e- N -> e- N A' per atom, in pb for eps = 1 (slow, direct integration).

    d sigma/dx = Int dcos(theta) Int_{t_-}^{t_+} dt  alpha^3 G2(t)/t^2 <Sigma> |k| E0 / (16 M^2 |p| |V|)
    (arXiv:1712.05706 Eqs. 4-9, arXiv:1705.01633 App. A; see the module docstring). Zero outside
    x_min < x < x_max (:func:`x_range`).

    Args:
        ma: A' mass in GeV (> 0).
        energy: electron energy E0 in GeV (> ma + m_e).
        x: A' energy fraction(s) E_A'/E0.
        target: a material name (``get_material``).

    >>> v = dsigma_dx_etl_exact(0.1, 100.0, [0.5, 0.99])
    >>> bool(v[1] > v[0] > 0)
    True
    """
    tgt = _check_target(target)
    _check_scalar("ma", ma, "ma > 0", ma > 0.0)
    _check_scalar("energy", energy, f"energy > ma + m_e = {ma + M_E_GEV:g} GeV", energy > ma + M_E_GEV)
    xa = np.asarray(x, dtype=np.float64)
    flat = np.atleast_1d(xa).ravel()
    res = _dsigma_dx_gev(ma, energy, flat, tgt) * GEV2_TO_PB
    return np.asarray(res.reshape(xa.shape), dtype=np.float64)


def _check_scalar(name: str, value: float, allowed: str, ok: bool) -> None:
    if not (np.isfinite(value) and ok):
        raise ParameterError(name, value, allowed)


def _x_quadrature(
    ma: float, energy: float, x_cut: float = 0.0, rule: tuple[tuple[int, int], tuple[int, int]] = _X_RULE
) -> tuple[FloatArray, FloatArray]:
    """Nodes and weights in x for Int_{max(x_cut, x_min)}^{x_max} dx (Gauss in xi on the two segments)."""
    xi_cut = float(xi_of_x(ma, energy, x_cut)) if x_cut > ma / energy else 0.0
    nodes: list[FloatArray] = []
    weights: list[FloatArray] = []
    for (a, b), (n_p, n_n) in zip(((0.0, XI_BREAK), (XI_BREAK, 1.0)), rule, strict=True):
        lo = max(a, xi_cut)
        if lo >= b:
            continue
        u, wu = _composite_rule(n_p, n_n)
        xi = lo + (b - lo) * u
        nodes.append(x_of_xi(ma, energy, xi))
        weights.append((b - lo) * wu * _dx_dxi(ma, energy, xi))
    if not nodes:
        return np.zeros(0), np.zeros(0)
    return np.concatenate(nodes), np.concatenate(weights)


def sigma_etl_exact(ma: float, energy: float, target: str = "Pb", x_min: float | None = None) -> float:
    r"""Exact-tree-level total cross section per atom, in pb for eps = 1: Int_{x_lo}^{x_max} dx d sigma/dx.

    x_lo = max(x_min, m_A'/E0) (``x_min=None`` means the kinematic minimum m_A'/E0); x_max = 1 - m_e/E0.
    Gauss-Legendre in the reduced coordinate xi (:func:`x_of_xi`), 96 x nodes, on top of
    :func:`dsigma_dx_etl_exact` (arXiv:1712.05706 Eq. 4; takes about a second).

    >>> s_all, s_cut = sigma_etl_exact(0.1, 100.0), sigma_etl_exact(0.1, 100.0, x_min=0.5)
    >>> bool(0.9 < s_cut / s_all < 1.0)
    True
    """
    tgt = _check_target(target)
    _check_scalar("ma", ma, "ma > 0", ma > 0.0)
    _check_scalar("energy", energy, f"energy > ma + m_e = {ma + M_E_GEV:g} GeV", energy > ma + M_E_GEV)
    xs, ws = _x_quadrature(ma, energy, 0.0 if x_min is None else float(x_min))
    if xs.size == 0:
        return 0.0
    return float(np.sum(_dsigma_dx_gev(ma, energy, xs, tgt) * ws) * GEV2_TO_PB)


def _sigma_iww_dmg4(ma: float, energy: float, target: str = "Pb") -> float:
    r"""DMG4's analytic IWW total cross section in pb for eps = 1 (``DarkPhotons::TotalCrossSectionCalc``).

    sigma_IWW = (4/3) alpha^3 chi beta ln(1/delta^2)/m^2, delta = max(m_e/m, m/E0), beta = sqrt(1 - m^2/E0^2),
    chi = elastic-only closed form (DMG4 has no inelastic term here) with t_min = m^4/(4E0^2), t_max = m^2
    (arXiv:2101.12192; PKMuon/DMG4 src/DarkMatter/DarkPhotons.cc). DMG4 divides this by its K table.
    We use alpha = 1/137.036 (DMG4: 1/137, which gives 4189 pb below); K ratios do not depend on it.

    >>> round(_sigma_iww_dmg4(0.0167, 150.0) * 1e-8)  # pb at eps = 1e-4
    4185
    """
    tgt = _target(target)
    chi_el = float(chi_elastic_closed_form(ma**4 / (4.0 * energy**2), ma**2, tgt.Z, tgt.A))
    beta = np.sqrt(1.0 - ma**2 / energy**2)
    delta = max(M_E_GEV / ma, ma / energy)
    return float(GEV2_TO_PB * (4.0 / 3.0) * ALPHA_EM**3 * chi_el * beta * np.log(1.0 / delta**2) / ma**2)


# --------------------------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------------------------


def _xi_axis(n_xi: int) -> FloatArray:
    """Uniform-per-segment xi axis with a node on the segment break XI_BREAK (n_xi >= 5)."""
    n_a = max(2, round(XI_BREAK * (n_xi - 1)) + 1)
    n_b = max(2, n_xi - n_a + 1)
    return np.concatenate([np.linspace(0.0, XI_BREAK, n_a), np.linspace(XI_BREAK, 1.0, n_b)[1:]])


def _hermite_slopes(xi: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """PCHIP (Fritsch-Carlson; monotone, no overshoot) node slopes along the last axis, per x segment.

    Returns (slope used at the start of the interval beginning at a node, slope used at the end of the interval
    ending at it); they differ only at the segment break, where d sigma/dx(xi) has a kink (the two maps x(xi)
    join with different dx/dxi).
    """
    from scipy.interpolate import PchipInterpolator

    kb = int(np.argmin(np.abs(xi - XI_BREAK)))
    d_a = np.asarray(PchipInterpolator(xi[: kb + 1], y[..., : kb + 1], axis=-1).derivative()(xi[: kb + 1]))
    d_b = np.asarray(PchipInterpolator(xi[kb:], y[..., kb:], axis=-1).derivative()(xi[kb:]))
    start = np.concatenate([d_a[..., :kb], d_b], axis=-1).astype(np.float64)
    end = np.concatenate([d_a, d_b[..., 1:]], axis=-1).astype(np.float64)
    return start, end


def _cubic_stencil(axis: FloatArray, v: FloatArray) -> tuple[NDArray[np.intp], FloatArray, FloatArray]:
    """4-point stencil start index, cubic Lagrange weights and linear weights (on the inner pair) along an axis.

    The coordinate is ln(value); at the axis ends the stencil is shifted inwards (still cubic).
    """
    la = np.log(axis)
    lv = np.log(v)
    i = np.clip(np.searchsorted(la, lv, side="right") - 1, 0, la.size - 2)
    start = np.clip(i - 1, 0, la.size - 4)
    nodes = la[start[..., None] + np.arange(4)]
    lag = np.ones(nodes.shape)
    for a in range(4):
        for b in range(4):
            if a != b:
                lag[..., a] *= (lv - nodes[..., b]) / (nodes[..., a] - nodes[..., b])
    f = np.clip((lv - la[i]) / (la[i + 1] - la[i]), 0.0, 1.0)
    lin = np.zeros(nodes.shape)
    pos = (i - start)[..., None] == np.arange(4)
    lin = np.where(pos, (1.0 - f)[..., None], lin)
    pos1 = (i + 1 - start)[..., None] == np.arange(4)
    lin = np.where(pos1, f[..., None], lin)
    return start, lag, lin


@dataclass(frozen=True)
class EtlTable:
    r"""Tabulated exact-tree-level d sigma/dx on a (log m_A', log E0, xi) grid, per atom, pb for eps = 1.

    The third axis ``xi`` is the reduced energy fraction of :func:`x_of_xi` (0 at x = m_A'/E0, 1 at
    x = 1 - m_e/E0; dense near x -> 1 on a log(1 - x) scale), so that every (m_A', E0) node resolves its own
    threshold and x -> 1 peak. Interpolation: PCHIP in xi (separately on the two x segments) at each of the
    4 x 4 (m_A', E0) nodes around the query, taken at the query's xi, then bicubic Lagrange in (ln m_A', ln E0)
    of ln(d sigma/dx) (bilinear near the threshold, where a node value is 0). ``sigma`` integrates that
    interpolant with 96 Gauss nodes in xi. Accuracy against :func:`sigma_etl_exact` at off-grid points
    (tests/production/test_etl.py and the build notes): totals within 0.5% and d sigma/dx within 1% (x < 0.999)
    for E0 >= 3 m_A'; within ~1-3% for 2 m_A' < E0 < 3 m_A'; unreliable (tens of %) for E0 < 2 m_A', next to
    the threshold E0 = m_A' + m_e, where the grid cannot resolve the steep rise.

    Attributes:
        ma_gev, energy_gev, xi: grid axes (GeV, GeV, dimensionless).
        dsigma_dx_pb: d sigma/dx at (ma, energy, x_of_xi(ma, energy, xi)), shape (n_ma, n_E, n_xi).
        sigma_pb: total sigma (x from m_A'/E0 to 1) at the (ma, energy) nodes, shape (n_ma, n_E).
        target, Z, A: target.
        meta: version, date and build parameters (strings).
    """

    ma_gev: FloatArray
    energy_gev: FloatArray
    xi: FloatArray
    dsigma_dx_pb: FloatArray
    sigma_pb: FloatArray
    target: str
    Z: int
    A: float
    meta: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ construction and I/O
    @classmethod
    def build(
        cls,
        target: str = "Pb",
        ma_gev: ArrayLike | None = None,
        energy_gev: ArrayLike | None = None,
        n_xi: int = 51,
        progress: Any = None,
        processes: int = 1,
    ) -> EtlTable:
        """Compute the table with :func:`dsigma_dx_etl_exact` (slow: minutes; see scripts/build_etl_table.py).

        Args:
            target: material name.
            ma_gev, energy_gev: grid axes (defaults: 35 log points 1 MeV-3 GeV, 20 log points 1-300 GeV).
            n_xi: points of the uniform xi axis.
            progress: optional callable ``progress(n_done, n_total)``.
            processes: worker processes (multiprocessing) over the mass axis.
        """
        tgt = _check_target(target)
        mas = np.geomspace(1e-3, 3.0, 35) if ma_gev is None else np.asarray(ma_gev, dtype=np.float64)
        ens = np.geomspace(1.0, 300.0, 20) if energy_gev is None else np.asarray(energy_gev, dtype=np.float64)
        xi = _xi_axis(n_xi)
        vals = np.zeros((mas.size, ens.size, n_xi))
        sig = np.zeros((mas.size, ens.size))
        jobs = [(float(m), ens, xi, target) for m in mas]
        if processes > 1:
            import multiprocessing as mp

            with mp.get_context("spawn").Pool(processes) as pool:
                for i, (row, srow) in enumerate(pool.imap(_build_row, jobs)):
                    vals[i], sig[i] = row, srow
                    if progress is not None:
                        progress(i + 1, mas.size)
        else:
            for i, job in enumerate(jobs):
                vals[i], sig[i] = _build_row(job)
                if progress is not None:
                    progress(i + 1, mas.size)
        meta = {
            "version": __version__,
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "theta_rule": repr(_THETA_RULE),
            "t_rule": repr(_T_RULE),
            "x_rule": repr(_X_RULE),
            "target_mass_gev": repr(tgt.M),
            "form_factor": "Tsai G2_el + G2_inel (BEST A18-A19), heavy spin-0 target",
            "source": "semivisible.production.etl (arXiv:1712.05706, arXiv:1705.01633)",
        }
        return cls(mas, ens, xi, vals, sig, tgt.name, tgt.Z, tgt.A, meta)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a compressed npz atomically (temporary file in the same directory, then ``os.replace``)."""
        path = Path(path)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp.npz", dir=path.parent)
        os.close(fd)
        try:
            np.savez_compressed(
                tmp,
                ma_gev=self.ma_gev,
                energy_gev=self.energy_gev,
                xi=self.xi,
                dsigma_dx_pb=self.dsigma_dx_pb.astype(np.float32),
                sigma_pb=self.sigma_pb,
                target=np.array(self.target),
                Z=np.array(self.Z),
                A=np.array(self.A),
                meta_keys=np.array(list(self.meta.keys())),
                meta_values=np.array(list(self.meta.values())),
            )
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file the usual permissions
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str] | Any) -> EtlTable:
        """Read a table written by :meth:`save` (a path or an ``importlib.resources`` traversable)."""
        source = Path(path) if isinstance(path, str | os.PathLike) else path
        with source.open("rb") as fh, np.load(fh, allow_pickle=False) as data:
            meta = {str(k): str(v) for k, v in zip(data["meta_keys"], data["meta_values"], strict=True)}
            return cls(
                ma_gev=np.asarray(data["ma_gev"], dtype=np.float64),
                energy_gev=np.asarray(data["energy_gev"], dtype=np.float64),
                xi=np.asarray(data["xi"], dtype=np.float64),
                dsigma_dx_pb=np.asarray(data["dsigma_dx_pb"], dtype=np.float64),
                sigma_pb=np.asarray(data["sigma_pb"], dtype=np.float64),
                target=str(data["target"]),
                Z=int(data["Z"]),
                A=float(data["A"]),
                meta=meta,
            )

    # ------------------------------------------------------------------ interpolation
    @cached_property
    def _slopes(self) -> tuple[FloatArray, FloatArray]:
        return _hermite_slopes(self.xi, self.dsigma_dx_pb)

    def _check_range(self, ma: FloatArray, energy: FloatArray) -> None:
        for name, val, axis in (("ma", ma, self.ma_gev), ("energy", energy, self.energy_gev)):
            lo, hi = float(axis[0]), float(axis[-1])
            bad = ~((val >= lo * (1.0 - 1e-9)) & (val <= hi * (1.0 + 1e-9)))
            if np.any(bad):
                raise ParameterError(name, float(val[bad].ravel()[0]), f"{lo:g} <= {name} <= {hi:g} GeV (ETL table)")

    def _stencil(
        self, ma: FloatArray, energy: FloatArray
    ) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray, FloatArray]:
        """The 16 (ma, E) nodes around each query, with bicubic-Lagrange and bilinear weights in (ln m, ln E)."""
        sm, lag_m, lin_m = _cubic_stencil(self.ma_gev, ma)
        se, lag_e, lin_e = _cubic_stencil(self.energy_gev, energy)
        off = np.arange(4)
        ii = (sm[..., None, None] + off[:, None]).repeat(4, axis=-1).reshape(*ma.shape, 16)
        jj = (se[..., None, None] + off[None, :]).repeat(4, axis=-2).reshape(*ma.shape, 16)
        cubic = (lag_m[..., :, None] * lag_e[..., None, :]).reshape(*ma.shape, 16)
        linear = (lin_m[..., :, None] * lin_e[..., None, :]).reshape(*ma.shape, 16)
        return ii, jj, cubic, linear

    def _eval_xi(
        self, ii: NDArray[np.intp], jj: NDArray[np.intp], cubic: FloatArray, linear: FloatArray, xi: FloatArray
    ) -> FloatArray:
        """Interpolated d sigma/dx (pb) of one (ma, E) query (stencil ii, jj: shape (16,)) at the xi values xi.

        PCHIP in xi at each stencil node, then bicubic Lagrange in (ln m, ln E) of ln(d sigma/dx); bilinear in
        ln(d sigma/dx) if a stencil value is 0 (threshold), linear in d sigma/dx if an inner one is.
        """
        nodes = self.xi
        start_slope, end_slope = self._slopes
        k = np.clip(np.searchsorted(nodes, xi, side="right") - 1, 0, nodes.size - 2)
        h = nodes[k + 1] - nodes[k]
        s = np.clip((xi - nodes[k]) / h, 0.0, 1.0)
        h00 = (1 + 2 * s) * (1 - s) ** 2
        h10 = s * (1 - s) ** 2
        h01 = s * s * (3 - 2 * s)
        h11 = s * s * (s - 1)
        y = self.dsigma_dx_pb[ii, jj]  # (16, n_xi)
        d0 = start_slope[ii, jj][:, k]
        d1 = end_slope[ii, jj][:, k + 1]
        cv = np.maximum(h00 * y[:, k] + h10 * h * d0 + h01 * y[:, k + 1] + h11 * h * d1, 0.0)  # (16, n)
        logs = np.log(np.where(cv > 0.0, cv, 1.0))
        inner = linear > 0.0
        all_pos = np.all(cv > 0.0, axis=0)
        inner_pos = np.all(cv[inner] > 0.0, axis=0)
        geo_cubic = np.exp(cubic @ logs)
        geo_lin = np.exp(linear @ logs)
        lin = linear @ cv
        return np.asarray(np.where(all_pos, geo_cubic, np.where(inner_pos, geo_lin, lin)), dtype=np.float64)

    def dsigma_dx(self, ma: ArrayLike, energy: ArrayLike, x: ArrayLike) -> FloatArray:
        """Interpolated d sigma/dx in pb (eps = 1); ma, energy, x broadcast together. 0 outside the x range.

        >>> tab = load_etl_table("Pb")
        >>> v = tab.dsigma_dx(0.1, 100.0, [0.5, 0.9])
        >>> bool(v[1] > v[0] > 0)
        True
        """
        m_a, e_a, x_a = np.broadcast_arrays(
            np.asarray(ma, dtype=np.float64), np.asarray(energy, dtype=np.float64), np.asarray(x, dtype=np.float64)
        )
        self._check_range(m_a, e_a)
        flat_m, flat_e, flat_x = m_a.ravel(), e_a.ravel(), x_a.ravel()
        res = np.zeros(flat_m.size)
        pairs, inverse = np.unique(np.stack([flat_m, flat_e], axis=-1), axis=0, return_inverse=True)
        inverse = inverse.ravel()
        ii, jj, cubic, linear = self._stencil(pairs[:, 0], pairs[:, 1])
        for n, (m, e) in enumerate(pairs):
            if e <= m + M_E_GEV:
                continue
            sel = np.flatnonzero(inverse == n)
            x_lo, x_hi = x_range(float(m), float(e))
            xv = flat_x[sel]
            inside = (xv > x_lo) & (xv < x_hi)
            if not np.any(inside):
                continue
            xi = xi_of_x(float(m), float(e), xv[inside])
            res[sel[inside]] = self._eval_xi(ii[n], jj[n], cubic[n], linear[n], xi)
        return np.asarray(res.reshape(m_a.shape), dtype=np.float64)

    def sigma(self, ma: ArrayLike, energy: ArrayLike, x_min: ArrayLike = 0.0) -> FloatArray:
        """Interpolated sigma in pb (eps = 1) for x from max(x_min, m_A'/E0) to 1 - m_e/E0; broadcasts.

        >>> tab = load_etl_table("Pb")
        >>> bool(tab.sigma(0.1, 100.0, 0.5) < tab.sigma(0.1, 100.0))
        True
        """
        m_a, e_a, c_a = np.broadcast_arrays(
            np.asarray(ma, dtype=np.float64), np.asarray(energy, dtype=np.float64), np.asarray(x_min, dtype=np.float64)
        )
        self._check_range(m_a, e_a)
        flat_m, flat_e, flat_c = m_a.ravel(), e_a.ravel(), c_a.ravel()
        res = np.zeros(flat_m.size)
        ii, jj, cubic, linear = self._stencil(flat_m, flat_e)
        for n in range(flat_m.size):
            m, e = float(flat_m[n]), float(flat_e[n])
            if e <= m + M_E_GEV:
                continue
            xs, ws = _x_quadrature(m, e, float(flat_c[n]))
            if xs.size == 0:
                continue
            xi = xi_of_x(m, e, xs)
            vals = self._eval_xi(ii[n], jj[n], cubic[n], linear[n], xi)
            res[n] = float(np.sum(vals * ws))
        return np.asarray(res.reshape(m_a.shape), dtype=np.float64)


def _build_row(job: tuple[float, FloatArray, FloatArray, str]) -> tuple[FloatArray, FloatArray]:
    """One mass row of the table: d sigma/dx on the xi grid and the total, for every energy."""
    ma, ens, xi, target = job
    tgt = _target(target)
    row = np.zeros((ens.size, xi.size))
    srow = np.zeros(ens.size)
    for j, e in enumerate(ens):
        if e <= ma + M_E_GEV:
            continue
        row[j] = _dsigma_dx_gev(ma, float(e), x_of_xi(ma, float(e), xi), tgt) * GEV2_TO_PB
        xs, ws = _x_quadrature(ma, float(e))
        srow[j] = float(np.sum(_dsigma_dx_gev(ma, float(e), xs, tgt) * ws) * GEV2_TO_PB)
    return row, srow


def available_targets() -> list[str]:
    """Targets with a shipped table (``production/data/etl_<target>.npz``).

    >>> "Pb" in available_targets()
    True
    """
    data = files("semivisible.production") / "data"
    return sorted(p.name[4:-4] for p in data.iterdir() if p.name.startswith("etl_") and p.name.endswith(".npz"))


@cache
def load_etl_table(target: str = "Pb") -> EtlTable:
    """The shipped ETL table of a target (cached), from ``semivisible/production/data/etl_<target>.npz``.

    >>> load_etl_table("Pb").dsigma_dx_pb.ndim
    3
    """
    known = available_targets()
    if target not in known:
        raise ParameterError("target", target, "one of " + ", ".join(known))
    return EtlTable.load(files("semivisible.production") / "data" / f"etl_{target}.npz")
