"""HEPData export of a scanned plane (hepdata_lib): observed and expected exclusion contours and the CLs grid.

The submission has one table per contour segment (a contour can have several: upper and lower edges, islands),
for the observed limit and for the expected median and 1 and 2 sigma band edges, and, with ``grid=True``, one
table with S1, S2 and CLs at every grid point (large: YAML of a 150 x 150 grid takes tens of seconds to write
and validate). Files are made by hepdata_lib in a temporary directory next to the output, packed into the archive
HEPData asks for, validated with hepdata-validator, and moved into place only when complete: the directory
(``hepdata-validate -d`` passes on it) and, beside it, the archive ``<directory>.tar.gz`` (outside the directory,
which must hold nothing its ``submission.yaml`` does not reference; ``archive=False`` writes none). Every path is
made absolute first and the working directory is never changed (a relative output directory is relative to the
working directory at the call).

Every table has the ``cmenergies`` keyword, the centre-of-mass energy sqrt(s) in GeV of the beam on a nucleon at
rest (:func:`fixed_target_sqrt_s`), as HEPData records of fixed-target experiments give it.

Examples
--------
>>> import numpy as np, tempfile, pathlib
>>> from semivisible.scan.plane import ScanResult, cls_n0, exclusion_contours
>>> x, y = np.geomspace(0.01, 1, 8), np.geomspace(1e-5, 1e-2, 9)
>>> s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
>>> cls = cls_n0(s, 0 * s)
>>> res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls, 0.9, exclusion_contours(x, y, cls))
>>> out = pathlib.Path(tempfile.mkdtemp()) / "hepdata"
>>> paths = write_hepdata(res, out, grid=True)
>>> sorted(p.name for p in paths)
['grid.yaml', 'hepdata.tar.gz', 'observed_1.yaml', 'submission.yaml']
>>> (out.parent / "hepdata.tar.gz").is_file()
True
>>> round(fixed_target_sqrt_s(100.0), 3)  # NA64: 100 GeV electrons on a nucleon at rest
13.731
"""

from __future__ import annotations

import gc
import importlib
import math
import os
import shutil
import tarfile
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from semivisible.errors import ParameterError

__all__ = [
    "AXIS_LABELS",
    "BEAM_MASSES_GEV",
    "ELECTRON_MASS_GEV",
    "MUON_MASS_GEV",
    "PROTON_MASS_GEV",
    "ExclusionPlane",
    "fixed_target_sqrt_s",
    "write_hepdata",
]

#: Masses in GeV (PDG 2024, CODATA 2018): the electron, the muon and the proton.
ELECTRON_MASS_GEV = 0.51099895000e-3
MUON_MASS_GEV = 0.1056583755
PROTON_MASS_GEV = 0.93827208816

#: The beam particles (``meta["beam_particle"]`` of a scan) and their masses in GeV.
BEAM_MASSES_GEV: dict[str, float] = {
    "e-": ELECTRON_MASS_GEV,
    "e+": ELECTRON_MASS_GEV,
    "mu-": MUON_MASS_GEV,
    "mu+": MUON_MASS_GEV,
}

#: The beam of a scan whose ``meta`` does not say: NA64's 100 GeV electrons (arXiv:2107.02021).
DEFAULT_BEAM_ENERGY_GEV = 100.0
DEFAULT_BEAM_PARTICLE = "e-"


class ExclusionPlane(Protocol):
    """What the writer needs of a scanned plane (:class:`semivisible.scan.plane.ScanResult` has it). The export
    knows no scan code: it sits above the scans and takes any object of this shape."""

    plane: str
    x_name: str
    y_name: str
    x: NDArray[np.float64]
    y: NDArray[np.float64]
    s1: NDArray[np.float64]
    s2: NDArray[np.float64]
    cls: NDArray[np.float64]
    cl: float
    contours: list[NDArray[np.float64]]
    meta: dict[str, Any]
    expected: dict[str, list[NDArray[np.float64]]]


#: HEPData names and units of the scan axes.
AXIS_LABELS: dict[str, tuple[str, str]] = {
    "ma_GeV": ("$m_{A'}$", "GeV"),
    "mchi1_GeV": ("$m_{\\chi_1}$", "GeV"),
    "eps": ("$\\varepsilon$", ""),
    "alpha_d": ("$\\alpha_D$", ""),
    "splitting": ("$\\Delta/m_{\\chi_1}$", ""),
}


def fixed_target_sqrt_s(
    beam_energy_gev: float,
    beam_mass_gev: float = ELECTRON_MASS_GEV,
    target_mass_gev: float = PROTON_MASS_GEV,
) -> float:
    """The centre-of-mass energy sqrt(s) in GeV of a beam of (total) energy E and mass m on a target at rest of mass
    M: sqrt(m^2 + M^2 + 2 E M).

    This is the ``cmenergies`` keyword of the HEPData tables, with the default target a nucleon (the proton mass):
    HEPData records of fixed-target experiments on nuclei give the beam-nucleon value, not the beam-nucleus one.
    For example Fermilab E605, 800 GeV protons on copper (HEPData record ins302822, reaction ``P CU --> MU+ MU- X``),
    has ``cmenergies`` 38.8 = sqrt(2 m_p^2 + 2 x 800 GeV x m_p), where the beam-copper value would be about
    313 GeV; the HEPData submission documentation (hepdata-submission, ``submission.yaml``) defines ``cmenergies``
    only as the centre-of-mass energy in GeV. For NA64 (100 GeV electrons on lead) it is 13.73 GeV.

    Args:
        beam_energy_gev: the beam particle's total energy E in the target's rest frame (GeV), at least its mass.
        beam_mass_gev: the beam particle's mass m (GeV); default the electron's.
        target_mass_gev: the target's mass M (GeV); default the proton's, the beam-nucleon convention.

    >>> round(fixed_target_sqrt_s(800.0, PROTON_MASS_GEV), 1)  # E605, HEPData ins302822
    38.8
    >>> fixed_target_sqrt_s(0.1, MUON_MASS_GEV)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    semivisible.errors.ParameterError: beam_energy_gev = 0.1 is out of range: allowed beam_energy_gev >= ...
    """
    values = {"beam_energy_gev": beam_energy_gev, "beam_mass_gev": beam_mass_gev, "target_mass_gev": target_mass_gev}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
            raise ParameterError(name, value, "a real number")
    if not (math.isfinite(beam_mass_gev) and beam_mass_gev >= 0):
        raise ParameterError("beam_mass_gev", beam_mass_gev, "beam_mass_gev >= 0 and finite")
    if not (math.isfinite(target_mass_gev) and target_mass_gev > 0):
        raise ParameterError("target_mass_gev", target_mass_gev, "target_mass_gev > 0 and finite")
    if not (math.isfinite(beam_energy_gev) and beam_energy_gev >= beam_mass_gev):
        allowed = f"beam_energy_gev >= beam_mass_gev = {beam_mass_gev:g} and finite"
        raise ParameterError("beam_energy_gev", beam_energy_gev, allowed)
    m, big_m, e = float(beam_mass_gev), float(target_mass_gev), float(beam_energy_gev)
    return math.sqrt(m * m + big_m * big_m + 2.0 * e * big_m)


def _beam(meta: dict[str, Any]) -> tuple[float, str]:
    """The beam energy (GeV) and particle of a scan: from its ``meta`` if there, else NA64's 100 GeV electrons."""
    energy = meta.get("beam_energy_gev", DEFAULT_BEAM_ENERGY_GEV)
    particle = meta.get("beam_particle", DEFAULT_BEAM_PARTICLE)
    if particle not in BEAM_MASSES_GEV:
        raise ParameterError("beam_particle", particle, f"one of {', '.join(BEAM_MASSES_GEV)}")
    return energy, particle


def _hepdata_lib() -> Any:
    """hepdata_lib, imported without the jsonschema deprecation warning its validator triggers on import."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="jsonschema", category=DeprecationWarning)
        import hepdata_lib
    return hepdata_lib


def _variable(name: str, values: Any, *, independent: bool, units: str = "") -> Any:
    var = _hepdata_lib().Variable(name, is_independent=independent, is_binned=False, units=units)
    var.values = [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]
    return var


def _contour_table(result: ExclusionPlane, name: str, title: str, line: Any, location: str, sqrt_s: float) -> Any:
    (x_label, x_units), (y_label, y_units) = AXIS_LABELS[result.x_name], AXIS_LABELS[result.y_name]
    table = _hepdata_lib().Table(name)
    table.description = (
        f"{title}, {result.cl:.0%} CL, in the ({x_label}, {y_label}) plane. {result.meta.get('statistics', '')}."
    )
    table.location = location
    table.keywords["cmenergies"] = [sqrt_s]
    table.keywords["observables"] = ["CLs"]
    table.add_variable(_variable(x_label, line[:, 0], independent=True, units=x_units))
    table.add_variable(_variable(y_label, line[:, 1], independent=False, units=y_units))
    return table


def _create_files(sub: Any, staging: Path, tarball: Path) -> None:
    """hepdata_lib's ``Submission.create_files`` into the absolute directory ``staging``, without its validation
    and with its archive at the absolute path ``tarball``: hepdata_lib would write the archive into the working
    directory, and the process's working directory is not this module's to change.

    The files are the same: the header of ``submission.yaml`` (licence and comment), then each table's data file
    and entry (hepdata_lib's ``Table.write_output``), the files to copy, and the tarball of them all.
    """
    yaml = importlib.import_module("yaml")  # hepdata_lib's YAML, with the representers it registers
    staging.mkdir(parents=True)
    header = {"data_license": sub.get_license(), "comment": sub.comment}
    with open(staging / "submission.yaml", "w", encoding="utf-8") as handle:
        yaml.dump(header, handle, default_flow_style=False, explicit_start=True)
    for table in sub.tables:
        table.write_output(str(staging))
        table.copy_files(str(staging))
    sub.copy_files(str(staging))
    members = sorted(p for p in staging.iterdir() if p.is_file())
    with tarfile.open(tarball, "w:gz") as tar:
        for path in members:
            tar.add(path, arcname=path.name)


def _validate(archive: Path) -> None:
    """Check the tarball with hepdata-validator, as HEPData will; raise with its messages if it is not valid."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="jsonschema", category=DeprecationWarning)
        validator_module = importlib.import_module("hepdata_validator.full_submission_validator")
    with warnings.catch_warnings():
        # hepdata-validator leaves the YAML files it reads open: close them here, quietly.
        warnings.simplefilter("ignore", ResourceWarning)
        validator = validator_module.FullSubmissionValidator()
        valid = validator.validate(archive=str(archive))
        gc.collect()
    if not valid:
        messages = "; ".join(
            f"{Path(name).name}: {message.message}"
            for name, found in validator.get_messages().items()
            for message in found
        )
        raise RuntimeError(f"the HEPData submission is not valid: {messages}")


def write_hepdata(
    result: ExclusionPlane,
    directory: str | os.PathLike[str],
    *,
    location: str = "semivisible scan",
    comment: str | None = None,
    validate: bool = True,
    grid: bool = False,
    archive: bool = True,
    curves: Mapping[str, Sequence[Any]] | None = None,
) -> list[Path]:
    """Write ``result`` as a HEPData submission into ``directory`` (replaced whole, atomically) and, with
    ``archive``, its archive ``<directory>.tar.gz`` beside it (the file to upload to HEPData); return their files.

    The ``cmenergies`` keyword of every table is sqrt(s) of the beam on a nucleon at rest
    (:func:`fixed_target_sqrt_s`), with the beam of ``result.meta`` (``beam_energy_gev`` and ``beam_particle``,
    one of :data:`BEAM_MASSES_GEV`) or else NA64's 100 GeV electrons: 13.73 GeV. The working directory is neither
    changed nor written to.

    Args:
        result: a :class:`semivisible.scan.plane.ScanResult` (observed contours; expected ones if computed).
        directory: the output directory (relative to the working directory, or absolute); its previous content is
            replaced only once the new one is complete.
        location: the ``location`` field of every table (e.g. ``"Figure 4"``).
        comment: the submission comment (default: what was scanned, with the experiment and the inputs).
        validate: check the submission with hepdata-validator.
        grid: add the table of S1, S2 and CLs at every grid point.
        archive: also write the archive ``<directory>.tar.gz`` (replaced atomically). It is validated (with
            ``validate``) even when not kept.
        curves: other curves drawn on the plane, by name (``relic``, ``projection``, ``g2/<reference>/low``, an
            experiment's outline ...), each a sequence of (N, 2) arrays: one table per piece. Every table carries
            the plane's fixed parameters (``alpha_d``, ``ratio``, ``splitting``, ``eps`` of ``result.meta``) as
            qualifiers.

    Returns:
        The files written, sorted by name: those of ``directory`` (``submission.yaml`` and one YAML file per
        table) and, with ``archive``, ``<directory>.tar.gz``; as paths relative to the working directory if
        ``directory`` is.

    Raises:
        ParameterError: a bad argument, or a scan of unknown axes or beam.
    """
    if not isinstance(directory, str | os.PathLike) or not os.fspath(directory):
        raise ParameterError("directory", directory, "a non-empty path")
    if not isinstance(location, str):
        raise ParameterError("location", location, "a string")
    if comment is not None and not isinstance(comment, str):
        raise ParameterError("comment", comment, "a string or None")
    for flag, value in (("validate", validate), ("grid", grid), ("archive", archive)):
        if not isinstance(value, bool | np.bool_):
            raise ParameterError(flag, value, "True or False")
    for axis in (result.x_name, result.y_name):
        if axis not in AXIS_LABELS:
            raise ParameterError(
                "result.plane", f"{result.x_name}-{result.y_name}", f"axes among {', '.join(AXIS_LABELS)}"
            )
    energy, particle = _beam(result.meta)
    sqrt_s = fixed_target_sqrt_s(energy, BEAM_MASSES_GEV[particle])
    lib = _hepdata_lib()
    given = Path(directory)
    out = Path(os.path.abspath(given))  # absolute, and without "." or ".." (lexically, as the shell has it)
    if out == Path(out.anchor):
        raise ParameterError("directory", directory, "a directory below the file-system root")
    sub = lib.Submission()
    meta = ", ".join(f"{k} = {v}" for k, v in result.meta.items() if k != "statistics")
    sub.comment = comment or (
        f"semivisible recast: the {result.plane} plane ({meta}). NA64 search for pseudo-Dirac dark matter, "
        f"arXiv:2107.02021. cmenergies: sqrt(s) = {sqrt_s:.4g} GeV of the {energy:g} GeV {particle} beam on a "
        "nucleon at rest."
    )
    contours: list[tuple[str, str, Any]] = [
        (f"observed_{k + 1}", "Observed exclusion contour", line) for k, line in enumerate(result.contours)
    ]
    for level, lines in result.expected.items():
        tag = level.replace("+", "plus").replace("-", "minus")
        for k, line in enumerate(lines):
            contours.append((f"expected_{tag}_{k + 1}", f"Expected exclusion contour ({level})", line))
    for name, pieces in (curves or {}).items():
        if not isinstance(name, str) or not name:
            raise ParameterError("curves", name, "curve names that are non-empty strings")
        tag = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        for k, line in enumerate(pieces):
            contours.append((f"{tag}_{k + 1}", f"Curve {name!r} drawn on the plane", line))
    qualifiers = {k: result.meta[k] for k in ("alpha_d", "ratio", "splitting", "eps") if k in result.meta}
    for name, title, line in contours:
        table = _contour_table(result, name, title, np.asarray(line, dtype=np.float64), location, sqrt_s)
        for variable in table.variables:
            if not variable.is_independent:
                for key, value in qualifiers.items():
                    variable.add_qualifier(key, str(value))
        sub.add_table(table)
    if grid:
        table = lib.Table("grid")
        table.description = "Expected signal events in S1 and S2 and the CLs of the signal hypothesis at each point."
        table.location = location
        table.keywords["cmenergies"] = [sqrt_s]
        (x_label, x_units), (y_label, y_units) = AXIS_LABELS[result.x_name], AXIS_LABELS[result.y_name]
        xx, yy = np.meshgrid(result.x, result.y, indexing="ij")
        table.add_variable(_variable(x_label, xx, independent=True, units=x_units))
        table.add_variable(_variable(y_label, yy, independent=True, units=y_units))
        for label, values in (("S1 events", result.s1), ("S2 events", result.s2), ("CLs", result.cls)):
            table.add_variable(_variable(label, np.nan_to_num(values), independent=False))
        sub.add_table(table)

    out.parent.mkdir(parents=True, exist_ok=True)
    archive_path = out.with_name(f"{out.name}.tar.gz")
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        staging, tarball = work / "submission", work / "submission.tar.gz"
        _create_files(sub, staging, tarball)
        if validate:
            _validate(tarball)
        old = work / "old"
        if out.exists():
            out.rename(old)
        staging.rename(out)
        if archive:
            tarball.replace(archive_path)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    files = [given / p.name for p in out.iterdir() if p.is_file()]
    if archive:
        files.append(given.with_name(archive_path.name) if given.name else archive_path)
    return sorted(files, key=lambda p: p.name)
