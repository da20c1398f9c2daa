"""The schema of an experiment file (TOML), validated with pydantic.

An experiment is data, never code: its beam, its active target, the A' production settings, and each
signature's selection, efficiency, background and observed count. Every number is a table with its ``value``
and its ``source`` (and optionally an ``error``), so that a reader can check it. Unknown keys are errors, so a
typo in a user's file is reported, not ignored.

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
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "KINDS",
    "RESERVED_KINDS",
    "Beam",
    "Detector",
    "Efficiency",
    "ExperimentSpec",
    "InvisibleSignature",
    "Module",
    "Production",
    "Quantity",
    "SemivisibleSignature",
    "ShowerProfile",
    "Target",
]

Positive = Annotated[float, Field(gt=0)]

#: The kinds of experiment this version can compute. ``active-dump``: the A' is made in an active target that
#: measures the missing energy, and the signatures depend on where chi2 decays relative to vetoes and fiducial
#: volumes downstream (NA64).
KINDS: tuple[str, ...] = ("active-dump",)
#: Kinds whose schema and signal model are planned but not in this version: an electron or proton beam dump with
#: a distant decay volume (E137, NuCal, CHARM), and a collider mono-photon search (BaBar).
RESERVED_KINDS: tuple[str, ...] = ("beam-dump", "collider")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quantity(_Strict):
    """A number with its source, and optionally its 1-sigma error."""

    value: float
    source: str = Field(min_length=3)
    error: float | None = Field(default=None, ge=0)


class Efficiency(_Strict):
    """A signal efficiency: a constant ``value``, or a table ``value`` against ``ma_gev`` (log-linear in m_A')."""

    value: float | list[float]
    ma_gev: list[float] | None = None
    source: str = Field(min_length=3)
    error: float | None = Field(default=None, ge=0, description="relative 1-sigma error")

    @model_validator(mode="after")
    def _check(self) -> Efficiency:
        values = [self.value] if isinstance(self.value, float | int) else list(self.value)
        if any(not (0 < v <= 1) for v in values):
            raise ValueError(f"efficiency values must be in (0, 1], got {values}")
        if isinstance(self.value, list):
            if self.ma_gev is None or len(self.ma_gev) != len(self.value) or len(self.value) < 2:
                raise ValueError("a tabulated efficiency needs ma_gev of the same length (>= 2)")
            if any(b <= a for a, b in zip(self.ma_gev, self.ma_gev[1:], strict=False)) or self.ma_gev[0] <= 0:
                raise ValueError("ma_gev must be positive and increasing")
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
    """The beam: particle, energy (GeV), energy spread (Gaussian sigma, GeV) and particles on target."""

    particle: Literal["e-", "e+"] = "e-"
    energy_gev: Quantity
    energy_spread_gev: Quantity | None = None
    eot: Quantity

    @field_validator("energy_gev", "eot")
    @classmethod
    def _positive(cls, q: Quantity) -> Quantity:
        if not q.value > 0:
            raise ValueError(f"must be > 0, got {q.value}")
        return q


class Target(_Strict):
    """The active target where A' are made: the radiating element and its depth in radiation lengths.

    A sampling target (absorber plates and active layers) gives ``absorber_thickness_m``,
    ``active_thickness_m`` and ``active_x0_m`` (metres, :mod:`semivisible.vocabulary`): the radiator then fills the
    fraction (t_abs/X0_abs)/(t_abs/X0_abs + t_act/X0_act) of each radiation length. Files written before the unit
    rule gave them in millimetres (``absorber_thickness_mm``, ``active_thickness_mm``, ``active_x0_mm``); those
    keys are still read, and converted.
    """

    material: str
    thickness_x0: Quantity
    absorber_thickness_m: Quantity | None = None
    active_thickness_m: Quantity | None = None
    active_x0_m: Quantity | None = None

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
        if not self.thickness_x0.value > 0:
            raise ValueError("thickness_x0 must be > 0")
        return self


class Production(_Strict):
    """A' production settings: the cross-section method and the minimal A' energy that can pass the selection."""

    method: Literal["ww", "iww", "etl"] = "etl"
    min_aprime_energy_gev: Quantity
    y_min: float = Field(default=1e-3, gt=0, lt=0.1)
    n_primaries: int = Field(default=20_000, ge=100)
    seed: int = 20210705


class InvisibleSignature(_Strict):
    """The missing-energy (invisible) signature: efficiency, observed events, background, signal systematic."""

    efficiency: Efficiency
    n_observed: Quantity
    background: Quantity
    signal_systematic: Quantity | None = None

    @field_validator("n_observed")
    @classmethod
    def _count(cls, q: Quantity) -> Quantity:
        if q.value < 0 or not float(q.value).is_integer():
            raise ValueError(f"n_observed must be a non-negative integer, got {q.value}")
        return q


class Module(_Strict):
    """One detector volume along the beam: its z range (m, from the ECAL front face) and transverse size.

    ``role`` says what a chi2 decay inside it does: ``target`` and ``veto`` volumes reject the event (the decay
    products are seen where no activity is allowed), ``fiducial`` volumes are where S1 decays are detected.
    """

    name: str
    role: Literal["target", "veto", "fiducial"]
    z_start_m: Quantity
    length_m: Quantity
    half_width_m: Quantity
    cells: int = Field(default=1, ge=1, description="cells per side (3 for the 3x3 HCAL modules)")
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

    moliere_radius_m: Quantity
    core_fraction: Quantity
    core_radius_rm: Quantity
    tail_radius_rm: Quantity
    sampling_term: Quantity | None = Field(
        default=None,
        description="stochastic term a (GeV^1/2) of sigma_E/E = a/sqrt(E) for electromagnetic showers; when given, "
        "R fluctuates (semivisible.signal.detector.r_cut_probability), otherwise the mean R is cut on",
    )

    @field_validator("moliere_radius_m", "core_radius_rm", "tail_radius_rm", "sampling_term")
    @classmethod
    def _positive(cls, q: Quantity | None) -> Quantity | None:
        if q is not None and not q.value > 0:
            raise ValueError(f"must be > 0, got {q.value}")
        return q

    @field_validator("core_fraction")
    @classmethod
    def _fraction(cls, q: Quantity) -> Quantity:
        if not 0 <= q.value <= 1:
            raise ValueError(f"must be in [0, 1], got {q.value}")
        return q


class SemivisibleSignature(_Strict):
    """A semi-visible signature: S1 (chi2 -> chi1 e+ e- seen in the fiducial modules) or S2 (decay beyond)."""

    efficiency: Efficiency
    n_observed: Quantity
    background: Quantity
    signal_systematic: Quantity | None = None
    energy_threshold_gev: Quantity | None = None
    r_cut: Quantity | None = None
    r_cut_efficiency: Efficiency | None = Field(
        default=None,
        description="the experiment's own efficiency of the R cut; when given it replaces the modelled R cut "
        "(the model's value is still computed and reported)",
    )


class Detector(_Strict):
    """The layout along the beam and what the selection needs from it."""

    modules: list[Module] = Field(min_length=1)
    beam_spot_sigma_m: Quantity
    shower: ShowerProfile | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Detector:
        ends = [(m.z_start_m.value, m.z_end_m) for m in self.modules]
        for (a0, a1), (b0, _) in itertools.pairwise(ends):
            if not a0 < a1 <= b0:
                raise ValueError("modules must be listed in beam order and must not overlap")
        return self

    @property
    def end_m(self) -> float:
        """End of the last module: chi2 decays beyond it are invisible (S2)."""
        return self.modules[-1].z_end_m

    def fiducial(self) -> list[Module]:
        """The fiducial modules (S1)."""
        return [m for m in self.modules if m.role == "fiducial"]


class ExperimentSpec(_Strict):
    """A whole experiment file."""

    schema_version: Literal[1] = 1
    kind: str = Field(default="active-dump", description="the kind of experiment (KINDS); its signal model")
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    description: str
    references: dict[str, str] = Field(default_factory=dict)
    beam: Beam
    target: Target
    production: Production
    invisible: InvisibleSignature | None = None
    detector: Detector | None = None
    s1: SemivisibleSignature | None = None
    s2: SemivisibleSignature | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind in RESERVED_KINDS:
            raise ValueError(f"kind {kind!r} is reserved for a later version; this one computes: " + ", ".join(KINDS))
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)} (reserved: {', '.join(RESERVED_KINDS)})")
        return kind

    @model_validator(mode="after")
    def _cut_below_beam(self) -> ExperimentSpec:
        cut = self.production.min_aprime_energy_gev.value
        if not (0 < cut < self.beam.energy_gev.value):
            raise ValueError(f"production.min_aprime_energy_gev = {cut} must be in (0, beam energy)")
        if math.isnan(cut):
            raise ValueError("production.min_aprime_energy_gev is NaN")
        return self
