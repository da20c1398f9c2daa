"""DarkSector: construction, validation messages, the stable-chi2 regime."""

from __future__ import annotations

import dataclasses
import math
import warnings

import pytest

from semivisible import DarkSector, LandauPoleWarning, ParameterError
from semivisible.model.constants import M_E_GEV


def test_benchmark_parameterisation() -> None:
    p = DarkSector.from_benchmark(ma=0.3, eps=6.312e-3)
    assert p.mchi1 == pytest.approx(0.1)
    assert p.mchi2 == pytest.approx(0.14)
    assert p.ratio == pytest.approx(3.0)
    assert p.splitting == pytest.approx(0.4)
    assert p.alpha_d == 0.1
    assert p.y == pytest.approx(6.312e-3**2 * 0.1 / 81)


def test_immutable() -> None:
    p = DarkSector.from_benchmark(0.3, 1e-3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.ma = 0.4  # type: ignore[misc]


def test_build_with_masses_matches_ratios() -> None:
    a = DarkSector.build(0.3, 1e-3, mchi1=0.1, delta=0.04)
    b = DarkSector.build(0.3, 1e-3, ratio=3.0, splitting=0.4)
    assert a.gamma_chi2 == pytest.approx(b.gamma_chi2, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"ma": -0.3, "eps": 1e-3}, "ma"),
        ({"ma": 0.3, "eps": 0.0}, "eps"),
        ({"ma": 0.3, "eps": float("nan")}, "eps"),
        ({"ma": 0.3, "eps": 1e-3, "alpha_d": -1.0}, "alpha_d"),
        ({"ma": 0.3, "eps": 1e-3, "ratio": 2.0}, "ratio"),
        ({"ma": 0.3, "eps": 1e-3, "splitting": 1.0}, "splitting"),
        ({"ma": 0.3, "eps": 1e-3, "splitting": 0.0}, "splitting"),
    ],
)
def test_bad_benchmark_input_names_parameter(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ParameterError) as info:
        DarkSector.from_benchmark(**kwargs)
    assert info.value.name == name
    assert name in str(info.value)
    assert "allowed" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"mchi1": 0.1, "delta": 0.1}, "delta"),
        ({"mchi1": 0.2, "delta": 0.01}, "mchi1"),
        ({"mchi1": 0.1, "delta": -0.01}, "delta"),
        ({"mchi1": 0.1}, "delta"),
        ({"mchi1": 0.1, "delta": 0.01, "ratio": 3.0}, "ratio"),
    ],
)
def test_bad_mass_input_names_parameter(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ParameterError) as info:
        DarkSector.build(0.3, 1e-3, **kwargs)
    assert info.value.name == name


def test_delta_range_message_gives_the_bound() -> None:
    with pytest.raises(ParameterError, match=r"delta < ma - 2\*mchi1 = 0\.1 GeV"):
        DarkSector(ma=0.3, eps=1e-3, alpha_d=0.1, mchi1=0.1, delta=0.1)


def test_landau_pole_warning() -> None:
    with pytest.warns(LandauPoleWarning, match="Landau pole"):
        DarkSector.from_benchmark(0.3, 1e-3, alpha_d=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        DarkSector.from_benchmark(0.3, 1e-3, alpha_d=0.2)


def test_small_splitting_is_allowed_and_chi2_is_stable() -> None:
    p = DarkSector(ma=0.3, eps=1e-3, alpha_d=0.1, mchi1=0.1, delta=1.9 * M_E_GEV)
    assert p.chi2_stable
    assert p.gamma_chi2 == 0.0
    assert math.isinf(p.ctau_chi2_m)
    info = p.summary()
    assert info["ctau_chi2_m"] is None
    assert info["chi2_stable"] is True
    assert "stable" in info["note"]
    assert info["k_factor"] is None


def test_summary_is_consistent() -> None:
    p = DarkSector.from_benchmark(0.3, 6.312e-3)
    info = p.summary()
    assert info["gamma_chi2_GeV"] == pytest.approx(info["gamma_chi2_ee_GeV"] + info["gamma_chi2_mumu_GeV"])
    assert info["k_factor"] == pytest.approx(info["gamma_chi2_ee_GeV"] / info["gamma_chi2_approx_GeV"])
    assert info["br_aprime_chi1chi2"] > 0.999
    assert not info["chi2_stable"]
