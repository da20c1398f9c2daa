"""Bad input on the command line: a one-line message naming the parameter, exit code 2, no traceback, no NaN.

Every case is one of the examples an adversarial probe found (issue 12), or its neighbour.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from semivisible.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _finite_json(obj: Any) -> bool:
    if isinstance(obj, dict):
        return all(_finite_json(v) for v in obj.values())
    if isinstance(obj, list):
        return all(_finite_json(v) for v in obj)
    return not isinstance(obj, float) or math.isfinite(obj)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["model", "--ma", "0.3", "--eps", "1e308"], "eps = 1e+308"),
        (["model", "--ma", "0.3", "--eps", "2"], "eps = 2.0"),
        (["model", "--ma", "0.3", "--eps", "nan"], "eps = nan"),
        (["model", "--ma", "-0.3", "--eps", "1e-3"], "ma = -0.3"),
        (["model", "--ma", "0.3", "--eps", "1e-3", "--alpha-d", "inf"], "alpha_d = inf"),
        (["yields", "--ma", "0.3", "--eps", "2"], "eps = 2.0"),
        (["xsec", "--ma", "0.1", "--energy", "100", "--eps", "-1"], "eps = -1.0"),
        (["xsec", "--ma", "0.1", "--energy", "0.05"], "energy = 0.05"),
        (["point", "--ma", "20", "--eps", "1e-3"], "ma = 20.0"),
        (["point", "--ma", "60", "--eps", "1e-3"], "ma = 60.0"),
        (["point", "--experiment", "[/]", "--ma", "0.3", "--eps", "1e-3"], "experiment = '[/]'"),
        (["relic", "--ma", "5e-4"], "ma = 0.0005"),
        (["scan", "--out", "{tmp}/s", "--alpha-d", "nan", "--n-x", "3", "--n-y", "3"], "alpha_d = nan"),
        (["scan", "--out", "{tmp}/s", "--alpha-d", "-0.1", "--mass-nodes", "2"], "alpha_d = -0.1"),
        (["scan", "--out", "{tmp}/s", "--executor", "threads", "--n-x", "3", "--n-y", "3"], "executor = 'threads'"),
        (["scan", "--out", "{tmp}/s", "--workers", "0", "--n-x", "3", "--n-y", "3"], "workers = 0"),
        (["scan", "--out", "{tmp}/file", "--n-x", "3", "--n-y", "3"], "this path is a file"),
        (["scan", "--out", "{tmp}/s", "--n-x", "1", "--n-y", "3"], "n (ma) = 1"),
        (["reproduce", "--out", "{tmp}/file"], "this path is a file"),
        (["reproduce", "--out", "{tmp}/r", "--n-x", "1000000"], "n (ma) = 1000000"),
        (["upper-limit", "--cl", "1.5"], "cl = 1.5"),
        (["g2", "--ma", "5000"], "ma = 5000.0"),
        (["g2", "--ma", "0.3", "--delta-a-mu", "1e308", "--delta-a-mu-error", "1"], "delta_a_mu = 1e+308"),
        (["relic", "--ma", "1000"], "ma = 1000.0"),
        (["reproduce", "--out", "{tmp}/r", "--fig5-bottom-mass-nodes", "1"], "fig5_bottom_mass_nodes = 1"),
        (["scan", "--out", "{tmp}/s", "--plane", "ma-splitting", "--y-range", "0.5", "1.5"], "0 < splitting < 1"),
        (["point", "--ma", "0.3", "--eps", "6e-3", "--experiment", "a" * 5000], "experiment = 'aaaa"),
        (["limit", "--ma-min", "nan"], "ma_min = nan"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path: Path, args: list[str], needle: str) -> None:
    (tmp_path / "file").write_text("not a directory")
    code, out, err = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert code == 2, (out, err)
    assert needle in " ".join(err.split()), err  # rich may wrap long messages
    assert "Traceback" not in out + err
    assert err.startswith("error: ")


def test_checks_do_not_depend_on_the_cache(tmp_path: Path) -> None:
    """A refused option is refused whether the scan is cached or not (it used to pass once the scan was cached)."""
    args = ["scan", "--out", str(tmp_path / "ok"), "--n-x", "2", "--n-y", "2", "--x-range", "0.2", "0.3"]
    args += ["--max-events", "2000", "--workers", "1"]
    assert run(*args)[0] == 0
    for bad in (["--executor", "threads"], ["--workers", "0"]):
        code, _, err = run(*args, *bad)
        assert code == 2, err


@settings(max_examples=40, deadline=None)
@given(
    ma=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, -1.0, 1e-300, 0.3])),
    eps=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 1.0, 1e-300, 2.0])),
    alpha_d=st.one_of(st.floats(min_value=-1.0, max_value=20.0), st.just(0.1)),
)
def test_model_command_never_tracebacks_or_prints_nan(ma: float, eps: float, alpha_d: float) -> None:
    """Any numbers: either exit 0 with finite JSON, or exit 2 with a message. Never a traceback or a NaN."""
    code, out, err = run("model", "--ma", repr(ma), "--eps", repr(eps), "--alpha-d", repr(alpha_d), "--json")
    assert code in (0, 2), (code, out, err)
    assert "Traceback" not in out + err
    if code == 0:
        assert _finite_json(json.loads(out))
    else:
        assert err.startswith("error: ")


@settings(max_examples=25, deadline=None)
@given(
    ma=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.3, 5e-4, 2.0])),
    alpha_d=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.1, 0.5])),
)
def test_g2_and_relic_commands_never_traceback(ma: float, alpha_d: float) -> None:
    for args in (("g2", "--ma", repr(ma), "--json"), ("relic", "--ma", repr(ma), "--alpha-d", repr(alpha_d), "--json")):
        code, out, err = run(*args)
        assert code in (0, 2), (args, out, err)
        assert "Traceback" not in out + err
        if code == 0:
            assert _finite_json(json.loads(out))


def test_messages_are_one_line(tmp_path: Path) -> None:
    """A long message is not wrapped at 80 columns when stderr is not a terminal."""
    code, _, err = run("g2", "--ma", "0.3", "--reference", "nope")
    assert code == 2
    assert err.count("\n") == 1
