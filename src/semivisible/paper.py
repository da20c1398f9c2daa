"""The paper as a recipe: NA64, arXiv:2107.02021 (EPJC 81 (2021) 959), Figs. 4, 5 top and 5 bottom.

What ``semivisible reproduce`` does lives here, as data and two functions that Python users call like the
command line does: :data:`PLANES` (which plane, which experiment, what MC statistics), the benchmark of the paper
(alpha_D = 0.1, m_A' = 3 m_chi1, Delta = 0.4 m_chi1; eps on the central g-2 value in Fig. 5), and the numbers it
quotes: the g-2 band excluded up to m_A' ~ 0.39 GeV (:data:`PAPER_HEADLINE_GEV`), and the 5e12 EOT compact-HCAL1
projection. :func:`compute` scans the planes, :func:`write` writes their figures and data and ``summary.json``,
and :func:`reproduce` does both.

Examples
--------
>>> [p.key for p in PLANES]
['fig4', 'fig4_projection', 'fig5_top', 'fig5_bottom', 'fig5_bottom_projection']
>>> PLANES[0].plane, PLANES[0].experiment
('ma-eps', 'na64-2016-2018')
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semivisible.cosmo.g2 import DEFAULT_REFERENCE, FIG4_REFERENCES
from semivisible.cosmo.relic import relic_line
from semivisible.errors import ParameterError, check_int
from semivisible.experiments import DEFAULT_EXPERIMENT
from semivisible.io.cache import atomic_write_text, staged_directory
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING
from semivisible.plot.figures import write_plane
from semivisible.scan.curves import relic_on_plane
from semivisible.scan.executors import default_workers
from semivisible.scan.overlays import Overlay, OverlayJob, overlays_in_parallel
from semivisible.scan.plane import (
    DEFAULT_SPLITTING_NODES,
    ScanResult,
    band_excluded_up_to,
    default_axis,
    excluded_up_to_along_x,
    parse_plane,
    scan_plane,
)
from semivisible.search import Search
from semivisible.vocabulary import with_rule_keys

__all__ = [
    "FIG5_BOTTOM_SPLITTINGS",
    "G2_BANDS",
    "NOMINAL",
    "OVERLAY_EXPERIMENTS",
    "OVERLAY_PLANES",
    "PAPER",
    "PAPER_HEADLINE_GEV",
    "PLANES",
    "PROJECTION",
    "PlaneRecipe",
    "Reproduction",
    "compute",
    "reproduce",
    "write",
]

#: The paper.
PAPER = "arXiv:2107.02021"
#: The data set of the paper: NA64 2016-2018, 2.84e11 EOT.
NOMINAL = DEFAULT_EXPERIMENT
#: The projection of the paper's Figs. 4 and 5 bottom: 5e12 EOT with a 50 cm compact HCAL1.
PROJECTION = "na64-compact-hcal1"
#: "our data exclude the (g-2) explanation ... up to a mediator mass m_A' <~ 0.39 GeV" (the paper's text).
PAPER_HEADLINE_GEV = 0.39
#: The g-2 bands of the paper's Fig. 4: red (BNL + FNAL 2021 vs WP2020) and blue (BNL alone).
G2_BANDS: tuple[str, ...] = FIG4_REFERENCES
#: Other experiments whose semi-visible bounds are drawn on Figs. 4, 5 top and 5 bottom, computed at each plane's
#: own parameters by semivisible's engine (the paper overlays recasts by others).
OVERLAY_EXPERIMENTS: tuple[str, ...] = ("babar", "e137", "nucal", "charm")
#: The planes that carry the overlays (not the projections).
OVERLAY_PLANES: tuple[str, ...] = ("fig4", "fig5_top", "fig5_bottom")
#: The values of Delta/m_chi1 at which the Fig. 5 bottom reach in m_chi1 is reported.
FIG5_BOTTOM_SPLITTINGS: tuple[float, ...] = (0.1, 0.2, 0.4, 0.5, 0.6, 0.8)


@dataclass(frozen=True)
class PlaneRecipe:
    """One plane the paper draws: its file stem, the plane, the experiment and the MC thinning of its tables."""

    key: str
    label: str
    plane: str
    experiment: str
    max_events: int
    fig5_bottom: bool = False


#: The planes of the figures, with the projections.
PLANES: tuple[PlaneRecipe, ...] = (
    PlaneRecipe("fig4", "Fig. 4", "ma-eps", NOMINAL, 60_000),
    PlaneRecipe("fig4_projection", "Fig. 4 projection", "ma-eps", PROJECTION, 60_000),
    PlaneRecipe("fig5_top", "Fig. 5 top", "ma-alpha_d", NOMINAL, 60_000),
    PlaneRecipe("fig5_bottom", "Fig. 5 bottom", "mchi1-splitting", NOMINAL, 20_000, fig5_bottom=True),
    PlaneRecipe(
        "fig5_bottom_projection", "Fig. 5 bottom projection", "mchi1-splitting", PROJECTION, 20_000, fig5_bottom=True
    ),
)


@dataclass
class Reproduction:
    """The scanned planes (by :attr:`PlaneRecipe.key`), the relic line and the grid settings."""

    planes: dict[str, ScanResult]
    relic: tuple[NDArray[np.float64], NDArray[np.float64]]
    grid: dict[str, int] = field(default_factory=dict)
    channels: dict[str, list[str]] = field(default_factory=dict)
    overlays: dict[str, list[Overlay]] = field(default_factory=dict)
    #: The thermal-relic line of each figure on its own axes (x, y; nan between pieces).
    relic_lines: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = field(default_factory=dict)

    def drawn(self) -> dict[str, list[str]]:
        """What each figure draws: ``na64``, ``na64-expected``, ``g2`` (Fig. 4), ``relic``, ``projection`` and the
        other experiments whose region is not empty (``babar``, ``e137``, ``nucal``, ``charm``)."""
        out: dict[str, list[str]] = {}
        for key in OVERLAY_PLANES:
            names = ["na64", "na64-expected"]
            if key == "fig4":
                names.append("g2")
            if key in self.relic_lines and np.isfinite(self.relic_lines[key][1]).any():
                names.append("relic")
            if f"{key}_projection" in self.planes:
                names.append("projection")
            names += [o.name for o in self.overlays.get(key, []) if o.excluded.any()]
            out[key] = names
        return out

    def summary(self) -> dict[str, Any]:
        """The numbers of ``summary.json`` (without the file list)."""
        p = self.planes
        return {
            "paper": PAPER,
            "benchmark": {"alpha_d": BENCHMARK_ALPHA_D, "ratio": BENCHMARK_RATIO, "splitting": BENCHMARK_SPLITTING},
            "headline_g2_excluded_up_to_GeV": band_excluded_up_to(p["fig4"], DEFAULT_REFERENCE),
            "paper_headline_GeV": PAPER_HEADLINE_GEV,
            "projection_g2_excluded_up_to_GeV": band_excluded_up_to(p["fig4_projection"], DEFAULT_REFERENCE),
            "fig5_top_excluded_up_to_GeV_at_alpha_d_0.1": excluded_up_to_along_x(p["fig5_top"], BENCHMARK_ALPHA_D),
            "fig5_bottom_excluded_up_to_mchi1_GeV": {
                f"{f:g}": excluded_up_to_along_x(p["fig5_bottom"], f) for f in FIG5_BOTTOM_SPLITTINGS
            },
            "fig5_bottom_projection_excluded_up_to_mchi1_GeV": {
                f"{f:g}": excluded_up_to_along_x(p["fig5_bottom_projection"], f) for f in FIG5_BOTTOM_SPLITTINGS
            },
            "grid": dict(self.grid),
            "production_channels": dict(self.channels),
            "overlays": {key: [o.name for o in found] for key, found in self.overlays.items()},
            "drawn": self.drawn(),
            "statistics": p["fig4"].meta["statistics"],
        }


def compute(
    *,
    n_x: int = 150,
    n_y: int = 150,
    mass_nodes: int = 25,
    splitting_nodes: int = DEFAULT_SPLITTING_NODES,
    fig5_bottom_mass_nodes: int = 16,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    channels: Sequence[str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Reproduction:
    """Scan every plane of :data:`PLANES` on ``n_x`` x ``n_y`` points (signal tables on node grids) and the relic
    line. ``progress(label, done, total)`` is told about each plane's columns.

    ``channels`` replaces the experiments' A' production channels (the paper had dark bremsstrahlung only;
    ``("brem", "annihilation")`` shows what the shower's positrons add, docs/validation.md).
    """
    # Every input of every plane is checked before the first plane is scanned (a bad --fig5-bottom-mass-nodes used
    # to surface only when the fourth plane started); the same arguments then run the scans.
    from semivisible.scan.plane import _check_scan_inputs

    searches = {name: Search.load(name, channels=channels) for name in {p.experiment for p in PLANES}}
    for name, nodes in (("mass_nodes", mass_nodes), ("fig5_bottom_mass_nodes", fig5_bottom_mass_nodes)):
        check_int(name, nodes, 2, 1000, numpy_ints=False)
    runs = []
    for recipe in PLANES:
        x_name, y_name = parse_plane(recipe.plane)
        search = searches[recipe.experiment]
        x, y = default_axis(x_name, n_x, ratio=BENCHMARK_RATIO), default_axis(y_name, n_y, ratio=BENCHMARK_RATIO)
        axes = (x_name, x, y_name, y, search)
        options: dict[str, Any] = {
            "executor": executor,
            "workers": workers,
            "scheduler": scheduler,
            "mass_nodes": fig5_bottom_mass_nodes if recipe.fig5_bottom else mass_nodes,
            "splitting_nodes": splitting_nodes,
            "max_events": recipe.max_events,
        }
        _check_scan_inputs(
            search, x_name, y_name, eps="g2", alpha_d=BENCHMARK_ALPHA_D, ratio=BENCHMARK_RATIO,
            splitting=BENCHMARK_SPLITTING, reference=DEFAULT_REFERENCE, cl=0.9, n_primaries=None, **options,
        )  # fmt: skip
        runs.append((recipe, axes, options))
    planes: dict[str, ScanResult] = {}
    for recipe, axes, options in runs:

        def told(done: int, total: int, label: str = recipe.label) -> None:
            if progress is not None:
                progress(label, done, total)

        planes[recipe.key] = scan_plane(*axes, **options, progress=told)
    grid = {
        "n_x": n_x,
        "n_y": n_y,
        "mass_nodes": mass_nodes,
        "fig5_bottom_mass_nodes": fig5_bottom_mass_nodes,
        "splitting_nodes": splitting_nodes,
    }
    used = {name: list(search.experiment.channels) for name, search in sorted(searches.items())}
    # The other experiments' bounds (the costliest part of a cold run) go to the local workers, the heaviest plane
    # first; the relic lines are solved here meanwhile.
    fixed = {"eps": "g2", "alpha_d": BENCHMARK_ALPHA_D, "ratio": BENCHMARK_RATIO, "splitting": BENCHMARK_SPLITTING,
             "reference": DEFAULT_REFERENCE}  # fmt: skip
    jobs: list[OverlayJob] = []
    for recipe in sorted((r for r in PLANES if r.key in OVERLAY_PLANES), key=lambda r: not r.fig5_bottom):
        x_name, y_name = parse_plane(recipe.plane)
        res = planes[recipe.key]
        for name in OVERLAY_EXPERIMENTS:
            search = Search.load(name)
            jobs.append((name, search.identity, x_name, res.x.tolist(), y_name, res.y.tolist(), fixed))
    if progress is not None:
        progress("other experiments and relic lines", 0, len(jobs))

    def relic_lines() -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]]:
        relic_ma = np.geomspace(0.01, 1.0, 100)
        lines = {"fig4": (relic_ma, relic_line(relic_ma, use_cache=True)[0])}
        for key in ("fig5_top", "fig5_bottom"):
            recipe = next(r for r in PLANES if r.key == key)
            x_name, y_name = parse_plane(recipe.plane)
            res = planes[key]
            lines[key] = relic_on_plane(x_name, res.x, y_name, res.y, reference=DEFAULT_REFERENCE)
        return lines

    n_workers = default_workers() if workers is None else workers
    found, relic_lines_found = overlays_in_parallel(
        jobs, n_workers if executor != "serial" else 1, meanwhile=relic_lines
    )
    if progress is not None:
        progress("other experiments and relic lines", len(jobs), len(jobs))
    overlays: dict[str, list[Overlay]] = {}
    for (_, _, x_name, _, y_name, _, _), ov in zip(jobs, found, strict=True):
        key = next(r.key for r in PLANES if r.key in OVERLAY_PLANES and r.plane == f"{x_name}-{y_name}")
        overlays.setdefault(key, []).append(ov)
    overlays = {r.key: overlays[r.key] for r in PLANES if r.key in overlays}  # in the figures' order
    relic_lines_out: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = relic_lines_found
    relic = relic_lines_out["fig4"]
    return Reproduction(planes, relic, grid, used, overlays, relic_lines_out)


def write(
    reproduction: Reproduction, out: str | Path, *, hepdata: bool = False, g2_bands: Sequence[str] = G2_BANDS
) -> dict[str, Any]:
    """Write the figures (PNG, PDF), their data (CSV, JSON; HEPData with ``hepdata``) and ``summary.json`` into
    ``out``; returns the summary, whose ``files`` are paths in ``out``.

    Everything is written into a hidden staging directory beside ``out`` that replaces ``out`` whole once it is
    complete (:func:`semivisible.io.cache.staged_directory`): an interrupted run leaves ``out`` as it was, a
    finished one leaves only the new files. An existing ``out`` must be a directory that holds nothing but an
    earlier reproduction's files (it is replaced, so anything else in it would be lost).
    """
    folder = Path(out)
    extensions = (".csv", "_curves.csv", ".json", ".png", ".pdf", "-hepdata", "-hepdata.tar.gz")
    ours = {"summary.json"} | {f"{recipe.key}{ext}" for recipe in PLANES for ext in extensions}
    if folder.is_dir() and (foreign := sorted(e.name for e in folder.iterdir() if e.name not in ours)):
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise ParameterError(
            "out", str(out), f"a new directory, or the output of an earlier reproduce (this one also holds {shown})"
        )
    p = reproduction.planes
    bands = tuple(g2_bands)
    with staged_directory(folder, what="out") as staging:
        ov = reproduction.overlays
        files = write_plane(
            p["fig4"], staging, "fig4", hepdata=hepdata, projection=p["fig4_projection"], relic=reproduction.relic,
            g2_references=bands, overlays=ov.get("fig4", []),
        )  # fmt: skip
        p["fig4_projection"].to_json(staging / "fig4_projection.json")
        relics = reproduction.relic_lines
        files += write_plane(
            p["fig5_top"], staging, "fig5_top", hepdata=hepdata, overlays=ov.get("fig5_top", []),
            relic=relics.get("fig5_top"),
        )  # fmt: skip
        files += write_plane(
            p["fig5_bottom"], staging, "fig5_bottom", hepdata=hepdata, projection=p["fig5_bottom_projection"],
            overlays=ov.get("fig5_bottom", []), relic=relics.get("fig5_bottom"),
        )  # fmt: skip
        p["fig5_bottom_projection"].to_json(staging / "fig5_bottom_projection.json")
        final = [folder / f.relative_to(staging) for f in files]  # where they are once moved into place
        summary = with_rule_keys({**reproduction.summary(), "files": [str(f) for f in final]})
        atomic_write_text(staging / "summary.json", json.dumps(summary, indent=2))
    return summary


def reproduce(
    out: str | Path, *, hepdata: bool = False, g2_bands: Sequence[str] = G2_BANDS, **options: Any
) -> dict[str, Any]:
    """:func:`compute` (with ``options``) then :func:`write`: the paper's figures and ``summary.json``."""
    return write(compute(**options), out, hepdata=hepdata, g2_bands=g2_bands)
