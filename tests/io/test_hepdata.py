"""HEPData export: a valid submission with the observed and expected contours and the grid."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np

from semivisible.scan.plane import scan_ma_eps
from semivisible.search import Search

NA64 = Search.load("na64-2016-2018")


def test_hepdata_submission_of_a_scan(tmp_path: Path) -> None:
    import yaml

    res = scan_ma_eps(np.geomspace(0.05, 0.5, 5), np.geomspace(1e-4, 3e-2, 25), NA64, n_primaries=800)
    out = tmp_path / "hepdata"
    paths = res.to_hepdata(out, location="Figure 4", grid=True)
    names = {p.name for p in paths}
    assert {"submission.yaml", "grid.yaml", "submission.tar.gz"} <= names
    assert any(n.startswith("observed_") for n in names)
    assert any(n.startswith("expected_median_") for n in names)
    grid = yaml.safe_load((out / "grid.yaml").read_text())
    assert len(grid["independent_variables"][0]["values"]) == res.cls.size
    line = yaml.safe_load((out / "observed_1.yaml").read_text())
    eps_values = [v["value"] for v in line["dependent_variables"][0]["values"]]
    assert min(eps_values) >= res.y[0]
    assert max(eps_values) <= res.y[-1]
    with tarfile.open(out / "submission.tar.gz") as tar:
        assert "submission.yaml" in tar.getnames()
    # Writing again replaces the directory whole, with nothing left over in the parent.
    res.to_hepdata(out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hepdata"]
