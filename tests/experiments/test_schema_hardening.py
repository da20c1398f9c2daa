"""Every malformed or unphysical experiment file is a ParameterError that names the key, its value and the range.

Never a traceback, a NaN downstream, an unbounded shower MC, or silent acceptance (issue "every bad input gets a
clear error"). The files are shipped ones with one change.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from semivisible import ParameterError
from semivisible.experiments import available_experiments, load_experiment
from semivisible.experiments.loader import MAX_FILE_BYTES
from semivisible.experiments.schema import (
    MAX_MODULES,
    MAX_SHOWER_COST,
    MAX_TABLE_ROWS,
    Efficiency,
    Quantity,
    shower_cost,
)


def _text(name: str) -> str:
    return Path(load_experiment(name).path).read_text(encoding="utf-8")


def _drop(text: str, section: str) -> str:
    """``text`` without the TOML table ``section`` and its sub-tables (``[[section.x]]``, ``[section.y]``)."""
    out, skip = [], False
    for line in text.splitlines():
        if line.startswith("["):
            header = line.strip("[]")
            skip = header == section or header.startswith(section + ".")
        if not skip:
            out.append(line)
    return "\n".join(out) + "\n"


def _error(path: Path) -> str:
    with pytest.raises(ParameterError) as info:
        load_experiment(path)
    return str(info.value)


FULL = "na64-2016-2018"
HCAL3_LENGTH = 'length_m = { value = 1.50, error = 0.04, source = "as HCAL2" }'
HCAL3_WIDTH = (
    'half_width_m = { value = 0.291, source = "E. Depero, PhD thesis, ETH Zurich (2020), NA64; LaTeX source '
    'github.com/CaosOwl/edepero-phdthesis, app. F: 3 x 3 cells of 192 x 194 mm^2" }\ncells = 3\n\n[detector.shower]'
)


# The failures found by the adversarial probe: (shipped file, old text, new text, what the message must contain).
PROBE_FAILURES = [
    pytest.param("na64-2016", b'material = "Pb"', b'material = "P\xffb"', ("UTF-8", "0xff", "line"), id="non-utf8"),
    pytest.param(FULL, b"eot = { value = 2.84e11", b"eot = { value = inf", ("beam.eot", "inf", "1e22"), id="eot-inf"),
    pytest.param(
        FULL,
        b"energy_gev = { value = 100.0",
        b"energy_gev = { value = inf",
        ("beam.energy_gev", "inf", "10000 GeV"),
        id="energy-inf",
    ),
    pytest.param(
        FULL,
        b"beam_spot_sigma_m = { value = 0.0041",
        b"beam_spot_sigma_m = { value = nan",
        ("detector.beam_spot_sigma_m", "nan", "0 <= value"),
        id="beam-spot-nan",
    ),
    pytest.param(
        FULL, b"r_cut = { value = 0.06", b"r_cut = { value = nan", ("s1.r_cut", "nan", "0 < value <= 1"), id="r-cut-nan"
    ),
    pytest.param(FULL, b'role = "fiducial"', b'role = "veto"', ("detector.modules", "fiducial"), id="no-fiducial"),
    pytest.param(
        FULL,
        HCAL3_LENGTH.encode(),
        HCAL3_LENGTH.replace("1.50", "-1.5").encode(),
        ("detector.modules[4].length_m", "-1.5", "1e-6 <= value"),
        id="last-module-negative-length",
    ),
    pytest.param(
        FULL,
        HCAL3_WIDTH.encode(),
        HCAL3_WIDTH.replace("0.291", "0").encode(),
        ("detector.modules[4].half_width_m", "value = 0", "1e-6 <= value"),
        id="last-module-zero-width",
    ),
    pytest.param(
        FULL,
        b'n_observed = { value = 0, source = "arXiv:2005.02710',
        b'n_observed = { value = 1.5, source = "arXiv:2005.02710',
        ("s1.n_observed", "1.5", "an integer"),
        id="s1-fractional-count",
    ),
    pytest.param(
        FULL,
        b'n_observed = { value = 0, source = "arXiv:1906.00176: no event',
        b'n_observed = { value = 1.5, source = "arXiv:1906.00176: no event',
        ("s2.n_observed", "1.5", "an integer"),
        id="s2-fractional-count",
    ),
    pytest.param(
        "na64-2016",
        b"n_observed = { value = 0,",
        b"n_observed = { value = 1.5,",
        ("invisible.n_observed", "1.5", "an integer"),
        id="invisible-fractional-count",
    ),
    pytest.param(
        FULL,
        b"signal_systematic = { value = 0.20",
        b"signal_systematic = { value = -0.20",
        ("s1.signal_systematic", "-0.2", "0 <= value <= 1"),
        id="negative-systematic",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "needles"), PROBE_FAILURES)
def test_probe_failures_are_parameter_errors(
    tmp_path: Path, name: str, old: bytes, new: bytes, needles: tuple[str, ...]
) -> None:
    raw = Path(load_experiment(name).path).read_bytes()
    assert old in raw
    bad = tmp_path / "bad.toml"
    bad.write_bytes(raw.replace(old, new, 1) if b"fiducial" not in old else raw.replace(old, new))
    message = _error(bad)
    assert "allowed" in message
    for needle in needles:
        assert needle in message, (needle, message)


# Further bounds of requirement 2: (old, new, needles), on the full 2016-2018 file.
BOUNDS = [
    ("eot = { value = 2.84e11", "eot = { value = 2e22", ("beam.eot", "1e22")),
    ("eot = { value = 2.84e11", "eot = { value = 0.5", ("beam.eot", "1 <= value")),
    ("energy_gev = { value = 100.0", "energy_gev = { value = 2e4", ("beam.energy_gev", "20000.0")),
    (
        "eot = { value = 2.84e11",
        'energy_spread_gev = { value = 100.0, source = "a spread as large as the beam" }\neot = { value = 2.84e11',
        ("energy_spread_gev", "100.0", "< energy_gev"),
    ),
    (
        "eot = { value = 2.84e11",
        'energy_spread_gev = { value = -1.0, source = "a negative spread" }\neot = { value = 2.84e11',
        ("beam.energy_spread_gev", "-1.0", "0 <= value"),
    ),
    ("thickness_x0 = { value = 40.0", "thickness_x0 = { value = 600.0", ("target.thickness_x0", "500 X0")),
    ("thickness_x0 = { value = 40.0", "thickness_x0 = { value = 0.0", ("target.thickness_x0", "1e-6 <= value")),
    ("active_x0_m = { value = 0.4131", "active_x0_m = { value = 0.0", ("target.active_x0_m", "value = 0.0")),
    ("value = 0.19, error = 0.07", "value = -0.19, error = 0.07", ("s1.background", "-0.19", "0 <= value")),
    ("value = 0.19, error = 0.07", "value = 0.19, error = -0.07", ("s1.background.error", "-0.07")),
    ("value = 0.19, error = 0.07", "value = 0.19, error = inf", ("s1.background.error", "inf", "finite")),
    ("value = 0.19, error = 0.07", "value = 0.0, error = 0.07", ("s1", "background.error = 0.07", "known zero")),
    ("signal_systematic = { value = 0.20", "signal_systematic = { value = 1.5", ("s1.signal_systematic", "<= 1")),
    ("value = 0.19, error = 0.07", "value = 25.0, error = 0.07", ("s1.background", "<= 10")),
    ("energy_threshold_gev = { value = 5.0", "energy_threshold_gev = { value = -1.0", ("s1.energy_threshold_gev",)),
    ("energy_threshold_gev = { value = 5.0", "energy_threshold_gev = { value = 100.0", ("s1.energy_threshold_gev",)),
    ("core_fraction = { value = 0.707", "core_fraction = { value = nan", ("detector.shower.core_fraction", "nan")),
    ("z_start_m = { value = 0.0,", "z_start_m = { value = -inf,", ("detector.modules[0].z_start_m", "-inf")),
    ("z_start_m = { value = 4.50", "z_start_m = { value = 3.50", ("HCAL3 starts at z = 3.5 m", "beam order")),
    ("cells = 6", "cells = 0", ("detector.modules[0].cells = 0",)),
    ("cells = 6", "cells = 102", ("detector.modules[0].cells = 102", "101")),
    ("cells = 6", "cells = 6.0", ("detector.modules[0].cells = 6.0", "integer")),
    ("n_primaries = 20000", "n_primaries = 50", ("production.n_primaries = 50", "100")),
    ("n_primaries = 20000", "n_primaries = 3000000", ("production.n_primaries = 3000000", "2000000")),
    ("seed = 20180101", "seed = -1", ("production.seed = -1", "0")),
    ("y_min = 1e-3", "y_min = nan", ("production.y_min = nan", "finite")),
    ("r_cut = { value = 0.06", "r_cut = { value = 0.0", ("s1.r_cut", "0 < value <= 1")),
    ("value = 0.52, error = 0.13", "value = 0.52, error = nan", ("s1.r_cut_efficiency.error = nan",)),
    ("value = 0.19, error = 0.07", 'value = "0.19", error = 0.07', ("s1.background.value = '0.19'", "valid number")),
    ("value = 0.19, error = 0.07", "value = true, error = 0.07", ("s1.background.value = True", "valid number")),
    ('material = "Pb"', 'material = "Xx"', ("target.material = 'Xx'", "Pb")),
    ("value = 50.0", "value = 100.0", ("production.min_aprime_energy_gev", "< beam.energy_gev")),
    (
        "[s2]\nefficiency = { value = 0.6,",
        "[s2]\nefficiency = { ma_gev = [0.01, 0.1, 1.0], value = [0.5, nan, 0.7],",
        ("s2.efficiency", "value[1] = nan", "0 < value <= 1"),
    ),
    (
        "[s2]\nefficiency = { value = 0.6,",
        "[s2]\nefficiency = { ma_gev = [0.01, inf, 1.0], value = [0.5, 0.6, 0.7],",
        ("s2.efficiency", "ma_gev[1] = inf"),
    ),
    (
        "[s2]\nefficiency = { value = 0.6,",
        "[s2]\nefficiency = { ma_gev = [0.1, 0.01, 1.0], value = [0.5, 0.6, 0.7],",
        ("s2.efficiency", "increasing"),
    ),
]


@pytest.mark.parametrize(("old", "new", "needles"), BOUNDS)
def test_bounds_name_key_value_and_range(tmp_path: Path, old: str, new: str, needles: tuple[str, ...]) -> None:
    text = _text(FULL)
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    message = _error(bad)
    for needle in needles:
        assert needle in message, (needle, message)


def test_tabulated_efficiency_and_energy_spread_are_accepted(tmp_path: Path) -> None:
    """The bounds do not refuse what is physical: a tabulated efficiency, a small energy spread, a zero beam spot."""
    text = (
        _text(FULL)
        .replace(
            "[s2]\nefficiency = { value = 0.6,", "[s2]\nefficiency = { ma_gev = [0.01, 0.1, 1], value = [0.5, 0.6, 1],"
        )
        .replace(
            "eot = { value = 2.84e11",
            'energy_spread_gev = { value = 2.0, source = "1% spread" }\neot = { value = 2.84e11',
        )
        .replace("beam_spot_sigma_m = { value = 0.0041", "beam_spot_sigma_m = { value = 0")
    )
    good = tmp_path / "good.toml"
    good.write_text(text, encoding="utf-8")
    exp = load_experiment(good)
    assert exp.spec.s2 is not None
    assert float(exp.spec.s2.efficiency.at(0.1)) == pytest.approx(0.6)
    assert exp.shower_config().beam_energy_spread_gev == 2.0


# The structure of an active dump (requirement 3): (sections to drop, replacements, needle).
STRUCTURE = [
    pytest.param(("s2",), (), "[s1] needs [s2]", id="s1-without-s2"),
    pytest.param(("s1",), (), "[s2] needs [s1]", id="s2-without-s1"),
    pytest.param(("detector",), (), "[s1] needs a [detector]", id="s1-without-detector"),
    pytest.param(("detector.shower",), (), "[s1] needs a [detector.shower] profile", id="s1-without-shower"),
    pytest.param(
        (), (('role = "target"', 'role = "veto"'),), "detector.modules[0] (ECAL) has role = 'veto'", id="first"
    ),
    pytest.param(
        (),
        (('name = "VETO"\nrole = "veto"', 'name = "VETO"\nrole = "target"'),),
        "2 modules of role 'target'",
        id="two",
    ),
    pytest.param(("s1", "s2", "invisible"), (), "needs an [invisible] signature", id="no-signature"),
]


@pytest.mark.parametrize(("drop", "replace", "needle"), STRUCTURE)
def test_active_dump_structure(
    tmp_path: Path, drop: tuple[str, ...], replace: tuple[tuple[str, str], ...], needle: str
) -> None:
    text = _text(FULL)
    for section in drop:
        text = _drop(text, section)
    for old, new in replace:
        assert old in text
        text = text.replace(old, new, 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    assert needle in _error(bad)


def test_invisible_only_and_semivisible_without_r_cut_are_valid(tmp_path: Path) -> None:
    """A file with only the invisible signature (na64-2016) stays valid; s1 without an r_cut is valid too (its
    [detector.shower] profile is still needed: the signal model computes R from it)."""
    assert load_experiment("na64-2016").spec.detector is None
    text = "\n".join(line for line in _text(FULL).splitlines() if not line.startswith("r_cut ")) + "\n"
    good = tmp_path / "no-r-cut.toml"
    good.write_text(text, encoding="utf-8")
    spec = load_experiment(good).spec
    assert spec.s1 is not None
    assert spec.s1.r_cut is None


def test_shower_cost_is_bounded(tmp_path: Path) -> None:
    """n_primaries x E_beam / E_min (x ln(1/y_min)/ln 1000) may reach 50 times the shipped cost, not more."""
    for name in available_experiments():
        prod, beam = load_experiment(name).spec.production, load_experiment(name).spec.beam
        if prod is None or beam is None or beam.particle == "p":  # a collider or a proton beam has no shower
            continue
        cost = shower_cost(prod.n_primaries, beam.energy_gev.value, prod.min_aprime_energy_gev.value, prod.y_min)
        assert cost <= MAX_SHOWER_COST / 50
    text = _text(FULL)
    cases = {
        "ok": ("n_primaries = 20000", "n_primaries = 1000000", None),
        "primaries": ("n_primaries = 20000", "n_primaries = 1000001", "reduce production.n_primaries"),
        "threshold": ("value = 50.0", "value = 0.5", "production.min_aprime_energy_gev (0.5)"),
        "y_min": ("y_min = 1e-3", "y_min = 1e-300", "y_min = 1e-300"),
    }
    for key, (old, new, needle) in cases.items():
        assert old in text
        path = tmp_path / f"{key}.toml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        if needle is None:
            assert load_experiment(path).spec.production.n_primaries == 1_000_000
        else:
            message = _error(path)
            assert needle in message
            assert "the shower MC would cost" in message


def test_module_and_table_counts_are_bounded(tmp_path: Path) -> None:
    text = _text(FULL)
    extra = "".join(
        f'[[detector.modules]]\nname = "M{i}"\nrole = "fiducial"\nz_start_m = {{ value = {10 + i}, source = "far" }}\n'
        'length_m = { value = 0.5, source = "short" }\nhalf_width_m = { value = 0.5, source = "narrow" }\n\n'
        for i in range(MAX_MODULES)
    )
    many = tmp_path / "many.toml"
    many.write_text(text.replace("[detector.shower]", extra + "[detector.shower]"), encoding="utf-8")
    assert f"at most {MAX_MODULES} items" in _error(many)
    n = MAX_TABLE_ROWS + 1
    table = f"ma_gev = [{', '.join(str(1 + i) for i in range(n))}], value = [{', '.join(['0.5'] * n)}],"
    long = tmp_path / "long.toml"
    long.write_text(
        text.replace("[s2]\nefficiency = { value = 0.6,", "[s2]\nefficiency = { " + table), encoding="utf-8"
    )
    assert f"value has {n} rows; allowed at most {MAX_TABLE_ROWS}" in _error(long)


def test_files_the_loader_refuses(tmp_path: Path) -> None:
    """A directory, a missing file, a file over 1 MB, a device, bad paths and unparsable TOML: ParameterError."""
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    assert "not a directory" in _error(folder)
    assert "not a directory" in _error(tmp_path)
    assert "no file at this path" in _error(tmp_path / "missing.toml")
    big = tmp_path / "big.toml"
    big.write_text(_text(FULL) + "#" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    message = _error(big)
    assert str(big) in message
    assert f"at most {MAX_FILE_BYTES} bytes" in message
    if Path("/dev/null").exists():
        assert "regular TOML file" in _error(Path("/dev/null"))
    with pytest.raises(ParameterError, match="null byte"):
        load_experiment("bad\0name.toml")
    digits = tmp_path / "digits.toml"
    digits.write_text(_text(FULL).replace("seed = 20180101", "seed = " + "9" * 5000), encoding="utf-8")
    assert "valid TOML" in _error(digits)
    deep = tmp_path / "deep.toml"
    deep.write_text(_text(FULL) + "deep = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    assert "nested too deeply" in _error(deep)


# --- property test: random numbers in a shipped file --------------------------------------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return repr(value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _dumps(document: dict[str, Any]) -> str:
    """A TOML document with every table inline (tomllib reads it back to the same dict)."""
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in document.items())


def _numbers(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of the numbers (not booleans) in a parsed TOML document."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        if isinstance(child, int | float) and not isinstance(child, bool):
            yield (*path, key)
        else:
            yield from _numbers(child, (*path, key))


def _quantities(model: BaseModel) -> Iterator[Quantity | Efficiency]:
    for name in type(model).model_fields:
        for child in (lambda v: v if isinstance(v, list) else [v])(getattr(model, name)):
            if isinstance(child, Quantity | Efficiency):
                yield child
            if isinstance(child, BaseModel):
                yield from _quantities(child)


def test_inline_toml_round_trip(tmp_path: Path) -> None:
    for name in available_experiments():
        copy = tmp_path / f"{name}.toml"
        copy.write_text(_dumps(tomllib.loads(_text(name))), encoding="utf-8")
        assert load_experiment(copy).identity == load_experiment(name).identity


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, 0.0, 0.5, 1.5, 1e300, -1e300, 5e-324, 1e-6]),
    st.floats(min_value=-10.0, max_value=10.0),
    st.integers(min_value=-(2**70), max_value=2**70),
)
_SERIAL = itertools.count()


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(available_experiments())), data=st.data())
def test_random_numbers_give_a_valid_experiment_or_a_parameter_error(
    tmp_path: Path, name: str, data: st.DataObject
) -> None:
    """Numbers of a shipped file replaced by random ones (nan, inf, negative, huge): the file loads with finite
    quantities that the rest of the package accepts, or it is a ParameterError; never another exception."""
    document = tomllib.loads(_text(name))
    paths = list(_numbers(document))
    for path in data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=4, unique=True), label="paths"):
        node = document
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = data.draw(NUMBERS, label=".".join(map(str, path)))
    mutated = tmp_path / f"mutated-{next(_SERIAL)}.toml"  # the loader caches by path
    mutated.write_text(_dumps(document), encoding="utf-8")
    try:
        exp = load_experiment(mutated)
    except ParameterError as err:
        message = str(err)
    else:
        message = ""
    if message:
        assert "allowed" in message
        return
    for q in _quantities(exp.spec):
        values = q.value if isinstance(q.value, list) else [q.value]
        values += (q.ma_gev or []) if isinstance(q, Efficiency) else []
        assert all(math.isfinite(v) for v in [*values, 0.0 if q.error is None else q.error]), q
    if exp.kind == "collider":  # no target, no shower: its signal model accepts the file
        from semivisible.signal.collider import ColliderSignal

        assert all(math.isfinite(x) for x in ColliderSignal(exp).ma_range_gev)
        return
    assert math.isfinite(exp.atoms_per_x0_cm2)
    assert exp.atoms_per_x0_cm2 > 0
    if exp.beam.particle != "p":
        exp.shower_config()  # the shower MC accepts the file's settings
    if exp.spec.s1 is not None:
        exp.counting_spec()  # and so does the counting model
