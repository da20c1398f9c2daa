"""The one disk-cache helper: a damaged, corrupt or mismatched entry is rebuilt with a warning, never used."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semivisible.errors import CacheWarning
from semivisible.io.cache import cache_entry, cached_arrays, save_arrays


def _counting_builder(values: np.ndarray) -> tuple[Callable[[], Any], list[int]]:
    calls: list[int] = []

    def build() -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        calls.append(1)
        return {"x": values.copy()}, {"n": int(values.size)}

    return build, calls


def _check_length(n: int) -> Callable[[dict[str, Any], dict[str, Any]], str | None]:
    return lambda arrays, meta: None if arrays["x"].shape == (n,) else "wrong shape"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_good_entry_is_loaded_once_built(cache: Path) -> None:
    build, calls = _counting_builder(np.arange(5.0))
    a, _ = cached_arrays("t", {"k": 1}, build, check=_check_length(5))
    b, meta = cached_arrays("t", {"k": 1}, build, check=_check_length(5))
    assert len(calls) == 1
    np.testing.assert_array_equal(a["x"], b["x"])
    assert meta["n"] == 5
    assert meta["__cache__"]["kind"] == "t"


def _damage_truncate(path: Path, other: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_flip_byte(path: Path, other: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside the stored array: the zip CRC no longer matches
    path.write_bytes(bytes(data))


def _damage_garbage(path: Path, other: Path) -> None:
    path.write_bytes(b"not an npz file at all")


def _damage_other_inputs(path: Path, other: Path) -> None:
    shutil.copyfile(other, path)  # another entry (other inputs) under this entry's name


def _damage_wrong_shape(path: Path, other: Path) -> None:
    key = cache_entry("t", {"k": 2})[1]
    save_arrays(path, {"x": np.arange(3.0)}, {"__cache__": {"kind": "t", "key": key}})


def _damage_nan(path: Path, other: Path) -> None:
    key = cache_entry("t", {"k": 2})[1]
    save_arrays(path, {"x": np.array([1.0, np.nan, 2.0, 3.0, 4.0])}, {"__cache__": {"kind": "t", "key": key}})


@pytest.mark.parametrize(
    "damage",
    [_damage_truncate, _damage_flip_byte, _damage_garbage, _damage_other_inputs, _damage_wrong_shape, _damage_nan],
)
def test_damaged_entry_is_rebuilt_with_a_warning(cache: Path, damage: Callable[[Path, Path], None]) -> None:
    other_build, _ = _counting_builder(np.arange(5.0) + 100.0)
    cached_arrays("t", {"k": 1}, other_build)
    other = cache_entry("t", {"k": 1})[0]
    build, calls = _counting_builder(np.arange(5.0))
    cached_arrays("t", {"k": 2}, build, check=_check_length(5))
    path = cache_entry("t", {"k": 2})[0]
    damage(path, other)
    with pytest.warns(CacheWarning, match="damaged"):
        arrays, _ = cached_arrays("t", {"k": 2}, build, check=_check_length(5))
    assert len(calls) == 2
    np.testing.assert_array_equal(arrays["x"], np.arange(5.0))
    # The rebuilt entry is good again: no warning, no build.
    again, _ = cached_arrays("t", {"k": 2}, build, check=_check_length(5))
    assert len(calls) == 2
    np.testing.assert_array_equal(again["x"], np.arange(5.0))


def test_a_truncated_signal_table_heals(cache: Path) -> None:
    """Issue 12's example: a truncated ``signal-*.npz`` crashed every later run; now it is rebuilt, same numbers."""
    from semivisible.experiments import load_experiment
    from semivisible.model import DarkSector
    from semivisible.signal.semivisible import build_signal_table, signal_table_cache_path, signal_yields

    exp = load_experiment("na64-2016-2018")
    point = DarkSector.from_benchmark(0.25, 5e-3)
    first = build_signal_table(point, exp, max_events=3000)
    path = signal_table_cache_path(point, exp, max_events=3000)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(CacheWarning):
        healed = build_signal_table(point, exp, max_events=3000)
    eps = np.geomspace(1e-4, 1e-2, 5)
    np.testing.assert_array_equal(signal_yields(first, eps, 0.1, exp).s1, signal_yields(healed, eps, 0.1, exp).s1)


def test_use_cache_false_writes_nothing(cache: Path) -> None:
    build, calls = _counting_builder(np.arange(2.0))
    cached_arrays("t", {"k": 3}, build, use_cache=False)
    cached_arrays("t", {"k": 3}, build, use_cache=False)
    assert len(calls) == 2
    assert not cache_entry("t", {"k": 3})[0].exists()


def test_an_entry_that_is_a_pipe_is_not_opened(cache: Path) -> None:
    """A named pipe under an entry's name used to block the run forever."""
    import os

    build, _ = _counting_builder(np.arange(3.0))
    path = cache_entry("t", {"k": 9})[0]
    os.mkfifo(path)
    with pytest.warns(CacheWarning, match="not a regular file"):
        arrays, _ = cached_arrays("t", {"k": 9}, build)
    np.testing.assert_array_equal(arrays["x"], np.arange(3.0))
