"""Run the columns of a scan serially, in local processes or on a Dask cluster, with an on-disk checkpoint.

A scan is a list of independent *columns* (one value of the x axis, every value of the y axis). Each column is
a pure function of its inputs (every production and signal table is seeded by its own inputs), so the executor
changes the wall time, never the numbers.

* ``"serial"``: one process, in order.
* ``"processes"``: a local :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes.
* ``"dask"``: a :mod:`dask.distributed` cluster: the scheduler at ``scheduler`` (``"tcp://host:port"``), or a
  :class:`distributed.LocalCluster` of ``workers`` single-threaded processes when none is given. The workers
  need semivisible installed; with a shared ``SEMIVISIBLE_CACHE_DIR`` they also share the table cache.

With a :class:`Checkpoint`, every finished column is written to its directory at once (atomically); a scan
that is killed and started again with the same inputs and the same directory loads the finished columns and
runs only the others: no column is lost or computed twice.

Examples
--------
>>> import tempfile
>>> ck = Checkpoint(tempfile.mkdtemp(), key="demo")
>>> results = run_columns(_demo_column, [1.0, 2.0, 3.0], checkpoint=ck)
>>> [float(r[0][0]) for r in results]
[1.0, 4.0, 9.0]
>>> sorted(ck.finished())  # a second run would load these instead of computing them
[0, 1, 2]
"""

from __future__ import annotations

import atexit
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from semivisible.errors import ParameterError
from semivisible.io.cache import atomic_write_text, load_arrays, save_arrays

__all__ = ["EXECUTORS", "Checkpoint", "ColumnResult", "Executor", "default_workers", "map_jobs", "run_columns"]

FloatArray = NDArray[np.float64]
ColumnResult = tuple[FloatArray, FloatArray]
Executor = Literal["serial", "processes", "dask"]
#: The executor names accepted by :func:`run_columns` (and the CLI's ``--executor``).
EXECUTORS: tuple[str, ...] = ("serial", "processes", "dask")

Job = TypeVar("Job")


def default_workers() -> int:
    """The default number of local worker processes: the cores this process may run on (the API and the CLI
    share it; the numbers never depend on it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Checkpoint:
    """A directory that keeps the finished columns of one scan, keyed by a hash of the scan's inputs.

    Args:
        directory: where the columns go (created if needed). One directory serves one scan.
        key: the hash of the scan's inputs; a directory holding another scan's columns is refused.
    """

    def __init__(self, directory: str | Path, key: str) -> None:
        self.directory = Path(directory)
        self.key = key
        manifest = self.directory / "checkpoint.json"
        if manifest.exists():
            try:
                other = json.loads(manifest.read_text()).get("key")
            except (OSError, ValueError):
                other = None
            if other != key:
                raise ParameterError(
                    "checkpoint", str(self.directory), "an empty directory, or the checkpoint of this same scan"
                )
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            atomic_write_text(manifest, json.dumps({"key": key, "kind": "semivisible scan checkpoint"}))

    def _path(self, index: int) -> Path:
        return self.directory / f"column-{index:05d}.npz"

    def finished(self) -> dict[int, ColumnResult]:
        """The columns already computed, by index (a damaged file counts as not computed)."""
        out: dict[int, ColumnResult] = {}
        for path in sorted(self.directory.glob("column-*.npz")):
            try:
                arrays, _ = load_arrays(path)
                out[int(path.stem.split("-")[1])] = (arrays["s1"], arrays["s2"])
            except (OSError, KeyError, ValueError):
                continue
        return out

    def save(self, index: int, result: ColumnResult) -> None:
        """Store one finished column (atomically)."""
        save_arrays(self._path(index), {"s1": result[0], "s2": result[1]}, {"index": index, "key": self.key})


def _run_dask(
    func: Callable[[Job], Any],
    pending: list[tuple[int, Job]],
    workers: int,
    scheduler: str | None,
    on_result: Callable[[int, Any], None],
) -> None:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = {client.submit(func, job, pure=False): index for index, job in pending}
        for fut in as_completed(futures):
            on_result(futures[fut], fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


_POOLS: dict[int, Any] = {}


def _process_pool(workers: int) -> Any:
    """One process pool per worker count, kept for the whole session: the workers keep their imports and
    in-memory tables from one scan to the next (``reproduce`` runs five). Shut down at exit."""
    from concurrent.futures import ProcessPoolExecutor

    pool = _POOLS.get(workers)
    if pool is None or getattr(pool, "_broken", False):
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        pool = ProcessPoolExecutor(max_workers=workers)
        _POOLS[workers] = pool
        if len(_POOLS) == 1:
            atexit.register(_shutdown_pools)
    return pool


def _shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()


def _check(executor: str, workers: int) -> None:
    if executor not in EXECUTORS:
        raise ParameterError("executor", executor, "one of " + ", ".join(EXECUTORS))
    if workers < 1:
        raise ParameterError("workers", workers, "workers >= 1")


def map_jobs(
    func: Callable[[Job], Any],
    jobs: Sequence[Job],
    on_result: Callable[[int, Any], None],
    *,
    executor: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
    skip: Sequence[int] = (),
) -> None:
    """Call ``on_result(i, func(jobs[i]))`` for every job not in ``skip``, on the chosen executor, in the order
    the jobs finish. ``func`` must be a module-level function and the jobs picklable (they travel to other
    processes); a ``scheduler`` address implies Dask.
    """
    _check(executor, workers)
    if scheduler is not None:
        executor = "dask"
    done = set(skip)
    pending = [(i, job) for i, job in enumerate(jobs) if i not in done]
    if not pending:
        return
    if executor == "dask":
        _run_dask(func, pending, workers, scheduler, on_result)
    elif executor == "processes" and workers > 1 and len(pending) > 1:
        from concurrent.futures import as_completed

        pool = _process_pool(workers)
        futures = {pool.submit(func, job): index for index, job in pending}
        for fut in as_completed(futures):
            on_result(futures[fut], fut.result())
    else:
        for index, job in pending:
            on_result(index, func(job))


def run_columns(
    func: Callable[[Job], ColumnResult],
    jobs: Sequence[Job],
    *,
    executor: str = "serial",
    workers: int = 1,
    scheduler: str | None = None,
    checkpoint: Checkpoint | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ColumnResult]:
    """``[func(job) for job in jobs]`` on the chosen executor (:func:`map_jobs`), resuming from (and filling)
    ``checkpoint``. ``progress(done, total)`` is called after every finished column (resumed ones count as done
    at the start).
    """
    _check(executor, workers)
    results: dict[int, ColumnResult] = {} if checkpoint is None else checkpoint.finished()
    results = {i: r for i, r in results.items() if 0 <= i < len(jobs)}
    total = len(jobs)
    if progress is not None:
        progress(len(results), total)

    def on_result(index: int, result: ColumnResult) -> None:
        result = (np.asarray(result[0], dtype=np.float64), np.asarray(result[1], dtype=np.float64))
        results[index] = result
        if checkpoint is not None:
            checkpoint.save(index, result)
        if progress is not None:
            progress(len(results), total)

    map_jobs(func, jobs, on_result, executor=executor, workers=workers, scheduler=scheduler, skip=list(results))
    return [results[i] for i in range(total)]


def _demo_column(x: float) -> ColumnResult:
    """A stand-in column for the examples: (x^2, 0)."""
    return np.array([x * x]), np.array([0.0])
