"""Loading experiments: shipped TOML files (``experiments/data/*.toml``) or a user's own file.

``load_experiment("na64-2016-2018")`` loads a shipped experiment by name; a path to a ``.toml`` file loads a
user's own, validated against :mod:`semivisible.experiments.schema` with errors that name the offending key.
Every file has a ``kind`` (:data:`~semivisible.experiments.schema.KINDS`) that selects its signal model, and the
loaded :class:`Experiment` has an ``identity``, the hash of its whole validated content, which the tables built
for it carry.

Examples
--------
>>> from semivisible.experiments import DEFAULT_EXPERIMENT
>>> exp = load_experiment(DEFAULT_EXPERIMENT)
>>> exp.spec.beam.eot.value, exp.kind
(284000000000.0, 'active-dump')
>>> f"{exp.atoms_per_x0_cm2:.4g}"
'1.827e+22'
>>> exp.counting_spec().background
(0.19, 0.53)
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path

from pydantic import ValidationError

from semivisible.errors import ParameterError
from semivisible.experiments.schema import ExperimentSpec
from semivisible.production.materials import Material, get_material
from semivisible.production.shower import ShowerConfig
from semivisible.stats.model import CountingSpec

__all__ = ["Experiment", "ExperimentSpec", "available_experiments", "load_experiment"]


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file and the quantities derived from it."""

    spec: ExperimentSpec
    path: str

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.spec.name

    @property
    def kind(self) -> str:
        """The experiment's kind (``active-dump``, ...): it selects the signal model."""
        return self.spec.kind

    @cached_property
    def identity(self) -> str:
        """SHA-256 of the validated content (canonical JSON): two files with the same numbers share it.

        Tables built for this experiment carry it, and refuse to serve another one.
        """
        blob = json.dumps(self.spec.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def counting_spec(self, *, no_systematics: bool = False) -> CountingSpec:
        """The statistical specification of the (S1, S2) counting experiment: observed events, backgrounds
        with their errors, and one signal systematic (the larger of the S1 and S2 values, fully correlated).

        Raises:
            ParameterError: the file has no [s1] and [s2] signatures.
        """
        s1, s2 = self.spec.s1, self.spec.s2
        if s1 is None or s2 is None:
            raise ParameterError("experiment", self.name, "an experiment with [s1] and [s2] signatures")
        sigs = (s1, s2)
        spec = CountingSpec(
            n_observed=tuple(int(s.n_observed.value) for s in sigs),
            background=tuple(s.background.value for s in sigs),
            background_error=tuple(0.0 if s.background.error is None else s.background.error for s in sigs),
            signal_systematic=max(0.0 if s.signal_systematic is None else s.signal_systematic.value for s in sigs),
            names=("S1", "S2"),
        )
        return spec.without_systematics() if no_systematics else spec

    @property
    def radiator(self) -> Material:
        """The target's radiating element."""
        return get_material(self.spec.target.material)

    @property
    def radiator_x0_fraction(self) -> float:
        """Fraction of each radiation length that is radiator (1 for a homogeneous target)."""
        t = self.spec.target
        if t.absorber_thickness_m is None or t.active_thickness_m is None or t.active_x0_m is None:
            return 1.0
        absorber = t.absorber_thickness_m.value / (self.radiator.x0_cm / 100.0)
        active = t.active_thickness_m.value / t.active_x0_m.value
        return absorber / (absorber + active)

    @property
    def atoms_per_x0_cm2(self) -> float:
        """Radiator atoms per cm^2 in one radiation length of the (sampling) target."""
        return self.radiator.atoms_per_x0_cm2 * self.radiator_x0_fraction

    @property
    def eot(self) -> float:
        """Electrons on target."""
        return self.spec.beam.eot.value

    @property
    def min_aprime_energy_gev(self) -> float:
        """Minimal A' energy that can pass the selection, GeV."""
        return self.spec.production.min_aprime_energy_gev.value

    def shower_config(self, n_primaries: int | None = None, seed: int | None = None) -> ShowerConfig:
        """The shower MC inputs for this experiment (threshold = the minimal A' energy)."""
        beam, prod = self.spec.beam, self.spec.production
        return ShowerConfig(
            beam_energy_gev=beam.energy_gev.value,
            beam_energy_spread_gev=0.0 if beam.energy_spread_gev is None else beam.energy_spread_gev.value,
            thickness_x0=self.spec.target.thickness_x0.value,
            threshold_gev=prod.min_aprime_energy_gev.value,
            y_min=prod.y_min,
            n_primaries=prod.n_primaries if n_primaries is None else n_primaries,
            seed=prod.seed if seed is None else seed,
        )


def _shipped() -> dict[str, Path]:
    folder = files("semivisible.experiments") / "data"
    return {p.name[: -len(".toml")]: Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml")}


def available_experiments() -> list[str]:
    """Names of the shipped experiments.

    >>> "na64-2016" in available_experiments()
    True
    """
    return sorted(_shipped())


def _format_validation(err: ValidationError) -> str:
    parts = []
    for e in err.errors():
        where = ".".join(str(x) for x in e["loc"]) or "(file)"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


@cache
def _load(path: str) -> Experiment:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise ParameterError("experiment", path, f"a readable TOML file ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise ParameterError("experiment", path, f"valid TOML ({err})") from None
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as err:
        raise ParameterError("experiment", path, f"a valid experiment file: {_format_validation(err)}") from None
    return Experiment(spec=spec, path=path)


def load_experiment(name_or_path: str | Path) -> Experiment:
    """A shipped experiment by name, or a user's TOML file by path.

    Raises:
        ParameterError: unknown name, unreadable file, or a file that does not follow the schema.
    """
    shipped = _shipped()
    key = str(name_or_path)
    if key in shipped:
        return _load(str(shipped[key]))
    path = Path(key)
    if path.suffix == ".toml" or path.exists():
        return _load(str(path.resolve()))
    raise ParameterError("experiment", key, "a shipped name (" + ", ".join(sorted(shipped)) + ") or a .toml path")
