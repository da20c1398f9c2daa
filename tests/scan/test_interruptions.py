"""Interruptions leave nothing half-written: damaged checkpoint columns are recomputed, pool workers die with
their parent (even after ``kill -9``), and ``paper.write`` replaces its output directory whole or not at all."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from semivisible import paper
from semivisible.errors import ParameterError
from semivisible.io.cache import save_arrays
from semivisible.scan.executors import Checkpoint, run_columns
from semivisible.scan.plane import ScanResult, cls_n0, exclusion_contours

N_Y = 3


def _logged_column(job: tuple[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """A column of length N_Y that records every call in a file."""
    log, x = job
    with open(log, "a") as handle:
        handle.write(f"{x}\n")
    return np.full(N_Y, x * x), np.arange(N_Y) + x


def _calls(log: Path) -> list[float]:
    return sorted(float(v) for v in log.read_text().split()) if log.exists() else []


def _damage_truncate(ck: Checkpoint, path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _damage_garbage(ck: Checkpoint, path: Path) -> None:
    path.write_bytes(b"")


def _damage_wrong_length(ck: Checkpoint, path: Path) -> None:
    index = int(path.stem.split("-")[1])
    save_arrays(path, {"s1": np.ones(N_Y + 1), "s2": np.ones(N_Y + 1)}, {"index": index, "key": ck.key})


def _damage_wrong_shape(ck: Checkpoint, path: Path) -> None:
    index = int(path.stem.split("-")[1])
    save_arrays(path, {"s1": np.ones((N_Y, 1)), "s2": np.ones((N_Y, 1))}, {"index": index, "key": ck.key})


def _damage_wrong_key(ck: Checkpoint, path: Path) -> None:
    index = int(path.stem.split("-")[1])
    save_arrays(path, {"s1": np.ones(N_Y), "s2": np.ones(N_Y)}, {"index": index, "key": "another scan"})


def _damage_wrong_index(ck: Checkpoint, path: Path) -> None:
    save_arrays(path, {"s1": np.ones(N_Y), "s2": np.ones(N_Y)}, {"index": 99, "key": ck.key})


def _damage_missing_array(ck: Checkpoint, path: Path) -> None:
    index = int(path.stem.split("-")[1])
    save_arrays(path, {"s1": np.ones(N_Y)}, {"index": index, "key": ck.key})


def _damage_nan(ck: Checkpoint, path: Path) -> None:
    index = int(path.stem.split("-")[1])
    s1 = np.ones(N_Y)
    s1[1] = np.nan
    save_arrays(path, {"s1": s1, "s2": np.ones(N_Y)}, {"index": index, "key": ck.key})


DAMAGES = [
    _damage_truncate,
    _damage_garbage,
    _damage_wrong_length,
    _damage_wrong_shape,
    _damage_wrong_key,
    _damage_wrong_index,
    _damage_missing_array,
    _damage_nan,
]


@pytest.mark.parametrize("n_y", [N_Y, None], ids=["n_y-given", "n_y-recorded"])
@pytest.mark.parametrize("damage", DAMAGES, ids=lambda f: f.__name__.removeprefix("_damage_"))
def test_damaged_checkpoint_column_is_recomputed(tmp_path: Path, damage: Any, n_y: int | None) -> None:
    log = tmp_path / "calls.txt"
    jobs = [(str(log), float(x)) for x in range(4)]
    ck_dir = tmp_path / "ck"
    first = run_columns(_logged_column, jobs, checkpoint=Checkpoint(ck_dir, "k", n_y=n_y))
    ck = Checkpoint(ck_dir, "k", n_y=n_y)
    assert sorted(ck.finished()) == [0, 1, 2, 3]
    damage(ck, ck_dir / "column-00002.npz")
    assert sorted(Checkpoint(ck_dir, "k", n_y=n_y).finished()) == [0, 1, 3]
    resumed = run_columns(_logged_column, jobs, checkpoint=Checkpoint(ck_dir, "k", n_y=n_y))
    assert _calls(log) == [0.0, 1.0, 2.0, 2.0, 3.0]  # only the damaged column again
    for a, b in zip(first, resumed, strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    assert sorted(Checkpoint(ck_dir, "k", n_y=n_y).finished()) == [0, 1, 2, 3]  # and it was overwritten


def test_checkpoint_keeps_the_two_argument_call_and_records_the_length(tmp_path: Path) -> None:
    ck = Checkpoint(tmp_path, "k")
    assert ck.n_y is None
    ck.save(0, (np.ones(5), np.zeros(5)))
    again = Checkpoint(tmp_path, "k")
    assert again.n_y == 5
    again.save(1, (np.ones(5), np.zeros(5)))
    save_arrays(tmp_path / "column-00002.npz", {"s1": np.ones(4), "s2": np.ones(4)}, {"index": 2, "key": "k"})
    assert sorted(Checkpoint(tmp_path, "k").finished()) == [0, 1]


def test_checkpoint_with_a_damaged_manifest_is_refused(tmp_path: Path) -> None:
    (tmp_path / "checkpoint.json").write_text("[1, 2]")
    with pytest.raises(ParameterError, match="checkpoint"):
        Checkpoint(tmp_path, "k")


# --- pool workers die with their parent ---------------------------------------------------------------

_POOL_SCRIPT = textwrap.dedent(
    """
    import os, sys, threading, time

    from semivisible.scan.executors import map_jobs


    def slow(x):
        os.write(1, f"worker {os.getpid()}\\n".encode())  # one write: lines of two workers do not mix
        time.sleep(300)
        return x


    if __name__ == "__main__":
        def run():
            map_jobs(slow, [0, 1], lambda i, r: None, executor="processes", workers=2)

        if sys.argv[1] == "thread":  # a pool started off the main thread: the polling fallback
            worker = threading.Thread(target=run, daemon=True)
            worker.start()
            worker.join()
        else:
            run()
    """
)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for a reaper counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return not Path("/proc").is_dir()
    return state != "Z"


def _wait_until(condition: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


@pytest.mark.skipif(sys.platform == "win32", reason="kill -9 and process groups are POSIX")
@pytest.mark.parametrize("where", ["main", "thread"])
def test_pool_workers_exit_when_the_parent_is_killed(tmp_path: Path, where: str) -> None:
    script = tmp_path / "pool_script.py"
    script.write_text(_POOL_SCRIPT)
    env = {**os.environ, "SEMIVISIBLE_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, str(script), where], stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    assert proc.stdout is not None
    stdout = proc.stdout
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in stdout], daemon=True)
    reader.start()
    pids: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            try:
                pids += [int(pid) for pid in re.findall(r"worker (\d+)", lines.get(timeout=1))]
            except queue.Empty:
                assert proc.poll() is None, "the scan process ended before its workers started"
        assert len(pids) == 2, "the workers did not start"
        assert all(_alive(pid) for pid in pids)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert _wait_until(lambda: not any(_alive(pid) for pid in pids), timeout=20), "workers outlived the parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in pids:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
        reader.join(timeout=20)
        stdout.close()


# --- paper.write replaces its directory whole ---------------------------------------------------------


def _plane(plane: str, x_name: str, y_name: str, x: np.ndarray, y: np.ndarray, scale: float) -> ScanResult:
    s = scale * y[None, :] ** 2 / x[:, None]
    cls = cls_n0(s, 0 * s)
    meta = {"statistics": "synthetic: CLs = exp(-s)", "experiment": "synthetic", "ratio": 3.0}
    return ScanResult(plane, x_name, y_name, x, y, s, 0 * s, cls, 0.9, exclusion_contours(x, y, cls), meta)


def _reproduction(scale: float = 1e6, n: int = 6) -> paper.Reproduction:
    ma, eps = np.geomspace(0.01, 1.0, n), np.geomspace(1e-5, 1e-2, n + 1)
    alpha_d, splitting = np.geomspace(1e-3, 0.5, n + 1), np.linspace(0.1, 0.9, n + 1)
    planes = {
        "fig4": _plane("ma-eps", "ma_GeV", "eps", ma, eps, scale),
        "fig4_projection": _plane("ma-eps", "ma_GeV", "eps", ma, eps, 10 * scale),
        "fig5_top": _plane("ma-alpha_d", "ma_GeV", "alpha_d", ma, alpha_d, 100.0),
        "fig5_bottom": _plane("mchi1-splitting", "mchi1_GeV", "splitting", ma / 3, splitting, 100.0),
        "fig5_bottom_projection": _plane("mchi1-splitting", "mchi1_GeV", "splitting", ma / 3, splitting, 1e3),
    }
    relic_ma = np.geomspace(0.01, 1.0, 10)
    return paper.Reproduction(planes, (relic_ma, 1e-4 * relic_ma), {"n_x": n, "n_y": n + 1, "scale": int(scale)})


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class _InterruptedError(RuntimeError):
    pass


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("reproduce") / "out"
    return out, paper.write(_reproduction(), out)


def test_write_names_the_final_paths_and_leaves_no_staging(written: tuple[Path, dict[str, Any]]) -> None:
    out, summary = written
    assert summary["files"], "no files listed"
    for name in summary["files"]:
        assert Path(name).parent == out
        assert Path(name).exists()
    assert (out / "summary.json").exists()
    assert (out / "fig4_projection.json").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no hidden staging or old directory left
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask  # the usual permissions, not the staging's 0700


def test_interrupted_write_leaves_the_old_directory_untouched(
    written: tuple[Path, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, _ = written
    before = _snapshot(out)
    real = paper.write_plane

    def interrupted(result: ScanResult, folder: Path, stem: str, **kw: Any) -> list[Path]:
        if stem == "fig5_bottom":  # after fig4 and fig5_top were written
            raise _InterruptedError("killed midway")
        return real(result, folder, stem, **kw)

    monkeypatch.setattr(paper, "write_plane", interrupted)
    with pytest.raises(_InterruptedError):
        paper.write(_reproduction(scale=3e6), out)
    assert _snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_write_replaces_an_earlier_output_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    paper.write(_reproduction(), out)
    stale = out / "fig4-hepdata"  # an earlier run's HEPData, not written this time
    stale.mkdir()
    (stale / "submission.tar.gz").write_bytes(b"old")
    summary = paper.write(_reproduction(scale=3e6, n=5), out)
    assert not stale.exists()
    saved = (out / "summary.json").read_text()
    assert '"n_x": 5' in saved
    assert summary["grid"]["n_x"] == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_write_refuses_a_directory_with_other_files(tmp_path: Path) -> None:
    out = tmp_path / "results"
    out.mkdir()
    (out / "my-notes.txt").write_text("keep me")
    with pytest.raises(ParameterError, match=r"my-notes\.txt"):
        paper.write(_reproduction(), out)
    assert _snapshot(out) == {"my-notes.txt": b"keep me"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
