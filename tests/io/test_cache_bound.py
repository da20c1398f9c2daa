"""A size bound on the disk cache (issue 18, memory and disk): least recently used entries go first."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semivisible import ParameterError
from semivisible.errors import CacheWarning
from semivisible.io.cache import MAX_MB_VARIABLE, cache_entry, cache_info, cached_arrays, prune_cache


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(MAX_MB_VARIABLE, raising=False)
    return tmp_path


def _entry(k: int, mb: float = 0.2) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    rng = np.random.default_rng(k)  # incompressible: the entry's size on disk is its size
    return {"x": rng.random(int(mb * 1e6 / 8))}, {}


def _write(k: int) -> Path:
    cached_arrays("bound", {"k": k}, lambda: _entry(k))
    path, _ = cache_entry("bound", {"k": k})
    return path


def test_the_least_recently_used_entries_go_first(cache: Path) -> None:
    paths = [_write(k) for k in range(5)]
    for age, path in enumerate(paths):  # entry 0 the oldest
        stamp = time.time() - 1000 + 10 * age
        os.utime(path, (stamp, stamp))
    cached_arrays("bound", {"k": 0}, lambda: pytest.fail("entry 0 is cached"))  # used now: the newest
    assert prune_cache(0.65) == 2
    assert [p.exists() for p in paths] == [True, False, False, True, True]
    assert cache_info()["size_mb"] <= 0.65


def test_a_bound_in_the_environment_prunes_after_every_write(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_MB_VARIABLE, "0.5")
    paths = []
    for k in range(6):
        paths.append(_write(k))
        assert cache_info()["size_mb"] <= 0.5
        assert paths[-1].exists()  # never the entry just written
    assert sum(p.exists() for p in paths) == 2


def test_a_bad_bound_is_named(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ParameterError, match="max_mb"):
        prune_cache(-1.0)
    monkeypatch.setenv(MAX_MB_VARIABLE, "lots")
    with pytest.warns(CacheWarning, match="SEMIVISIBLE_CACHE_MAX_MB = 'lots'"):
        _write(1)
    assert cache_info()["entries"] == 1  # not bounded, not lost
