"""The node-grid interpolation against direct signal tables at the same points."""

from __future__ import annotations

import numpy as np
import pytest

from semivisible import ParameterError
from semivisible.cosmo.g2 import g2_band
from semivisible.experiments import load_experiment
from semivisible.model.dark_sector import DarkSector
from semivisible.signal.active_dump import ActiveDumpSignal
from semivisible.signal.grid import SignalGrid

MAX_EVENTS = 60_000
EXP = load_experiment("na64-2016-2018")


@pytest.fixture(scope="module")
def grid() -> SignalGrid:
    # 12 nodes per decade, as `semivisible reproduce` (25 nodes over 0.01-1 GeV).
    return SignalGrid.build(np.geomspace(0.1, 1.0, 13), [0.4], EXP, max_events=MAX_EVENTS)


@pytest.mark.parametrize("ma", [0.135, 0.26, 0.35, 0.42, 0.5])
def test_interpolated_yields_match_direct_tables(grid: SignalGrid, ma: float) -> None:
    """On the g-2 line and at 2/3 and 3/2 of it, between nodes: within 4% where S > 0.05 events.

    Measured: |residual| <= 0.9% (S1) and 1.8% (S2) there. It grows in the exponential tail of short lifetimes
    (-4% to -10% where S2 ~ 3e-3 events), far below any 90% CL contour.
    """
    eps = g2_band(ma).eps_central * np.array([2 / 3, 1.0, 1.5])
    s1, s2 = grid.yields(ma, 0.4, eps, 0.1)
    point = DarkSector.build(ma, float(eps[0]), 0.1, ratio=3.0, splitting=0.4)
    direct = ActiveDumpSignal(EXP).expected(point, eps, 0.1, max_events=MAX_EVENTS)
    d1, d2 = direct.s1, direct.s2
    for got, ref in ((s1, d1), (s2, d2)):
        big = ref > 0.05
        assert np.any(big)
        np.testing.assert_allclose(got[big], ref[big], rtol=0.04)


def test_stable_chi2_and_closed_decay(grid: SignalGrid) -> None:
    s1, s2 = grid.yields(0.2, np.array([0.4, 1.2]), 3e-3, 0.1)
    assert s1[1] == 0.0
    assert s2[1] == 0.0  # splitting > ratio - 2: A' -> chi1 chi2 closed
    assert s2[0] > 0.0


def test_outside_the_nodes_is_refused(grid: SignalGrid) -> None:
    with pytest.raises(ParameterError, match="ma"):
        grid.yields(0.05, 0.4, 1e-3, 0.1)
    with pytest.raises(ParameterError, match="splitting"):
        SignalGrid.build([0.1, 0.2], [0.4, 1.5], EXP)


def test_no_spurious_bumps_in_the_short_lifetime_tail() -> None:
    """Large splitting on the g-2 line: the signal falls steeply with the mass; the interpolation between nodes must
    stay between the node values (a quadratic through steep ln Y would otherwise overshoot into fake islands)."""
    nodes = np.geomspace(0.1, 1.0, 9)
    grid = SignalGrid.build(nodes, [0.6, 0.8], EXP, max_events=8000)
    masses = np.geomspace(0.1, 1.0, 60)
    total = np.array([float(np.sum(grid.yields(float(m), 0.8, g2_band(float(m)).eps_central, 0.1))) for m in masses])
    falling = total[np.argmax(total) :]
    assert np.all(np.diff(falling) <= 1e-12 * falling[:-1])
