"""Explicit Dirac algebra for independent checks of spin sums (metric +,-,-,-; Dirac representation)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
_S = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
_Z = np.zeros((2, 2))
_I = np.eye(2)
GAMMA = np.array([np.block([[_I, _Z], [_Z, -_I]])] + [np.block([[_Z, s], [-s, _Z]]) for s in _S], dtype=complex)


def slash(p: NDArray[np.float64]) -> NDArray[np.complex128]:
    """p-slash = gamma^mu p_mu for a contravariant four-vector p^mu."""
    p_lower = METRIC @ p
    return np.asarray(np.einsum("m,mab->ab", p_lower, GAMMA))


def trace_tensor(left: NDArray[np.complex128], right: NDArray[np.complex128]) -> NDArray[np.complex128]:
    """T^{mu nu} = Tr[left gamma^mu right gamma^nu]."""
    return np.asarray(np.einsum("ab,mbc,cd,nda->mn", left, GAMMA, right, GAMMA))


def polarisation_sum(q: NDArray[np.float64], mass_sq: float) -> NDArray[np.float64]:
    """Sum over a massive vector's polarisations, -g_{mu nu} + q_mu q_nu / M^2 (lower indices)."""
    q_lower = METRIC @ q
    return np.asarray(-METRIC + np.outer(q_lower, q_lower) / mass_sq)


def contract(upper: NDArray[np.complex128], lower_tensor: NDArray[np.complex128]) -> complex:
    """A^{mu nu} B^{rho sigma} g_{mu rho} g_{nu sigma} for two upper-index tensors."""
    return complex(np.einsum("mn,mr,ns,rs->", upper, METRIC, METRIC, lower_tensor))
