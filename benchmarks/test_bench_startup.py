"""Issue 18: start-up of the command line, ``semivisible --help`` and ``semivisible model ...`` (< 0.4 s asked),
timed as whole processes (median of 5). Run with ``python -m pytest benchmarks/test_bench_startup.py -s``."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import pytest


@pytest.mark.parametrize("args", [["--help"], ["model", "--ma", "0.3", "--eps", "6.312e-3"]], ids=["help", "model"])
def test_startup(args: list[str]) -> None:
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "semivisible", *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    print(f"\nsemivisible {' '.join(args)}: median {statistics.median(times):.3f} s (min {min(times):.3f} s)")
