"""The shower MC: reproducibility, energy bookkeeping, and Tsai's approximation A."""

from __future__ import annotations

import numpy as np
import pytest

from semivisible import ParameterError
from semivisible.production.shower import ShowerConfig, simulate_shower
from semivisible.production.yields import build_production_table, tsai_approx_a_density, yield_tsai_approx_a


def test_seeded_reproducible() -> None:
    a = simulate_shower(ShowerConfig(n_primaries=500, seed=5))
    b = simulate_shower(ShowerConfig(n_primaries=500, seed=5))
    c = simulate_shower(ShowerConfig(n_primaries=500, seed=6))
    np.testing.assert_array_equal(a.energy_gev, b.energy_gev)
    assert a.energy_gev.size != c.energy_gev.size or not np.array_equal(a.energy_gev, c.energy_gev)


def test_segments_above_threshold_and_within_target() -> None:
    tr = simulate_shower(ShowerConfig(n_primaries=2000, threshold_gev=30.0, thickness_x0=2.0))
    assert tr.energy_gev.min() > 30.0
    assert tr.energy_gev.max() <= 100.0
    assert np.all(tr.depth_x0 <= 2.0)
    assert np.all(tr.length_x0 > 0)
    assert (tr.generation > 0).any()


def test_secondaries_add_track_length() -> None:
    prim = simulate_shower(ShowerConfig(n_primaries=4000, secondaries=False)).track_length_x0()
    full = simulate_shower(ShowerConfig(n_primaries=4000)).track_length_x0()
    assert full > prim


def test_tsai_density_normalised() -> None:
    from scipy import integrate

    for t in (0.3, 1.0, 3.0):
        val, _ = integrate.quad(lambda e, t=t: float(tsai_approx_a_density(np.array(e), 100.0, np.array(t))), 0, 100)
        assert val == pytest.approx(1.0, rel=1e-6)


@pytest.mark.parametrize("ma", [0.001, 0.1, 1.0])
def test_primary_only_mc_matches_tsai_approximation_a(ma: float) -> None:
    """With the Bethe-Heitler spectrum and no secondaries, the MC must reproduce the closed form."""
    cfg = ShowerConfig(n_primaries=20000, secondaries=False, spectrum="approx-a", seed=11)
    table = build_production_table(ma, shower=cfg, method="iww", use_cache=False)
    analytic = yield_tsai_approx_a(ma, method="iww")
    mc, err = table.yield_per_eot_per_eps2(), table.mc_error()
    assert abs(mc - analytic) < 4 * err + 0.005 * analytic


def test_full_spectrum_close_to_approximation_a() -> None:
    # Tsai's complete-screening spectrum (1/y)(4/3 - 4/3 y + y^2) vs (4/3)/(-ln(1-y)): a few per cent apart.
    cfg = ShowerConfig(n_primaries=20000, secondaries=False, seed=12)
    mc = build_production_table(0.1, shower=cfg, method="iww", use_cache=False).yield_per_eot_per_eps2()
    assert mc == pytest.approx(yield_tsai_approx_a(0.1, method="iww"), rel=0.06)


def test_bad_config() -> None:
    with pytest.raises(ParameterError, match="threshold_gev"):
        ShowerConfig(threshold_gev=200.0)
    with pytest.raises(ParameterError, match="n_primaries"):
        ShowerConfig(n_primaries=0)
