"""Experiment files: the shipped ones, a user's own, and validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from semivisible import ParameterError
from semivisible.experiments import available_experiments, load_experiment
from semivisible.stats.model import CountingSpec


def test_shipped_experiments() -> None:
    names = available_experiments()
    assert {"na64-2016", "na64-2016-2018"} <= set(names)
    a, b = load_experiment("na64-2016"), load_experiment("na64-2016-2018")
    assert a.eot == pytest.approx(4.3e10)
    assert b.eot == pytest.approx(2.84e11)
    assert b.spec.invisible is not None
    assert b.spec.invisible.background.value == pytest.approx(0.53)


def test_every_number_has_a_source() -> None:
    for name in available_experiments():
        spec = load_experiment(name).spec
        for section in (spec.beam, spec.target, spec.production, spec.invisible):
            for value in dict(section or {}).values():
                if hasattr(value, "source"):
                    assert len(value.source) > 10, (name, value)


def test_sampling_target_fraction() -> None:
    exp = load_experiment("na64-2016-2018")
    # 1.5 mm Pb (X0 = 5.61 mm) + 1.5 mm scintillator (X0 = 413 mm): Pb is 98.7% of each X0 (physics.md V28).
    assert exp.radiator_x0_fraction == pytest.approx(0.9866, abs=2e-4)
    assert exp.atoms_per_x0_cm2 == pytest.approx(1.827e22, rel=2e-3)


def test_user_file(tmp_path: Path) -> None:
    text = Path(load_experiment("na64-2016").path).read_text()
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace('name = "na64-2016"', 'name = "mine"').replace("4.3e10", "1e12"))
    exp = load_experiment(mine)
    assert exp.name == "mine"
    assert exp.eot == 1e12


@pytest.mark.parametrize(
    ("name", "old", "new", "needle"),
    [
        ("na64-2016", "value = 4.3e10", "value = -5.0", "eot"),
        ("na64-2016", 'material = "Pb"', 'material = "Pb"\ncolour = "red"', "colour"),
        ("na64-2016", "value = 0.6,", "value = 1.6,", "efficiency"),
        ("na64-2016", "value = 50.0", "value = 150.0", "min_aprime_energy_gev"),
        ("na64-2016-2018", "# sampling_term = { value = 0.32", "sampling_term = { value = -0.3", "sampling_term"),
        ("na64-2016-2018", "moliere_radius_m = { value = 0.020", "moliere_radius_m = { value = 0.0", "moliere_radius"),
        ("na64-2016-2018", "core_fraction = { value = 0.707", "core_fraction = { value = 1.7", "core_fraction"),
        ("na64-2016", 'kind = "active-dump"', 'kind = "beam-dump"', "a beam dump needs a"),
        ("na64-2016", 'kind = "active-dump"', 'kind = "collider"', r"a collider needs a \[collider\] section"),
        ("na64-2016", 'kind = "active-dump"', 'kind = "fixed-target"', "kind must be one of active-dump"),
    ],
)
def test_validation_errors_name_the_key(tmp_path: Path, name: str, old: str, new: str, needle: str) -> None:
    text = Path(load_experiment(name).path).read_text()
    assert old in text
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace(old, new, 1))
    with pytest.raises(ParameterError, match=needle):
        load_experiment(bad)


def test_unknown_name() -> None:
    with pytest.raises(ParameterError, match="shipped name"):
        load_experiment("na65")


def test_na64_counting_spec_from_experiment_file() -> None:
    """The experiment builds the counting specification the statistics see (they import no experiment code)."""
    na64 = CountingSpec((0, 0), (0.19, 0.53), (0.07, 0.17), signal_systematic=0.2, names=("S1", "S2"))
    exp = load_experiment("na64-2016-2018")
    assert exp.counting_spec() == na64
    assert exp.counting_spec(no_systematics=True) == na64.without_systematics()


def test_every_shipped_file_states_its_kind() -> None:
    """Shipped files say their kind; a user's file without one is read as an active dump (schema version 1)."""
    for name in available_experiments():
        exp = load_experiment(name)
        assert f'kind = "{exp.kind}"' in Path(exp.path).read_text()
        assert exp.kind in ("active-dump", "beam-dump", "collider")
        assert len(exp.identity) == 64


def test_millimetre_keys_of_earlier_files_are_read_as_metres(tmp_path: Path) -> None:
    """Lengths are in metres (semivisible.vocabulary); a file written with the earlier *_mm keys still loads."""
    exp = load_experiment("na64-2016-2018")
    text = Path(exp.path).read_text()
    old = text
    for key, metres, millimetres in (
        ("absorber_thickness", "value = 0.0015, error = 0.0001,", "value = 1.5, error = 0.1,"),
        ("active_thickness", "value = 0.0015, error = 0.0001,", "value = 1.5, error = 0.1,"),
        ("active_x0", "value = 0.4131,", "value = 413.1,"),
    ):
        old = old.replace(f"{key}_m = {{ {metres}", f"{key}_mm = {{ {millimetres}")
    assert old.count("_mm = {") == 3
    legacy = tmp_path / "legacy.toml"
    legacy.write_text(old)
    got = load_experiment(legacy)
    assert got.spec.target.absorber_thickness_m is not None
    assert got.spec.target.absorber_thickness_m.value == pytest.approx(0.0015, rel=1e-12)
    assert got.atoms_per_x0_cm2 == pytest.approx(exp.atoms_per_x0_cm2, rel=1e-12)
    both = tmp_path / "both.toml"
    both.write_text(
        old.replace("[production]", "absorber_thickness_m = { value = 0.0015, source = 'x' }\n\n[production]")
    )
    with pytest.raises(ParameterError, match="not both"):
        load_experiment(both)
