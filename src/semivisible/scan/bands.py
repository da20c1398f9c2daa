"""A beam dump's excluded bands over many masses, on local worker processes.

:func:`semivisible.signal.beam_dump.dump_limit` solves one mass after the other; :func:`dump_band` hands chunks of
masses to the session's process pool (:mod:`semivisible.scan.executors`), each worker loading the experiment from
its file and checking its identity, and writing the finished intervals into the shared disk cache. The numbers do
not depend on the number of workers.

Examples
--------
>>> from semivisible.search import Search
>>> lim = dump_band(Search.load("e137"), "visible", [0.01, 0.05], workers=1)
>>> [len(b) for b in lim.bands]
[1, 1]
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from semivisible.errors import ParameterError, check_int
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING
from semivisible.scan.executors import _process_pool, default_workers
from semivisible.search import Search
from semivisible.signal.beam_dump import BeamDumpSignal, DumpLimit, dump_limit
from semivisible.signal.grid import load_job_experiment

__all__ = ["dump_band"]

#: One chunk of masses for a worker: (experiment path, identity, channel override, mode, masses, alpha_d, ratio,
#: splitting, cl).
BandJob = tuple[str, str, tuple[str, ...] | None, str, list[float], float, float, float, float]


def _solve_chunk(job: BandJob) -> list[list[tuple[float, float]]]:
    path, identity, channels, mode, masses, alpha_d, ratio, splitting, cl = job
    exp = load_job_experiment(path, identity, channels)
    return dump_limit(exp, mode, masses, alpha_d=alpha_d, ratio=ratio, splitting=splitting, cl=cl).bands


def dump_band(
    search: Search,
    mode: str,
    ma: ArrayLike,
    *,
    alpha_d: float = BENCHMARK_ALPHA_D,
    ratio: float = BENCHMARK_RATIO,
    splitting: float = BENCHMARK_SPLITTING,
    cl: float = 0.9,
    workers: int | None = None,
) -> DumpLimit:
    """:func:`~semivisible.signal.beam_dump.dump_limit` of a beam dump's ``search`` at the masses ``ma`` (GeV),
    the masses shared among ``workers`` local processes (default: the available cores; 1: in this process)."""
    if not isinstance(search, Search) or not isinstance(search.signal, BeamDumpSignal):
        raise ParameterError("search", getattr(search, "name", search), "the Search of a beam-dump experiment")
    n_workers = default_workers() if workers is None else check_int("workers", workers, 1, 256, numpy_ints=False)
    masses = search.signal.check_ma(ma)  # every mass, before any worker starts
    exp = search.experiment
    options: dict[str, Any] = {"alpha_d": alpha_d, "ratio": ratio, "splitting": splitting, "cl": cl}
    if n_workers == 1 or len(masses) < 2 * n_workers:
        return dump_limit(exp, mode, masses, **options)
    # The limit of no mass: the mode checked, the event limit and the metadata, without any work.
    empty = dump_limit(exp, mode, [], **options)
    # Interleaved chunks: light and heavy masses (cheap and dear tables) spread evenly over the workers.
    chunks = [masses[k::n_workers] for k in range(n_workers)]
    jobs: list[BandJob] = [
        (exp.path, exp.identity, exp.channels_override, mode, chunk, alpha_d, ratio, splitting, cl) for chunk in chunks
    ]
    pool = _process_pool(n_workers)
    results = list(pool.map(_solve_chunk, jobs))
    bands: list[list[tuple[float, float]]] = [[] for _ in masses]
    for k, found in enumerate(results):
        for j, intervals in enumerate(found):
            bands[k + j * n_workers] = intervals
    return DumpLimit(exp.name, mode, np.asarray(masses), bands, empty.n_up, {**empty.meta, "workers": n_workers})
