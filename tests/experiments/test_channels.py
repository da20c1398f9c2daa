"""Production channels and beam particles in experiment files: na64-2016-2022, positron beams, overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from semivisible.errors import ParameterError
from semivisible.experiments import load_experiment
from semivisible.production.materials import AVOGADRO, get_material
from semivisible.search import Search
from semivisible.signal.grid import load_job_experiment
from semivisible.signal.invisible import invisible_benchmark, production_table_for

SHIPPED = Path(load_experiment("na64-2016-2022").path)


def _variant(tmp_path: Path, old: str, new: str, name: str = "variant.toml") -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_reproduction_files_have_bremsstrahlung_only() -> None:
    """The paper (arXiv:2107.02021) had no annihilation; neither do its files."""
    for name in ("na64-2016", "na64-2016-2018", "na64-compact-hcal1"):
        assert load_experiment(name).channels == ("brem",)
    assert load_experiment("na64-2016-2022").channels == ("brem", "annihilation")


def test_na64_2016_2022_numbers() -> None:
    exp = load_experiment("na64-2016-2022")
    assert exp.eot == 9.37e11
    assert exp.spec.beam.particle == "e-"
    assert invisible_benchmark(exp) == (0.1, 3.0)
    # Electrons per X0: Pb (Z = 82) in its share f of X0, polystyrene (3.432e29 e/m^3, X0 = 41.31 cm) in 1 - f.
    pb = get_material("Pb")
    f = (1.5 / (pb.x0_cm * 10)) / (1.5 / (pb.x0_cm * 10) + 1.5 / 413.1)
    expected = 82 * AVOGADRO * pb.x0_g_cm2 / pb.A * f + (1 - f) * 3.432e23 * 41.31
    assert exp.electrons_per_x0_cm2 == pytest.approx(expected, rel=1e-9)
    assert exp.electrons_per_x0_cm2 / (82 * exp.atoms_per_x0_cm2) == pytest.approx(1.125, abs=0.01)


def test_a_positron_run_is_a_toml_file(tmp_path: Path) -> None:
    """[beam] particle = "e+": the shower starts from positrons, and the resonance near the beam energy grows."""
    path = _variant(tmp_path, 'particle = "e-"', 'particle = "e+"')
    positrons = load_experiment(str(path))
    assert positrons.shower_config().beam_particle == "e+"
    electrons = load_experiment("na64-2016-2022")
    yields = {}
    for exp in (positrons, electrons):
        table = production_table_for(0.3, exp, n_primaries=2000, use_cache=False)
        yields[exp.spec.beam.particle] = table.channel_yields()
    # Charge-blind, same seed: equal up to the order of a floating-point sum (1 ulp seen with numpy 2.4).
    assert yields["e+"]["brem"] == pytest.approx(yields["e-"]["brem"], rel=1e-12)
    assert yields["e+"]["annihilation"] > 20 * yields["e-"]["annihilation"]


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ('channels = ["brem", "annihilation"]', 'channels = ["brem", "compton"]', "production.channels"),
        ('channels = ["brem", "annihilation"]', 'channels = ["brem", "brem"]', "each channel at most once"),
        ('channels = ["brem", "annihilation"]', "channels = []", "production.channels"),
        ('particle = "e-"', 'particle = "mu-"', "beam.particle"),
        ("ratio = { value = 3.0,", "# ratio = { value = 3.0,", "alpha_d and ratio"),
    ],
)
def test_bad_channel_and_particle_entries_are_named(tmp_path: Path, old: str, new: str, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle):
        load_experiment(str(_variant(tmp_path, old, new)))


def test_channels_override_is_a_new_experiment_with_its_own_identity() -> None:
    base = load_experiment("na64-2016-2018")
    more = base.with_channels(["brem", "annihilation"])
    assert more.channels == ("brem", "annihilation")
    assert more.identity != base.identity
    assert more.path == base.path
    assert Search.load("na64-2016-2018", channels=["brem", "annihilation"]).identity == more.identity
    # A job sent to a worker carries the override and the identity, and is checked on arrival.
    assert load_job_experiment(more.path, more.identity, more.channels_override).identity == more.identity
    with pytest.raises(ParameterError, match="experiment"):
        load_job_experiment(more.path, more.identity, None)
    with pytest.raises(ParameterError, match="channels"):
        base.with_channels(["brem", "gluon"])
