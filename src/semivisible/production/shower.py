r"""A fast longitudinal electromagnetic-shower Monte Carlo for thick-target A' production.

Only e+- above an energy threshold E_th can radiate a selected A' (one with E_A' > E_th), so only the top of
the shower is followed: bremsstrahlung of e+- and pair production of photons, in units of the radiation
length X0, with the complete-screening cross sections of Tsai (Rev. Mod. Phys. 46, 815 (1974); PDG 2024
"Passage of particles through matter", Eqs. 34.29 and 34.31):

    bremsstrahlung:   dN/(dt dy) = (1/y) (4/3 - 4/3 y + y^2),          y = k/E
    pair production:  dN/(dt dx) = 1 - 4/3 x (1 - x),  total 7/9 per X0,  x = E_e-/k

The beam particle is an electron or a positron (``beam_particle``); bremsstrahlung is the same for both at this
order, and every track segment carries the charge of its particle, so that the positrons of the shower (the
beam's and those of pair conversions) can annihilate on atomic electrons (:mod:`semivisible.production.annihilation`).

Photons with y < ``y_min`` are treated as a continuous energy loss, dE/dt = -E (4/3 y_min - 2/3 y_min^2 +
y_min^3/3); harder ones are sampled. Photons and e+- below E_th are dropped (they cannot make a selected A').
Neglected: the LPM and dielectric suppression (only below y ~ E/E_LPM ~ 0.02 at 100 GeV in Pb, i.e. in the
continuous part), Compton scattering and ionisation (irrelevant above E_th ~ GeV), and the transverse
development except for the multiple-scattering angle of the radiating e+- (Highland, PDG 2024 Eq. 34.16).

With ``spectrum="approx-a"`` the bremsstrahlung spectrum is the Bethe-Heitler form behind Tsai's
approximation A, (4/3) dy/(-ln(1 - y)) (~ (4/3)/y for soft photons; Tsai RMP 46, 815, Sec. III.B), for which
the primary electron's energy distribution after t radiation lengths is exactly the Gamma form
(:func:`semivisible.production.yields.tsai_approx_a_density`); the tests use it to check the MC.

The output is a list of e+- track segments (energy, length, depth): the A' yield of any mass is a sum over
segments of n_atoms sigma_A'(E) dt. Simulating the shower once therefore serves every m_A' and every eps.

Examples
--------
>>> tracks = simulate_shower(ShowerConfig(n_primaries=200, seed=1))
>>> bool(tracks.energy_gev.min() >= 50.0), tracks.n_primaries
(True, 200)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from scipy import special

from semivisible.errors import ParameterError

__all__ = ["ShowerConfig", "ShowerTracks", "simulate_shower"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class ShowerConfig:
    """Inputs of the shower MC. Energies in GeV, lengths in radiation lengths.

    Args:
        beam_energy_gev: primary e+- energy.
        beam_particle: ``"e-"`` or ``"e+"``: the charge of the primaries.
        beam_energy_spread_gev: Gaussian sigma of the primary energy (0: monochromatic).
        thickness_x0: target depth in X0; e+- and photons stop there.
        threshold_gev: e+- and photons below this are not followed.
        y_min: hard-bremsstrahlung cut, y = k/E; softer photons are a continuous loss.
        secondaries: follow photons and the e+- they convert into (False: the primary only).
        spectrum: ``"tsai"`` (complete screening, default) or ``"approx-a"`` ((4/3)/(-ln(1-y)), for checks).
        n_primaries: number of primary particles.
        seed: seed of the ``numpy.random.Generator``.
    """

    beam_energy_gev: float = 100.0
    beam_particle: Literal["e-", "e+"] = "e-"
    beam_energy_spread_gev: float = 0.0
    thickness_x0: float = 40.0
    threshold_gev: float = 50.0
    y_min: float = 1e-3
    secondaries: bool = True
    spectrum: Literal["tsai", "approx-a"] = "tsai"
    n_primaries: int = 20_000
    seed: int = 20210705

    def __post_init__(self) -> None:
        for name in ("beam_energy_gev", "beam_energy_spread_gev", "thickness_x0", "threshold_gev", "y_min"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ParameterError(name, value, f"{name}: a finite real number")
        if isinstance(self.n_primaries, bool) or not isinstance(self.n_primaries, int):
            raise ParameterError("n_primaries", self.n_primaries, "an integer")
        # Bounds that keep one shower in memory and time: the cost grows like n_primaries x E / threshold.
        checks = [
            ("beam_energy_gev", 0 < self.beam_energy_gev <= 1e4, "0 < beam_energy_gev <= 1e4"),
            ("beam_energy_spread_gev", self.beam_energy_spread_gev >= 0, "beam_energy_spread_gev >= 0"),
            ("thickness_x0", 0 < self.thickness_x0 <= 500, "0 < thickness_x0 <= 500"),
            (
                "threshold_gev",
                0 < self.threshold_gev < self.beam_energy_gev,
                f"0 < threshold_gev < beam_energy_gev = {self.beam_energy_gev:g}",
            ),
            ("y_min", 0 < self.y_min < 0.1, "0 < y_min < 0.1"),
            ("spectrum", self.spectrum in ("tsai", "approx-a"), "'tsai' or 'approx-a'"),
            ("beam_particle", self.beam_particle in ("e-", "e+"), "'e-' or 'e+'"),
            ("n_primaries", 1 <= self.n_primaries <= 2_000_000, "1 <= n_primaries <= 2000000"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                raise ParameterError(name, getattr(self, name), allowed)

    def to_dict(self) -> dict[str, Any]:
        """The inputs as a plain dict (for hashing and metadata)."""
        return asdict(self)

    @property
    def beam_charge(self) -> int:
        """Charge of the primaries in units of e: -1 for ``"e-"``, +1 for ``"e+"``."""
        return 1 if self.beam_particle == "e+" else -1


@dataclass(frozen=True)
class ShowerTracks:
    """e+- track segments above threshold. Energies in GeV, lengths and depths in X0.

    ``energy_gev`` is the energy at the segment's midpoint, ``theta_x_rad``/``theta_y_rad`` the projected
    direction of the radiating particle (multiple scattering), ``generation`` 0 for the primary, ``primary``
    the index of the primary particle the segment descends from (for event-wise MC errors), ``charge`` -1 for an
    electron and +1 for a positron.
    """

    energy_gev: FloatArray
    length_x0: FloatArray
    depth_x0: FloatArray
    theta_x_rad: FloatArray
    theta_y_rad: FloatArray
    generation: IntArray
    primary: IntArray
    charge: IntArray
    n_primaries: int
    config: ShowerConfig = field(repr=False)

    def track_length_x0(self, e_min_gev: float = 0.0, charge: int | None = None) -> float:
        """Total track length above ``e_min_gev`` per primary, in X0: of e+ and e- (``charge`` None), or of one."""
        sel = self.energy_gev > e_min_gev
        if charge is not None:
            sel &= self.charge == charge
        return float(self.length_x0[sel].sum() / self.n_primaries)


def _brem_rates(y_min: float, spectrum: str) -> tuple[float, float]:
    """(hard-photon rate per X0 for y > y_min, continuous fractional energy loss per X0 for y < y_min)."""
    if spectrum == "approx-a":
        # (4/3) dy / (-ln(1-y)): in w = -ln(1-y) the rate is (4/3) e^-w / w dw, i.e. (4/3) E1(w_min).
        return 4.0 / 3.0 * float(special.exp1(-math.log1p(-y_min))), 4.0 / 3.0 * y_min
    hard = 4.0 / 3.0 * math.log(1.0 / y_min) - 4.0 / 3.0 * (1.0 - y_min) + (1.0 - y_min**2) / 2.0
    soft = 4.0 / 3.0 * y_min - 2.0 / 3.0 * y_min**2 + y_min**3 / 3.0
    return hard, soft


def _sample_w_bethe_heitler(rng: np.random.Generator, n: int, w_min: float) -> FloatArray:
    """w = -ln(1-y) from e^-w / w on [w_min, inf): envelope 1/w on [w_min, 1] plus e^-w on [1, inf)."""
    out = np.empty(n)
    todo = np.arange(n)
    low_mass = math.log(1.0 / w_min)
    while todo.size:
        m = todo.size
        low = rng.random(m) * (low_mass + math.exp(-1.0)) < low_mass
        w = np.where(low, w_min ** (1.0 - rng.random(m)), 1.0 + rng.exponential(1.0, m))
        accept = rng.random(m) < np.where(low, np.exp(-w), 1.0 / w)
        out[todo[accept]] = w[accept]
        todo = todo[~accept]
    return out


def _sample_y(rng: np.random.Generator, n: int, y_min: float, spectrum: str) -> FloatArray:
    """Photon energy fractions on [y_min, 1): (1/y)(4/3 - 4/3 y + y^2), or (4/3)/(-ln(1-y)) for approx-a."""
    if spectrum == "approx-a":
        return np.asarray(-np.expm1(-_sample_w_bethe_heitler(rng, n, -math.log1p(-y_min))))
    out = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        y = y_min ** rng.random(todo.size)  # log-uniform on [y_min, 1]
        accept = rng.random(todo.size) * (4.0 / 3.0) < 4.0 / 3.0 - 4.0 / 3.0 * y + y * y
        out[todo[accept]] = y[accept]
        todo = todo[~accept]
    return out


def _sample_pair_x(rng: np.random.Generator, n: int) -> FloatArray:
    """Electron energy fractions from 1 - 4/3 x (1 - x) on [0, 1] (rejection from uniform; max 1)."""
    out = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        x = rng.random(todo.size)
        accept = rng.random(todo.size) < 1.0 - 4.0 / 3.0 * x * (1.0 - x)
        out[todo[accept]] = x[accept]
        todo = todo[~accept]
    return out


def _highland_theta0(energy_gev: FloatArray, depth_x0: FloatArray) -> FloatArray:
    """Projected multiple-scattering angle (rad) after ``depth_x0``: 13.6 MeV/(beta c p) sqrt(t)(1 + 0.038 ln t)."""
    t = np.maximum(depth_x0, 1e-3)
    return np.asarray(0.0136 / energy_gev * np.sqrt(t) * np.clip(1.0 + 0.038 * np.log(t), 0.5, None))


def simulate_shower(config: ShowerConfig) -> ShowerTracks:
    """Run the shower MC and return the e+- track segments above threshold (see the module docstring).

    Deterministic for a given ``config`` (seeded ``numpy.random.Generator``).
    """
    rng = np.random.default_rng(config.seed)
    e_th, depth_max = config.threshold_gev, config.thickness_x0
    hard_rate, soft_loss = _brem_rates(config.y_min, config.spectrum)

    energy = np.full(config.n_primaries, config.beam_energy_gev)
    if config.beam_energy_spread_gev > 0:
        energy = energy + config.beam_energy_spread_gev * rng.standard_normal(config.n_primaries)
    depth = np.zeros(config.n_primaries)
    gen = np.zeros(config.n_primaries, dtype=np.int64)
    pid = np.arange(config.n_primaries, dtype=np.int64)
    q = np.full(config.n_primaries, config.beam_charge, dtype=np.int64)
    keep = energy > e_th
    energy, depth, gen, pid, q = energy[keep], depth[keep], gen[keep], pid[keep], q[keep]

    segments: list[tuple[FloatArray, FloatArray, FloatArray, IntArray, IntArray, IntArray]] = []
    photons_e: list[FloatArray] = []
    photons_t: list[FloatArray] = []
    photons_g: list[IntArray] = []
    photons_p: list[IntArray] = []
    while energy.size:
        step = rng.exponential(1.0 / hard_rate, energy.size)
        end = np.minimum(depth + step, depth_max)
        length = end - depth
        e_end = energy * np.exp(-soft_loss * length)
        segments.append((energy * np.exp(-0.5 * soft_loss * length), length, 0.5 * (depth + end), gen, pid, q))
        inside = depth + step < depth_max
        y = _sample_y(rng, int(inside.sum()), config.y_min, config.spectrum)
        e_rad = e_end[inside]
        if config.secondaries:
            k = y * e_rad
            hard = k > e_th
            photons_e.append(k[hard])
            photons_t.append(end[inside][hard])
            photons_g.append(gen[inside][hard] + 1)
            photons_p.append(pid[inside][hard])
        energy = e_rad * (1.0 - y)
        depth, gen, pid, q = end[inside], gen[inside], pid[inside], q[inside]
        alive = energy > e_th
        energy, depth, gen, pid, q = energy[alive], depth[alive], gen[alive], pid[alive], q[alive]

        if not energy.size and photons_e:
            # Convert the photons collected so far into the next e+- generation.
            k, t0 = np.concatenate(photons_e), np.concatenate(photons_t)
            g, p = np.concatenate(photons_g), np.concatenate(photons_p)
            photons_e, photons_t, photons_g, photons_p = [], [], [], []
            t_conv = t0 + rng.exponential(9.0 / 7.0, k.size)
            conv = t_conv < depth_max
            k, t_conv, g, p = k[conv], t_conv[conv], g[conv], p[conv]
            x = _sample_pair_x(rng, k.size)
            both_e = np.concatenate((x * k, (1.0 - x) * k))
            hot = both_e > e_th
            energy = both_e[hot]
            depth = np.concatenate((t_conv, t_conv))[hot]
            gen = np.concatenate((g, g))[hot]
            pid = np.concatenate((p, p))[hot]
            # The pair: the electron carries x k, the positron (1 - x) k.
            q = np.concatenate((np.full(k.size, -1, dtype=np.int64), np.ones(k.size, dtype=np.int64)))[hot]

    if segments:
        e_seg, l_seg, d_seg = (np.concatenate([s[i] for s in segments]) for i in range(3))
        g_seg, p_seg, q_seg = (np.concatenate([s[i] for s in segments]) for i in (3, 4, 5))
    else:
        e_seg = l_seg = d_seg = np.zeros(0)
        g_seg = p_seg = q_seg = np.zeros(0, dtype=np.int64)
    theta0 = _highland_theta0(e_seg, d_seg)
    tx = theta0 * rng.standard_normal(e_seg.size)
    ty = theta0 * rng.standard_normal(e_seg.size)
    return ShowerTracks(
        energy_gev=e_seg,
        length_x0=l_seg,
        depth_x0=d_seg,
        theta_x_rad=tx,
        theta_y_rad=ty,
        generation=g_seg.astype(np.int64),
        primary=p_seg.astype(np.int64),
        charge=q_seg.astype(np.int64),
        n_primaries=config.n_primaries,
        config=config,
    )
