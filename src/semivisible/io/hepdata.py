"""HEPData export of a scanned plane (hepdata_lib): observed and expected exclusion contours and the CLs grid.

The submission has one table per contour segment (a contour can have several: upper and lower edges, islands),
for the observed limit and for the expected median and 1 and 2 sigma band edges, and, with ``grid=True``, one
table with S1, S2 and CLs at every grid point (large: YAML of a 150 x 150 grid takes tens of seconds to write
and validate). Files are made by hepdata_lib in a temporary directory, validated with
hepdata-validator, and moved into place only when complete, with the ``submission.tar.gz`` HEPData asks for.

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
>>> sorted(p.name for p in paths)[:2]
['grid.yaml', 'observed_1.yaml']
>>> (out / "submission.tar.gz").exists()
True
"""

from __future__ import annotations

import contextlib
import gc
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

__all__ = ["AXIS_LABELS", "ExclusionPlane", "write_hepdata"]


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


def _contour_table(result: ExclusionPlane, name: str, title: str, line: Any, location: str) -> Any:
    (x_label, x_units), (y_label, y_units) = AXIS_LABELS[result.x_name], AXIS_LABELS[result.y_name]
    table = _hepdata_lib().Table(name)
    table.description = (
        f"{title}, {result.cl:.0%} CL, in the ({x_label}, {y_label}) plane. {result.meta.get('statistics', '')}."
    )
    table.location = location
    table.keywords["cmenergies"] = [f"{result.meta.get('beam_energy_gev', 100.0):g}"]
    table.keywords["observables"] = ["CLs"]
    table.add_variable(_variable(x_label, line[:, 0], independent=True, units=x_units))
    table.add_variable(_variable(y_label, line[:, 1], independent=False, units=y_units))
    return table


def write_hepdata(
    result: ExclusionPlane,
    directory: str | Path,
    *,
    location: str = "semivisible scan",
    comment: str | None = None,
    validate: bool = True,
    grid: bool = False,
) -> list[Path]:
    """Write ``result`` as a HEPData submission into ``directory`` (replaced whole, atomically); return its files.

    Args:
        result: a :class:`semivisible.scan.plane.ScanResult` (observed contours; expected ones if computed).
        directory: the output directory; its previous content is replaced only once the new one is complete.
        location: the ``location`` field of every table (e.g. ``"Figure 4"``).
        comment: the submission comment (default: what was scanned, with the experiment and the inputs).
        validate: check the submission with hepdata-validator.
        grid: add the table of S1, S2 and CLs at every grid point.
    """
    lib = _hepdata_lib()
    out = Path(directory)
    sub = lib.Submission()
    meta = ", ".join(f"{k} = {v}" for k, v in result.meta.items() if k != "statistics")
    sub.comment = comment or (
        f"semivisible recast: the {result.plane} plane ({meta}). NA64 search for pseudo-Dirac dark matter, "
        "arXiv:2107.02021."
    )
    contours: list[tuple[str, str, Any]] = [
        (f"observed_{k + 1}", "Observed exclusion contour", line) for k, line in enumerate(result.contours)
    ]
    for level, lines in result.expected.items():
        tag = level.replace("+", "plus").replace("-", "minus")
        for k, line in enumerate(lines):
            contours.append((f"expected_{tag}_{k + 1}", f"Expected exclusion contour ({level})", line))
    for name, title, line in contours:
        sub.add_table(_contour_table(result, name, title, np.asarray(line), location))
    if grid:
        table = lib.Table("grid")
        table.description = "Expected signal events in S1 and S2 and the CLs of the signal hypothesis at each point."
        table.location = location
        (x_label, x_units), (y_label, y_units) = AXIS_LABELS[result.x_name], AXIS_LABELS[result.y_name]
        xx, yy = np.meshgrid(result.x, result.y, indexing="ij")
        table.add_variable(_variable(x_label, xx, independent=True, units=x_units))
        table.add_variable(_variable(y_label, yy, independent=True, units=y_units))
        for label, values in (("S1 events", result.s1), ("S2 events", result.s2), ("CLs", result.cls)):
            table.add_variable(_variable(label, np.nan_to_num(values), independent=False))
        sub.add_table(table)

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        staging = work / "submission"
        # hepdata_lib writes its tarball into the working directory: keep it inside the staging area.
        with contextlib.chdir(work), warnings.catch_warnings():
            # hepdata-validator leaves the YAML files it reads open: close them here, quietly.
            warnings.simplefilter("ignore", ResourceWarning)
            sub.create_files(str(staging), validate=validate)
            gc.collect()
        shutil.move(str(work / "submission.tar.gz"), staging / "submission.tar.gz")
        old = work / "old"
        if out.exists():
            out.rename(old)
        staging.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(p for p in out.iterdir() if p.is_file())
