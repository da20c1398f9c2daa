"""The schema of an experiment file (TOML), validated with pydantic.

An experiment is data, never code: its beam, its active target, the A' production settings, and each
signature's selection, efficiency, background and observed count. Every number is a table with its ``value``
and its ``source`` (and optionally an ``error``), so that a reader can check it. Unknown keys are errors, so a
typo in a user's file is reported, not ignored.

Every number is checked, so that no file can reach the computation with a NaN, an infinity or an unphysical
value: values and errors are finite, each value is in its physical range (the ranges are the ``Annotated``
types below ``Quantity``, with :data:`TINY` and the ``MAX_*`` bounds), counts are integers, and the sections fit
the file's kind (``ExperimentSpec._active_dump_structure``). The shower MC a file asks for is bounded
(:data:`MAX_SHOWER_COST`), as are the number of modules and the rows of an efficiency table. An error names the
key, the value given and what is allowed.

Minimal example (the shipped ``na64-2016.toml`` is the full form)::

    schema_version = 1
    kind = "active-dump"
    name = "my-dump"
    description = "..."

    [beam]
    energy_gev = { value = 100.0, source = "..." }
    eot = { value = 1e12, source = "..." }

    [target]
    material = "Pb"
    thickness_x0 = { value = 40.0, source = "..." }

    [production]
    min_aprime_energy_gev = { value = 50.0, source = "..." }

    [invisible]
    efficiency = { value = 0.6, source = "..." }
    n_observed = { value = 0, source = "..." }
    background = { value = 0.5, error = 0.2, source = "..." }
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from semivisible.production.channels import MESON_CHANNELS, channels_of_beam

__all__ = [
    "KINDS",
    "RESERVED_KINDS",
    "Beam",
    "ColliderBeams",
    "Detector",
    "Efficiency",
    "ExperimentSpec",
    "InvisibleLimit",
    "InvisibleSignature",
    "Module",
    "PhotonSelection",
    "Production",
    "ProtonBrem",
    "Quantity",
    "SemivisibleSignature",
    "ShowerProfile",
    "Target",
    "VetoVolume",
]

#: A finite float (no nan or inf; an integer is read as a float, a string or a boolean is an error).
Finite = Annotated[float, Field(strict=True, allow_inf_nan=False)]

#: The smallest size (m), depth (X0) or radius (Moliere radii) a file may give where the physics needs > 0: below
#: it a ratio or a square of it can underflow to 0 or overflow to inf downstream.
TINY = 1e-6
#: The largest distance (m) along or across the beam: positions, lengths, widths, the beam spot.
MAX_METRES = 1e4
#: The largest beam energy (GeV).
MAX_BEAM_ENERGY_GEV = 1e4
#: The largest number of particles on target.
MAX_EOT = 1e22
#: The largest observed count and expected background of a signature (events). The exact multibin CLs sums over
#: every outcome (semivisible.stats.cls): 10 events in a bin already take about a minute for an experiment's limit
#: table, 30 events several minutes and 300 events hours, so the files are held to searches with few events.
MAX_EVENTS = 10.0
#: The largest number of detector modules and of rows of an efficiency table.
MAX_MODULES = 64
MAX_TABLE_ROWS = 10_000
#: The shower MC's time and memory grow like its cost, :func:`shower_cost`: n_primaries x energy_gev /
#: min_aprime_energy_gev (the e+- followed above the threshold) x ln(1/y_min)/ln(1000) for y_min < 1e-3 (the hard
#: photons per X0). The shipped na64-2016-2018 settings (20000 primaries, 100/50 GeV, y_min = 1e-3) cost 4e4 and
#: build a production table in 0.8 s with 0.3 GB; the cost grows linearly from there (1e6 primaries: 34 s and
#: 9.7 GB). A file may ask for 50 times the shipped cost.
SHIPPED_SHOWER_COST = 20_000 * 100.0 / 50.0
MAX_SHOWER_COST = 50 * SHIPPED_SHOWER_COST


def shower_cost(n_primaries: int, energy_gev: float, min_aprime_energy_gev: float, y_min: float) -> float:
    """The cost of the shower MC of an experiment file (see :data:`MAX_SHOWER_COST`).

    >>> shower_cost(20_000, 100.0, 50.0, 1e-3) == SHIPPED_SHOWER_COST
    True
    """
    return n_primaries * (energy_gev / min_aprime_energy_gev) * max(1.0, math.log(1.0 / y_min) / math.log(1e3))


def _show(v: float) -> str:
    """A number as an error message shows it (a long integer is shortened)."""
    text = repr(v)
    return text if len(text) <= 24 else f"{text[:12]}... ({len(text)} digits)"


def _num(x: float) -> str:
    """A bound as an error message shows it: 10000, 1e20, 1e-6."""
    mantissa, _, exponent = f"{x:g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


@dataclass(frozen=True)
class _Range:
    """The allowed values of a :class:`Quantity`, checked on its raw ``value`` before the Quantity is built, so that
    nan, inf and values out of range all get one message that states the range."""

    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False
    unit: str = ""

    @property
    def allowed(self) -> str:
        """The range in words, e.g. ``0 < value <= 10000 GeV``."""
        below, above = ("<" if self.lo_open else "<="), ("<" if self.hi_open else "<=")
        if self.lo is not None and self.hi is not None:
            text = f"{_num(self.lo)} {below} value {above} {_num(self.hi)}"
        elif self.lo is not None:
            text = f"finite value {'>' if self.lo_open else '>='} {_num(self.lo)}"
        elif self.hi is not None:
            text = f"finite value {above} {_num(self.hi)}"
        else:
            text = "a finite value"
        if self.unit:
            text = f"{text} {self.unit}"
        return f"an integer {text}" if self.integer else text

    def ok(self, v: float) -> bool:
        """Whether ``v`` is allowed (finite, in range, an integer if asked)."""
        if isinstance(v, float) and not math.isfinite(v):
            return False
        if self.lo is not None and not (v > self.lo if self.lo_open else v >= self.lo):
            return False
        if self.hi is not None and not (v < self.hi if self.hi_open else v <= self.hi):
            return False
        return not self.integer or isinstance(v, int) or float(v).is_integer()

    def __call__(self, data: object) -> object:
        v = data.get("value") if isinstance(data, dict) else getattr(data, "value", None)
        if isinstance(v, int | float) and not isinstance(v, bool) and not self.ok(v):
            raise ValueError(f"value = {_show(v)}, allowed {self.allowed}")
        return data  # anything else (a missing or mistyped value) is reported by Quantity itself


def _in(
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    integer: bool = False,
    unit: str = "",
) -> BeforeValidator:
    return BeforeValidator(_Range(lo, hi, lo_open=lo_open, hi_open=hi_open, integer=integer, unit=unit))


#: The kinds of experiment this version can compute. ``active-dump``: the A' is made in an active target that
#: measures the missing energy, and the signatures depend on where chi2 decays relative to vetoes and fiducial
#: volumes downstream (NA64).
#: ``beam-dump``: the A' is made in a passive dump; a shield, then a decay volume, and a detector face at its end
#: see the visible products of decays inside the volume (E137).
#: ``collider``: e+ e- -> gamma A' with a mono-photon selection; the A' decays are vetoed where the detector sees
#: them (BaBar), and the published invisible limit is recast.
KINDS: tuple[str, ...] = ("active-dump", "beam-dump", "collider")
#: Kinds whose schema and signal model are planned but not in this version.
RESERVED_KINDS: tuple[str, ...] = ()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Strict):
    """A number with its source, and optionally its 1-sigma error."""

    value: Finite
    source: str = Field(min_length=3)
    error: Finite | None = Field(default=None, ge=0)


# The ranges of the quantities of an experiment file (the value; every error is finite and >= 0).
Size = Annotated[Quantity, _in(TINY, MAX_METRES, unit="m")]
Position = Annotated[Quantity, _in(-MAX_METRES, MAX_METRES, unit="m")]
SpotSize = Annotated[Quantity, _in(0.0, MAX_METRES, unit="m")]
BeamEnergy = Annotated[Quantity, _in(0.0, MAX_BEAM_ENERGY_GEV, lo_open=True, unit="GeV")]
Energy = Annotated[Quantity, _in(0.0, MAX_BEAM_ENERGY_GEV, unit="GeV")]
Eot = Annotated[Quantity, _in(1.0, MAX_EOT)]
Depth = Annotated[Quantity, _in(TINY, 500.0, unit="X0")]
Fraction = Annotated[Quantity, _in(0.0, 1.0)]
Cut = Annotated[Quantity, _in(0.0, 1.0, lo_open=True)]
Count = Annotated[Quantity, _in(0.0, MAX_EVENTS, integer=True, unit="events")]
Background = Annotated[Quantity, _in(0.0, MAX_EVENTS, unit="events")]
#: A relative signal systematic up to 100%: beyond it the log-normal nuisance makes the exact limits slow (a 300%
#: systematic takes ~10 s per limit) and the result meaningless.
Systematic = Annotated[Quantity, _in(0.0, 1.0, unit="(a relative error)")]
MoliereRadii = Annotated[Quantity, _in(TINY, 1e3, unit="Moliere radii")]
SamplingTerm = Annotated[Quantity, _in(1e-4, 10.0, unit="GeV^1/2")]
Table = Annotated[list[Finite], Field(max_length=MAX_TABLE_ROWS)]
ElectronDensity = Annotated[Quantity, _in(1e20, 1e32, unit="electrons per m^3")]
Coupling = Annotated[Quantity, _in(0.0, 4.0 * math.pi, lo_open=True)]
MassRatio = Annotated[Quantity, _in(2.0, 1e6, lo_open=True, unit="(m_A'/m_chi)")]


class Efficiency(_Strict):
    """A signal efficiency: a constant ``value``, or a table ``value`` against ``ma_gev`` (log-linear in m_A')."""

    value: Finite | Table
    ma_gev: Table | None = None
    source: str = Field(min_length=3)
    error: Finite | None = Field(default=None, ge=0, description="relative 1-sigma error")

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, data: object) -> object:
        """A bad number is reported with its index, once (pydantic would report it for each member of the union
        ``value: float | list[float]``)."""
        if not isinstance(data, dict):
            return data
        for key, in_range in (("value", _Range(0.0, 1.0, lo_open=True)), ("ma_gev", _Range(0.0, lo_open=True))):
            raw = data.get(key)
            values: list[object] = raw if isinstance(raw, list) else [raw]
            if len(values) > MAX_TABLE_ROWS:
                raise ValueError(f"{key} has {len(values)} rows; allowed at most {MAX_TABLE_ROWS}")
            for i, v in enumerate(values):
                if isinstance(v, int | float) and not isinstance(v, bool) and not in_range.ok(v):
                    where = f"{key}[{i}]" if isinstance(raw, list) else key
                    raise ValueError(f"{where} = {_show(v)}, allowed {in_range.allowed.replace('value', key)}")
        return data

    @model_validator(mode="after")
    def _check(self) -> Efficiency:
        if isinstance(self.value, list):
            if self.ma_gev is None or len(self.ma_gev) != len(self.value) or len(self.value) < 2:
                raise ValueError("a tabulated efficiency needs ma_gev of the same length (>= 2)")
            for i, (a, b) in enumerate(itertools.pairwise(self.ma_gev)):
                if not b > a:
                    raise ValueError(f"ma_gev[{i + 1}] = {b!r} after {a!r}; allowed: ma_gev > 0 and increasing")
        elif self.ma_gev is not None:
            raise ValueError("ma_gev is only for a tabulated efficiency (value = [...])")
        return self

    def at(self, ma: float | np.ndarray) -> np.ndarray:
        """The efficiency at m_A' (GeV): constant, or interpolated in log m_A' and held flat outside the table."""
        m = np.asarray(ma, dtype=np.float64)
        if not isinstance(self.value, list):
            return np.full_like(m, float(self.value))
        assert self.ma_gev is not None
        return np.asarray(np.interp(np.log(m), np.log(self.ma_gev), self.value))


class Beam(_Strict):
    """The beam: particle (``e-``, ``e+`` or ``p``), energy (GeV), energy spread (Gaussian sigma, GeV) and
    particles on target (``eot``: electrons, positrons or protons on target)."""

    particle: Literal["e-", "e+", "p"] = "e-"
    energy_gev: BeamEnergy
    energy_spread_gev: Energy | None = None
    eot: Eot

    @model_validator(mode="before")
    @classmethod
    def _pot(cls, data: object) -> object:
        """A proton beam may say ``pot`` (protons on target) for ``eot``: the same number."""
        if not isinstance(data, dict) or "pot" not in data:
            return data
        out = dict(data)
        if "eot" in out:
            raise ValueError("give eot or pot (the particles on target), not both")
        if out.get("particle") != "p":
            raise ValueError("pot (protons on target) belongs to a proton beam (particle = 'p'); give eot")
        out["eot"] = out.pop("pot")
        return out

    @model_validator(mode="after")
    def _spread_below_energy(self) -> Beam:
        spread, energy = self.energy_spread_gev, self.energy_gev.value
        if spread is not None and not spread.value < energy:
            raise ValueError(
                f"energy_spread_gev.value = {spread.value!r}, allowed 0 <= value < energy_gev = {energy:g} GeV"
            )
        return self


class Target(_Strict):
    """The active target where A' are made: the radiating element and its depth in radiation lengths.

    A sampling target (absorber plates and active layers) gives ``absorber_thickness_m``,
    ``active_thickness_m`` and ``active_x0_m`` (metres, :mod:`semivisible.vocabulary`): the radiator then fills the
    fraction (t_abs/X0_abs)/(t_abs/X0_abs + t_act/X0_act) of each radiation length. The electrons of the active
    layers (``active_electron_density_per_m3``, optional) are targets for positron annihilation too. Files written
    before the unit rule gave them in millimetres (``absorber_thickness_mm``, ``active_thickness_mm``,
    ``active_x0_mm``); those keys are still read, and converted.
    """

    material: str
    thickness_x0: Depth
    absorber_thickness_m: Size | None = None
    active_thickness_m: Size | None = None
    active_x0_m: Size | None = None
    active_electron_density_per_m3: ElectronDensity | None = None

    @model_validator(mode="before")
    @classmethod
    def _millimetres(cls, data: object) -> object:
        """Read the earlier millimetre keys as metres (value and error / 1000)."""
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for name in ("absorber_thickness", "active_thickness", "active_x0"):
            legacy = out.pop(f"{name}_mm", None)
            if legacy is None:
                continue
            if f"{name}_m" in out:
                raise ValueError(f"give {name}_m or the older {name}_mm, not both")
            if isinstance(legacy, dict):
                legacy = dict(legacy)
                for field in ("value", "error"):
                    if isinstance(legacy.get(field), int | float) and not isinstance(legacy.get(field), bool):
                        legacy[field] = legacy[field] / 1000.0
            out[f"{name}_m"] = legacy
        return out

    @model_validator(mode="after")
    def _sampling(self) -> Target:
        parts = (self.absorber_thickness_m, self.active_thickness_m, self.active_x0_m)
        if any(p is not None for p in parts) and not all(p is not None for p in parts):
            raise ValueError("give all of absorber_thickness_m, active_thickness_m, active_x0_m, or none")
        return self


def _check_below(lo_name: str, lo: float, hi_name: str, hi: float, *, where: str = "") -> None:
    """A ValueError naming both keys unless ``lo`` < ``hi`` (the two ends of a range in a file)."""
    if not lo < hi:
        raise ValueError(f"{where}{lo_name}.value = {lo!r}, allowed < {hi_name}.value = {hi!r}")


class ProtonBrem(_Strict):
    """The phase space of proton bremsstrahlung p N -> p N A' (:mod:`semivisible.production.proton_brem`): the A'
    energy fraction z = E_A'/E_p between ``z_min`` and ``z_max`` and its transverse momentum below ``pt_max_gev``,
    where the quasi-real approximation holds (Bluemlein and Brunner, arXiv:1311.3870). ``z_min`` is raised to
    3 m_A'/E_p where that is larger (BdNMC, the code of arXiv:1908.07525)."""

    z_min: Annotated[Quantity, _in(0.0, 1.0, lo_open=True, hi_open=True)]
    z_max: Annotated[Quantity, _in(0.0, 1.0, lo_open=True, hi_open=True)]
    pt_max_gev: Annotated[Quantity, _in(0.0, 100.0, lo_open=True, unit="GeV")]

    @model_validator(mode="after")
    def _ordered(self) -> ProtonBrem:
        _check_below("z_min", self.z_min.value, "z_max", self.z_max.value)
        return self


class Production(_Strict):
    """A' production settings: the channels, the bremsstrahlung cross-section method and the minimal A' energy that
    can pass the selection.

    ``channels`` lists the production processes (:data:`semivisible.production.channels.CHANNELS`). Of an electron
    or positron beam's shower: ``brem`` (dark bremsstrahlung of e+-), ``annihilation`` (resonant e+ e- -> A' of
    the shower's positrons on atomic electrons) and ``associated`` (e+ e- -> gamma A' with a hard photon, with the
    soft and virtual corrections of the resonance). Default: ``["brem"]``. Of a proton beam: the meson decays
    ``pi0``, ``eta``, ``eta_prime`` (-> gamma A', with the shipped spectra ``meson_spectra``) and ``proton_brem``
    (p N -> p N A' in the quasi-real approximation, with the limits of ``[production.proton_brem]``);
    ``samples_per_channel`` A' are drawn for each of them.
    """

    channels: list[Literal["brem", "annihilation", "associated", "pi0", "eta", "eta_prime", "proton_brem"]] = Field(
        default=["brem"], min_length=1, max_length=7
    )
    method: Literal["ww", "iww", "etl"] = "etl"
    min_aprime_energy_gev: BeamEnergy
    y_min: Finite = Field(default=1e-3, gt=0, lt=0.1)
    n_primaries: int = Field(default=20_000, ge=100, le=2_000_000, strict=True)
    seed: int = Field(default=20210705, ge=0, le=2**63 - 1, strict=True)
    meson_spectra: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_]{1,64}$",
        description="the shipped meson table of a proton beam (semivisible.production.mesons): p70_Fe, p400_Cu",
    )
    samples_per_channel: int = Field(default=100_000, ge=1_000, le=2_000_000, strict=True)
    proton_brem: ProtonBrem | None = None

    @field_validator("channels")
    @classmethod
    def _distinct(cls, channels: list[str]) -> list[str]:
        if len(set(channels)) != len(channels):
            raise ValueError(f"channels = {channels!r}: each channel at most once")
        return channels


class InvisibleSignature(_Strict):
    """The missing-energy (invisible) signature: efficiency, observed events, background, signal systematic.

    ``alpha_d`` and ``ratio`` (optional) fix the dark sector of the invisible benchmark, A' -> chi chibar with a
    Dirac chi of mass m_A'/ratio: they set the total A' width of the resonant-annihilation line shape. Without
    them the resonance is taken in the narrow-width limit.
    """

    efficiency: Efficiency
    n_observed: Count
    background: Background
    signal_systematic: Systematic | None = None
    alpha_d: Coupling | None = None
    ratio: MassRatio | None = None

    @model_validator(mode="after")
    def _both_or_none(self) -> InvisibleSignature:
        if (self.alpha_d is None) != (self.ratio is None):
            raise ValueError("give both alpha_d and ratio of the invisible benchmark, or neither")
        return self


class Module(_Strict):
    """One detector volume along the beam: its z range (m, from the ECAL front face) and transverse size.

    ``role`` says what a chi2 decay inside it does: ``target`` and ``veto`` volumes reject the event (the decay
    products are seen where no activity is allowed), ``fiducial`` volumes are where S1 decays are detected.
    """

    name: str = Field(min_length=1)
    role: Literal["target", "veto", "fiducial"]
    z_start_m: Position
    length_m: Size
    half_width_m: Size
    cells: int = Field(default=1, ge=1, le=101, strict=True, description="cells per side (3 for the 3x3 HCAL modules)")
    material: str | None = None

    @property
    def z_end_m(self) -> float:
        """End of the module along the beam, m."""
        return self.z_start_m.value + self.length_m.value


class ShowerProfile(_Strict):
    """Transverse profile of an electromagnetic shower in the fiducial calorimeter.

    Two components, F(r) = p r^2/(r^2 + R_c^2) + (1 - p) r^2/(r^2 + R_t^2) (the integrated form of
    Grindhammer-Peters, hep-ex/0001020), with radii in units of the Moliere radius.
    """

    moliere_radius_m: Size
    core_fraction: Fraction
    core_radius_rm: MoliereRadii
    tail_radius_rm: MoliereRadii
    sampling_term: SamplingTerm | None = Field(
        default=None,
        description="stochastic term a (GeV^1/2) of sigma_E/E = a/sqrt(E) for electromagnetic showers; when given, "
        "R fluctuates (semivisible.signal.detector.r_cut_probability), otherwise the mean R is cut on",
    )


class SemivisibleSignature(_Strict):
    """A semi-visible signature: S1 (chi2 -> chi1 e+ e- seen in the fiducial modules) or S2 (decay beyond)."""

    efficiency: Efficiency
    n_observed: Count
    background: Background
    signal_systematic: Systematic | None = None
    energy_threshold_gev: Energy | None = None
    r_cut: Cut | None = None
    r_cut_efficiency: Efficiency | None = Field(
        default=None,
        description="the experiment's own efficiency of the R cut; when given it replaces the modelled R cut "
        "(the model's value is still computed and reported)",
    )

    @model_validator(mode="after")
    def _known_zero_background(self) -> SemivisibleSignature:
        # The counting model constrains the background with tau = (b/db)^2 (semivisible.stats.model).
        b, db = self.background.value, self.background.error
        if b == 0 and db is not None and db > 0:
            raise ValueError(f"background.error = {db!r}, allowed 0 when background.value = 0 (a known zero)")
        return self


class Detector(_Strict):
    """The layout along the beam and what the selection needs from it."""

    modules: list[Module] = Field(min_length=1, max_length=MAX_MODULES)
    beam_spot_sigma_m: SpotSize
    shower: ShowerProfile | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Detector:
        for a, b in itertools.pairwise(self.modules):
            if not a.z_end_m <= b.z_start_m.value:
                raise ValueError(
                    f"modules must be listed in beam order and must not overlap: {b.name} starts at z = "
                    f"{b.z_start_m.value:g} m, before the end of {a.name} (z = {a.z_end_m:g} m)"
                )
        return self

    @property
    def end_m(self) -> float:
        """End of the last module: chi2 decays beyond it are invisible (S2)."""
        return self.modules[-1].z_end_m

    def fiducial(self) -> list[Module]:
        """The fiducial modules (S1)."""
        return [m for m in self.modules if m.role == "fiducial"]


class DecayVolume(_Strict):
    """A beam dump's decay region along the beam, from the front face of the dump: a shield of ``shield_length_m``
    (dump and earth), then the decay volume of ``length_m``; the detector face closes it."""

    shield_length_m: Size
    length_m: Size

    @property
    def end_m(self) -> float:
        """Distance from the dump to the detector face, m."""
        return self.shield_length_m.value + self.length_m.value


class DumpDetector(_Strict):
    """The detector face of a beam dump, transverse to the beam at the end of the decay volume: a rectangle of half
    widths ``half_width_x_m`` and ``half_width_y_m``, or a disc of ``radius_m``, centred at (``offset_x_m``,
    ``offset_y_m``) from the beam axis (an off-axis detector has an offset)."""

    half_width_x_m: Size | None = None
    half_width_y_m: Size | None = None
    radius_m: Size | None = None
    offset_x_m: Position | None = None
    offset_y_m: Position | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> DumpDetector:
        widths = (self.half_width_x_m, self.half_width_y_m)
        if self.radius_m is not None:
            if any(w is not None for w in widths):
                raise ValueError("give radius_m (a disc) or half_width_x_m and half_width_y_m (a rectangle), not both")
        elif any(w is None for w in widths):
            raise ValueError("give half_width_x_m and half_width_y_m (a rectangle), or radius_m (a disc)")
        return self


class DumpSelection(_Strict):
    """What a beam-dump search counts: visible energy above ``energy_threshold_gev`` in the detector, with its
    efficiency, the observed events and the expected background."""

    energy_threshold_gev: Energy
    efficiency: Efficiency
    n_observed: Count
    background: Background
    signal_systematic: Systematic | None = None
    visible_decays: list[Literal["ee", "mumu", "hadrons"]] = Field(
        default=["ee", "mumu", "hadrons"],
        min_length=1,
        max_length=3,
        description="the A' decays whose products the detector sees above threshold in the visible mode (an "
        "electromagnetic calorimeter sees e+ e- showers, not the minimum-ionising muons)",
    )


Angle = Annotated[Quantity, _in(0.0, 180.0, unit="degrees")]


class ColliderBeams(_Strict):
    """An e+ e- collider: the electron and positron beam energies (GeV; the electrons fly along +z) and the
    integrated luminosity of the data set, in inverse femtobarns. The CM energy and the CM frame's boost follow,
    sqrt(s) = 2 sqrt(E- E+) and beta = (E- - E+)/(E- + E+) (masses neglected)."""

    electron_energy_gev: BeamEnergy
    positron_energy_gev: BeamEnergy
    integrated_luminosity_per_fb: Annotated[Quantity, _in(0.0, 1e7, lo_open=True, unit="fb^-1")]

    @property
    def sqrt_s_gev(self) -> float:
        """The CM energy, GeV."""
        return 2.0 * math.sqrt(self.electron_energy_gev.value * self.positron_energy_gev.value)

    @property
    def beta_cm(self) -> float:
        """The velocity of the CM frame along +z."""
        e_minus, e_plus = self.electron_energy_gev.value, self.positron_energy_gev.value
        return (e_minus - e_plus) / (e_minus + e_plus)


class PhotonSelection(_Strict):
    """The mono-photon selection, in the CM frame: the photon's polar angle between ``theta_min_deg`` and
    ``theta_max_deg`` and its energy above ``energy_min_gev``."""

    theta_min_deg: Angle
    theta_max_deg: Angle
    energy_min_gev: Energy

    @model_validator(mode="after")
    def _ordered(self) -> PhotonSelection:
        _check_below("theta_min_deg", self.theta_min_deg.value, "theta_max_deg", self.theta_max_deg.value)
        return self


class VetoVolume(_Strict):
    """A detector volume that sees a decay inside it: lab polar angles between ``theta_min_deg`` and
    ``theta_max_deg`` from the interaction point, z between ``z_min_m`` and ``z_max_m`` and a radius below
    ``radius_m``; a decay product above ``threshold_gev`` vetoes the event."""

    name: str = Field(min_length=1, max_length=64)
    theta_min_deg: Angle
    theta_max_deg: Angle
    z_min_m: Position
    z_max_m: Position
    radius_m: Size
    threshold_gev: Energy

    @model_validator(mode="after")
    def _ordered(self) -> VetoVolume:
        lo, hi = self.theta_min_deg.value, self.theta_max_deg.value
        _check_below("theta_min_deg", lo, "theta_max_deg", hi, where=f"veto {self.name}: ")
        if not self.z_min_m.value < 0.0 < self.z_max_m.value:
            raise ValueError(
                f"veto {self.name}: z_min_m.value = {self.z_min_m.value!r}, z_max_m.value = {self.z_max_m.value!r}; "
                "allowed z_min_m < 0 < z_max_m (the volume holds the interaction point)"
            )
        return self


class InvisibleLimit(_Strict):
    """The published limit on eps for A' -> invisible that a collider file recasts: ``eps`` against ``ma_gev``
    (interpolated in log-log), at confidence level ``cl``."""

    ma_gev: Table
    eps: Table
    cl: Annotated[float, Field(gt=0.0, lt=1.0)] = 0.9
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _table(self) -> InvisibleLimit:
        if len(self.ma_gev) != len(self.eps) or len(self.eps) < 2:
            raise ValueError("invisible_limit: ma_gev and eps need the same length (>= 2)")
        for i, (a, b) in enumerate(itertools.pairwise(self.ma_gev)):
            if not b > a > 0:
                raise ValueError(f"invisible_limit.ma_gev[{i + 1}] = {b!r} after {a!r}; allowed: > 0 and increasing")
        for i, e in enumerate(self.eps):
            if not 0 < e <= 1:
                raise ValueError(f"invisible_limit.eps[{i}] = {e!r}, allowed 0 < eps <= 1")
        return self


class ExperimentSpec(_Strict):
    """A whole experiment file."""

    schema_version: Literal[1] = 1
    kind: str = Field(default="active-dump", description="the kind of experiment (KINDS); its signal model")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    description: str
    references: dict[str, str] = Field(default_factory=dict)
    beam: Beam | None = None
    target: Target | None = None
    production: Production | None = None
    invisible: InvisibleSignature | None = None
    detector: Detector | None = None
    s1: SemivisibleSignature | None = None
    s2: SemivisibleSignature | None = None
    decay_volume: DecayVolume | None = None
    dump_detector: DumpDetector | None = None
    selection: DumpSelection | None = None
    collider: ColliderBeams | None = None
    photon: PhotonSelection | None = None
    veto: list[VetoVolume] | None = Field(default=None, min_length=1, max_length=MAX_MODULES)
    invisible_limit: InvisibleLimit | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind in RESERVED_KINDS:
            raise ValueError(f"kind {kind!r} is reserved for a later version; this one computes: " + ", ".join(KINDS))
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        return kind

    @model_validator(mode="after")
    def _sections_of_the_kind(self) -> ExperimentSpec:
        """A dump has [beam], [target] and [production]; a collider has [collider], [photon], [[veto]] and
        [invisible_limit] instead, and none of the dumps' sections."""
        collider_parts = {"collider": self.collider, "photon": self.photon, "veto": self.veto,
                          "invisible_limit": self.invisible_limit}  # fmt: skip
        dump_parts = {"beam": self.beam, "target": self.target, "production": self.production}
        if self.kind == "collider":
            if missing := [k for k, v in collider_parts.items() if v is None]:
                raise ValueError(f"a collider needs a [{missing[0]}] section")
            others = {**dump_parts, "invisible": self.invisible, "detector": self.detector, "s1": self.s1,
                      "s2": self.s2, "decay_volume": self.decay_volume, "dump_detector": self.dump_detector,
                      "selection": self.selection}  # fmt: skip
            if extra := [k for k, v in others.items() if v is not None]:
                raise ValueError(f"[{extra[0]}] belongs to the dumps' files, not to kind = 'collider'")
            return self
        if missing := [k for k, v in dump_parts.items() if v is None]:
            raise ValueError(f"a {self.kind} file needs a [{missing[0]}] section")
        if extra := [k for k, v in collider_parts.items() if v is not None]:
            raise ValueError(f"[{extra[0]}] belongs to kind = 'collider' files, not to kind = {self.kind!r}")
        return self

    @model_validator(mode="after")
    def _cut_below_beam(self) -> ExperimentSpec:
        if self.production is None or self.beam is None:
            return self
        cut = self.production.min_aprime_energy_gev.value
        energy = self.beam.energy_gev.value
        if not (0 < cut < energy):
            raise ValueError(
                f"production.min_aprime_energy_gev.value = {cut!r}, allowed 0 < value < beam.energy_gev = {energy:g}"
            )
        return self

    @model_validator(mode="after")
    def _channels_of_the_beam(self) -> ExperimentSpec:
        """The channels belong to the beam particle; a meson channel needs ``meson_spectra`` and ``proton_brem`` its
        ``[production.proton_brem]`` limits."""
        if self.production is None or self.beam is None:
            return self
        prod, particle = self.production, self.beam.particle
        allowed = channels_of_beam(particle)
        if wrong := [c for c in prod.channels if c not in allowed]:
            raise ValueError(
                f"production.channels has {wrong[0]!r}, not a channel of a {particle} beam; allowed: "
                + ", ".join(allowed)
            )
        if particle != "p":
            for key in ("meson_spectra", "proton_brem"):
                if getattr(prod, key) is not None:
                    raise ValueError(f"production.{key} belongs to a proton beam (beam.particle = 'p')")
            return self
        if any(c in MESON_CHANNELS for c in prod.channels) and prod.meson_spectra is None:
            raise ValueError("a meson channel needs production.meson_spectra, the shipped meson table (e.g. 'p400_Cu')")
        if "proton_brem" in prod.channels and prod.proton_brem is None:
            raise ValueError(
                "the proton_brem channel needs a [production.proton_brem] section (z_min, z_max, pt_max_gev)"
            )
        return self

    @model_validator(mode="after")
    def _bounded_shower(self) -> ExperimentSpec:
        """The shower MC must fit in memory and time (:data:`MAX_SHOWER_COST`)."""
        if self.production is None or self.beam is None:
            return self
        prod, energy = self.production, self.beam.energy_gev.value
        if self.beam.particle == "p":  # no shower: the proton channels draw samples_per_channel A' each
            return self
        cost = shower_cost(prod.n_primaries, energy, prod.min_aprime_energy_gev.value, prod.y_min)
        if cost > MAX_SHOWER_COST:
            raise ValueError(
                f"the shower MC would cost {_num(cost)}: production.n_primaries ({prod.n_primaries}) x beam.energy_gev "
                f"({energy:g}) / production.min_aprime_energy_gev ({prod.min_aprime_energy_gev.value:g})"
                + (f" x ln(1/y_min)/ln(1000) (y_min = {prod.y_min:g})" if prod.y_min < 1e-3 else "")
                + f"; allowed <= {_num(MAX_SHOWER_COST)}, 50 times the shipped na64-2016-2018 settings (about 35 s and "
                "10 GB for one production table); reduce production.n_primaries, or raise "
                "production.min_aprime_energy_gev or production.y_min"
            )
        return self

    @model_validator(mode="after")
    def _beam_dump_structure(self) -> ExperimentSpec:
        """What the ``beam-dump`` signal model needs: [decay_volume], [dump_detector] and [selection], and none of
        the active-dump sections; the threshold below the beam energy and at or above the production cut."""
        beam_dump_parts = {"decay_volume": self.decay_volume, "dump_detector": self.dump_detector,
                           "selection": self.selection}  # fmt: skip
        if self.kind != "beam-dump":
            given = [k for k, v in beam_dump_parts.items() if v is not None]
            if given:
                raise ValueError(f"[{given[0]}] belongs to kind = 'beam-dump' files, not to kind = {self.kind!r}")
            return self
        missing = [k for k, v in beam_dump_parts.items() if v is None]
        if missing:
            raise ValueError(f"a beam dump needs a [{missing[0]}] section")
        others = {"invisible": self.invisible, "detector": self.detector, "s1": self.s1, "s2": self.s2}
        if extra := [k for k, v in others.items() if v is not None]:
            raise ValueError(f"[{extra[0]}] belongs to kind = 'active-dump' files, not to a beam dump")
        assert self.selection is not None
        assert self.beam is not None
        assert self.production is not None
        thr, energy = self.selection.energy_threshold_gev.value, self.beam.energy_gev.value
        cut = self.production.min_aprime_energy_gev.value
        if not thr < energy:
            raise ValueError(f"selection.energy_threshold_gev.value = {thr!r}, allowed < beam.energy_gev = {energy:g}")
        if cut > thr:
            raise ValueError(
                f"production.min_aprime_energy_gev.value = {cut!r}, allowed <= selection.energy_threshold_gev = "
                f"{thr:g} (an A' below the threshold cannot make a signal, one above it must be produced)"
            )
        return self

    @model_validator(mode="after")
    def _active_dump_structure(self) -> ExperimentSpec:
        """What the ``active-dump`` signal model needs (later kinds add their own ``_<kind>_structure``).

        An invisible-only file (no [detector], [s1], [s2]) is valid. A [detector] has exactly one module of role
        ``target``, listed first, and at least one ``fiducial`` module; [s1] and [s2] come together (one counting
        experiment) and need a [detector], with a [detector.shower] profile.
        """
        if self.kind != "active-dump":
            return self
        det, s1, s2 = self.detector, self.s1, self.s2
        if self.invisible is None and s1 is None and s2 is None:
            raise ValueError("an active dump needs an [invisible] signature, or [s1] and [s2]")
        if (s1 is None) != (s2 is None):
            given, missing = ("s1", "s2") if s2 is None else ("s2", "s1")
            raise ValueError(f"[{given}] needs [{missing}]: S1 and S2 are one counting experiment, give both or none")
        if det is not None:
            roles = [m.role for m in det.modules]
            first = det.modules[0]
            if first.role != "target":
                raise ValueError(
                    f"detector.modules[0] ({first.name}) has role = {first.role!r}; allowed: the first module is the "
                    "active target, role = 'target'"
                )
            if roles.count("target") != 1:
                raise ValueError(
                    f"detector.modules has {roles.count('target')} modules of role 'target'; allowed exactly one, "
                    "listed first"
                )
            if "fiducial" not in roles:
                raise ValueError(
                    "detector.modules has no module of role 'fiducial'; allowed at least one (where S1 decays are seen)"
                )
        if s1 is not None:
            if det is None:
                raise ValueError("[s1] needs a [detector] section (its fiducial modules are where S1 decays are seen)")
            if det.shower is None:
                raise ValueError(
                    "[s1] needs a [detector.shower] profile (the R variable of the S1 selection is computed from it)"
                )
            assert self.beam is not None
            thr, energy = s1.energy_threshold_gev, self.beam.energy_gev.value
            if thr is not None and not thr.value < energy:
                raise ValueError(
                    f"s1.energy_threshold_gev.value = {thr.value!r}, allowed 0 <= value < beam.energy_gev = {energy:g}"
                )
        return self
