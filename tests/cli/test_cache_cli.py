"""``semivisible cache info`` and ``semivisible cache clear``: what the cache holds, and removing it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from semivisible.cli import app
from semivisible.io.cache import cached_arrays, is_cached

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _build() -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    return {"x": np.arange(100.0)}, {}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache"
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(path))
    for kind, n in (("signal", 2), ("scan", 1)):
        for k in range(n):
            cached_arrays(kind, {"k": k}, _build)
    (path / "README").write_text("not the cache's")
    return path


def test_cache_info_json(cache: Path) -> None:
    code, out, _ = run("cache", "info", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["directory"] == str(cache)
    assert info["entries"] == 3
    assert {k: v["entries"] for k, v in info["kinds"].items()} == {"scan": 1, "signal": 2}
    size = sum(p.stat().st_size for p in cache.glob("*.npz"))
    assert info["size_bytes"] == size
    assert info["size_mb"] == pytest.approx(size / 1e6)


def test_cache_info_table(cache: Path) -> None:
    code, out, _ = run("cache", "info")
    assert code == 0
    assert str(cache) in out.replace("\n", "")
    assert "signal: 2 entries" in out
    assert "total: 3 entries" in out


def test_cache_clear_one_kind_then_all(cache: Path) -> None:
    code, out, _ = run("cache", "clear", "--kind", "signal")
    assert code == 0
    assert "removed 2 file(s) (signal: 2;" in out
    assert not is_cached("signal", {"k": 0})
    assert is_cached("scan", {"k": 0})
    code, out, _ = run("cache", "clear")
    assert code == 0
    assert "removed 1 file(s) (scan: 1;" in out
    assert sorted(p.name for p in cache.iterdir()) == ["README"]
    code, out, _ = run("cache", "clear")
    assert code == 0
    assert "removed 0 file(s) from" in out


def test_cache_clear_bad_kind_is_a_user_error(cache: Path) -> None:
    code, _, err = run("cache", "clear", "--kind", "../etc")
    assert code == 2
    assert "error:" in err
    assert "kind" in err


def test_cache_info_of_an_unusable_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(blocker))
    code, out, _ = run("cache", "info", "--json")
    assert code == 0
    info = json.loads(out)
    assert info["exists"] is False
    assert info["entries"] == 0


def test_cache_prune_keeps_the_bound(cache: Path) -> None:
    code, out, _ = run("cache", "prune", "--max-mb", "1e-9")
    assert code == 0
    assert "removed 3 file(s)" in out
    assert (cache / "README").exists()  # not the cache's: never touched
    code, _, err = run("cache", "prune", "--max-mb", "-1")
    assert code == 2
    assert "max_mb" in err
