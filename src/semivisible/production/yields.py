r"""Thick-target A' production tables: weighted A' from the electromagnetic shower, per electron on target.

Each e+- track segment of the shower (:mod:`semivisible.production.shower`) of length dt (in X0) at energy E
radiates on average

    dN_A' = eps^2 n_X0 sigma_A'(m_A', E; E_A' > E_min) dt,      n_X0 = atoms of the radiator per cm^2 per X0,

A' (a track-length estimator). The shower does not depend on m_A' or eps, and eps enters only as eps^2, so
one shower serves every mass and every eps: each segment carries one (or ``samples_per_segment``) A' whose
weight is that expected number per EOT for eps = 1. The A' energy fraction x is sampled from dsigma/dx above
E_min/E, its angle from the WW angular distribution (arXiv:0906.0580 Eq. A12; in v = U_min/U the density is
1 - x + x^2/2 + x^2 (v^2 - v), times chi(t_min(U)) which cuts the large-angle tail), added to the e+-
direction.

The primary-electron-only estimate with Tsai's "approximation A" (Tsai RMP 46, 815 (1974); BEST
arXiv:0906.0580 Eq. A2)

    N_A'/EOT = eps^2 n_X0 Int_0^T dt Int_{E_min}^{E0} dE I_e(E0, E, t) sigma(E; E_A' > E_min),
    I_e(E0, E, t) = (1/E0) [ln(E0/E)]^(b t - 1) / Gamma(b t),   b = 4/3,

is :func:`yield_tsai_approx_a`; the MC reproduces it with secondaries off and the approximation-A spectrum.

Examples
--------
>>> from semivisible.production.shower import ShowerConfig
>>> cfg = ShowerConfig(n_primaries=500, seed=3)
>>> table = build_production_table(0.1, shower=cfg, method="iww", use_cache=False)
>>> y = table.yield_per_eot_per_eps2()
>>> 1e-5 < y < 1e-3
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import special

from semivisible._version import __version__
from semivisible.errors import ParameterError, check_real
from semivisible.io.cache import cache_key, cached_arrays
from semivisible.model.constants import M_E_GEV
from semivisible.production.annihilation import ANNIHILATION_BANDWIDTH, CHANNELS, annihilation_rows, check_channels
from semivisible.production.form_factors import chi
from semivisible.production.materials import Material, get_material
from semivisible.production.shower import ShowerConfig, ShowerTracks, simulate_shower
from semivisible.production.xsec import METHODS, dsigma_dx

__all__ = [
    "PB_TO_CM2",
    "ProductionTable",
    "build_production_table",
    "shower_tracks",
    "tsai_approx_a_density",
    "yield_tsai_approx_a",
]

FloatArray = NDArray[np.float64]
#: 1 pb in cm^2.
PB_TO_CM2 = 1e-36

_COLUMNS = ("energy_gev", "theta_x_rad", "theta_y_rad", "depth_x0", "parent_energy_gev", "weight", "primary")


@dataclass(frozen=True)
class ProductionTable:
    """Weighted A' of one mass, per electron on target and per eps^2.

    Columns (one row per weighted A'): ``energy_gev``, ``theta_x_rad``/``theta_y_rad`` (projected lab angles
    to the beam), ``depth_x0`` (emission depth in the target, radiation lengths), ``parent_energy_gev`` (of the
    radiating or annihilating e+-), ``weight`` (expected A' per EOT for eps = 1), ``primary`` (index of the
    primary particle) and ``channel`` (index into :data:`~semivisible.production.annihilation.CHANNELS`).
    """

    ma: float
    energy_gev: FloatArray
    theta_x_rad: FloatArray
    theta_y_rad: FloatArray
    depth_x0: FloatArray
    parent_energy_gev: FloatArray
    weight: FloatArray
    primary: NDArray[np.int64]
    n_primaries: int
    meta: dict[str, Any] = field(default_factory=dict)
    channel: NDArray[np.int64] | None = None

    def __post_init__(self) -> None:
        if self.channel is None:
            object.__setattr__(self, "channel", np.zeros(self.weight.size, dtype=np.int64))

    @property
    def channel_codes(self) -> NDArray[np.int64]:
        """The production channel of each row, as an index into :data:`CHANNELS` (0 brem, 1 annihilation, ...)."""
        assert self.channel is not None
        return self.channel

    def channel_yields(self, e_min_gev: float | None = None) -> dict[str, float]:
        """Expected A' per EOT for eps = 1 of each channel the table was built with (E_A' > ``e_min_gev``)."""
        names = self.meta.get("inputs", {}).get("channels", ["brem"])
        out = {}
        for name in names:
            code = CHANNELS.index(name)
            out[name] = self.yield_per_eot_per_eps2(e_min_gev, (self.channel_codes == code).astype(np.float64))
        return out

    @property
    def x(self) -> FloatArray:
        """A' energy fraction E_A'/E_parent."""
        return np.asarray(self.energy_gev / self.parent_energy_gev)

    @property
    def theta_rad(self) -> FloatArray:
        """Polar angle of the A' to the beam axis, rad."""
        return np.asarray(np.hypot(self.theta_x_rad, self.theta_y_rad))

    def _per_primary(self, values: FloatArray) -> FloatArray:
        return np.asarray(np.bincount(self.primary, weights=values, minlength=self.n_primaries), dtype=np.float64)

    def yield_per_eot_per_eps2(self, e_min_gev: float | None = None, weights: FloatArray | None = None) -> float:
        """Expected A' per EOT for eps = 1, with E_A' > ``e_min_gev`` (default: the table's own cut).

        ``weights`` multiplies each row (e.g. a decay probability or an acceptance).
        """
        w = self.weight if weights is None else self.weight * weights
        if e_min_gev is not None:
            w = np.where(self.energy_gev > e_min_gev, w, 0.0)
        return float(w.sum() / self.n_primaries)

    def mc_error(self, e_min_gev: float | None = None, weights: FloatArray | None = None) -> float:
        """MC statistical error of :meth:`yield_per_eot_per_eps2`, from the spread over primary electrons."""
        w = self.weight if weights is None else self.weight * weights
        if e_min_gev is not None:
            w = np.where(self.energy_gev > e_min_gev, w, 0.0)
        per = self._per_primary(w)
        return float(per.std(ddof=1) / math.sqrt(self.n_primaries)) if self.n_primaries > 1 else float("nan")

    def x_summary(self) -> dict[str, float]:
        """Weighted mean and quantiles of x = E_A'/E_parent and of E_A' (GeV)."""
        order = np.argsort(self.x)
        cdf = np.cumsum(self.weight[order])
        cdf /= cdf[-1]
        xs = self.x[order]
        quant = {f"x_q{int(q * 100):02d}": float(np.interp(q, cdf, xs)) for q in (0.1, 0.5, 0.9)}
        return {
            "x_mean": float(np.average(self.x, weights=self.weight)),
            **quant,
            "energy_mean_gev": float(np.average(self.energy_gev, weights=self.weight)),
            "theta_mean_rad": float(np.average(self.theta_rad, weights=self.weight)),
            "secondary_fraction": float(self.meta.get("secondary_fraction", float("nan"))),
        }

    def thinned(self, max_rows: int, seed: int = 0) -> ProductionTable:
        """A statistically equivalent table with about ``max_rows`` rows: whole primaries are kept with probability
        q = max_rows/rows and their weights divided by q (an unbiased thinning; the MC error grows as 1/sqrt(q)).

        >>> from semivisible.production.shower import ShowerConfig
        >>> cfg = ShowerConfig(n_primaries=2000, seed=1)
        >>> t = build_production_table(0.1, shower=cfg, method="iww", use_cache=False)
        >>> small = t.thinned(t.weight.size // 4)
        >>> bool(small.weight.size < t.weight.size) and small.n_primaries == t.n_primaries
        True
        """
        if max_rows >= self.weight.size:
            return self
        q = max_rows / self.weight.size
        keep_primary = np.random.default_rng([seed, 11]).random(self.n_primaries) < q
        rows = keep_primary[self.primary]
        return ProductionTable(
            ma=self.ma,
            energy_gev=self.energy_gev[rows],
            theta_x_rad=self.theta_x_rad[rows],
            theta_y_rad=self.theta_y_rad[rows],
            depth_x0=self.depth_x0[rows],
            parent_energy_gev=self.parent_energy_gev[rows],
            weight=self.weight[rows] / q,
            primary=self.primary[rows],
            n_primaries=self.n_primaries,
            meta={**self.meta, "thinned_to": max_rows},
            channel=self.channel_codes[rows],
        )

    def arrays(self) -> dict[str, NDArray[Any]]:
        """The columns as a dict of arrays."""
        return {**{name: getattr(self, name) for name in _COLUMNS}, "channel": self.channel_codes}


_SHOWER_CACHE: dict[str, ShowerTracks] = {}
#: Showers kept in memory: an experiment with annihilation needs two (the positrons' is followed further down),
#: and keeping only one made each mass simulate both again.
_SHOWERS_KEPT = 2


def shower_tracks(config: ShowerConfig) -> ShowerTracks:
    """The shower of ``config``, simulated once per process (it does not depend on m_A')."""
    key = cache_key("shower", config.to_dict())
    if key not in _SHOWER_CACHE:
        while len(_SHOWER_CACHE) >= _SHOWERS_KEPT:
            _SHOWER_CACHE.pop(next(iter(_SHOWER_CACHE)))
        _SHOWER_CACHE[key] = simulate_shower(config)
    return _SHOWER_CACHE[key]


class _XSampler:
    """Inverse-CDF sampling of x from dsigma/dx on a grid of parent energies (rows) and u in [0, 1].

    Row j covers s = -ln(1 - x) from s_lo(E_j) to s_hi(E_j), x from max(E_min/E, m/E) to 1 - m_e/E. A sample
    at energy E picks one of the two neighbouring rows with its linear-interpolation probability (so the
    sampled density is the linear interpolation of the rows) and maps u to its own s range.
    """

    def __init__(
        self, ma: float, e_min: float, e_max: float, method: str, target: Material, n_e: int = 160, n_u: int = 129
    ) -> None:
        self.ma, self.e_min = ma, e_min
        self.grid_e = np.linspace(e_min, e_max * 1.000001, n_e)
        self.u = np.linspace(0.0, 1.0, n_u)
        s_lo, s_hi = self._s_range(self.grid_e)
        s = s_lo[:, None] + (s_hi - s_lo)[:, None] * self.u[None, :]
        x = -np.expm1(-s)
        dens = dsigma_dx(ma, self.grid_e[:, None], x, 1.0, target, method) * (1.0 - x) * (s_hi - s_lo)[:, None]
        dens = np.where(np.isfinite(dens) & (dens > 0), dens, 0.0)
        steps = 0.5 * (dens[:, 1:] + dens[:, :-1]) * np.diff(self.u)[None, :]
        self.cdf = np.concatenate((np.zeros((n_e, 1)), np.cumsum(steps, axis=1)), axis=1)
        self.sigma_pb = self.cdf[:, -1].copy()

    def _s_range(self, energy: FloatArray) -> tuple[FloatArray, FloatArray]:
        x_hi = 1.0 - M_E_GEV / energy
        x_lo = np.minimum(np.maximum(self.e_min / energy, self.ma / energy), x_hi)
        return -np.log1p(-x_lo), -np.log1p(-x_hi)

    def sigma(self, energy: FloatArray) -> FloatArray:
        """sigma(E; x > E_min/E) in pb, linear in E between rows; 0 below the first row."""
        return np.asarray(np.interp(energy, self.grid_e, self.sigma_pb, left=0.0, right=self.sigma_pb[-1]))

    def sample(self, energy: FloatArray, rng: np.random.Generator) -> FloatArray:
        pos = np.interp(energy, self.grid_e, np.arange(self.grid_e.size, dtype=np.float64))
        row = np.floor(pos).astype(np.int64)
        row = np.minimum(row + (rng.random(energy.size) < pos - row), self.grid_e.size - 1)
        target = rng.random(energy.size) * self.cdf[row, -1]
        # The last grid point with cdf <= target, row by row (one searchsorted per row of the grid: exact, and
        # without gathering an (N, n_u) copy of the CDF).
        idx = np.empty(energy.size, dtype=np.int64)
        order = np.argsort(row, kind="stable")
        bounds = np.searchsorted(row[order], np.arange(self.grid_e.size + 1))
        for j in range(self.grid_e.size):
            seg = order[bounds[j] : bounds[j + 1]]
            if seg.size:
                idx[seg] = np.searchsorted(self.cdf[j], target[seg], side="right")
        lo = np.clip(idx - 1, 0, self.u.size - 2)
        hi = lo + 1
        c0, c1 = self.cdf[row, lo], self.cdf[row, hi]
        frac = np.where(c1 > c0, (target - c0) / np.where(c1 > c0, c1 - c0, 1.0), 0.5)
        u = self.u[lo] + frac * (self.u[hi] - self.u[lo])
        s_lo, s_hi = self._s_range(energy)
        return np.asarray(-np.expm1(-(s_lo + u * (s_hi - s_lo))))


class _ChiOfTmin:
    """chi(t_min, t_max) as a function of t_min on a log grid, for t_max = (beam energy)^2.

    chi depends on t_max only through t > d (the nuclear size), where the form factor has died: one t_max
    serves all parent energies of the shower.
    """

    def __init__(self, target: Material, t_max: float) -> None:
        self.log_t = np.linspace(np.log(1e-30), np.log(t_max), 400)
        self.values = chi(np.exp(self.log_t), t_max, target.Z, target.A)

    def __call__(self, t_min: FloatArray) -> FloatArray:
        lt = np.log(np.maximum(t_min, 1e-300))
        return np.asarray(np.interp(lt, self.log_t, self.values, left=self.values[0], right=0.0))


def _sample_emission_angle(
    ma: float, energy: FloatArray, x: FloatArray, target: Material, rng: np.random.Generator
) -> FloatArray:
    """Polar angle of the A' to its parent, from the WW distribution in v = U_min/U with the chi(t_min) cutoff."""
    n = energy.size
    out = np.empty(n)
    todo = np.arange(n)
    chi_of = _ChiOfTmin(target, float(energy.max()) ** 2 if n else 1.0)
    u_min_all = ma**2 * (1.0 - x) / x + M_E_GEV**2 * x
    chi_ref = chi_of((u_min_all / (2.0 * energy * (1.0 - x))) ** 2)
    while todo.size:
        xx, ee, um = x[todo], energy[todo], u_min_all[todo]
        v = rng.random(todo.size)
        g = 1.0 - xx + xx**2 / 2.0 + xx**2 * (v * v - v)
        g_max = 1.0 - xx + xx**2 / 2.0
        u = um / np.maximum(v, 1e-300)
        c = chi_of((u / (2.0 * ee * (1.0 - xx))) ** 2)
        accept = rng.random(todo.size) * g_max * chi_ref[todo] < g * c
        theta2 = (u - um) / (ee**2 * xx)
        out[todo[accept]] = np.sqrt(theta2[accept])
        todo = todo[~accept]
    return out


def _radiator(target: str | Material, atoms_per_x0_cm2: float | None) -> tuple[Material, float]:
    mat = target if isinstance(target, Material) else get_material(target)
    n_x0 = mat.atoms_per_x0_cm2 if atoms_per_x0_cm2 is None else float(atoms_per_x0_cm2)
    if not n_x0 > 0:
        raise ParameterError("atoms_per_x0_cm2", atoms_per_x0_cm2, "atoms_per_x0_cm2 > 0")
    return mat, n_x0


_RECENT: dict[str, ProductionTable] = {}


def _remember(key: str, table: ProductionTable) -> ProductionTable:
    """Keep the last few tables in memory (by cache key): a scan asks for the same mass many times in a row."""
    _RECENT[key] = table
    while len(_RECENT) > 4:
        _RECENT.pop(next(iter(_RECENT)))
    return table


def build_production_table(
    ma: float,
    *,
    shower: ShowerConfig | None = None,
    target: str | Material = "Pb",
    atoms_per_x0_cm2: float | None = None,
    method: str = "etl",
    e_min_gev: float | None = None,
    samples_per_segment: int = 1,
    channels: Sequence[str] = ("brem",),
    electrons_per_x0_cm2: float | None = None,
    alpha_d: float | None = None,
    ratio: float | None = None,
    use_cache: bool = True,
    progress: Callable[[str], None] | None = None,
) -> ProductionTable:
    """Weighted A' of mass ``ma`` (GeV) from the shower, per EOT and per eps^2 (see the module docstring).

    Args:
        ma: A' mass, GeV.
        shower: shower MC inputs (beam particle and energy, target depth, threshold, statistics, seed).
        target: the radiating element (Z, A for the form factors).
        atoms_per_x0_cm2: radiator atoms per cm^2 per X0 of the (possibly sampling) target; default: pure target.
        method: bremsstrahlung cross section, ``etl`` (default), ``iww`` or ``ww``.
        e_min_gev: minimal A' energy; default the shower threshold (no e+- below it can make such an A').
        samples_per_segment: A' drawn per track segment (weights divided accordingly).
        channels: production channels, a subset of :data:`~semivisible.production.annihilation.CHANNELS`:
            ``brem`` (dark bremsstrahlung), ``annihilation`` (resonant e+ e- -> A' of the shower's positrons),
            ``associated`` (e+ e- -> gamma A').
        electrons_per_x0_cm2: target electrons per cm^2 per X0 for annihilation; default Z times the radiator
            atoms (a sampling target's active layers add theirs, see ``Experiment.electrons_per_x0_cm2``).
        alpha_d, ratio: the dark sector of the resonance's line shape (A' -> chi chibar, a Dirac chi of mass
            ma/ratio; :func:`~semivisible.production.annihilation.resonant_line_shape`); None for the narrow-width
            limit.
        use_cache: read/write the table in the on-disk cache (:mod:`semivisible.io.cache`).
        progress: optional callback told about the stages.
    """
    if not (math.isfinite(ma) and ma > 0):
        raise ParameterError("ma", ma, "ma > 0 (GeV)")
    if method not in METHODS:
        raise ParameterError("method", method, "one of " + ", ".join(METHODS))
    chans = check_channels(channels, shower.beam_particle if shower is not None else "e-")
    if (alpha_d is None) != (ratio is None):
        raise ParameterError("alpha_d", alpha_d, "alpha_d and ratio both given (a line shape) or both None (narrow)")
    shape = None
    if alpha_d is not None and ratio is not None:
        shape = (float(check_real("alpha_d", alpha_d, 0.0, 4.0 * math.pi)), float(check_real("ratio", ratio, 2.0)))
    shower = ShowerConfig() if shower is None else shower
    mat, n_x0 = _radiator(target, atoms_per_x0_cm2)
    e_min = shower.threshold_gev if e_min_gev is None else float(e_min_gev)
    if e_min < shower.threshold_gev:
        raise ParameterError("e_min_gev", e_min, f"e_min_gev >= the shower threshold {shower.threshold_gev:g} GeV")
    if ma >= e_min:
        raise ParameterError("ma", ma, f"ma < the minimal A' energy {e_min:g} GeV")
    n_e = mat.Z * n_x0 if electrons_per_x0_cm2 is None else float(electrons_per_x0_cm2)
    if not (math.isfinite(n_e) and n_e > 0):
        raise ParameterError("electrons_per_x0_cm2", electrons_per_x0_cm2, "electrons_per_x0_cm2 > 0")
    parts: list[ProductionTable] = []
    if "brem" in chans:
        parts.append(_brem_table(ma, shower, mat, n_x0, method, e_min, samples_per_segment, use_cache, progress))
    others = tuple(c for c in chans if c != "brem")
    if others and ma > 2.0 * M_E_GEV:
        parts.append(_annihilation_table(ma, shower, n_e, e_min, others, shape, use_cache))
    if len(parts) == 1 and others == ():
        return parts[0]
    return _combined(ma, parts, chans, n_e, shape, shower)


def _brem_table(
    ma: float,
    shower: ShowerConfig,
    mat: Material,
    n_x0: float,
    method: str,
    e_min: float,
    samples_per_segment: int,
    use_cache: bool,
    progress: Callable[[str], None] | None,
) -> ProductionTable:
    """The dark-bremsstrahlung rows (cached on disk under the inputs of the brem-only tables of earlier versions)."""
    inputs = {
        "ma": ma,
        "shower": _shower_inputs(shower),
        "target": mat.name,
        "Z": mat.Z,
        "A": mat.A,
        "n_x0": n_x0,
        "method": method,
        "e_min": e_min,
        "samples": samples_per_segment,
    }
    if use_cache:
        recent = _RECENT.get(cache_key("production", inputs))
        if recent is not None:
            return recent

    def build() -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
        return _simulate_table(ma, shower, mat, n_x0, method, e_min, samples_per_segment, inputs, progress)

    arrays, meta = cached_arrays(
        "production", inputs, build, check=_check_columns(ma), compress=False, use_cache=use_cache
    )
    table = _table_from_arrays(ma, arrays, meta)
    return _remember(cache_key("production", inputs), table) if use_cache else table


def _shower_inputs(shower: ShowerConfig) -> dict[str, Any]:
    """The shower's inputs for a cache key; an electron beam keeps the key of the versions before ``beam_particle``
    (bremsstrahlung does not depend on the sign of the charge)."""
    d = shower.to_dict()
    d.pop("beam_particle")
    return d


def _check_columns(ma: float) -> Callable[[dict[str, NDArray[Any]], dict[str, Any]], str | None]:
    def check(arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> str | None:
        sizes = {arrays[c].shape for c in _COLUMNS if c in arrays}
        if set(_COLUMNS) - set(arrays) or len(sizes) != 1 or len(next(iter(sizes))) != 1:
            return "its columns are missing or of different lengths"
        return None if meta.get("inputs", {}).get("ma") == ma else f"it holds m_A' = {meta.get('inputs', {}).get('ma')}"

    return check


#: The positrons for annihilation are followed from this fraction of the minimal A' energy, so that the kernel
#: estimate of T+(E) is complete at E_min (the kernel reaches 6 bandwidths).
_POSITRON_THRESHOLD_FRACTION = 0.85


def _annihilation_table(
    ma: float,
    shower: ShowerConfig,
    n_e: float,
    e_min: float,
    channels: tuple[str, ...],
    shape: tuple[float, float] | None,
    use_cache: bool,
) -> ProductionTable:
    """The annihilation rows (:func:`~semivisible.production.annihilation.annihilation_rows`) of the shower's
    positrons, from a shower followed down to a little below E_min."""
    pos_shower = replace(shower, threshold_gev=min(shower.threshold_gev, _POSITRON_THRESHOLD_FRACTION * e_min))
    inputs = {
        "ma": ma,
        "shower": pos_shower.to_dict(),
        "n_e": n_e,
        "e_min": e_min,
        "channels": list(channels),
        "line_shape": None if shape is None else {"alpha_d": shape[0], "ratio": shape[1]},
        "bandwidth": ANNIHILATION_BANDWIDTH,
    }

    def build() -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
        tracks = shower_tracks(pos_shower)
        pos = tracks.charge == 1
        segments = {
            "energy_gev": tracks.energy_gev[pos],
            "length_x0": tracks.length_x0[pos],
            "depth_x0": tracks.depth_x0[pos],
            "theta_x_rad": tracks.theta_x_rad[pos],
            "theta_y_rad": tracks.theta_y_rad[pos],
            "primary": tracks.primary[pos].astype(np.float64),
        }
        e_max = shower.beam_energy_gev + 5.0 * shower.beam_energy_spread_gev
        rng = np.random.default_rng([shower.seed, round(ma * 1e9) % (2**32), 8])
        rows = annihilation_rows(
            ma,
            segments,
            electrons_per_x0_cm2=n_e,
            e_min_gev=e_min,
            e_max_gev=e_max,
            channels=channels,
            alpha_d=None if shape is None else shape[0],
            ratio=None if shape is None else shape[1],
            rng=rng,
        )
        rows["primary"] = rows["primary"].astype(np.int64)
        rows["channel"] = rows["channel"].astype(np.int64)
        return rows, {"inputs": inputs, "version": __version__, "n_primaries": tracks.n_primaries}

    arrays, meta = cached_arrays(
        "annihilation", inputs, build, check=_check_columns(ma), compress=False, use_cache=use_cache
    )
    return _table_from_arrays(ma, arrays, meta)


def _combined(
    ma: float,
    parts: list[ProductionTable],
    channels: tuple[str, ...],
    n_e: float,
    shape: tuple[float, float] | None,
    shower: ShowerConfig,
) -> ProductionTable:
    """One table of the rows of all channels (the brem metadata kept, the channel inputs added)."""
    cols = {name: np.concatenate([getattr(p, name) for p in parts]) for name in _COLUMNS}
    base: dict[str, Any] = parts[0].meta if parts else {"inputs": {"ma": ma}, "version": __version__}
    line = None if shape is None else {"alpha_d": shape[0], "ratio": shape[1]}
    inputs = {**dict(base.get("inputs", {})), "channels": list(channels), "n_e": n_e, "line_shape": line}
    return ProductionTable(
        ma=ma,
        **cols,
        n_primaries=parts[0].n_primaries if parts else shower.n_primaries,
        meta={**base, "inputs": inputs},
        channel=np.concatenate([p.channel_codes for p in parts]) if parts else np.zeros(0, dtype=np.int64),
    )


def _simulate_table(
    ma: float,
    shower: ShowerConfig,
    mat: Material,
    n_x0: float,
    method: str,
    e_min: float,
    samples_per_segment: int,
    inputs: dict[str, Any],
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """Run the shower and sample the weighted A' (the columns and metadata of a :class:`ProductionTable`)."""
    if progress:
        progress("shower")
    tracks = shower_tracks(shower)
    if progress:
        progress("cross sections")
    e_max = float(tracks.energy_gev.max()) if tracks.energy_gev.size else e_min * 1.01
    sampler = _XSampler(ma, e_min, max(e_max, e_min * 1.01), method, mat)
    sel = tracks.energy_gev > sampler.grid_e[0]
    energy = np.repeat(tracks.energy_gev[sel], samples_per_segment)
    length = np.repeat(tracks.length_x0[sel], samples_per_segment)
    rng = np.random.default_rng([shower.seed, round(ma * 1e9) % (2**32), 7])
    if progress:
        progress("sampling")
    weight = n_x0 * sampler.sigma(energy) * PB_TO_CM2 * length / samples_per_segment
    x = sampler.sample(energy, rng)
    theta = _sample_emission_angle(ma, energy, x, mat, rng)
    phi = rng.uniform(0.0, 2.0 * np.pi, energy.size)
    tx = np.repeat(tracks.theta_x_rad[sel], samples_per_segment) + theta * np.cos(phi)
    ty = np.repeat(tracks.theta_y_rad[sel], samples_per_segment) + theta * np.sin(phi)
    gen = np.repeat(tracks.generation[sel], samples_per_segment)
    meta = {
        "inputs": inputs,
        "version": __version__,
        "n_primaries": tracks.n_primaries,
        "secondary_fraction": float(weight[gen > 0].sum() / weight.sum()) if weight.sum() > 0 else 0.0,
    }
    arrays = {
        "energy_gev": x * energy,
        "theta_x_rad": tx,
        "theta_y_rad": ty,
        "depth_x0": np.repeat(tracks.depth_x0[sel], samples_per_segment),
        "parent_energy_gev": energy,
        "weight": weight,
        "primary": np.repeat(tracks.primary[sel], samples_per_segment),
    }
    return arrays, meta


def _table_from_arrays(ma: float, arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> ProductionTable:
    channel = arrays.get("channel")
    return ProductionTable(
        ma=ma,
        energy_gev=arrays["energy_gev"],
        theta_x_rad=arrays["theta_x_rad"],
        theta_y_rad=arrays["theta_y_rad"],
        depth_x0=arrays["depth_x0"],
        parent_energy_gev=arrays["parent_energy_gev"],
        weight=arrays["weight"],
        primary=arrays["primary"].astype(np.int64),
        n_primaries=int(meta["n_primaries"]),
        meta=meta,
        channel=None if channel is None else channel.astype(np.int64),
    )


def tsai_approx_a_density(energy: FloatArray, e0: float, t: FloatArray) -> FloatArray:
    """Tsai's approximation A: I_e(E0, E, t) = (1/E0) [ln(E0/E)]^(b t - 1)/Gamma(b t), b = 4/3, in GeV^-1."""
    b = 4.0 / 3.0
    lg = np.log(e0 / energy)
    return np.asarray(lg ** (b * t - 1.0) / special.gamma(b * t) / e0)


def yield_tsai_approx_a(
    ma: float,
    *,
    beam_energy_gev: float = 100.0,
    thickness_x0: float = 40.0,
    e_min_gev: float = 50.0,
    target: str | Material = "Pb",
    atoms_per_x0_cm2: float | None = None,
    method: str = "etl",
    n_t: int = 48,
    n_q: int = 48,
) -> float:
    """Primary-electron-only A' yield per EOT per eps^2 with E_A' > ``e_min_gev``, Tsai's approximation A.

    The energy integral uses L = ln(E0/E) and q = L^(bt), which removes the L^(bt-1) end-point singularity:
    Int dE I_e f = Int_0^{L_max^(bt)} dq e^(-L) f(E0 e^(-L)) / Gamma(bt + 1).
    """
    mat, n_x0 = _radiator(target, atoms_per_x0_cm2)
    b = 4.0 / 3.0
    l_max = math.log(beam_energy_gev / e_min_gev)
    sampler = _XSampler(ma, e_min_gev, beam_energy_gev, method, mat)
    # t panels: the integrand falls like l_max^(bt)/Gamma(bt+1), negligible beyond t ~ 12.
    edges = np.array([0.0, 0.25, 1.0, 3.0, min(12.0, thickness_x0)])
    edges = edges[edges <= thickness_x0]
    xt, wt = np.polynomial.legendre.leggauss(n_t)
    xq, wq = np.polynomial.legendre.leggauss(n_q)
    total = 0.0
    for a, c in itertools.pairwise(edges):
        t = 0.5 * (c - a) * (xt + 1.0) + a
        q_max = l_max ** (b * t)
        q = 0.5 * q_max[:, None] * (xq[None, :] + 1.0)
        lg = q ** (1.0 / (b * t[:, None]))
        energy = beam_energy_gev * np.exp(-lg)
        inner = (np.exp(-lg) * sampler.sigma(energy)) @ (0.5 * wq) * q_max / special.gamma(b * t + 1.0)
        total += float(inner @ (0.5 * (c - a) * wt))
    return n_x0 * total * PB_TO_CM2
