r"""The three-body decay chi2 -> chi1 l+ l- through a virtual A', its width, lifetime and decay length.

Exact tree-level width
----------------------
With s = m_ll^2 the invariant mass of the lepton pair, the lepton current is conserved, so the width factorises
exactly into the decay to a massive vector of mass sqrt(s) and that vector's decay (derived by us from the
matrix element of DMG4's ``G4iDM3bodyDecayChannel::DiffWidth``; checked here against the 2-D Dalitz integral):

    dGamma/ds = Gamma_1(s) sqrt(s) Gamma_2(s) / (pi [(s - m_A'^2)^2 + m_A'^2 Gamma_A'^2])

    Gamma_1(s) = g_D^2 |p| / (8 pi m2^2) [m1^2 + m2^2 - 2 s - 6 m1 m2 + (m2^2 - m1^2)^2 / s]
    |p| = lambda^(1/2)(m2^2, m1^2, s) / (2 m2),   g_D^2 = 4 pi alpha_D
    Gamma_2(s) = (alpha eps^2 sqrt(s)/3)(1 + 2 m_l^2/s) sqrt(1 - 4 m_l^2/s)

integrated over 4 m_l^2 < s < Delta^2. The spin-summed Dalitz matrix element
(``dalitz_matrix_element``) is the one of DMG4's ``G4iDM3bodyDecayChannel`` (DMG4: arXiv:2101.12192; the
inelastic-DM decay channel is in its later releases, not described in that paper). The
"-6 m1 m2" sign belongs to the inelastic chi2 -> chi1 transition between the two Majorana states of a
pseudo-Dirac fermion; it is what makes the width scale as Delta^5.

The integral uses the substitution s = a + (b - a) sin^2(phi), a = 4 m_l^2, b = Delta^2, which removes the
square-root end points, and Gauss-Legendre quadrature in phi; with the default 96 nodes it agrees with
adaptive quadrature to better than 1e-9 relative (``tests/model/test_chi2_decay.py``).

Approximate width
-----------------
arXiv:2107.02021 Eq. (2) (after Izaguirre, Krnjaic, Shuve, arXiv:1508.03050, and Mohlabeng,
arXiv:1902.05075), valid for Delta << m1 << m_A' and m_e -> 0:

    Gamma ~= K 4 eps^2 alpha alpha_D Delta^5 / (15 pi m_A'^4),   K = 0.640 +- 0.004 (MadGraph, CalcHEP)

Here ``gamma_chi2_approx`` is that formula with K = 1, and ``k_factor`` = exact / approximate.

Examples
--------
>>> ma, eps, ad = 0.3, 6.312e-3, 0.1
>>> round(float(k_factor(ma, eps, ad, ma / 3, 1.4 * ma / 3)), 3)
0.642
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_broadcast, check_int, check_real
from semivisible.model.aprime import gamma_aprime_total, kallen
from semivisible.model.constants import (
    ALPHA_D_MAX,
    ALPHA_EM,
    EPS_MAX,
    HBARC_GEV_M,
    M_E_GEV,
    M_MU_GEV,
    MA_MAX_GEV,
    MA_MIN_GEV,
)

__all__ = [
    "ctau_chi2_m",
    "dalitz_matrix_element",
    "dalitz_s2_limits",
    "dgamma_chi2_ds",
    "gamma_chi2_approx",
    "gamma_chi2_to_chi1_ee",
    "gamma_chi2_to_chi1_leptons",
    "gamma_chi2_to_chi1_mumu",
    "gamma_chi2_total",
    "k_factor",
    "lab_decay_length_m",
]

FloatArray = NDArray[np.float64]

#: Gauss-Legendre nodes used for the s = m_ll^2 integral (see the module docstring for its accuracy).
DEFAULT_NODES = 96


def _f64(*values: ArrayLike) -> list[FloatArray]:
    return [np.asarray(v, dtype=np.float64) for v in values]


def _checked(
    ma: ArrayLike, eps: ArrayLike, alpha_d: ArrayLike, *masses: ArrayLike, delta: ArrayLike | None = None
) -> list[FloatArray]:
    """1 keV <= m_A' <= 1 TeV, eps in [0, 1], alpha_D in [0, 4 pi], then m_chi1 > 0, m_chi2 > 0, m_l >= 0 (or
    Delta >= 0), GeV; else a
    ParameterError naming the argument (no NaN or negative width can come out)."""
    out = [
        check_real("ma", ma, MA_MIN_GEV, MA_MAX_GEV, low_open=False, unit="GeV"),
        check_real("eps", eps, 0.0, EPS_MAX, low_open=False),
        check_real("alpha_d", alpha_d, 0.0, ALPHA_D_MAX, low_open=False),
    ]
    names = ("mchi1", "mchi2", "lepton_mass")
    for name, value in zip(names, masses, strict=False):
        out.append(check_real(name, value, 0.0, MA_MAX_GEV, low_open=name != "lepton_mass", unit="GeV"))
    if delta is not None:
        out.append(check_real("delta", delta, 0.0, MA_MAX_GEV, low_open=False, unit="GeV"))
    check_broadcast("the arguments", *out)
    if len(out) >= 5 and np.any(np.broadcast_arrays(out[4], out[3])[0] <= out[3]):
        raise ParameterError("mchi2", out[4].tolist(), "mchi2 > mchi1: chi2 is the heavier state")
    return out


@cache
def _gauss_legendre_half_pi(n: int) -> tuple[FloatArray, FloatArray]:
    """Gauss-Legendre nodes and weights on [0, pi/2]."""
    x, w = np.polynomial.legendre.leggauss(n)
    return np.pi / 4.0 * (x + 1.0), np.pi / 4.0 * w


def _propagator_denominator(s: FloatArray, ma: FloatArray, gamma_aprime: FloatArray) -> FloatArray:
    """|s - m_A'^2 + i m_A' Gamma_A'|^2 in GeV^4 (Breit-Wigner with the width at the pole)."""
    return np.asarray((s - ma**2) ** 2 + (ma * gamma_aprime) ** 2, dtype=np.float64)


def dgamma_chi2_ds(
    s: ArrayLike,
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    mchi1: ArrayLike,
    mchi2: ArrayLike,
    lepton_mass: ArrayLike = M_E_GEV,
    gamma_aprime: ArrayLike = 0.0,
) -> FloatArray:
    """Differential width dGamma(chi2 -> chi1 l+ l-)/ds in GeV^-1, with s = m_ll^2 in GeV^2.

    The factorised form of the module docstring (exact at tree level), 0 outside 4 m_l^2 < s < Delta^2.

    Args:
        s: lepton-pair invariant mass squared, GeV^2.
        ma: A' mass, GeV.
        eps: kinetic mixing.
        alpha_d: dark coupling.
        mchi1, mchi2: dark-state masses, GeV.
        lepton_mass: GeV (default m_e).
        gamma_aprime: total A' width in GeV in the propagator (default 0: narrow A').

    >>> float(dgamma_chi2_ds(0.001, 0.3, 1e-3, 0.1, 0.1, 0.14)) > 0
    True
    """
    s, ma, eps, ad, m1, m2, ml, ga = _f64(s, ma, eps, alpha_d, mchi1, mchi2, lepton_mass, gamma_aprime)
    inside = (s > 4.0 * ml**2) & (s < (m2 - m1) ** 2)
    s_safe = np.where(inside, s, 0.5 * (4.0 * ml**2 + (m2 - m1) ** 2))
    s_safe = np.where(s_safe > 0, s_safe, 1.0)
    p = np.sqrt(np.clip(kallen(m2**2, m1**2, s_safe), 0.0, None)) / (2.0 * m2)
    bracket = m1**2 + m2**2 - 2.0 * s_safe - 6.0 * m1 * m2 + (m2**2 - m1**2) ** 2 / s_safe
    gamma_1 = 4.0 * np.pi * ad * p / (8.0 * np.pi * m2**2) * bracket
    r = ml**2 / s_safe
    gamma_2 = ALPHA_EM * eps**2 * np.sqrt(s_safe) / 3.0 * (1.0 + 2.0 * r) * np.sqrt(np.clip(1.0 - 4.0 * r, 0, None))
    rate = gamma_1 * np.sqrt(s_safe) * gamma_2 / (np.pi * _propagator_denominator(s_safe, ma, ga))
    return np.asarray(np.where(inside, rate, 0.0), dtype=np.float64)


def gamma_chi2_to_chi1_leptons(
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    mchi1: ArrayLike,
    mchi2: ArrayLike,
    lepton_mass: ArrayLike = M_E_GEV,
    gamma_aprime: ArrayLike | None = None,
    n_nodes: int = DEFAULT_NODES,
) -> FloatArray:
    """Exact tree-level width of chi2 -> chi1 l+ l- in GeV (module docstring; DMG4 G4iDM3bodyDecayChannel).

    0 when Delta = m2 - m1 <= 2 m_l: chi2 cannot decay to this channel.

    Args:
        ma: A' mass, GeV.
        eps: kinetic mixing.
        alpha_d: dark coupling.
        mchi1, mchi2: dark-state masses, GeV.
        lepton_mass: GeV (default m_e).
        gamma_aprime: A' width in GeV in the propagator. ``None`` (default) uses the total width
            :func:`semivisible.model.aprime.gamma_aprime_total`; 0 gives the narrow-A' result.
        n_nodes: Gauss-Legendre nodes.

    >>> ma = 1.0
    >>> w = gamma_chi2_to_chi1_leptons(ma, 1e-3, 0.1, ma / 3, 1.4 * ma / 3, gamma_aprime=0.0)
    >>> float(w) > 0
    True
    """
    check_int("n_nodes", n_nodes, 2, 10_000, numpy_ints=False)
    ma, eps, ad, m1, m2, ml = _checked(ma, eps, alpha_d, mchi1, mchi2, lepton_mass)
    if gamma_aprime is None:
        ga = gamma_aprime_total(ma, eps, ad, m1, m2)
    else:
        ga = check_real("gamma_aprime", gamma_aprime, 0.0, low_open=False, unit="GeV")
    ma, eps, ad, m1, m2, ml, ga = np.broadcast_arrays(ma, eps, ad, m1, m2, ml, ga)
    a = 4.0 * ml**2
    b = (m2 - m1) ** 2
    is_open = b > a
    width = np.zeros(is_open.shape, dtype=np.float64)
    if not is_open.any():
        return width
    # Integrate only where the channel is open (the flat view keeps this cheap for large planes).
    args = [x[is_open][:, None] for x in (ma, eps, ad, m1, m2, ml, ga)]
    phi, w = _gauss_legendre_half_pi(n_nodes)
    lo = a[is_open][:, None]
    span = b[is_open][:, None] - lo
    s = lo + span * np.sin(phi) ** 2
    integrand = dgamma_chi2_ds(s, *args) * (span * np.sin(2.0 * phi))
    width[is_open] = integrand @ w
    return width


def gamma_chi2_to_chi1_ee(
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    mchi1: ArrayLike,
    mchi2: ArrayLike,
    gamma_aprime: ArrayLike | None = None,
) -> FloatArray:
    """Exact width of chi2 -> chi1 e+ e- in GeV (see :func:`gamma_chi2_to_chi1_leptons`).

    >>> float(gamma_chi2_to_chi1_ee(0.003, 1e-3, 0.1, 0.001, 0.001 + 1e-3))  # Delta < 2 m_e: closed
    0.0
    """
    return gamma_chi2_to_chi1_leptons(ma, eps, alpha_d, mchi1, mchi2, M_E_GEV, gamma_aprime)


def gamma_chi2_to_chi1_mumu(
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    mchi1: ArrayLike,
    mchi2: ArrayLike,
    gamma_aprime: ArrayLike | None = None,
) -> FloatArray:
    """Exact width of chi2 -> chi1 mu+ mu- in GeV, 0 for Delta <= 2 m_mu.

    >>> float(gamma_chi2_to_chi1_mumu(0.3, 1e-3, 0.1, 0.1, 0.14))
    0.0
    """
    return gamma_chi2_to_chi1_leptons(ma, eps, alpha_d, mchi1, mchi2, M_MU_GEV, gamma_aprime)


def gamma_chi2_total(
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    mchi1: ArrayLike,
    mchi2: ArrayLike,
    gamma_aprime: ArrayLike | None = None,
) -> FloatArray:
    """Total chi2 width in GeV: chi1 e+e- plus chi1 mu+mu-.

    chi2 -> chi1 + hadrons (open for Delta > 2 m_pi, i.e. m_A' > 2.1 GeV at the paper's benchmark) and
    chi2 -> chi1 gamma (loop-suppressed) are not included.

    >>> ma = 0.3
    >>> g = gamma_chi2_total(ma, 6.312e-3, 0.1, ma / 3, 1.4 * ma / 3)
    >>> 1.9e-14 < float(g) < 2.1e-14
    True
    """
    if gamma_aprime is None:
        gamma_aprime = gamma_aprime_total(ma, eps, alpha_d, mchi1, mchi2)
    return np.asarray(
        gamma_chi2_to_chi1_ee(ma, eps, alpha_d, mchi1, mchi2, gamma_aprime)
        + gamma_chi2_to_chi1_mumu(ma, eps, alpha_d, mchi1, mchi2, gamma_aprime),
        dtype=np.float64,
    )


def gamma_chi2_approx(ma: ArrayLike, eps: ArrayLike, alpha_d: ArrayLike, delta: ArrayLike) -> FloatArray:
    """Approximate chi2 -> chi1 e+ e- width in GeV, arXiv:2107.02021 Eq. (2) with K = 1.

    Gamma = 4 eps^2 alpha alpha_D Delta^5 / (15 pi m_A'^4); valid for Delta << m1 << m_A', m_e -> 0.

    >>> from semivisible.model.constants import ALPHA_EM
    >>> import math
    >>> float(gamma_chi2_approx(1.0, 1.0, 1.0, 1.0)) == 4 * ALPHA_EM / (15 * math.pi)
    True
    """
    ma, eps, ad, d = _checked(ma, eps, alpha_d, delta=delta)
    return np.asarray(4.0 * eps**2 * ALPHA_EM * ad * d**5 / (15.0 * np.pi * ma**4), dtype=np.float64)


def k_factor(
    ma: ArrayLike,
    eps: ArrayLike,
    alpha_d: ArrayLike,
    mchi1: ArrayLike,
    mchi2: ArrayLike,
    gamma_aprime: ArrayLike | None = None,
) -> FloatArray:
    """K = Gamma_exact(chi2 -> chi1 e+ e-) / Gamma_approx, the correction of arXiv:2107.02021 Eq. (2).

    The paper quotes K = 0.640 +- 0.004 at its benchmark; we find 0.640-0.644 for m_A' >= 0.2 GeV. K falls
    well below that at small m_A', where Delta approaches 2 m_e.

    >>> ma = 1.0
    >>> round(float(k_factor(ma, 1e-3, 0.1, ma / 3, 1.4 * ma / 3)), 3)
    0.643
    """
    m1, m2 = _f64(mchi1, mchi2)
    exact = gamma_chi2_to_chi1_ee(ma, eps, alpha_d, m1, m2, gamma_aprime)
    return np.asarray(exact / gamma_chi2_approx(ma, eps, alpha_d, m2 - m1), dtype=np.float64)


def ctau_chi2_m(gamma_gev: ArrayLike) -> FloatArray:
    """Proper decay length c*tau in metres for a width in GeV: c tau = hbar c / Gamma.

    A zero width (stable particle) gives ``inf``.

    >>> float(ctau_chi2_m(1.973269804e-16))
    1.0
    >>> float(ctau_chi2_m(0.0))
    inf
    """
    g = check_real("gamma_gev", gamma_gev, 0.0, low_open=False, unit="GeV")
    with np.errstate(divide="ignore"):
        return np.asarray(np.where(g > 0, HBARC_GEV_M / np.where(g > 0, g, 1.0), np.inf), dtype=np.float64)


def lab_decay_length_m(ctau_m: ArrayLike, momentum_gev: ArrayLike, mass_gev: ArrayLike) -> FloatArray:
    """Mean decay length in the lab in metres: L = c tau beta gamma = c tau |p| / m.

    Args:
        ctau_m: proper decay length, m.
        momentum_gev: lab momentum |p|, GeV.
        mass_gev: mass, GeV.

    >>> float(lab_decay_length_m(0.01, 50.0, 0.14))  # doctest: +ELLIPSIS
    3.571...
    """
    c = check_real("ctau_m", ctau_m, 0.0, low_open=False, unit="m", finite=False)
    p = check_real("momentum_gev", momentum_gev, 0.0, low_open=False, unit="GeV")
    m = check_real("mass_gev", mass_gev, 0.0, unit="GeV")
    return np.asarray(c * p / m, dtype=np.float64)


def dalitz_s2_limits(
    s1: ArrayLike, mchi1: ArrayLike, mchi2: ArrayLike, lepton_mass: ArrayLike = M_E_GEV
) -> tuple[FloatArray, FloatArray]:
    """Dalitz limits of s2 = (p_l+ + p_chi1)^2 at fixed s1 = m_ll^2, in GeV^2 (PDG kinematics review Eq. 49.23).

    In the l+l- rest frame E_l = sqrt(s1)/2 and E_chi1 = (m2^2 - s1 - m1^2)/(2 sqrt(s1));
    s2(+/-) = (E_l + E_chi1)^2 - (p_l -/+ p_chi1)^2.

    >>> lo, hi = dalitz_s2_limits(0.001, 0.1, 0.14)
    >>> bool(lo < hi)
    True
    """
    s1, m1, m2, ml = _f64(s1, mchi1, mchi2, lepton_mass)
    rs = np.sqrt(s1)
    e_l = rs / 2.0
    e_c = (m2**2 - s1 - m1**2) / (2.0 * rs)
    p_l = np.sqrt(np.clip(e_l**2 - ml**2, 0.0, None))
    p_c = np.sqrt(np.clip(e_c**2 - m1**2, 0.0, None))
    base = (e_l + e_c) ** 2
    return np.asarray(base - (p_l + p_c) ** 2), np.asarray(base - (p_l - p_c) ** 2)


def dalitz_matrix_element(
    s1: ArrayLike, s2: ArrayLike, mchi1: ArrayLike, mchi2: ArrayLike, lepton_mass: ArrayLike = M_E_GEV
) -> FloatArray:
    """Spin-summed chi2 -> chi1 l- l+ numerator X(s1, s2) in GeV^4 (DMG4 G4iDM3bodyDecayChannel::DiffWidth / 2).

    X = 2 (k.p1)(P.p2) + 2 (k.p2)(P.p1) + 2 m_l^2 (k.P) - m1 m2 (s1 + 2 m_l^2), with P = p_chi2, k = p_chi1,
    p1 = p_l-, p2 = p_l+, s1 = (p1 + p2)^2, s2 = (p2 + k)^2. The full width is

        Gamma = alpha alpha_D eps^2 / (2 pi m2^3) Int ds1 ds2 X / [(s1 - m_A'^2)^2 + m_A'^2 Gamma_A'^2],

    which is what the Dalitz sampler of the signal chain uses.

    >>> lo, hi = dalitz_s2_limits(0.001, 0.1, 0.14)
    >>> bool(dalitz_matrix_element(0.001, 0.5 * (lo + hi), 0.1, 0.14) > 0)
    True
    """
    s1, s2, m1, m2, ml = _f64(s1, s2, mchi1, mchi2, lepton_mass)
    ml2 = ml**2
    s3 = m1**2 + m2**2 + 2.0 * ml2 - s1 - s2
    k_p1 = (s3 - m1**2 - ml2) / 2.0
    k_p2 = (s2 - m1**2 - ml2) / 2.0
    big_p1 = (m2**2 + ml2 - s2) / 2.0
    big_p2 = (m2**2 + ml2 - s3) / 2.0
    k_big = (m1**2 + m2**2 - s1) / 2.0
    x = 2.0 * k_p1 * big_p2 + 2.0 * k_p2 * big_p1 + 2.0 * ml2 * k_big - m1 * m2 * (s1 + 2.0 * ml2)
    return np.asarray(x, dtype=np.float64)
