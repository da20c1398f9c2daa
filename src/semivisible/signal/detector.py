r"""Detector response for the S1 signature: shower containment in the central HCAL cell and the R variable.

NA64's S1 selection (arXiv:2107.02021) cuts on R = (E_HCAL - E_HCAL^c)/E_HCAL < 0.06, the fraction of the
HCAL2+HCAL3 energy outside the central cell of the 3x3 modules. For an electromagnetic shower centred at
(x0, y0) with the radially symmetric integrated profile F(r) (:class:`semivisible.experiments.schema.ShowerProfile`,
F(r) = p r^2/(r^2 + R_c^2) + (1 - p) r^2/(r^2 + R_t^2)), the fraction inside a convex cell is exactly

    C(x0, y0) = (1/2 pi) Int_0^{2 pi} dphi [F(t_out(phi)) - F(t_in(phi))],

with t_in, t_out the distances along the ray at angle phi where it enters and leaves the cell (t_in = 0 when the
centre is inside). We tabulate C once on a grid of centres and interpolate bilinearly.

Examples
--------
>>> cell = ContainmentMap(half_width_m=0.097, moliere_radius_m=0.02, core_fraction=0.707,
...                       core_radius_rm=0.2, tail_radius_rm=0.575)
>>> round(float(cell(0.0, 0.0)), 4)  # a centred shower: 1 - F beyond 4.85 R_M
0.9957
>>> bool(cell(0.097, 0.0) < 0.55)  # on the cell edge: about half
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import betainc

__all__ = ["ContainmentMap", "r_cut_probability", "r_variable"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class ContainmentMap:
    """Fraction of a shower's energy in a square cell of half width ``half_width_m`` centred on the beam axis."""

    half_width_m: float
    moliere_radius_m: float
    core_fraction: float
    core_radius_rm: float
    tail_radius_rm: float
    n_grid: int = 121
    n_phi: int = 360
    _grid: FloatArray = field(init=False, repr=False)
    _table: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        extent = 2.0 * self.half_width_m
        grid = np.linspace(-extent, extent, self.n_grid)
        x0, y0 = np.meshgrid(grid, grid, indexing="ij")
        object.__setattr__(self, "_grid", grid)
        object.__setattr__(self, "_table", self._exact(x0.ravel(), y0.ravel()).reshape(x0.shape))

    def radial_cdf(self, r_m: ArrayLike) -> FloatArray:
        """Fraction of the shower energy within radius ``r_m`` (m) of its axis."""
        r = np.asarray(r_m, dtype=np.float64) / self.moliere_radius_m
        p, rc, rt = self.core_fraction, self.core_radius_rm, self.tail_radius_rm
        return np.asarray(p * r * r / (r * r + rc * rc) + (1.0 - p) * r * r / (r * r + rt * rt))

    def _exact(self, x0: FloatArray, y0: FloatArray) -> FloatArray:
        a = self.half_width_m
        phi = (np.arange(self.n_phi) + 0.5) * (2.0 * np.pi / self.n_phi)
        c, s = np.cos(phi)[None, :], np.sin(phi)[None, :]
        out = np.empty(x0.size)
        for start in range(0, x0.size, 2048):
            xs, ys = x0[start : start + 2048, None], y0[start : start + 2048, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                tx1, tx2 = (-a - xs) / c, (a - xs) / c
                ty1, ty2 = (-a - ys) / s, (a - ys) / s
            t_in = np.maximum(np.minimum(tx1, tx2), np.minimum(ty1, ty2))
            t_out = np.minimum(np.maximum(tx1, tx2), np.maximum(ty1, ty2))
            t_in = np.nan_to_num(np.maximum(t_in, 0.0), nan=0.0, posinf=0.0)
            t_out = np.nan_to_num(t_out, nan=0.0, posinf=0.0)
            hit = t_out > t_in
            frac = np.where(hit, self.radial_cdf(t_out) - self.radial_cdf(t_in), 0.0)
            out[start : start + 2048] = frac.mean(axis=1)
        return out

    def __call__(self, x_m: ArrayLike, y_m: ArrayLike) -> FloatArray:
        """C(x, y), bilinear in the tabulated grid; 0 beyond it (the shower misses the cell)."""
        x = np.asarray(x_m, dtype=np.float64)
        y = np.asarray(y_m, dtype=np.float64)
        g = self._grid
        step = g[1] - g[0]
        fx = (x - g[0]) / step
        fy = (y - g[0]) / step
        inside = (fx >= 0) & (fx <= g.size - 1) & (fy >= 0) & (fy <= g.size - 1)
        ix = np.clip(np.floor(fx).astype(np.int64), 0, g.size - 2)
        iy = np.clip(np.floor(fy).astype(np.int64), 0, g.size - 2)
        tx, ty = np.clip(fx - ix, 0.0, 1.0), np.clip(fy - iy, 0.0, 1.0)
        t = self._table
        val = (
            t[ix, iy] * (1 - tx) * (1 - ty)
            + t[ix + 1, iy] * tx * (1 - ty)
            + t[ix, iy + 1] * (1 - tx) * ty
            + t[ix + 1, iy + 1] * tx * ty
        )
        return np.asarray(np.where(inside, val, 0.0))


def _total_and_inside(
    energies: list[FloatArray], positions: list[tuple[FloatArray, FloatArray]], cell: ContainmentMap
) -> tuple[FloatArray, FloatArray]:
    """(sum_j E_j, sum_j E_j C(x_j, y_j)): the showers' energy and the part of it in the central cell (GeV)."""
    total = np.asarray(sum(energies), dtype=np.float64)
    inside = np.asarray(sum(e * cell(x, y) for e, (x, y) in zip(energies, positions, strict=True)), dtype=np.float64)
    return total, inside


def r_variable(
    energies: list[FloatArray], positions: list[tuple[FloatArray, FloatArray]], cell: ContainmentMap
) -> FloatArray:
    """R = 1 - sum_j E_j C(x_j, y_j) / sum_j E_j for showers of energies E_j centred at (x_j, y_j).

    >>> import numpy as np
    >>> cell = ContainmentMap(0.097, 0.02, 0.707, 0.2, 0.575)
    >>> float(r_variable([np.array([10.0])], [(np.array([0.0]), np.array([0.0]))], cell)[0]) < 0.01
    True
    """
    total, inside = _total_and_inside(energies, positions, cell)
    return np.asarray(1.0 - inside / np.where(total > 0, total, 1.0))


def r_cut_probability(
    energies: list[FloatArray],
    positions: list[tuple[FloatArray, FloatArray]],
    cell: ContainmentMap,
    r_cut: float,
    sampling_term: float,
) -> FloatArray:
    """P(R < r_cut) when the energy seen inside and outside the central cell carries sampling fluctuations.

    A sampling calorimeter sees an electromagnetic deposit E with sigma_E/E = a/sqrt(E/GeV) (the stochastic
    term, e.g. PDG 2024 "Passage of particles through matter / calorimetry": sigma/E = 2.7% sqrt(d/f_samp) for
    sampling fluctuations, d the active-layer thickness in mm and f_samp the mip sampling fraction). We model the
    seen energy of a mean deposit E as a Gamma variate of shape E/a^2 and scale a^2 GeV, which has exactly that
    mean and variance and, being a sum of independent quanta, adds up across showers and cells. With
    E_in = sum_j E_j C(x_j, y_j) and E_out = sum_j E_j - E_in (GeV), R = E_out/(E_in + E_out) is then
    Beta(E_out/a^2, E_in/a^2) distributed and

        P(R < r_cut) = I_{r_cut}(E_out/a^2, E_in/a^2),

    the regularised incomplete beta function. a -> 0 gives back the step function of the mean R
    (:func:`r_variable`). Energies in GeV, positions in m, ``sampling_term`` a in GeV^(1/2).

    >>> import numpy as np
    >>> cell = ContainmentMap(0.097, 0.02, 0.707, 0.2, 0.575)
    >>> centred = [(np.array([0.0]), np.array([0.0]))]
    >>> p80 = float(r_cut_probability([np.array([80.0])], centred, cell, 0.06, 0.33)[0])
    >>> p2 = float(r_cut_probability([np.array([2.0])], centred, cell, 0.06, 0.33)[0])
    >>> p80 > 0.999 and 0.9 < p2 < 0.999
    True
    """
    if not sampling_term > 0.0:
        raise ValueError(f"sampling_term must be > 0 GeV^(1/2), got {sampling_term}")
    quantum = sampling_term * sampling_term
    total, inside = _total_and_inside(energies, positions, cell)
    outside = np.clip(total - inside, 0.0, None)
    alpha = np.maximum(outside / quantum, 1e-300)
    beta = np.maximum(inside / quantum, 1e-300)
    prob = betainc(alpha, beta, min(max(r_cut, 0.0), 1.0))
    return np.asarray(np.where(total > 0, prob, 0.0))
