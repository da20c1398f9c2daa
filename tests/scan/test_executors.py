"""Executors and checkpoints: the same numbers everywhere, and a killed scan resumes without loss or repeats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semivisible import ParameterError
from semivisible.scan.executors import Checkpoint, run_columns
from semivisible.scan.plane import scan_plane
from semivisible.search import Search

NA64 = Search.load("na64-2016-2018")

CALLS_FILE = "calls.txt"


def _logged_square(job: tuple[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """A column that records every call in a file (works across processes)."""
    log, x = job
    with open(log, "a") as handle:
        handle.write(f"{x}\n")
    return np.array([x * x]), np.array([x])


class _KilledError(RuntimeError):
    pass


def test_checkpoint_resumes_without_loss_or_repeat(tmp_path: Path) -> None:
    log = str(tmp_path / CALLS_FILE)
    jobs = [(log, float(x)) for x in range(6)]
    ck_dir = tmp_path / "ck"

    def kill_after_three(done: int, total: int) -> None:
        if done == 3:
            raise _KilledError

    with pytest.raises(_KilledError):
        run_columns(_logged_square, jobs, checkpoint=Checkpoint(ck_dir, "k"), progress=kill_after_three)
    assert sorted(Checkpoint(ck_dir, "k").finished()) == [0, 1, 2]
    out = run_columns(_logged_square, jobs, checkpoint=Checkpoint(ck_dir, "k"))
    assert [float(r[0][0]) for r in out] == [x * x for x in range(6)]
    calls = [float(v) for v in Path(log).read_text().split()]
    assert sorted(calls) == [float(x) for x in range(6)]  # every column computed exactly once


def test_checkpoint_refuses_another_scan(tmp_path: Path) -> None:
    Checkpoint(tmp_path, "one")
    with pytest.raises(ParameterError, match="checkpoint"):
        Checkpoint(tmp_path, "two")


def test_processes_and_dask_equal_serial(tmp_path: Path) -> None:
    log = str(tmp_path / CALLS_FILE)
    jobs = [(log, float(x)) for x in range(4)]
    serial = run_columns(_logged_square, jobs)
    procs = run_columns(_logged_square, jobs, executor="processes", workers=2)
    dask = run_columns(_logged_square, jobs, executor="dask", workers=2)
    for a, b, c in zip(serial, procs, dask, strict=True):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[0], c[0])


def test_bad_executor() -> None:
    with pytest.raises(ParameterError, match="executor"):
        run_columns(_logged_square, [], executor="mpi")
    with pytest.raises(ParameterError, match="workers"):
        run_columns(_logged_square, [], workers=0)


def test_real_scan_is_identical_on_dask_and_after_a_resume(tmp_path: Path) -> None:
    ma, eps = np.array([0.1, 0.2, 0.3]), np.geomspace(1e-4, 1e-2, 5)
    opts = {"n_primaries": 800, "use_cache": False}
    ref = scan_plane("ma", ma, "eps", eps, NA64, **opts)
    on_dask = scan_plane("ma", ma, "eps", eps, NA64, executor="dask", workers=2, **opts)
    np.testing.assert_array_equal(ref.s1, on_dask.s1)
    np.testing.assert_array_equal(ref.s2, on_dask.s2)

    def kill_after_one(done: int, total: int) -> None:
        if done == 1:
            raise _KilledError

    ck = tmp_path / "scan-ck"
    with pytest.raises(_KilledError):
        scan_plane("ma", ma, "eps", eps, NA64, checkpoint=ck, progress=kill_after_one, **opts)
    resumed = scan_plane("ma", ma, "eps", eps, NA64, checkpoint=ck, **opts)
    np.testing.assert_array_equal(ref.s1, resumed.s1)
    np.testing.assert_array_equal(ref.cls, resumed.cls)
    # Another scan in the same directory is refused rather than mixed in.
    with pytest.raises(ParameterError, match="checkpoint"):
        scan_plane("ma", ma, "eps", eps * 2, NA64, checkpoint=ck, **opts)
    # The finished scan is cached on disk: a second call returns the same numbers without recomputing.
    first = scan_plane("ma", ma, "eps", eps, NA64, n_primaries=800)
    again = scan_plane("ma", ma, "eps", eps, NA64, n_primaries=800)
    np.testing.assert_array_equal(first.s1, ref.s1)
    np.testing.assert_array_equal(again.s1, ref.s1)
