"""R variable and R-cut probability (semivisible.signal.detector)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from semivisible.signal.detector import ContainmentMap, r_cut_probability, r_variable

CELL = ContainmentMap(half_width_m=0.097, moliere_radius_m=0.02, core_fraction=0.707, core_radius_rm=0.2,
                      tail_radius_rm=0.575)  # fmt: skip


def _showers(n: int, seed: int = 1) -> tuple[list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]]:
    rng = np.random.default_rng(seed)
    energies = [rng.uniform(0.5, 20.0, n), rng.uniform(0.5, 20.0, n)]
    positions = [(rng.normal(0, 0.04, n), rng.normal(0, 0.04, n)) for _ in range(2)]
    return energies, positions


def test_no_fluctuations_is_the_step_function_of_mean_r() -> None:
    """a -> 0: P(R < cut) -> 1[mean R < cut] (away from the cut, where the Beta law is a narrow spike)."""
    energies, positions = _showers(4000)
    r = r_variable(energies, positions, CELL)
    p = r_cut_probability(energies, positions, CELL, 0.06, 1e-4)
    far = np.abs(r - 0.06) > 0.005
    assert np.array_equal(p[far] > 0.5, r[far] < 0.06)
    assert np.all((p[far] < 1e-6) | (p[far] > 1 - 1e-6))


@pytest.mark.parametrize(("energy", "offset_m", "a"), [(5.0, 0.0, 0.32), (2.0, 0.05, 0.62), (20.0, 0.07, 0.32)])
def test_beta_law_against_sampled_gamma_deposits(energy: float, offset_m: float, a: float) -> None:
    """The closed form equals a direct simulation of Gamma-distributed seen energies (within 4 binomial sigma)."""
    c = float(CELL(offset_m, 0.0))
    q = a * a
    rng = np.random.default_rng(7)
    n = 200_000
    seen_in = rng.gamma(energy * c / q, q, n)
    seen_out = rng.gamma(energy * (1.0 - c) / q, q, n)
    frac = float(np.mean(seen_out / (seen_in + seen_out) < 0.06))
    pos = [(np.array([offset_m]), np.array([0.0]))]
    p = float(r_cut_probability([np.array([energy])], pos, CELL, 0.06, a)[0])
    assert abs(p - frac) < 4.0 * np.sqrt(frac * (1.0 - frac) / n) + 1e-9


def test_fluctuations_shrink_with_energy() -> None:
    """Centred showers: P(R < 0.06) rises with energy; 80 GeV electrons pass (NA64 calibration data, E. Depero,
    PhD thesis ETH 2020, Fig. "R-comp": >~98% of 80 GeV e- below R = 0.06, our reading of the figure)."""
    pos = [(np.zeros(1), np.zeros(1))]
    probs = [float(r_cut_probability([np.array([e])], pos, CELL, 0.06, 0.62)[0]) for e in (2.0, 5.0, 20.0, 80.0)]
    assert all(b > a for a, b in itertools.pairwise(probs))
    assert probs[-1] > 0.98
    assert probs[0] < 0.99  # at 2 GeV the fluctuations matter


def test_bad_sampling_term() -> None:
    with pytest.raises(ValueError, match="sampling_term"):
        r_cut_probability([np.ones(1)], [(np.zeros(1), np.zeros(1))], CELL, 0.06, 0.0)
