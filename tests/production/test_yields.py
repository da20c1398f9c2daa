"""Production tables: weights, reproducibility, cache, kinematics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semivisible import ParameterError
from semivisible.production.shower import ShowerConfig
from semivisible.production.yields import build_production_table

CFG = ShowerConfig(n_primaries=3000, seed=21)


def test_reproducible_and_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(tmp_path))
    a = build_production_table(0.1, shower=CFG, method="iww")
    assert len(list(tmp_path.glob("production-*.npz"))) == 1
    b = build_production_table(0.1, shower=CFG, method="iww")
    c = build_production_table(0.1, shower=CFG, method="iww", use_cache=False)
    np.testing.assert_array_equal(a.weight, b.weight)
    np.testing.assert_array_equal(a.energy_gev, c.energy_gev)
    np.testing.assert_array_equal(a.theta_x_rad, c.theta_x_rad)


def test_kinematics_and_energy_conservation() -> None:
    t = build_production_table(0.2, shower=CFG, method="iww", use_cache=False)
    assert np.all(t.energy_gev > 50.0)
    assert np.all(t.energy_gev <= t.parent_energy_gev)
    assert np.all(t.energy_gev > 0.2)
    # Typical emission angle ~ m/E: well below 10 mrad for m = 0.2 GeV at 50-100 GeV.
    assert np.average(t.theta_rad, weights=t.weight) < 5e-3


def test_yield_with_cuts_and_weights() -> None:
    t = build_production_table(0.05, shower=CFG, method="iww", use_cache=False)
    full = t.yield_per_eot_per_eps2()
    assert t.yield_per_eot_per_eps2(e_min_gev=80.0) < full
    assert t.yield_per_eot_per_eps2(weights=np.full(t.weight.size, 0.5)) == pytest.approx(0.5 * full)
    assert 0 < t.mc_error() < 0.05 * full


def test_samples_per_segment_keeps_the_yield() -> None:
    one = build_production_table(0.1, shower=CFG, method="iww", use_cache=False)
    three = build_production_table(0.1, shower=CFG, method="iww", use_cache=False, samples_per_segment=3)
    assert three.weight.size == 3 * one.weight.size
    assert three.yield_per_eot_per_eps2() == pytest.approx(one.yield_per_eot_per_eps2(), rel=1e-12)


def test_bad_inputs() -> None:
    with pytest.raises(ParameterError, match="ma"):
        build_production_table(-1.0, shower=CFG, use_cache=False)
    with pytest.raises(ParameterError, match="e_min_gev"):
        build_production_table(0.1, shower=CFG, e_min_gev=10.0, use_cache=False)
    with pytest.raises(ParameterError, match="method"):
        build_production_table(0.1, shower=CFG, method="bogus", use_cache=False)
