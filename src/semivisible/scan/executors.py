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
runs only the others: no column is lost or computed twice. A damaged column file (truncated, another scan's,
the wrong length, non-finite values) counts as not computed, so the resume computes it again.

The local worker processes exit when the process that started them dies (even by ``kill -9``): on Linux the
kernel sends them SIGTERM (``prctl(PR_SET_PDEATHSIG)``), elsewhere a thread in each worker notices it within
about a second.

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
import ctypes
import ctypes.util
import functools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from semivisible.errors import ParameterError, check_int
from semivisible.io.cache import atomic_write_text, load_arrays, save_arrays

__all__ = [
    "EXECUTORS",
    "Checkpoint",
    "ColumnResult",
    "Executor",
    "check_execution",
    "default_workers",
    "map_jobs",
    "run_columns",
    "tune_allocator",
]

FloatArray = NDArray[np.float64]
ColumnResult = tuple[FloatArray, FloatArray]
Executor = Literal["serial", "processes", "dask"]
#: The executor names accepted by :func:`run_columns` (and the CLI's ``--executor``).
EXECUTORS: tuple[str, ...] = ("serial", "processes", "dask")

Job = TypeVar("Job")


#: glibc mallopt(3) parameters and the values tune_allocator sets: M_TRIM_THRESHOLD 256 MiB, M_MMAP_THRESHOLD 128 MiB.
_MALLOPT = ((-1, 256 << 20), (-3, 128 << 20))


@functools.cache
def tune_allocator() -> bool:
    """Let glibc keep freed memory for reuse instead of returning every large block to the system at once.

    A signal table allocates and frees arrays of megabytes; by default glibc serves each from a fresh mmap
    above a threshold and unmaps it on free, and Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` for its
    workers, which pins that threshold low: the page faults then double a table's time (0.73 s -> 1.57 s for
    one mass of eight NA64 nodes). This raises the mmap threshold to 128 MiB and the trim threshold to 256 MiB
    (mallopt(3)); peak memory is unchanged. It is called in semivisible's own processes only: the command line,
    its local worker processes, and the tasks it sends to Dask workers. Returns whether it took effect (False off
    glibc). Idempotent.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return all(libc.mallopt(param, value) == 1 for param, value in _MALLOPT)
    except (OSError, AttributeError):
        return False


def _in_worker(func: Callable[[Job], Any], job: Job) -> Any:
    """Run one job in a Dask worker, with the allocator tuned (:func:`tune_allocator`)."""
    tune_allocator()
    return func(job)


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
        n_y: the length of every column (the y axis). Without it, the length of the first column saved is
            recorded in the directory and checked from then on.
    """

    def __init__(self, directory: str | Path, key: str, *, n_y: int | None = None) -> None:
        self.directory = Path(directory)
        self.key = key
        self.n_y = n_y
        self._manifest = self.directory / "checkpoint.json"
        if self._manifest.exists():
            try:
                stored = json.loads(self._manifest.read_text())
            except (OSError, ValueError):
                stored = None
            if not isinstance(stored, dict) or stored.get("key") != key:
                raise ParameterError(
                    "checkpoint", str(self.directory), "an empty directory, or the checkpoint of this same scan"
                )
            if self.n_y is None and isinstance(stored.get("n_y"), int):
                self.n_y = stored["n_y"]
        else:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._write_manifest()

    def _write_manifest(self) -> None:
        manifest: dict[str, Any] = {"key": self.key, "kind": "semivisible scan checkpoint"}
        if self.n_y is not None:
            manifest["n_y"] = self.n_y
        atomic_write_text(self._manifest, json.dumps(manifest))

    def _path(self, index: int) -> Path:
        return self.directory / f"column-{index:05d}.npz"

    def _column(self, path: Path) -> tuple[int, ColumnResult] | None:
        """The index and column stored in ``path``, or None if the file is damaged or not this scan's."""
        try:
            index = int(path.stem.split("-", 1)[1])
            arrays, meta = load_arrays(path)
        except Exception:  # unreadable: truncated, corrupt zip or npy header, bad metadata
            return None
        if meta.get("key") != self.key or meta.get("index") != index or path != self._path(index):
            return None
        s1, s2 = arrays.get("s1"), arrays.get("s2")
        if s1 is None or s2 is None or s1.ndim != 1 or s1.shape != s2.shape:
            return None
        if (self.n_y is not None and s1.size != self.n_y) or s1.dtype.kind != "f" or s2.dtype.kind != "f":
            return None
        if not (np.all(np.isfinite(s1)) and np.all(np.isfinite(s2))):
            return None
        return index, (s1.astype(np.float64), s2.astype(np.float64))

    def finished(self) -> dict[int, ColumnResult]:
        """The columns already computed, by index. A damaged file (unreadable, truncated, written for another
        scan or another index, columns of the wrong shape or length, non-finite values) counts as not computed:
        it is computed again and overwritten."""
        out: dict[int, ColumnResult] = {}
        for path in sorted(self.directory.glob("column-*.npz")):
            found = self._column(path)
            if found is not None:
                out[found[0]] = found[1]
        return out

    def save(self, index: int, result: ColumnResult) -> None:
        """Store one finished column (atomically)."""
        if self.n_y is None:  # the first column tells the length of all
            self.n_y = int(np.asarray(result[0]).size)
            self._write_manifest()
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
        futures = {client.submit(_in_worker, func, job, pure=False): index for index, job in pending}
        for fut in as_completed(futures):
            on_result(futures[fut], fut.result())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


_POOLS: dict[int, Any] = {}

#: prctl(2) option: the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG = 1


def _set_parent_death_signal(sig: int) -> bool:
    """Ask the kernel for ``sig`` when the parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``); False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(ppid: int, every: float = 1.0) -> None:
    """Exit this process as soon as its parent is no longer ``ppid`` (it died: the worker was re-parented)."""
    while True:
        time.sleep(every)
        if os.getppid() != ppid:
            os._exit(1)


def _exit_with_parent(parent: int | None, death_signal: bool) -> None:
    """Initializer of the pool's workers: exit when the parent process dies, so that a killed scan (even by
    ``kill -9``) leaves no worker behind.

    ``parent`` is the pid of the process that made the pool if it is the workers' parent (fork and spawn), and
    ``death_signal`` whether the kernel's parent-death signal may be used: it fires when the *thread* that
    started the worker ends, so only a pool started from the main thread uses it. Otherwise, or where the
    signal is not available, a daemon thread polls the parent pid every second.
    """
    ppid = os.getppid()
    if parent is not None and ppid != parent:  # the parent died before this worker got here
        os._exit(1)
    if death_signal and parent is not None and _set_parent_death_signal(signal.SIGTERM):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not a handler inherited from the parent: just exit
        if os.getppid() != parent:  # it died between the check and prctl
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(ppid,), name="semivisible-parent-watch", daemon=True).start()


def _init_worker(parent: int | None, death_signal: bool) -> None:
    """Initializer of the pool's workers: :func:`tune_allocator`, then :func:`_exit_with_parent`."""
    tune_allocator()
    _exit_with_parent(parent, death_signal)


def _process_pool(workers: int) -> Any:
    """One process pool per worker count, kept for the whole session: the workers keep their imports and
    in-memory tables from one scan to the next (``reproduce`` runs five). Shut down at exit."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = _POOLS.get(workers)
    if pool is None or getattr(pool, "_broken", False):
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        context = multiprocessing.get_context()
        # Workers are children of this process with fork and spawn (of a server process with forkserver).
        parent = os.getpid() if context.get_start_method() in ("fork", "spawn") else None
        main = threading.current_thread() is threading.main_thread()
        pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init_worker, initargs=(parent, main)
        )
        _POOLS[workers] = pool
        if len(_POOLS) == 1:
            atexit.register(_shutdown_pools)
    return pool


def _shutdown_pools() -> None:
    for pool in _POOLS.values():
        pool.shutdown(cancel_futures=True)
    _POOLS.clear()


def check_execution(executor: Any, workers: Any, scheduler: Any, *, numpy_ints: bool = True) -> None:
    """The arguments of a scan that say where it runs, checked before any work: ``executor`` None or one of
    :data:`EXECUTORS`, ``workers`` None or an integer in [1, 1024] (numpy integers too with ``numpy_ints``),
    ``scheduler`` None or a Dask address such as ``tcp://host:8786``; else a ParameterError naming it."""
    if executor is not None and executor not in EXECUTORS:
        raise ParameterError("executor", executor, "one of " + ", ".join(EXECUTORS))
    if workers is not None:
        check_int("workers", workers, 1, 1024, numpy_ints=numpy_ints)
    if scheduler is not None and (not isinstance(scheduler, str) or "://" not in scheduler):
        raise ParameterError("scheduler", scheduler, "a Dask scheduler address such as tcp://host:8786")


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
