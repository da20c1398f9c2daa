"""The command line: JSON contracts, exit codes, help."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from semivisible.cli import app
from semivisible.model.constants import ALPHA_EM

runner = CliRunner()

MODEL_KEYS = {
    "ma_GeV",
    "eps",
    "alpha_d",
    "mchi1_GeV",
    "mchi2_GeV",
    "delta_GeV",
    "gamma_aprime_GeV",
    "br_aprime_chi1chi2",
    "gamma_chi2_GeV",
    "gamma_chi2_approx_GeV",
    "k_factor",
    "ctau_chi2_m",
    "delta_a_mu",
}
G2_KEYS = {
    "ma_GeV",
    "reference",
    "delta_a_mu",
    "eps_central",
    "eps_1sigma_lo",
    "eps_1sigma_hi",
    "eps_2sigma_lo",
    "eps_2sigma_hi",
}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_model_json_acceptance() -> None:
    code, out, _ = run("model", "--ma", "0.3", "--eps", "6.312e-3", "--json")
    assert code == 0
    info = json.loads(out)
    assert info.keys() >= MODEL_KEYS
    assert info["k_factor"] == pytest.approx(0.640, abs=0.006)
    assert info["mchi1_GeV"] == pytest.approx(0.1)


def test_model_with_masses_and_table() -> None:
    code, out, _ = run("model", "--ma", "0.3", "--eps", "1e-3", "--mchi1", "0.1", "--delta", "0.04")
    assert code == 0
    assert "K = exact/approx" in out


def test_model_stable_chi2_json() -> None:
    code, out, _ = run("model", "--ma", "0.3", "--eps", "1e-3", "--mchi1", "0.1", "--delta", "0.0009", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["chi2_stable"] is True
    assert info["ctau_chi2_m"] is None
    assert info["gamma_chi2_GeV"] == 0.0


def test_g2_json_light_aprime() -> None:
    # The light-A' limit eps = sqrt(2 pi Delta a / alpha) holds up to the first correction of the exact loop
    # function, F(r) = 1 - pi sqrt(r) + O(r log r) with r = m_A'^2/m_mu^2: eps is higher by ~ (pi/2) m_A'/m_mu,
    # 1.5% at 1 MeV (see tests/cosmo/test_g2.py) and 0.15% at 0.1 MeV.
    limit = math.sqrt(2 * math.pi * 251e-11 / ALPHA_EM)
    for ma, tol in [("0.0001", 0.002), ("0.001", 0.016)]:
        code, out, _ = run("g2", "--ma", ma, "--json")
        assert code == 0
        info = json.loads(out)
        assert info.keys() >= G2_KEYS
        assert info["eps_central"] == pytest.approx(limit, rel=tol)
        assert info["eps_central"] > limit


def test_g2_user_value_and_named_references() -> None:
    code, out, _ = run("g2", "--ma", "0.3", "--delta-a-mu", "2.51e-9", "--delta-a-mu-error", "5.9e-10", "--json")
    user = json.loads(out)
    code2, out2, _ = run("g2", "--ma", "0.3", "--json")
    named = json.loads(out2)
    assert code == code2 == 0
    assert user["eps_central"] == pytest.approx(named["eps_central"], rel=1e-12)
    code3, out3, _ = run("g2", "--ma", "0.3", "--reference", "wp2025")
    assert code3 == 0
    assert "wp2025" in out3


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["model", "--ma", "-0.3", "--eps", "1e-3"], "ma = -0.3"),
        (["model", "--ma", "0.3", "--eps", "1e-3", "--splitting", "1.2"], "splitting = 1.2"),
        (["model", "--ma", "0.3", "--eps", "1e-3", "--mchi1", "0.1"], "delta"),
        (["g2", "--ma", "0.3", "--reference", "bogus"], "reference = 'bogus'"),
        (["model", "--ma", "abc", "--eps", "1e-3"], "--ma"),
    ],
)
def test_bad_input_exit_2_without_traceback(args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in out + err


def test_landau_pole_warning_on_stderr() -> None:
    code, out, err = run("model", "--ma", "0.3", "--eps", "1e-3", "--alpha-d", "0.5", "--json")
    assert code == 0
    assert "Landau pole" in err
    json.loads(out)


@pytest.mark.parametrize("command", [[], ["model"], ["g2"]])
def test_help(command: list[str]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert "Usage" in out


def test_python_dash_m_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "semivisible", "model", "--ma", "0.3", "--eps", "6.312e-3", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["k_factor"] == pytest.approx(0.640, abs=0.006)
    bad = subprocess.run(
        [sys.executable, "-m", "semivisible", "model", "--ma", "0", "--eps", "1e-3"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr


def test_xsec_json() -> None:
    code, out, _ = run("xsec", "--ma", "0.0167", "--energy", "150", "--eps", "1e-4", "--method", "iww", "--json")
    assert code == 0
    info = json.loads(out)
    assert {"sigma_pb", "method", "sigma_iww_dmg4_pb"} <= info.keys()
    assert info["method"] == "iww"
    assert 3900 < info["sigma_pb"] < 4500


def test_production_json() -> None:
    args = ["production", "--ma", "0.1", "--experiment", "na64-2016", "--method", "iww", "--n-primaries", "2000"]
    code, out, _ = run(*args, "--json")
    assert code == 0
    info = json.loads(out)
    assert info["yield_per_eot_per_eps2"] > 0
    assert 0 < info["yield_mc_error"] < 0.1 * info["yield_per_eot_per_eps2"]
    assert 0.5 < info["x_spectrum"]["x_mean"] < 1.0


def test_limit_json() -> None:
    args = ["limit", "--mode", "invisible", "--experiment", "na64-2016", "--method", "iww", "--n-masses", "3"]
    code, out, _ = run(*args, "--json")
    assert code == 0
    recs = json.loads(out)
    assert [round(r["ma_GeV"], 6) for r in recs] == [0.001, round(0.001**0.5, 6), 1.0]
    assert all(r["eps"] > 0 for r in recs)


def test_production_json_reports_each_channel() -> None:
    args = ["production", "--ma", "0.25", "--experiment", "na64-2016-2022", "--n-primaries", "2000", "--json"]
    code, out, _ = run(*args)
    assert code == 0
    info = json.loads(out)
    assert info["channels"] == ["brem", "annihilation"]
    per = info["channel_yields_per_eot_per_eps2"]
    assert set(per) == {"brem", "annihilation"}
    assert math.isclose(sum(per.values()), info["yield_per_eot_per_eps2"], rel_tol=1e-9)
    assert per["annihilation"] > per["brem"] > 0
    # --channels replaces the file's choice without editing it.
    code, out, _ = run(*args, "--channels", "brem")
    assert code == 0
    assert json.loads(out)["channel_yields_per_eot_per_eps2"].keys() == {"brem"}


def test_limit_of_a_beam_dump_prints_bands() -> None:
    """E137: rows {ma_GeV, eps_low, eps_high}, one per interval, nulls where nothing is excluded; the default mass
    range is the dump's (2 MeV to just below its production cut)."""
    code, out, err = run("limit", "--experiment", "e137", "--n-masses", "3", "--workers", "1", "--json")
    assert code == 0, err
    recs = json.loads(out)
    assert [round(r["ma_GeV"], 4) for r in recs] == [0.002, round(math.sqrt(0.002 * 0.999), 4), 0.999]
    assert 1e-8 < recs[0]["eps_low"] < recs[0]["eps_high"] < 1e-3
    assert recs[-1]["eps_low"] is None
    assert recs[-1]["eps_high"] is None
    code, _, err = run("limit", "--experiment", "e137", "--mode", "invisible")
    assert code == 2
    assert "mode = 'invisible'" in err
    code, _, err = run("limit", "--experiment", "e137", "--mode", "semivisible", "--ratio", "1.5", "--n-masses", "2")
    assert code == 2
    assert "ratio = 1.5" in err


@pytest.mark.parametrize("name", ["nucal", "charm"])
def test_limit_of_a_proton_dump_in_both_modes(name: str) -> None:
    """NuCal and CHARM through the same command as E137 (issue 15): visible and semi-visible bands as JSON rows."""
    for mode in ("visible", "semivisible"):
        code, out, err = run(
            "limit", "--experiment", name, "--mode", mode, "--ma-min", "0.02", "--ma-max", "0.1", "--n-masses", "2",
            "--workers", "1", "--json",
        )  # fmt: skip
        assert code == 0, err
        recs = json.loads(out)
        assert [round(r["ma"], 3) for r in recs] == [0.02, 0.1]
        assert all(1e-9 < r["eps_low"] < r["eps_high"] <= 1.0 for r in recs)
    code, _, err = run("limit", "--experiment", name, "--channels", "brem")
    assert code == 2
    assert "channels" in err


def test_production_of_a_proton_beam() -> None:
    """A proton dump's production per POT and per channel, as JSON (no shower: no method, no secondaries)."""
    code, out, err = run("production", "--experiment", "charm", "--ma", "0.1", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["beam_particle"] == "p"
    assert info["method"] is None
    assert set(info["channel_yields_per_eot_per_eps2"]) == {"pi0", "eta", "eta_prime", "proton_brem"}
    assert info["channel_yields_per_eot_per_eps2"]["pi0"] > info["channel_yields_per_eot_per_eps2"]["eta_prime"]


def test_limit_of_babar_in_both_modes() -> None:
    """BaBar (issue 16): the invisible mode gives back the published limit; the semi-visible one lies above it."""
    rows = {}
    for mode in ("invisible", "semivisible"):
        code, out, err = run(
            "limit", "--experiment", "babar", "--mode", mode, "--ma-min", "0.1", "--ma-max", "1", "--n-masses", "2",
            "--alpha-d", "0.1", "--ratio", "3", "--splitting", "0.4", "--json",
        )  # fmt: skip
        assert code == 0, err
        rows[mode] = json.loads(out)
    assert rows["invisible"][0]["eps_low"] == pytest.approx(9.48e-4, rel=1e-4)
    for inv, semi in zip(rows["invisible"], rows["semivisible"], strict=True):
        assert inv["eps_low"] <= semi["eps_low"] < semi["eps_high"] <= 1.0
    code, _, err = run("limit", "--experiment", "babar", "--mode", "visible")
    assert code == 2
    assert "mode = 'visible'" in err
    code, _, err = run("point", "--experiment", "babar", "--ma", "0.3", "--eps", "1e-3")
    assert code == 2
    assert "Traceback" not in err


def test_limit_json_of_2016_2022_has_one_sided_rows() -> None:
    args = ["limit", "--mode", "invisible", "--experiment", "na64-2016-2022", "--ma-min", "0.2", "--ma-max", "0.3"]
    code, out, _ = run(*args, "--n-masses", "3", "--json")
    assert code == 0
    recs = json.loads(out)
    assert all(r["eps_low"] == r["eps"] > 0 and r["eps_high"] is None for r in recs)
    assert all(set(r["channel_yields_per_eot_per_eps2"]) == {"brem", "annihilation"} for r in recs)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["production", "--ma", "0.1", "--channels", "brem,compton"], "channels = ['brem', 'compton']"),
        (["limit", "--mode", "visible"], "mode = 'visible'"),
        (["production", "--ma", "0.1", "--experiment", "nowhere"], "experiment = 'nowhere'"),
        (["xsec", "--ma", "0.1", "--energy", "100", "--method", "exact"], "method = 'exact'"),
    ],
)
def test_production_commands_bad_input(args: list[str], needle: str) -> None:
    code, out, err = run(*args)
    assert code == 2
    assert needle in err
    assert "Traceback" not in out + err


def test_yields_json() -> None:
    code, out, _ = run("yields", "--ma", "0.3", "--eps", "6e-3", "--json")
    assert code == 0
    info = json.loads(out)
    assert {"s1", "s2", "s1_mc_error", "s2_mc_error", "r_cut_efficiency", "decay_fractions"} <= info.keys()
    assert info["s1"] > 0
    assert info["s2"] > 0
    assert sum(info["decay_fractions"].values()) == pytest.approx(1.0, abs=1e-9)


def test_yields_stable_chi2_exit_2() -> None:
    code, out, err = run("yields", "--ma", "0.3", "--eps", "6e-3", "--mchi1", "0.1", "--delta", "0.0009")
    assert code == 2
    assert "delta" in err
    assert "Traceback" not in out + err


def test_reproduce_small_grid(tmp_path: Any) -> None:
    code, _, err = run(
        "reproduce", "--out", str(tmp_path), "--n-x", "4", "--n-y", "8", "--mass-nodes", "3",
        "--splitting-nodes", "3", "--fig5-bottom-mass-nodes", "3", "--workers", "1", "--hepdata",
    )  # fmt: skip
    assert code == 0, err
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert 0.01 <= summary["headline_g2_excluded_up_to_GeV"] <= 1.0
    assert set(summary["fig5_bottom_excluded_up_to_mchi1_GeV"]) >= {"0.4", "0.5"}
    for stem in ("fig4", "fig5_top", "fig5_bottom"):
        for ext in ("png", "pdf", "csv", "json"):
            assert (tmp_path / f"{stem}.{ext}").exists()
        assert (tmp_path / f"{stem}-hepdata" / "submission.yaml").exists()
    assert (tmp_path / "fig5_bottom_projection.json").exists()
    # BaBar's, E137's, NuCal's and CHARM's semi-visible bounds, computed at each plane's parameters, are drawn and
    # exported (issues 14, 15 and 16).
    dumps = ["babar", "e137", "nucal", "charm"]
    assert summary["overlays"] == {"fig4": dumps, "fig5_top": dumps, "fig5_bottom": dumps}
    for stem in ("fig4", "fig5_top", "fig5_bottom"):
        header = (tmp_path / f"{stem}.csv").read_text().splitlines()[0]
        assert header.endswith(",babar_excluded,e137_excluded,nucal_excluded,charm_excluded")
        overlays = json.loads((tmp_path / f"{stem}.json").read_text())["overlays"]
        assert [overlays[n]["label"] for n in dumps] == ["BaBar", "E137", "NuCal", "CHARM"]
    # What each figure draws (issue 17), with every drawn curve's points in its JSON and curves CSV.
    drawn = summary["drawn"]
    assert drawn["fig4"][:5] == ["na64", "na64-expected", "g2", "relic", "projection"]
    assert drawn["fig5_top"][:3] == ["na64", "na64-expected", "relic"]
    assert drawn["fig5_bottom"][:4] == ["na64", "na64-expected", "relic", "projection"]
    for stem in ("fig4", "fig5_top", "fig5_bottom"):
        curves = json.loads((tmp_path / f"{stem}.json").read_text())["curves"]
        assert "relic" in curves
        assert (tmp_path / f"{stem}_curves.csv").read_text().startswith("curve,piece,x,y")
        assert any(p.name.startswith("relic_") for p in (tmp_path / f"{stem}-hepdata").iterdir())
        assert all(overlays[n]["meta"]["eps"] == "g2" for n in dumps)


def test_scan_draws_other_experiments_and_the_relic_line(tmp_path: Any) -> None:
    """Any plane, any benchmark (issue 17): --overlay and --relic at the scan's own parameters."""
    code, _, err = run(
        "scan", "--out", str(tmp_path), "--plane", "ma-alpha_d", "--n-x", "6", "--n-y", "6", "--mass-nodes", "3",
        "--workers", "1", "--overlay", "babar,e137", "--relic", "--splitting", "0.3",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads((tmp_path / "ma-alpha_d.json").read_text())
    assert set(data["overlays"]) == {"babar", "e137"}
    assert data["overlays"]["babar"]["meta"]["splitting"] == 0.3
    assert (tmp_path / "ma-alpha_d.csv").read_text().splitlines()[0].endswith(",babar_excluded,e137_excluded")
    code, _, err = run("scan", "--out", str(tmp_path), "--overlay", "na64-2016", "--n-x", "2", "--n-y", "2")
    assert code == 2
    assert "overlay" in err


def test_scan_bad_plane(tmp_path: Any) -> None:
    code, _, err = run("scan", "--out", str(tmp_path), "--plane", "eps-delta")
    assert code == 2
    assert "plane" in err
    code, _, err = run("scan", "--out", str(tmp_path), "--eps", "large", "--plane", "ma-alpha_d")
    assert code == 2
    assert "eps = 'large'" in err
    code, _, err = run("scan", "--out", str(tmp_path), "--executor", "mpi", "--n-x", "2", "--n-y", "2")
    assert code == 2
    assert "executor" in err
    code, _, err = run("scan", "--out", str(tmp_path), "--g2-band", "wp2099", "--n-x", "2", "--n-y", "2")
    assert code == 2
    assert "g2_band = 'wp2099'" in err


def test_scan_any_plane_with_checkpoint(tmp_path: Any) -> None:
    args = ["scan", "--out", str(tmp_path / "o"), "--plane", "mchi1-alpha_d", "--n-x", "3", "--n-y", "4"]
    args += ["--x-range", "0.05", "0.13", "--executor", "serial", "--checkpoint", str(tmp_path / "ck"), "--json"]
    args += ["--g2-band", "wp2025", "--hepdata"]
    code, out, err = run(*args)
    assert code == 0, err
    info = json.loads(out)
    assert info["plane"] == "mchi1-alpha_d"
    assert (tmp_path / "o" / "mchi1-alpha_d.png").exists()
    assert (tmp_path / "o" / "mchi1-alpha_d-hepdata" / "submission.yaml").exists()
    assert len(list((tmp_path / "ck").glob("column-*.npz"))) == 3


def test_point_json() -> None:
    code, out, err = run("point", "--ma", "0.3", "--eps", "6.312e-3", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["excluded"] is True
    assert info["cls"] < 0.1
    assert {"s1", "s2", "s_up_obs", "s_up_exp"} <= set(info)
    code, out, _ = run("point", "--ma", "0.9", "--eps", "1e-2", "--json")
    assert json.loads(out)["excluded"] is False


def test_relic_json() -> None:
    code, out, _ = run("relic", "--ma", "0.3", "--json")
    assert code == 0
    info = json.loads(out)
    assert {"eps_relic", "y", "omega_h2_check"} <= info.keys()
    assert info["omega_h2_check"] == pytest.approx(0.120, rel=1e-3)


def test_relic_dm_type() -> None:
    """--dm-type selects the elastic p-wave targets; the Majorana target needs a larger eps than the pseudo-Dirac
    one (p-wave) and the scalar one larger still (Y counts chi and chi*); bad values exit 2 naming the flag."""
    eps = {}
    for dm in ("pseudo-dirac", "majorana", "scalar"):
        extra = ["--splitting", "0.001"] if dm == "pseudo-dirac" else []
        code, out, _ = run("relic", "--ma", "0.3", "--dm-type", dm, *extra, "--json")
        assert code == 0
        info = json.loads(out)
        assert info["dm_type"] == dm
        assert info["omega_h2_check"] == pytest.approx(0.120, rel=1e-3)
        eps[dm] = info["eps_relic"]
    assert eps["pseudo-dirac"] < eps["majorana"] < eps["scalar"]
    code, _, err = run("relic", "--ma", "0.3", "--dm-type", "dirac")
    assert code == 2
    assert "dm_type" in err
    assert "Traceback" not in err
    code, _, err = run("relic", "--ma", "0.3", "--dm-type", "scalar", "--splitting", "0.1")
    assert code == 2
    assert "splitting" in err


def test_upper_limit_json() -> None:
    code, out, _ = run("upper-limit", "--no-systematics", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["s_up_obs"] == pytest.approx(math.log(10), abs=1e-3)
    assert len(info["s_up_exp_1sigma"]) == 2
    code, out, _ = run("upper-limit", "--s1-fraction", "0.2", "--json")
    assert json.loads(out)["s_up_obs"] > math.log(10)  # the 20% signal systematic raises it


def test_scan_4d_volume(tmp_path: Any) -> None:
    """``scan --plane ma-eps-alpha_d-splitting``: the 4-D scan with the same flags, its files and JSON; bad
    ranges exit with code 2 before any work."""
    out = tmp_path / "vol"
    args = ["--x-range", "0.1", "0.3", "--n-x", "2", "--y-range", "1e-4", "1e-2", "--n-y", "3"]
    args += ["--alpha-d-range", "0.1", "0.5", "--n-alpha-d", "2", "--splitting-range", "0.2", "0.6"]
    args += ["--n-splitting", "2", "--max-events", "2000", "--mass-nodes", "2", "--splitting-nodes", "2"]
    code, text, _ = run("scan", "--plane", "ma-eps-alpha_d-splitting", "--out", str(out), *args, "--json")
    assert code == 0
    summary = json.loads(text)
    assert summary["points"] == 24
    assert sorted(p.rsplit("/", 1)[-1] for p in summary["files"]) == ["volume.csv", "volume.json", "volume.npz"]
    meta = json.loads((out / "volume.json").read_text())
    assert meta["shape"] == [2, 3, 2, 2]
    bad = ["--splitting-range", "0.2", "1.5"]
    code, _, err = run("scan", "--plane", "ma-eps-alpha_d-splitting", "--out", str(tmp_path / "b"), *bad)
    assert code == 2
    assert "splitting" in err
    assert "Traceback" not in err
    code, _, err = run("scan", "--plane", "ma-eps-alpha_d-splitting", "--out", str(tmp_path / "c"), "--relic")
    assert code == 2
    assert "--relic" in err
