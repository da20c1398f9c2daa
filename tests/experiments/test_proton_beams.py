"""Proton beam dumps in experiment files: the beam, its channels, the meson table, the proton-bremsstrahlung phase
space and a disc-shaped detector face; each mistake is a ParameterError that names the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from semivisible import ParameterError
from semivisible.experiments import available_experiments, load_experiment


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = Path(load_experiment(name).path).read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / f"{name}-variant.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(ParameterError) as info:
        load_experiment(path)
    return str(info.value)


@pytest.mark.parametrize("name", ["nucal", "charm"])
def test_the_proton_dumps_ship(name: str) -> None:
    assert name in available_experiments()
    exp = load_experiment(name)
    assert exp.kind == "beam-dump"
    assert exp.spec.beam.particle == "p"
    assert set(exp.channels) == {"pi0", "eta", "eta_prime", "proton_brem"}
    assert exp.spec.production.meson_spectra is not None


def test_pot_is_eot_for_protons(tmp_path: Path) -> None:
    """``pot`` is read as the particles on target; the identity is that of the same number under ``eot``."""
    charm = load_experiment("charm")
    assert charm.eot == pytest.approx(2.4e18)
    same = load_experiment(_variant(tmp_path, "charm", "pot = {", "eot = {"))
    assert same.identity == charm.identity
    both = _variant(tmp_path, "charm", "pot = {", 'eot = { value = 1e18, source = "test" }\npot = {')
    assert "not both" in _error(both)
    assert "proton beam" in _error(_variant(tmp_path, "e137", "eot = {", "pot = {"))


@pytest.mark.parametrize(
    ("name", "old", "new", "needle"),
    [
        ("charm", 'channels = ["pi0", "eta"', 'channels = ["brem", "eta"', "'brem', not a channel of a p beam"),
        ("e137", 'channels = ["brem"]', 'channels = ["pi0"]', "'pi0', not a channel of a e- beam"),
        ("charm", 'meson_spectra = "p400_Cu"\n', "", "meson channel needs production.meson_spectra"),
        ("e137", 'channels = ["brem"]', 'channels = ["brem"]\nmeson_spectra = "p70_Fe"', "belongs to a proton beam"),
        ("charm", "z_min = { value = 0.1,", "z_min = { value = 0.95,", "z_min.value = 0.95, allowed < z_max"),
        ("charm", "pt_max_gev = { value = 1.0,", "pt_max_gev = { value = -1.0,", "pt_max_gev"),
        ("nucal", "radius_m = {", 'half_width_x_m = { value = 1.0, source = "test" }\nradius_m = {', "not both"),
        ("nucal", "radius_m = {", "radius_xx = {", "radius_xx"),
        ("charm", "samples_per_channel = 100000", "samples_per_channel = 10", "samples_per_channel"),
    ],
)
def test_bad_proton_files_name_the_key(tmp_path: Path, name: str, old: str, new: str, needle: str) -> None:
    assert needle in _error(_variant(tmp_path, name, old, new))


def test_a_missing_proton_brem_section_is_named(tmp_path: Path) -> None:
    text = Path(load_experiment("charm").path).read_text(encoding="utf-8")
    start = text.index("[production.proton_brem]")
    end = text.index("[decay_volume]")
    path = tmp_path / "no-brem.toml"
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "[production.proton_brem]" in _error(path)


def test_channels_override_follows_the_beam() -> None:
    charm = load_experiment("charm")
    assert charm.with_channels(["eta"]).channels == ("eta",)
    with pytest.raises(ParameterError, match="the channels of a p beam"):
        charm.with_channels(["brem"])
