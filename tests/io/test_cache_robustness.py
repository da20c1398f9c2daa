"""The disk cache degrades instead of crashing: an unusable directory turns it off with one warning, a failing
write is skipped with a warning; ``cache_info`` and ``clear_cache`` see and remove only the cache's files."""

from __future__ import annotations

import errno
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semivisible.errors import CacheWarning, ParameterError
from semivisible.io import cache as cache_module
from semivisible.io.cache import (
    cache_entry,
    cache_info,
    cached_arrays,
    clear_cache,
    is_cached,
    staged_directory,
    usable_cache_dir,
)


def _builder() -> tuple[Callable[[], Any], list[int]]:
    calls: list[int] = []

    def build() -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        calls.append(1)
        return {"x": np.arange(4.0)}, {"note": "built"}

    return build, calls


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(path))
    return path


def test_cache_dir_that_is_a_file_turns_the_cache_off_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(blocker))
    build, calls = _builder()
    with pytest.warns(CacheWarning, match=str(blocker)) as record:
        a, meta = cached_arrays("robust", {"k": 1}, build)
    assert len(record) == 1
    assert a["x"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert meta == {"note": "built"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second warning for the same directory
        b, _ = cached_arrays("robust", {"k": 1}, build)
        assert not is_cached("robust", {"k": 1})
    np.testing.assert_array_equal(a["x"], b["x"])
    assert len(calls) == 2  # nothing was kept: built each time
    assert blocker.read_text() == "not a directory"


def test_cache_dir_below_a_file_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(blocker / "cache"))
    with pytest.warns(CacheWarning, match="cannot be used"):
        assert usable_cache_dir() is None
    path, _ = cache_entry("robust", {"k": 2})  # the path is still named, nothing raises
    assert path.parent == blocker / "cache"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions and a non-root user")
def test_read_only_cache_dir_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(ro))
    build, calls = _builder()
    try:
        with pytest.warns(CacheWarning, match=str(ro)):
            cached_arrays("robust", {"k": 3}, build)
    finally:
        ro.chmod(0o755)
    assert calls == [1]
    assert list(ro.iterdir()) == []


def test_failing_write_warns_and_the_computation_goes_on(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(handle: Any, **arrays: Any) -> None:
        handle.write(b"PK partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", disk_full)
    build, calls = _builder()
    with pytest.warns(CacheWarning, match="could not write the cache entry"):
        a, _ = cached_arrays("robust", {"k": 4}, build)
    assert a["x"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert list(cache.iterdir()) == []  # neither an entry nor a temporary file is left
    monkeypatch.undo()
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(cache))
    cached_arrays("robust", {"k": 4}, build)  # once the disk has room, the entry is written
    assert is_cached("robust", {"k": 4})
    assert len(calls) == 2


def test_failing_rename_warns(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(src: Any, dst: Any) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(dst))

    monkeypatch.setattr(cache_module.os, "replace", refuse)
    build, _ = _builder()
    with pytest.warns(CacheWarning, match="Permission denied"):
        cached_arrays("robust", {"k": 5}, build)
    assert list(cache.iterdir()) == []


def _fill(cache: Path) -> None:
    for kind, n in (("alpha", 2), ("beta-x", 1)):
        for k in range(n):
            build, _ = _builder()
            cached_arrays(kind, {"k": k}, build)
    (cache / "notes.txt").write_text("mine, not the cache's")
    (cache / ".alpha-0123456789abcdef01234567.npz.abc123.tmp").write_bytes(b"half")


def test_cache_info_counts_entries_by_kind(cache: Path) -> None:
    _fill(cache)
    info = cache_info()
    assert info["directory"] == str(cache)
    assert info["exists"]
    assert info["writable"]
    assert info["entries"] == 3
    assert {k: v["entries"] for k, v in info["kinds"].items()} == {"alpha": 2, "beta-x": 1}
    assert info["temporary_files"] == 1
    expected = sum(p.stat().st_size for p in cache.iterdir() if p.name != "notes.txt")
    assert info["size_bytes"] == expected
    assert info["size_mb"] == pytest.approx(expected / 1e6)


def test_cache_info_of_a_missing_directory_creates_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nowhere"
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(missing))
    info = cache_info()
    assert (info["exists"], info["entries"], info["size_bytes"]) == (False, 0, 0)
    assert not missing.exists()
    assert clear_cache() == 0


def test_clear_cache_by_kind_then_all(cache: Path) -> None:
    _fill(cache)
    assert clear_cache("beta-x") == 1
    assert set(cache_info()["kinds"]) == {"alpha"}
    assert clear_cache() == 3  # two entries and the leftover temporary file
    assert sorted(p.name for p in cache.iterdir()) == ["notes.txt"]  # not the cache's: kept
    build, calls = _builder()
    cached_arrays("alpha", {"k": 0}, build)
    assert calls == [1]  # rebuilt after the clear


def test_clear_cache_refuses_a_kind_like_a_path(cache: Path) -> None:
    with pytest.raises(ParameterError, match="kind"):
        clear_cache("../x")


def test_staged_directory_replaces_whole_or_not_at_all(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")

    def interrupted() -> None:
        with staged_directory(out) as staging:
            (staging / "new.txt").write_text("new")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert sorted(p.name for p in out.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind
    with staged_directory(out) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # the old one is deleted


def test_staged_directory_without_an_atomic_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "_exchange", lambda a, b: False)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("old")
    with staged_directory(out) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_staged_directory_refuses_a_file_and_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ParameterError, match="a directory"), staged_directory(target):
        pass
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError, match="working directory"), staged_directory("."):
        pass
    assert target.read_text() == "x"
