#!/usr/bin/env python
"""Rebuild the shipped exact-tree-level (ETL) dark-bremsstrahlung table(s) of ``semivisible``.

The table holds d sigma/dx of e- N -> e- N A' per atom (pb, eps = 1) on a grid in (log m_A', log E0, xi),
computed with :func:`semivisible.production.etl.dsigma_dx_etl_exact` (full 2 -> 3 tree-level amplitude,
Tsai elastic + inelastic form factor, exact kinematics; arXiv:1712.05706, arXiv:1705.01633), plus the total
cross section at every (m_A', E0) node. See ``EtlTable`` for the interpolation and its accuracy.

Usage (from the repository root, with the package installed)::

    python scripts/build_etl_table.py --target Pb            # writes src/semivisible/production/data/etl_Pb.npz
    python scripts/build_etl_table.py --target W --processes 2
    python scripts/build_etl_table.py --target Pb --n-ma 10 --n-energy 5 --out /tmp/etl_test.npz

The default grid (35 masses 1 MeV-3 GeV, 20 energies 1-300 GeV, 51 xi points) takes about a minute on
2 cores. The write is atomic (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path

import numpy as np
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from semivisible.production.etl import EtlTable

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "semivisible" / "production" / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default="Pb", help="material name in materials.toml (default Pb)")
    parser.add_argument("--n-ma", type=int, default=35, help="number of log-spaced A' masses (default 35)")
    parser.add_argument("--ma-min", type=float, default=1e-3, help="lowest A' mass in GeV (default 1e-3)")
    parser.add_argument("--ma-max", type=float, default=3.0, help="highest A' mass in GeV (default 3)")
    parser.add_argument("--n-energy", type=int, default=20, help="number of log-spaced energies (default 20)")
    parser.add_argument("--energy-min", type=float, default=1.0, help="lowest energy in GeV (default 1)")
    parser.add_argument("--energy-max", type=float, default=300.0, help="highest energy in GeV (default 300)")
    parser.add_argument("--n-xi", type=int, default=51, help="points of the reduced x axis (default 51)")
    parser.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: the package data file)")
    args = parser.parse_args(argv)

    out = args.out if args.out is not None else DATA_DIR / f"etl_{args.target}.npz"
    mas = np.geomspace(args.ma_min, args.ma_max, args.n_ma)
    ens = np.geomspace(args.energy_min, args.energy_max, args.n_energy)
    start = time.perf_counter()
    with Progress(
        TextColumn(f"ETL {args.target}: m_A' rows"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ) as progress:
        task = progress.add_task("build", total=mas.size)

        def report(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        table = EtlTable.build(args.target, mas, ens, n_xi=args.n_xi, progress=report, processes=max(1, args.processes))
    build_s = time.perf_counter() - start
    command = (
        f"scripts/build_etl_table.py --target {args.target} --n-ma {args.n_ma} --ma-min {args.ma_min} "
        f"--ma-max {args.ma_max} --n-energy {args.n_energy} --energy-min {args.energy_min} "
        f"--energy-max {args.energy_max} --n-xi {args.n_xi}"
    )
    table = dataclasses.replace(table, meta={**table.meta, "build_seconds": f"{build_s:.1f}", "build_command": command})
    table.save(out)
    size_kb = out.stat().st_size / 1024
    print(
        f"wrote {out} ({size_kb:.0f} kB): {mas.size} masses x {ens.size} energies x {args.n_xi} xi "
        f"in {build_s:.1f} s with {args.processes} process(es)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
