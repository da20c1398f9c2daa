"""Issue 18: a 4-D scan (m_A', eps, alpha_D, Delta/m_chi1) of 10^5 points on a real Dask cluster.

A ``dask scheduler`` and ``dask worker`` processes are started on this machine (separate processes, as on a
cluster), the scan runs through the Python API (:func:`semivisible.scan.volume.scan_volume`) against that scheduler
with 1 and then 2 workers, each from an empty cache directory shared by the client and its workers, and once
serially. The speed-up is printed (issue 18 asks >= 1.7x on 2 cores) and the three results must be identical.
Workers are started with ``--no-nanny`` (a nanny process per worker costs about 10% of 2 cores) and
``--preload semivisible.scan.volume`` (imports done before the clock starts, as on a long-lived cluster).

Run with ``python -m pytest benchmarks/test_bench_scan4d.py -s``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from semivisible.scan.plane import default_axis
from semivisible.scan.volume import VolumeResult, scan_volume
from semivisible.search import Search

AXES = {
    "ma": default_axis("ma", 25, bounds=(0.01, 1.0)),
    "eps": default_axis("eps", 40, bounds=(1e-5, 1e-2)),
    "alpha_d": default_axis("alpha_d", 10, bounds=(0.01, 1.0)),
    "splitting": default_axis("splitting", 10, bounds=(0.05, 0.9)),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _dask(*args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).with_name("dask")
    return subprocess.Popen([str(exe), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _scan_on_cluster(n_workers: int, cache: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[float, VolumeResult]:
    pytest.importorskip("distributed")
    from distributed import Client

    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(cache))  # the client's cache, and the workers' below
    env = dict(os.environ)
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_dask("scheduler", "--port", str(port), "--no-dashboard", env=env)]
    try:
        worker = ["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"]
        procs += [_dask(*worker, "--preload", "semivisible.scan.volume", env=env) for _ in range(n_workers)]
        with Client(address, timeout=60) as client:
            client.wait_for_workers(n_workers, timeout=120)
        start = time.perf_counter()
        result = scan_volume(Search.load("na64-2016-2018"), **AXES, scheduler=address)
        return time.perf_counter() - start, result
    finally:
        for p in reversed(procs):  # workers first: without a scheduler they keep trying to reconnect
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_4d_scan_1e5_points_dask_1_vs_2_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t1, r1 = _scan_on_cluster(1, tmp_path / "cache1", monkeypatch)
    t2, r2 = _scan_on_cluster(2, tmp_path / "cache2", monkeypatch)
    monkeypatch.setenv("SEMIVISIBLE_CACHE_DIR", str(tmp_path / "cache-serial"))
    start = time.perf_counter()
    serial = scan_volume(Search.load("na64-2016-2018"), **AXES, executor="serial", workers=1)
    ts = time.perf_counter() - start
    print(f"\n4-D scan of {r1.cls.size} points {r1.shape}: serial {ts:.1f} s, Dask 1 worker {t1:.1f} s, "
          f"2 workers {t2:.1f} s: x{t1 / t2:.2f}")  # fmt: skip
    for other in (r1, r2):
        for name in ("s1", "s2", "cls"):
            np.testing.assert_array_equal(getattr(other, name), getattr(serial, name))
