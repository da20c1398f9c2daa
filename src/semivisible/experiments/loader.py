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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path

from pydantic import ValidationError

from semivisible.errors import ParameterError
from semivisible.experiments.schema import Beam, ExperimentSpec, Production, Target
from semivisible.production.channels import check_channels
from semivisible.production.materials import Material, get_material, materials
from semivisible.production.shower import ShowerConfig
from semivisible.stats.model import CountingSpec

__all__ = ["MAX_FILE_BYTES", "Experiment", "ExperimentSpec", "available_experiments", "load_experiment"]

#: The largest experiment file read, in bytes (the shipped ones have about 15 kB).
MAX_FILE_BYTES = 1_000_000
#: At most this many validation errors are listed in one message.
_MAX_ERRORS = 10


@dataclass(frozen=True)
class Experiment:
    """A validated experiment file and the quantities derived from it."""

    spec: ExperimentSpec
    path: str
    #: The production channels that replace the file's (:meth:`with_channels`), or None.
    channels_override: tuple[str, ...] | None = None

    def with_channels(self, channels: Sequence[str]) -> Experiment:
        """This experiment with other A' production channels, e.g. ``("brem", "annihilation")``: the file on disk is
        unchanged, the identity (and so every table built for it) is the new content's.

        >>> from semivisible.experiments import DEFAULT_EXPERIMENT
        >>> exp = load_experiment(DEFAULT_EXPERIMENT)
        >>> other = exp.with_channels(["brem", "annihilation"])
        >>> other.channels, other.identity != exp.identity
        (('brem', 'annihilation'), True)
        """
        check_channels(channels, self.beam.particle)
        data = self.spec.model_dump(mode="json")
        data["production"]["channels"] = list(channels)
        try:
            spec = ExperimentSpec.model_validate(data)
        except ValidationError as err:
            raise ParameterError("channels", list(channels), _format_validation(err)) from None
        exp = Experiment(spec=spec, path=self.path)
        return Experiment(spec=spec, path=self.path, channels_override=exp.channels)

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.spec.name

    @property
    def beam(self) -> Beam:
        """The [beam] section (a dump's; a collider has none)."""
        if self.spec.beam is None:
            raise ParameterError("experiment", self.name, "an experiment with a [beam] (a beam dump or active dump)")
        return self.spec.beam

    @property
    def target(self) -> Target:
        """The [target] section (a dump's)."""
        if self.spec.target is None:
            raise ParameterError("experiment", self.name, "an experiment with a [target] (a beam dump or active dump)")
        return self.spec.target

    @property
    def production(self) -> Production:
        """The [production] section (a dump's)."""
        if self.spec.production is None:
            raise ParameterError("experiment", self.name, "an experiment with A' production (a beam or active dump)")
        return self.spec.production

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
        return get_material(self.target.material)

    @property
    def radiator_x0_fraction(self) -> float:
        """Fraction of each radiation length that is radiator (1 for a homogeneous target)."""
        t = self.target
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
    def electrons_per_x0_cm2(self) -> float:
        """Target electrons per cm^2 in one radiation length: Z times the radiator atoms, plus the electrons of the
        active layers of a sampling target (``active_electron_density_per_m3``) in their share of X0."""
        t = self.target
        electrons = self.radiator.Z * self.atoms_per_x0_cm2
        if t.active_electron_density_per_m3 is not None and t.active_x0_m is not None:
            # The active layers fill (1 - f) of each X0; one X0 of active material is active_x0_m metres deep.
            per_x0_active = t.active_electron_density_per_m3.value * 1e-6 * t.active_x0_m.value * 100.0
            electrons += (1.0 - self.radiator_x0_fraction) * per_x0_active
        return electrons

    @property
    def channels(self) -> tuple[str, ...]:
        """The A' production channels of the experiment file (``[production] channels``)."""
        return tuple(self.production.channels)

    @property
    def eot(self) -> float:
        """Electrons on target."""
        return self.beam.eot.value

    @property
    def min_aprime_energy_gev(self) -> float:
        """Minimal A' energy that can pass the selection, GeV."""
        return self.production.min_aprime_energy_gev.value

    def shower_config(self, n_primaries: int | None = None, seed: int | None = None) -> ShowerConfig:
        """The shower MC inputs for this experiment (threshold = the minimal A' energy)."""
        beam, prod = self.beam, self.production
        if beam.particle == "p":
            raise ParameterError("experiment", self.name, "an electron or positron beam (a proton beam has no shower)")
        return ShowerConfig(
            beam_energy_gev=beam.energy_gev.value,
            beam_particle=beam.particle,
            beam_energy_spread_gev=0.0 if beam.energy_spread_gev is None else beam.energy_spread_gev.value,
            thickness_x0=self.target.thickness_x0.value,
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
    """One part per error (at most ``_MAX_ERRORS``): the key (``detector.modules[4].length_m``), the value given
    when it is a number or a string, and pydantic's message (or the schema's own, which names the value itself)."""
    parts = []
    errors = err.errors(include_url=False)
    for e in errors[:_MAX_ERRORS]:
        where = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in e["loc"]).lstrip(".") or "(file)"
        if e["type"] == "value_error":
            parts.append(f"{where}: {e.get('ctx', {}).get('error', e['msg'])}")
            continue
        given = e.get("input")
        if isinstance(given, int | float | str):  # for a missing key or a bad table, the input is a whole table
            shown = repr(given)
            where = f"{where} = {shown if len(shown) <= 60 else shown[:40] + '...'}"
        parts.append(f"{where}: {e['msg']}")
    if len(errors) > _MAX_ERRORS:
        parts.append(f"and {len(errors) - _MAX_ERRORS} more errors")
    return "; ".join(parts)


def _read_text(path: str) -> str:
    """The text of an experiment file: an existing regular file of at most :data:`MAX_FILE_BYTES`, in UTF-8."""
    file, raw = Path(path), b""
    try:
        if not file.exists():
            raise ParameterError("experiment", path, "an existing TOML file (there is no file at this path)")
        if file.is_dir():
            raise ParameterError("experiment", path, "a TOML file, not a directory")
        if not file.is_file():
            raise ParameterError("experiment", path, "a regular TOML file (not a device, pipe or socket)")
        size = file.stat().st_size
        if size <= MAX_FILE_BYTES:
            with file.open("rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)  # bounded, should the file grow meanwhile
            size = len(raw)
    except OSError as err:
        raise ParameterError("experiment", path, f"a readable TOML file ({err.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise ParameterError("experiment", path, f"a file of at most {MAX_FILE_BYTES} bytes (1 MB), not {size}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise ParameterError(
            "experiment", path, f"a UTF-8 text file (byte 0x{raw[err.start]:02x} on line {line} is not UTF-8)"
        ) from None


def _load(path: str) -> Experiment:
    """The file at ``path``, loaded once per content: a file changed on disk is read again (its identity changes)."""
    try:
        stat = Path(path).stat()
        stamp: tuple[int, int] = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        stamp = (-1, -1)  # _read_text reports the error
    return _load_stamped(path, stamp)


@cache
def _load_stamped(path: str, stamp: tuple[int, int]) -> Experiment:
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ParameterError("experiment", path, f"valid TOML ({err})") from None
    except (ValueError, RecursionError) as err:  # an integer of > 4300 digits, arrays nested too deeply
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err).split(";")[0]
        raise ParameterError("experiment", path, f"valid TOML ({reason})") from None
    try:
        spec = ExperimentSpec.model_validate(data)
    except ValidationError as err:
        raise ParameterError("experiment", path, f"a valid experiment file: {_format_validation(err)}") from None
    known = materials()
    if spec.target is not None and spec.target.material not in known:
        raise ParameterError(
            "experiment",
            path,
            f"a valid experiment file: target.material = {spec.target.material!r}: allowed one of "
            + ", ".join(sorted(known)),
        )
    return Experiment(spec=spec, path=path)


def load_experiment(name_or_path: str | Path) -> Experiment:
    """A shipped experiment by name, or a user's TOML file by path.

    Raises:
        ParameterError: unknown name; a path that is missing, a directory or not a regular file; a file over
            :data:`MAX_FILE_BYTES`, not UTF-8 or not TOML; a file that does not follow the schema (the message
            names the key, the value and what is allowed).
    """
    shipped = _shipped()
    key = str(name_or_path)
    if key in shipped:
        return _load(str(shipped[key]))
    if not key or len(key) > 4096 or "\x00" in key:
        raise ParameterError(
            "experiment",
            key[:80] + ("..." if len(key) > 80 else ""),
            "a shipped name or a .toml path (not empty, no null byte, at most 4096 characters)",
        )
    path = Path(key)
    try:
        exists = path.exists()
    except OSError as err:  # a file name too long for the file system
        raise ParameterError("experiment", key[:80] + "...", f"a readable TOML file path ({err.strerror})") from None
    if path.suffix == ".toml" or exists:
        try:
            resolved = str(path.resolve())
        except (OSError, RuntimeError, ValueError) as err:  # a symlink loop, a NUL byte in the path
            raise ParameterError("experiment", key, f"a readable TOML file path ({err})") from None
        return _load(resolved)
    raise ParameterError("experiment", key, "a shipped name (" + ", ".join(sorted(shipped)) + ") or a .toml path")
