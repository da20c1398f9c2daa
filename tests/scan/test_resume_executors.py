"""A scan killed after its first column resumes from its checkpoint on every executor, with the same numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from semivisible.experiments import DEFAULT_EXPERIMENT
from semivisible.scan.plane import scan_plane
from semivisible.search import Search


class _KilledError(Exception):
    pass


@pytest.mark.parametrize("executor", ["serial", "processes", "dask"])
def test_kill_and_resume(tmp_path: Path, executor: str) -> None:
    search = Search.load(DEFAULT_EXPERIMENT)
    ma, eps = np.array([0.1, 0.2, 0.3]), np.geomspace(1e-4, 1e-2, 4)
    opts = {"n_primaries": 600, "use_cache": False, "executor": executor, "workers": 1 if executor == "serial" else 2}
    ref = scan_plane("ma", ma, "eps", eps, search, n_primaries=600, use_cache=False, executor="serial")

    def kill_after_one(done: int, total: int) -> None:
        if done == 1:
            raise _KilledError

    ck = tmp_path / "ck"
    with pytest.raises(_KilledError):
        scan_plane("ma", ma, "eps", eps, search, checkpoint=ck, progress=kill_after_one, **opts)
    assert len(list(ck.glob("column-*.npz"))) >= 1
    resumed = scan_plane("ma", ma, "eps", eps, search, checkpoint=ck, **opts)
    np.testing.assert_array_equal(resumed.s1, ref.s1)
    np.testing.assert_array_equal(resumed.s2, ref.s2)
    np.testing.assert_array_equal(resumed.cls, ref.cls)
