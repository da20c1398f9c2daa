r"""Event kinematics of the semi-visible signal: A' -> chi1 chi2, then chi2 -> chi1 l- l+ (vectorised over events).

Conventions
-----------
Four-vectors are rows ``(E, px, py, pz)`` in GeV, arrays of shape ``(N, 4)``; the metric is (+, -, -, -). Every
sampler takes a :class:`numpy.random.Generator`, so the same seed gives the same events.

Lorentz boost (PDG 2024, Review 49 "Kinematics", section "Lorentz transformations")
-----------------------------------------------------------------------------------
A parent of lab four-momentum (E_P, P) and mass M moves with beta = P/E_P, gamma = E_P/M. A four-vector (E*, p*)
in its rest frame has, in the lab,

    E = (E_P E* + P.p*) / M,
    p = p* + P [ P.p* / (M (E_P + M)) + E* / M ],

which is the PDG form p_par = gamma (p*_par + beta E*), p_perp = p*_perp written without 1/|beta| (well defined
at rest). It is linear in (E*, p*), so a set of daughters summing to (M, 0) is carried to exactly (E_P, P).

Two-body decay (PDG 2024, Review 49, section "Two-body decays")
---------------------------------------------------------------
In the rest frame of a parent of mass M decaying to masses m_a, m_b:

    |p*| = lambda^(1/2)(M^2, m_a^2, m_b^2) / (2 M),   E*_a = (M^2 + m_a^2 - m_b^2) / (2 M),   E*_b = M - E*_a,

with lambda the Källén function, written as lambda = (M^2 - (m_a + m_b)^2)(M^2 - (m_a - m_b)^2) to avoid
cancellations near threshold. The A' -> chi1 chi2 decay is taken isotropic in the A' rest frame (any A'
polarisation from production is neglected).

Three-body decay chi2 -> chi1 l- l+ (PDG 2024, Review 49, sections "Three-body decays" and "Kinematic limits")
-------------------------------------------------------------------------------------------------------------
With s1 = (p_l- + p_l+)^2 and s2 = (p_l+ + p_chi1)^2 the Dalitz density (three-body phase space is flat in
(s1, s2): dGamma = |M|^2 ds1 ds2 / ((2 pi)^3 32 M^3)) is

    d^2 Gamma / (ds1 ds2) ∝ X(s1, s2) / [(s1 - m_A'^2)^2 + m_A'^2 Gamma_A'^2],

with X the spin-summed matrix element :func:`semivisible.model.chi2_decay.dalitz_matrix_element` and s2 within
the limits of PDG Eq. 49.23 (:func:`semivisible.model.chi2_decay.dalitz_s2_limits`). eps and alpha_D only set
the normalisation. :func:`sample_dalitz_chi2` samples it exactly in two stages:

1. s1 from its marginal, dGamma/ds1 (:func:`semivisible.model.chi2_decay.dgamma_chi2_ds`, exact at tree
   level), written in phi with s1 = a + (b - a) sin^2(phi), a = 4 m_l^2, b = (m2 - m1)^2. The density in phi,
   g(phi) = dGamma/ds1 (b - a) sin(2 phi), is smooth and vanishes at both ends. It is sampled by accept-reject
   against a piecewise-constant envelope on ``_N_BINS`` = 512 equal bins in phi; in each bin the envelope is
   the largest of g at 17 equally spaced nodes plus the largest change between neighbouring nodes, times
   1.001; this bounds g for any g whose slope changes little over a node spacing (1/8192 of pi/2; checked on
   a 2e5-point grid for the test cases: max g/envelope = 0.9990). The samples are therefore exact (no
   interpolation error); the acceptance is about 0.994.
2. s2 at fixed s1 from X(s1, s2), which is a quadratic polynomial in s2 between the Dalitz limits, by
   accept-reject against its exact maximum on the interval (acceptance about 2/3).

The momenta are then built in the chi2 rest frame from (s1, s2) (chi1 along z, l+ in the x-z plane), rotated by
a uniformly random rotation R = Rz(alpha) Ry(beta) Rz(gamma) (Haar measure: alpha, gamma uniform in
[0, 2 pi), cos(beta) uniform in [-1, 1]) — the spin-summed decay of an unpolarised spin-1/2 particle is
isotropic — and boosted to the lab with the chi2 four-momentum.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> aprime = np.array([[np.hypot(50.0, 0.3), 0.0, 0.0, 50.0]])  # a 50 GeV A' along z
>>> chi1, chi2 = aprime_to_chi1chi2(aprime, 0.1, 0.14, rng)
>>> k, em, ep = chi2_decay_momenta(chi2, 0.1, 0.14, 0.3, rng)
>>> bool(np.allclose(chi1 + k + em + ep, aprime, rtol=0.0, atol=1e-12))
True
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError
from semivisible.model.chi2_decay import dalitz_matrix_element, dalitz_s2_limits, dgamma_chi2_ds
from semivisible.model.constants import M_E_GEV

__all__ = [
    "aprime_to_chi1chi2",
    "boost",
    "chi2_decay_momenta",
    "invariant_mass_sq",
    "isotropic_directions",
    "minkowski_dot",
    "rest_frame_energy",
    "sample_dalitz_chi2",
    "two_body_decay",
    "two_body_energy",
    "two_body_momentum",
]

FloatArray = NDArray[np.float64]

#: Number of equal bins in phi of the piecewise-constant envelope of the s1 sampler.
_N_BINS = 512
#: Sub-intervals per bin at which the s1 density is evaluated to build the envelope.
_N_SUB = 16
#: Relative rounding tolerance of the two-body threshold check (M >= (m_a + m_b)(1 - tol)).
_THRESHOLD_RTOL = 1e-12
#: Extra relative safety margin of the s1 envelope (costs 0.1% of acceptance).
_ENVELOPE_MARGIN = 1e-3
#: Relative tolerance on the chi2 four-vectors' mass in :func:`chi2_decay_momenta` (plus 1e-10 E^2 for rounding).
_MASS_RTOL = 1e-6


# ---------------------------------------------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------------------------------------------


def _four_vectors(p4: ArrayLike, name: str, *, two_d: bool = False) -> FloatArray:
    """``p4`` as a float64 array of four-vectors; ParameterError naming ``name`` otherwise."""
    arr = np.asarray(p4, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != 4 or (two_d and arr.ndim != 2):
        raise ParameterError(name, f"array of shape {arr.shape}", "shape (N, 4)" if two_d else "shape (..., 4)")
    if not np.all(np.isfinite(arr)):
        raise ParameterError(name, "non-finite entries", "finite four-momenta")
    return arr


def _mass(value: float, name: str, *, positive: bool = False) -> float:
    """A finite mass in GeV, >= 0 (or > 0 if ``positive``)."""
    v = float(value)
    if not math.isfinite(v) or v < 0.0 or (positive and v == 0.0):
        raise ParameterError(name, value, f"finite {name} {'>' if positive else '>='} 0 GeV")
    return v


def _count(n: int) -> int:
    if isinstance(n, bool) or int(n) != n or n < 0:
        raise ParameterError("n", n, "integer n >= 0")
    return int(n)


# ---------------------------------------------------------------------------------------------------------------
# Four-vector algebra
# ---------------------------------------------------------------------------------------------------------------


def minkowski_dot(p: ArrayLike, q: ArrayLike) -> FloatArray:
    """Minkowski product p.q = E_p E_q - p_vec . q_vec of four-vectors (..., 4), in GeV^2.

    >>> float(minkowski_dot([5.0, 0.0, 0.0, 4.0], [1.0, 0.0, 0.0, 0.0]))
    5.0
    """
    a, b = _four_vectors(p, "p"), _four_vectors(q, "q")
    return np.asarray(a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1), dtype=np.float64)


def invariant_mass_sq(p4: ArrayLike) -> FloatArray:
    """Invariant mass squared m^2 = E^2 - |p|^2 of four-vectors (..., 4), in GeV^2.

    In double precision the absolute rounding error is about 1e-16 E^2, so the mass of a light, energetic
    particle (an electron of tens of GeV) is known only to that level.

    >>> invariant_mass_sq([[5.0, 0.0, 3.0, 0.0], [1.0, 0.0, 0.0, 1.0]])
    array([16.,  0.])
    """
    p = _four_vectors(p4, "p4")
    return np.asarray(p[..., 0] ** 2 - (p[..., 1] ** 2 + p[..., 2] ** 2 + p[..., 3] ** 2), dtype=np.float64)


def rest_frame_energy(p4: ArrayLike, parent: ArrayLike) -> FloatArray:
    """Energy of ``p4`` in the rest frame of ``parent``: E* = p4.parent / M_parent (Lorentz invariant), GeV.

    >>> float(rest_frame_energy([5.0, 0.0, 0.0, 4.0], [5.0, 0.0, 0.0, 4.0]))  # a particle at rest in its own frame
    3.0
    """
    m2 = invariant_mass_sq(parent)
    if np.any(m2 <= 0.0):
        raise ParameterError("parent", "a non-timelike four-momentum", "parent mass > 0")
    return np.asarray(minkowski_dot(p4, parent) / np.sqrt(m2), dtype=np.float64)


def two_body_momentum(parent_mass: ArrayLike, m_a: ArrayLike, m_b: ArrayLike) -> FloatArray:
    """Daughter momentum |p*| = lambda^(1/2)(M^2, m_a^2, m_b^2) / (2M) in the parent rest frame (PDG two-body decays).

    lambda is written as (M^2 - (m_a + m_b)^2)(M^2 - (m_a - m_b)^2), clipped at 0 (at threshold).

    >>> float(two_body_momentum(5.0, 3.0, 0.0))
    1.6
    """
    big, a, b = (np.asarray(v, dtype=np.float64) for v in (parent_mass, m_a, m_b))
    lam = (big**2 - (a + b) ** 2) * (big**2 - (a - b) ** 2)
    return np.asarray(np.sqrt(np.clip(lam, 0.0, None)) / (2.0 * big), dtype=np.float64)


def two_body_energy(parent_mass: ArrayLike, m_a: ArrayLike, m_b: ArrayLike) -> FloatArray:
    """Rest-frame energy of daughter a, E*_a = (M^2 + m_a^2 - m_b^2) / (2M), GeV (PDG two-body decays).

    >>> float(two_body_energy(5.0, 3.0, 0.0))
    3.4
    """
    big, a, b = (np.asarray(v, dtype=np.float64) for v in (parent_mass, m_a, m_b))
    return np.asarray((big**2 + a**2 - b**2) / (2.0 * big), dtype=np.float64)


def boost(p4: ArrayLike, parent: ArrayLike, parent_mass: ArrayLike | None = None) -> FloatArray:
    """Boost four-vectors from the rest frame of ``parent`` to the frame where ``parent`` is given (the lab).

    E = (E_P E* + P.p*) / M and p = p* + P [P.p* / (M (E_P + M)) + E*/M] (module docstring; PDG 2024 Review 49).
    The inverse boost is ``boost(p4, parent * [1, -1, -1, -1])``.

    Args:
        p4: four-vectors (..., 4) in the parent's rest frame, GeV.
        parent: the parent's lab four-momenta (..., 4), broadcastable against ``p4``, GeV; E_P > 0.
        parent_mass: the parent mass M in GeV (scalar or broadcastable). Default: from ``parent``,
            M = sqrt(E_P^2 - |P|^2). Passing the known mass keeps the boost of (M, 0) exactly equal to ``parent``.

    Returns:
        The lab four-vectors, shape ``broadcast(p4, parent)``.

    >>> boost([[1.0, 0.0, 0.0, 0.0]], [[5.0, 0.0, 0.0, 4.0]])  # a unit mass at rest gains beta = 0.8
    array([[1.66666667, 0.        , 0.        , 1.33333333]])
    """
    p = _four_vectors(p4, "p4")
    par = _four_vectors(parent, "parent")
    e_par = par[..., 0]
    if np.any(e_par <= 0.0):
        raise ParameterError("parent", "a four-momentum with E <= 0", "parent energy > 0")
    if parent_mass is None:
        m2 = invariant_mass_sq(par)
        if np.any(m2 <= 0.0):
            raise ParameterError("parent", "a non-timelike four-momentum", "parent mass > 0 (E^2 > |p|^2)")
        big = np.sqrt(m2)
    else:
        big = np.asarray(parent_mass, dtype=np.float64)
        if np.any(~np.isfinite(big) | (big <= 0.0)):
            raise ParameterError("parent_mass", parent_mass, "finite parent_mass > 0 GeV")
    # Written out per component into one output array: the sums over the last axis of length 3 and the
    # concatenation cost more than the arithmetic (a third of a signal table's time before).
    shape = np.broadcast_shapes(p.shape, par.shape)
    e_rest, rx, ry, rz = (p[..., k] for k in range(4))
    px, py, pz = (par[..., k] for k in range(1, 4))
    pdot = px * rx + py * ry + pz * rz
    coeff = (pdot / (e_par + big) + e_rest) / big
    out = np.empty(shape, dtype=np.float64)
    out[..., 0] = (e_par * e_rest + pdot) / big
    out[..., 1] = rx + coeff * px
    out[..., 2] = ry + coeff * py
    out[..., 3] = rz + coeff * pz
    return out


# ---------------------------------------------------------------------------------------------------------------
# Decays
# ---------------------------------------------------------------------------------------------------------------


def isotropic_directions(n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` unit vectors (n, 3) uniformly distributed on the sphere: cos(theta) ~ U[-1, 1], phi ~ U[0, 2 pi).

    >>> d = isotropic_directions(4, np.random.default_rng(0))
    >>> d.shape, bool(np.allclose(np.linalg.norm(d, axis=1), 1.0))
    ((4, 3), True)
    """
    n = _count(n)
    cos_t = rng.uniform(-1.0, 1.0, n)
    phi = rng.uniform(0.0, 2.0 * np.pi, n)
    sin_t = np.sqrt(np.clip(1.0 - cos_t**2, 0.0, None))
    return np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=-1)


def two_body_decay(
    parent: ArrayLike,
    m_a: float,
    m_b: float,
    rng: np.random.Generator,
    parent_mass: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Isotropic two-body decay of each parent, returned as lab four-momenta of the two daughters.

    In the rest frame a = (E*_a, |p*| n), b = (M - E*_a, -|p*| n) with n isotropic (:func:`two_body_momentum`,
    :func:`two_body_energy`); both are then boosted with the parent (:func:`boost`).

    Args:
        parent: lab four-momenta (N, 4), GeV. The parent masses (possibly all different) are taken from them.
        m_a, m_b: daughter masses, GeV.
        rng: random generator.
        parent_mass: optional known parent masses (scalar or (N,)), used instead of sqrt(E^2 - |p|^2).

    Returns:
        ``(p_a, p_b)``, each (N, 4), with p_a + p_b = parent up to rounding.

    Raises:
        ParameterError: a parent mass is below m_a + m_b by more than a relative 1e-12 (``parent``), or a mass
            is negative (``m_a``, ``m_b``).

    >>> pa, pb = two_body_decay([[1.0, 0.0, 0.0, 0.0]], 0.2, 0.3, np.random.default_rng(0))
    >>> bool(np.allclose(pa + pb, [[1.0, 0.0, 0.0, 0.0]]))
    True
    """
    par = _four_vectors(parent, "parent", two_d=True)
    ma_ = _mass(m_a, "m_a")
    mb_ = _mass(m_b, "m_b")
    if parent_mass is None:
        m2 = invariant_mass_sq(par)
        big = np.sqrt(np.clip(m2, 0.0, None))
    else:
        big = np.broadcast_to(np.asarray(parent_mass, dtype=np.float64), par.shape[:1])
    # Rounding tolerance at threshold: 0.1 + 0.14 > 0.24 in floating point.
    below = ~(big >= (ma_ + mb_) * (1.0 - _THRESHOLD_RTOL)) | (big <= 0.0)
    if np.any(below):
        worst = float(np.min(np.where(np.isfinite(big), big, -np.inf)))
        raise ParameterError("parent", f"mass {worst!r} GeV", f"parent mass >= m_a + m_b = {ma_ + mb_!r} GeV")
    p_star = two_body_momentum(big, ma_, mb_)
    e_a = two_body_energy(big, ma_, mb_)
    e_b = big - e_a
    n_hat = isotropic_directions(par.shape[0], rng)
    mom = p_star[:, None] * n_hat
    rest_a = np.concatenate([e_a[:, None], mom], axis=-1)
    rest_b = np.concatenate([e_b[:, None], -mom], axis=-1)
    return boost(rest_a, par, big), boost(rest_b, par, big)


def aprime_to_chi1chi2(
    aprime: ArrayLike, m1: float, m2: float, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """A' -> chi1 chi2, isotropic in the A' rest frame (:func:`two_body_decay`).

    Args:
        aprime: A' lab four-momenta (N, 4), GeV.
        m1, m2: chi1 and chi2 masses, GeV.
        rng: random generator.

    Returns:
        ``(p_chi1, p_chi2)``, each (N, 4) in the lab.

    >>> a = np.array([[np.hypot(10.0, 0.3), 0.0, 0.0, 10.0]])
    >>> c1, c2 = aprime_to_chi1chi2(a, 0.1, 0.14, np.random.default_rng(0))
    >>> np.round(np.sqrt(invariant_mass_sq(np.vstack([c1, c2]))), 6)
    array([0.1 , 0.14])
    """
    return two_body_decay(aprime, m1, m2, rng)


# ---------------------------------------------------------------------------------------------------------------
# chi2 -> chi1 l- l+
# ---------------------------------------------------------------------------------------------------------------


def _check_chi2_channel(m1: float, m2: float, ma: float, lepton_mass: float, gamma_aprime: float) -> None:
    _mass(m1, "m1")
    _mass(m2, "m2", positive=True)
    _mass(lepton_mass, "lepton_mass")
    g = float(gamma_aprime)
    if not math.isfinite(g) or g < 0.0:
        raise ParameterError("gamma_aprime", gamma_aprime, "finite gamma_aprime >= 0 GeV")
    if not m2 - m1 > 2.0 * lepton_mass:
        raise ParameterError(
            "m2", m2, f"m2 - m1 > 2 lepton_mass = {2.0 * lepton_mass!r} GeV (chi2 -> chi1 l+ l- is closed)"
        )
    ma_ = _mass(ma, "ma", positive=True)
    if not ma_ > m2 - m1:
        raise ParameterError("ma", ma, f"ma > m2 - m1 = {m2 - m1!r} GeV (the A' in chi2 decay is off shell)")


def _phi_density(
    phi: FloatArray, m1: float, m2: float, ma: float, lepton_mass: float, gamma_aprime: float
) -> FloatArray:
    """Unnormalised density of phi, g(phi) = dGamma/ds1 ds1/dphi, with s1 = a + (b - a) sin^2(phi)."""
    a = 4.0 * lepton_mass**2
    b = (m2 - m1) ** 2
    s1 = a + (b - a) * np.sin(phi) ** 2
    rate = dgamma_chi2_ds(s1, ma, 1.0, 1.0, m1, m2, lepton_mass, gamma_aprime)
    return np.asarray(rate * (b - a) * np.sin(2.0 * phi), dtype=np.float64)


@lru_cache(maxsize=128)
def _s1_envelope(
    m1: float, m2: float, ma: float, lepton_mass: float, gamma_aprime: float
) -> tuple[float, FloatArray, FloatArray, float]:
    """Piecewise-constant envelope of g(phi) on ``_N_BINS`` bins: (bin width, bin heights, bin CDF, scale)."""
    width = 0.5 * np.pi / _N_BINS
    nodes = width * (np.arange(_N_BINS)[:, None] + np.linspace(0.0, 1.0, _N_SUB + 1)[None, :])
    g = _phi_density(nodes, m1, m2, ma, lepton_mass, gamma_aprime)
    scale = float(g.max())
    g = g / scale
    env = (g.max(axis=1) + np.abs(np.diff(g, axis=1)).max(axis=1)) * (1.0 + _ENVELOPE_MARGIN)
    cdf = np.cumsum(env)
    cdf /= cdf[-1]
    env.setflags(write=False)
    cdf.setflags(write=False)
    return float(width), env, cdf, scale


def _sample_s1(
    n: int, m1: float, m2: float, ma: float, lepton_mass: float, gamma_aprime: float, rng: np.random.Generator
) -> FloatArray:
    """n exact samples of s1 from dGamma/ds1 (accept-reject in phi; module docstring, stage 1)."""
    width, env, cdf, scale = _s1_envelope(m1, m2, ma, lepton_mass, gamma_aprime)
    phi = np.empty(n, dtype=np.float64)
    todo = np.arange(n)
    while todo.size:
        k = todo.size
        j = np.minimum(np.searchsorted(cdf, rng.random(k), side="right"), _N_BINS - 1)
        trial = width * (j + rng.random(k))
        ok = rng.random(k) * env[j] < _phi_density(trial, m1, m2, ma, lepton_mass, gamma_aprime) / scale
        phi[todo[ok]] = trial[ok]
        todo = todo[~ok]
    a = 4.0 * lepton_mass**2
    b = (m2 - m1) ** 2
    return np.asarray(a + (b - a) * np.sin(phi) ** 2, dtype=np.float64)


def _sample_s2(s1: FloatArray, m1: float, m2: float, lepton_mass: float, rng: np.random.Generator) -> FloatArray:
    """s2 at each fixed s1 from X(s1, s2), a quadratic in s2 (accept-reject; module docstring, stage 2)."""
    lo, hi = dalitz_s2_limits(s1, m1, m2, lepton_mass)
    span = hi - lo
    x0, xm, x1 = (dalitz_matrix_element(s1, lo + t * span, m1, m2, lepton_mass) for t in (0.0, 0.5, 1.0))
    # X(t) = x0 + c1 t + c2 t^2 on t in [0, 1]; its maximum is at an end or at the vertex.
    c2 = 2.0 * (x0 + x1 - 2.0 * xm)
    c1 = x1 - x0 - c2
    safe_c2 = np.where(c2 < 0.0, c2, -1.0)
    t_vertex = np.clip(-c1 / (2.0 * safe_c2), 0.0, 1.0)
    x_vertex = np.where(c2 < 0.0, x0 + c1 * t_vertex + c2 * t_vertex**2, -np.inf)
    x_max = np.maximum(np.maximum(x0, x1), np.maximum(xm, x_vertex))
    # A degenerate interval (s1 at the Dalitz boundary to rounding, X <= 0) takes t uniform: no infinite loop.
    degenerate = ~(x_max > 0.0)
    x_max = x_max * (1.0 + 1e-12)
    t = np.empty(s1.size, dtype=np.float64)
    todo = np.arange(s1.size)
    while todo.size:
        trial = rng.random(todo.size)
        x = dalitz_matrix_element(s1[todo], lo[todo] + trial * span[todo], m1, m2, lepton_mass)
        ok = (rng.random(todo.size) * x_max[todo] < x) | degenerate[todo]
        t[todo[ok]] = trial[ok]
        todo = todo[~ok]
    return np.asarray(lo + t * span, dtype=np.float64)


def sample_dalitz_chi2(
    n: int,
    m1: float,
    m2: float,
    ma: float,
    rng: np.random.Generator,
    lepton_mass: float = M_E_GEV,
    gamma_aprime: float = 0.0,
) -> tuple[FloatArray, FloatArray]:
    """Sample (s1, s2) of chi2 -> chi1 l- l+ from the exact Dalitz density X(s1, s2) / |s1 - m_A'^2 + i m_A' Γ|^2.

    s1 = (p_l- + p_l+)^2, s2 = (p_l+ + p_chi1)^2 (GeV^2). Two-stage accept-reject, exact (module docstring):
    s1 from dGamma/ds1 against a 512-bin envelope in phi, then s2 from X at fixed s1. Speed: a few 1e6
    samples per second (the envelope is built once per parameter set and cached).

    Args:
        n: number of samples.
        m1, m2: chi1 and chi2 masses, GeV.
        ma: A' mass, GeV; must exceed m2 - m1 (the A' is off shell in the decay).
        rng: random generator.
        lepton_mass: GeV (default m_e).
        gamma_aprime: A' width in the propagator, GeV (default 0; negligible for the NA64 parameters).

    Returns:
        ``(s1, s2)``, each of shape (n,).

    Raises:
        ParameterError: m2 - m1 <= 2 lepton_mass (``m2``: closed channel), ma <= m2 - m1 (``ma``), negative
            masses, width or n.

    >>> s1, s2 = sample_dalitz_chi2(1000, 0.1, 0.14, 0.3, np.random.default_rng(0))
    >>> bool(np.all((s1 > 4 * M_E_GEV**2) & (s1 < 0.04**2)))
    True
    """
    n = _count(n)
    _check_chi2_channel(m1, m2, ma, lepton_mass, gamma_aprime)
    m1, m2, ma, ml, ga = float(m1), float(m2), float(ma), float(lepton_mass), float(gamma_aprime)
    s1 = _sample_s1(n, m1, m2, ma, ml, ga, rng)
    s2 = _sample_s2(s1, m1, m2, ml, rng)
    return s1, s2


def _rest_frame_momenta(
    s1: FloatArray, s2: FloatArray, m1: float, m2: float, lepton_mass: float, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """chi1, l-, l+ four-momenta in the chi2 rest frame from (s1, s2), with a uniformly random orientation."""
    ml = lepton_mass
    s3 = m1**2 + m2**2 + 2.0 * ml**2 - s1 - s2  # (p_l- + p_chi1)^2
    # Energies: (P - k)^2 = s1, (P - p_l+)^2 = s3; E_l- closes energy conservation.
    e_k = (m2**2 + m1**2 - s1) / (2.0 * m2)
    e_p = (m2**2 + ml**2 - s3) / (2.0 * m2)
    e_m = m2 - e_k - e_p
    # Momenta from factorised Källén functions (accurate near the Dalitz boundary and threshold).
    p_k = two_body_momentum(m2, m1, np.sqrt(s1))
    p_p = two_body_momentum(m2, ml, np.sqrt(s3))
    p_m = two_body_momentum(m2, ml, np.sqrt(s2))
    # Angle between chi1 and l+ from |p_l-| = |p_chi1 + p_l+|.
    denom = 2.0 * p_k * p_p
    cos_t = np.divide(p_m**2 - p_k**2 - p_p**2, denom, out=np.ones_like(denom), where=denom > 0.0)
    cos_t = np.clip(cos_t, -1.0, 1.0)
    sin_t = np.sqrt(1.0 - cos_t**2)
    # Random rotation R = Rz(alpha) Ry(beta) Rz(gamma); the decay lies in the body x-z plane, so only the first
    # and third columns of R are needed.
    n = s1.size
    alpha = rng.uniform(0.0, 2.0 * np.pi, n)
    cos_b = rng.uniform(-1.0, 1.0, n)
    gam = rng.uniform(0.0, 2.0 * np.pi, n)
    sin_b = np.sqrt(np.clip(1.0 - cos_b**2, 0.0, None))
    ca, sa, cg, sg = np.cos(alpha), np.sin(alpha), np.cos(gam), np.sin(gam)
    ez = np.stack([sin_b * ca, sin_b * sa, cos_b], axis=-1)
    ex = np.stack([ca * cos_b * cg - sa * sg, sa * cos_b * cg + ca * sg, -sin_b * cg], axis=-1)
    vec_k = p_k[:, None] * ez
    vec_p = p_p[:, None] * (sin_t[:, None] * ex + cos_t[:, None] * ez)
    vec_m = -(vec_k + vec_p)
    k = np.concatenate([e_k[:, None], vec_k], axis=-1)
    lm = np.concatenate([e_m[:, None], vec_m], axis=-1)
    lp = np.concatenate([e_p[:, None], vec_p], axis=-1)
    return k, lm, lp


def chi2_decay_momenta(
    chi2: ArrayLike,
    m1: float,
    m2: float,
    ma: float,
    rng: np.random.Generator,
    lepton_mass: float = M_E_GEV,
    gamma_aprime: float = 0.0,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Decay each chi2 -> chi1 l- l+ with the exact matrix element; lab four-momenta of the three daughters.

    (s1, s2) from :func:`sample_dalitz_chi2`; in the chi2 rest frame E_chi1 = (m2^2 + m1^2 - s1)/(2 m2),
    E_l+ = (m2^2 + m_l^2 - s3)/(2 m2), E_l- = m2 - E_chi1 - E_l+ (s3 = m1^2 + m2^2 + 2 m_l^2 - s1 - s2), the
    momenta follow from the two-body formula and the chi1-l+ opening angle from |p_l-| = |p_chi1 + p_l+|;
    the decay plane gets a uniformly random orientation and the momenta are boosted with ``chi2`` (mass m2).

    Args:
        chi2: chi2 lab four-momenta (N, 4), GeV; their invariant mass must be m2 (relative 1e-6).
        m1, m2: chi1 and chi2 masses, GeV.
        ma: A' mass, GeV.
        rng: random generator.
        lepton_mass: GeV (default m_e; M_MU_GEV for the muon channel).
        gamma_aprime: A' width in the propagator, GeV.

    Returns:
        ``(p_chi1, p_lminus, p_lplus)``, each (N, 4) in the lab; their sum equals ``chi2`` up to rounding.

    Raises:
        ParameterError: as :func:`sample_dalitz_chi2`, or ``chi2`` not of shape (N, 4) or not of mass m2.

    >>> rng = np.random.default_rng(0)
    >>> k, em, ep = chi2_decay_momenta([[0.14, 0.0, 0.0, 0.0]], 0.1, 0.14, 0.3, rng)  # chi2 at rest
    >>> bool(np.allclose(k + em + ep, [[0.14, 0.0, 0.0, 0.0]], rtol=0.0, atol=1e-15))
    True
    """
    par = _four_vectors(chi2, "chi2", two_d=True)
    _check_chi2_channel(m1, m2, ma, lepton_mass, gamma_aprime)
    m1, m2, ml = float(m1), float(m2), float(lepton_mass)
    msq = invariant_mass_sq(par)
    tol = _MASS_RTOL * m2**2 + 1e-10 * par[:, 0] ** 2
    bad = ~(np.abs(msq - m2**2) <= tol) | (par[:, 0] <= 0.0)
    if np.any(bad):
        worst = float(np.sqrt(np.abs(msq[bad][0])))
        raise ParameterError("chi2", f"a four-momentum of mass {worst!r} GeV", f"chi2 mass = m2 = {m2!r} GeV")
    s1, s2 = sample_dalitz_chi2(par.shape[0], m1, m2, ma, rng, ml, gamma_aprime)
    k, lm, lp = _rest_frame_momenta(s1, s2, m1, m2, ml, rng)
    return boost(k, par, m2), boost(lm, par, m2), boost(lp, par, m2)
