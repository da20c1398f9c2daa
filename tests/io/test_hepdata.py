"""HEPData export: a valid submission with the observed and expected contours and the grid, written to any
directory (relative ones too) without changing the working directory, with cmenergies = sqrt(s)."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from semivisible.errors import ParameterError
from semivisible.io.hepdata import fixed_target_sqrt_s, write_hepdata
from semivisible.scan.plane import ScanResult, cls_n0, exclusion_contours

#: Masses (GeV) for the reference formula, written out here rather than taken from the module under test.
M_E, M_MU, M_P = 0.51099895e-3, 0.1056583755, 0.93827208816


def _sqrt_s(energy: float, m: float, big_m: float = M_P) -> float:
    return math.sqrt(m**2 + big_m**2 + 2 * energy * big_m)


def _plane(**meta: Any) -> ScanResult:
    """A small synthetic (m_A', eps) plane with observed and expected contours (no physics scan: S ~ eps^4/m^2)."""
    x, y = np.geomspace(0.01, 1, 8), np.geomspace(1e-5, 1e-2, 9)
    s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
    cls = cls_n0(s, 0 * s)
    expected = {
        "median": exclusion_contours(x, y, cls_n0(0.5 * s, 0 * s)),
        "-1sigma": exclusion_contours(x, y, cls_n0(0.3 * s, 0 * s)),
    }
    return ScanResult(
        "ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls, 0.9, exclusion_contours(x, y, cls), meta, expected=expected
    )


def _tables(directory: Path) -> list[dict[str, Any]]:
    """The table entries of submission.yaml (the documents after the header)."""
    docs = list(yaml.safe_load_all((directory / "submission.yaml").read_text()))
    return [d for d in docs if d and "data_file" in d]


def _cmenergies(directory: Path) -> list[float]:
    values = []
    for table in _tables(directory):
        keywords = {k["name"]: k["values"] for k in table["keywords"]}
        values += keywords["cmenergies"]
    return values


def _hepdata_validate() -> str:
    found = Path(sys.executable).with_name("hepdata-validate")
    if found.is_file():
        return str(found)
    path = shutil.which("hepdata-validate")
    assert path is not None, "the hepdata-validate command (hepdata-validator) is not installed"
    return path


def test_hepdata_submission(tmp_path: Path) -> None:
    res = _plane()
    out = tmp_path / "hepdata"
    paths = res.to_hepdata(out, location="Figure 4", grid=True)
    names = [p.name for p in paths]
    assert names == sorted(names)
    assert {"submission.yaml", "grid.yaml", "hepdata.tar.gz"} <= set(names)
    assert any(n.startswith("observed_") for n in names)
    assert any(n.startswith("expected_median_") for n in names)
    assert any(n.startswith("expected_minus1sigma_") for n in names)
    grid = yaml.safe_load((out / "grid.yaml").read_text())
    assert len(grid["independent_variables"][0]["values"]) == res.cls.size
    line = yaml.safe_load((out / "observed_1.yaml").read_text())
    eps_values = [v["value"] for v in line["dependent_variables"][0]["values"]]
    assert min(eps_values) >= res.y[0]
    assert max(eps_values) <= res.y[-1]
    assert {t["location"] for t in _tables(out)} == {"Figure 4"}
    # The archive HEPData takes is beside the directory and holds every file of it.
    with tarfile.open(tmp_path / "hepdata.tar.gz") as tar:
        assert sorted(tar.getnames()) == sorted(p.name for p in out.iterdir())
    # Writing again replaces the directory and the archive whole, with nothing left over in the parent.
    res.to_hepdata(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hepdata", "hepdata.tar.gz"]
    assert not (out / "grid.yaml").exists()
    # Without the archive: the directory only.
    paths = res.to_hepdata(tmp_path / "bare", archive=False)
    assert all(p.parent == tmp_path / "bare" for p in paths)
    assert not (tmp_path / "bare.tar.gz").exists()


def test_relative_directory_without_changing_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "chdir", lambda path: pytest.fail(f"os.chdir({path!r}) called"))
    paths = write_hepdata(_plane(), Path("out") / "hepdata", grid=True)
    assert os.getcwd() == str(tmp_path)
    assert all(not p.is_absolute() for p in paths)
    assert all((tmp_path / p).is_file() for p in paths)
    assert Path("out/hepdata.tar.gz") in paths
    assert Path("out/hepdata/submission.yaml") in paths
    # Nothing was written into the working directory itself (hepdata_lib would put its tarball there).
    assert sorted(os.listdir(tmp_path)) == ["out"]
    assert sorted(os.listdir(tmp_path / "out")) == ["hepdata", "hepdata.tar.gz"]
    # A bare name and "./" work as well.
    write_hepdata(_plane(), "here", validate=False)
    write_hepdata(_plane(), "./out/../there/", validate=False)
    assert sorted(os.listdir(tmp_path)) == ["here", "here.tar.gz", "out", "there", "there.tar.gz"]


def test_cmenergies_is_sqrt_s_of_the_beam_on_a_nucleon(tmp_path: Path) -> None:
    write_hepdata(_plane(), tmp_path / "default", validate=False, grid=True)
    values = _cmenergies(tmp_path / "default")
    assert len(values) >= 3  # every table has it, the grid too
    for value in values:  # NA64: 100 GeV electrons
        assert abs(value - _sqrt_s(100.0, M_E)) < 1e-9
    assert abs(values[0] - 13.7308) < 1e-4

    write_hepdata(_plane(beam_energy_gev=160.0, beam_particle="mu+"), tmp_path / "muons", validate=False)
    for value in _cmenergies(tmp_path / "muons"):
        assert abs(value - _sqrt_s(160.0, M_MU)) < 1e-9

    with pytest.raises(ParameterError) as err:
        write_hepdata(_plane(beam_particle="pi-"), tmp_path / "pions", validate=False)
    assert err.value.name == "beam_particle"
    with pytest.raises(ParameterError) as err:
        write_hepdata(_plane(beam_energy_gev=-1.0), tmp_path / "negative", validate=False)
    assert err.value.name == "beam_energy_gev"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["default", "default.tar.gz", "muons", "muons.tar.gz"]


def test_fixed_target_sqrt_s() -> None:
    assert abs(fixed_target_sqrt_s(100.0) - _sqrt_s(100.0, M_E)) < 1e-9
    assert abs(fixed_target_sqrt_s(100.0, M_E, 207.2 * 0.93149410242) - 275.41) < 0.01  # on a lead nucleus
    # Fermilab E605, 800 GeV protons on copper: HEPData record ins302822 gives cmenergies 38.8 (per nucleon).
    assert round(fixed_target_sqrt_s(800.0, M_P), 1) == 38.8
    # A beam at rest: the sum of the masses.
    assert fixed_target_sqrt_s(M_MU, M_MU) == pytest.approx(M_MU + M_P, rel=1e-12)
    # A massless beam: s = M^2 + 2 E M.
    assert fixed_target_sqrt_s(10.0, 0.0, 1.0) == pytest.approx(math.sqrt(21.0), rel=1e-15)


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((-1.0,), "beam_energy_gev"),
        ((math.nan,), "beam_energy_gev"),
        ((math.inf,), "beam_energy_gev"),
        ((0.05, M_MU), "beam_energy_gev"),
        (("100",), "beam_energy_gev"),
        ((True,), "beam_energy_gev"),
        ((100.0, -M_E), "beam_mass_gev"),
        ((100.0, M_E, 0.0), "target_mass_gev"),
        ((100.0, M_E, math.inf), "target_mass_gev"),
    ],
)
def test_fixed_target_sqrt_s_refuses_bad_values(args: tuple[Any, ...], name: str) -> None:
    with pytest.raises(ParameterError) as err:
        fixed_target_sqrt_s(*args)
    assert err.value.name == name


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"directory": 3}, "directory"),
        ({"directory": ""}, "directory"),
        ({"directory": "/"}, "directory"),
        ({"location": 4}, "location"),
        ({"comment": 5}, "comment"),
        ({"grid": "yes"}, "grid"),
        ({"archive": None}, "archive"),
    ],
)
def test_write_hepdata_refuses_bad_arguments(
    kwargs: dict[str, Any], name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = {"directory": "out", **kwargs}
    with pytest.raises(ParameterError) as err:
        write_hepdata(_plane(), **args)
    assert err.value.name == name
    assert list(tmp_path.iterdir()) == []


def test_submission_passes_hepdata_validate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_hepdata(_plane(experiment="na64"), "submissions/fig4", location="Figure 4", grid=True)
    run = subprocess.run(
        [_hepdata_validate(), "-d", "submissions/fig4"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "is invalid" not in run.stdout + run.stderr
    # The archive is what HEPData takes: it validates too.
    run = subprocess.run(
        [_hepdata_validate(), "-a", "submissions/fig4.tar.gz"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
