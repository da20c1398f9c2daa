"""Four-dimensional scans (m_A', eps, alpha_D, Delta/m_chi1): the node-grid engine on every executor."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from semivisible.errors import ParameterError
from semivisible.model.dark_sector import DarkSector
from semivisible.scan.volume import MAX_POINTS, build_node_group, scan_volume
from semivisible.search import Search

NA64 = Search.load("na64-2016-2018")
AXES = {"ma": [0.1, 0.3], "eps": [1e-4, 1e-3, 1e-2], "alpha_d": [0.1, 0.5], "splitting": [0.2, 0.6]}
SMALL = {"max_events": 2000, "mass_nodes": 2, "splitting_nodes": 2}


@pytest.fixture(scope="module")
def serial():  # type: ignore[no-untyped-def]
    return scan_volume(NA64, **AXES, **SMALL, executor="serial", workers=1)


def test_points_on_nodes_equal_the_direct_signal(serial) -> None:  # type: ignore[no-untyped-def]
    """Where the point's m_A' and splitting are nodes, the interpolation is exact: the yields are those of the
    signal model at that point (1e-10)."""
    assert serial.shape == (2, 3, 2, 2)
    for i, ma in enumerate(AXES["ma"]):
        for k, f in enumerate(AXES["splitting"]):
            point = DarkSector.build(ma, 1e-3, 0.1, ratio=3.0, splitting=f)
            for j, ad in enumerate(AXES["alpha_d"]):
                y = NA64.active_signal.expected(point, np.array(AXES["eps"]), ad, max_events=2000)
                np.testing.assert_allclose(serial.s1[i, :, j, k], y.s1, rtol=1e-10, atol=1e-300)
                np.testing.assert_allclose(serial.s2[i, :, j, k], y.s2, rtol=1e-10, atol=1e-300)
    np.testing.assert_array_equal(serial.cls, NA64.cls(serial.s1, serial.s2))
    assert np.isfinite(serial.cls).all()
    assert serial.excluded.any()
    assert not serial.excluded.all()


def test_processes_give_the_serial_result_bit_for_bit(serial) -> None:  # type: ignore[no-untyped-def]
    other = scan_volume(NA64, **AXES, **SMALL, executor="processes", workers=2)
    for name in ("s1", "s2", "cls"):
        np.testing.assert_array_equal(getattr(other, name), getattr(serial, name))


def test_dask_gives_the_serial_result_bit_for_bit(serial) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("distributed")
    other = scan_volume(NA64, **AXES, **SMALL, executor="dask", workers=2)
    for name in ("s1", "s2", "cls"):
        np.testing.assert_array_equal(getattr(other, name), getattr(serial, name))


def test_tasks_send_back_compact_tables() -> None:
    """A task returns the lambda tables only (the client never rebuilds them, and little crosses the network)."""
    exp = NA64.experiment
    tables = build_node_group([(0.2, 0.4, 3.0, exp.path, exp.identity, 2000, None)])
    assert not tables[0].decay_fractions_weights
    assert len(pickle.dumps(tables)) < 100_000


def test_outputs(serial, tmp_path) -> None:  # type: ignore[no-untyped-def]
    serial.to_csv(tmp_path / "v.csv")
    serial.to_json(tmp_path / "v.json")
    serial.to_npz(tmp_path / "v.npz")
    lines = (tmp_path / "v.csv").read_text().splitlines()
    assert lines[0] == "ma_GeV,eps,alpha_d,splitting,s1,s2,cls,excluded"
    assert len(lines) == 1 + 24
    assert np.load(tmp_path / "v.npz")["cls"].shape == (2, 3, 2, 2)
    assert "nan" not in (tmp_path / "v.json").read_text().lower()


@pytest.mark.parametrize(
    ("change", "name"),
    [
        ({"eps": [-1e-3, 1e-3]}, "eps"),
        ({"alpha_d": [0.1, 20.0]}, "alpha_d"),
        ({"splitting": [0.2, 1.0]}, "splitting"),
        ({"ma": [0.3, 0.1]}, "ma"),
        ({"ma": [0.1, 50.0]}, "ma"),
        ({"eps": np.geomspace(1e-6, 1e-2, MAX_POINTS // 8 + 1)}, "grid"),
    ],
)
def test_bad_input_names_the_parameter(change: dict[str, object], name: str) -> None:
    with pytest.raises(ParameterError) as err:
        scan_volume(NA64, **{**AXES, **change}, **SMALL, workers=1)  # type: ignore[arg-type]
    assert err.value.name == name
