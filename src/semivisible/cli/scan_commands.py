"""Commands on planes: ``scan`` (any plane) and ``reproduce`` (the paper's recipe, :mod:`semivisible.paper`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from semivisible.cli._common import (
    AlphaD,
    ChannelsOpt,
    ExperimentOpt,
    G2Bands,
    JsonFlag,
    OutDir,
    _channels,
    _emit_json,
    _eps_option,
    _g2_bands,
    _out,
    _progress_bar,
    _user_errors,
    app,
)
from semivisible.cosmo.g2 import DEFAULT_REFERENCE
from semivisible.experiments import DEFAULT_EXPERIMENT
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING
from semivisible.scan import DEFAULT_SPLITTING_NODES, VOLUME

__all__ = ["reproduce_cmd", "scan_cmd"]

Workers = Annotated[
    int | None,
    typer.Option(
        "--workers", help="Local processes (or Dask workers) [default: every available core].", show_default=False
    ),
]
ExecutorOpt = Annotated[
    str | None,
    typer.Option(
        "--executor", help="serial, processes or dask [default: processes with more than 1 worker].", show_default=False
    ),
]


@app.command("scan")
def scan_cmd(
    out: OutDir,
    plane: Annotated[
        str,
        typer.Option(
            "--plane",
            help="X-Y with X in ma, mchi1 and Y in eps, alpha_d, splitting; or ma-eps-alpha_d-splitting for a 4-D "
            "scan (x = ma, y = eps, with --alpha-d-range/--n-alpha-d and --splitting-range/--n-splitting).",
        ),
    ] = "ma-eps",
    experiment: ExperimentOpt = DEFAULT_EXPERIMENT,
    eps: Annotated[
        str, typer.Option("--eps", help="Fixed eps when it is not an axis: a number, or g2 (central g-2 value).")
    ] = "g2",
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Annotated[float, typer.Option("--ratio", help="m_A'/m_chi1.")] = BENCHMARK_RATIO,
    splitting: Annotated[float, typer.Option("--splitting", help="Delta/m_chi1.")] = BENCHMARK_SPLITTING,
    reference: Annotated[str, typer.Option("--reference", help="g-2 reference for eps = g2.")] = DEFAULT_REFERENCE,
    n_x: Annotated[int, typer.Option("--n-x", "--n-ma", help="Points on the x axis.")] = 40,
    n_y: Annotated[int, typer.Option("--n-y", "--n-eps", help="Points on the y axis.")] = 200,
    x_range: Annotated[tuple[float, float] | None, typer.Option("--x-range", help="x axis LOW HIGH.")] = None,
    y_range: Annotated[tuple[float, float] | None, typer.Option("--y-range", help="y axis LOW HIGH.")] = None,
    alpha_d_range: Annotated[
        tuple[float, float] | None, typer.Option("--alpha-d-range", help="4-D scan: alpha_D LOW HIGH.")
    ] = None,
    n_alpha_d: Annotated[int, typer.Option("--n-alpha-d", help="4-D scan: alpha_D values.")] = 10,
    splitting_range: Annotated[
        tuple[float, float] | None, typer.Option("--splitting-range", help="4-D scan: Delta/m_chi1 LOW HIGH.")
    ] = None,
    n_splitting: Annotated[int, typer.Option("--n-splitting", help="4-D scan: Delta/m_chi1 values.")] = 10,
    executor: ExecutorOpt = None,
    workers: Workers = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address tcp://host:port (implies dask).")
    ] = None,
    checkpoint: Annotated[
        Path | None, typer.Option("--checkpoint", help="Directory keeping finished columns; rerun to resume.")
    ] = None,
    max_events: Annotated[
        int | None, typer.Option("--max-events", help="Thin the MC tables to this many A' (faster, noisier).")
    ] = None,
    no_systematics: Annotated[bool, typer.Option("--no-systematics", help="CLs without uncertainties.")] = False,
    mass_nodes: Annotated[
        int | None, typer.Option("--mass-nodes", help="Interpolate between tables on this many m_A' nodes (fast).")
    ] = None,
    splitting_nodes: Annotated[
        int, typer.Option("--splitting-nodes", help="Splitting nodes (with --mass-nodes).")
    ] = DEFAULT_SPLITTING_NODES,
    hepdata: Annotated[bool, typer.Option("--hepdata/--no-hepdata", help="Also write a HEPData submission.")] = False,
    g2_band: G2Bands = None,
    channels: ChannelsOpt = None,
    overlay: Annotated[
        str | None,
        typer.Option(
            "--overlay",
            help="Other experiments' bounds to draw at the plane's parameters, comma-separated: babar, e137, nucal, "
            "charm (or the path of a beam-dump or collider file).",
        ),
    ] = None,
    relic: Annotated[bool, typer.Option("--relic/--no-relic", help="Draw the thermal-relic line.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Scan a parameter plane: yields, CLs, observed and expected contours; CSV, JSON, PNG, PDF and HEPData; with
    --overlay other experiments' bounds and with --relic the thermal-relic line, at the plane's parameters."""
    from semivisible.errors import ParameterError
    from semivisible.io.paths import check_writable_dir
    from semivisible.plot import write_plane
    from semivisible.scan.curves import relic_on_plane
    from semivisible.scan.overlays import beam_dump_overlay
    from semivisible.scan.plane import default_axis, parse_plane, scan_plane
    from semivisible.search import Search

    with _user_errors():
        check_writable_dir("out", out)
        if checkpoint is not None:
            check_writable_dir("checkpoint", checkpoint)
        bands = _g2_bands(g2_band)
        if plane == VOLUME:
            unused = [flag for flag, given in (("--overlay", overlay), ("--relic", relic), ("--hepdata", hepdata),
                                               ("--checkpoint", checkpoint is not None)) if given]  # fmt: skip
            if unused:
                raise ParameterError("plane", plane, f"a plane X-Y for {', '.join(unused)} (the 4-D scan has none)")
            volume = {"ma": (n_x, x_range), "eps": (n_y, y_range), "alpha_d": (n_alpha_d, alpha_d_range),
                      "splitting": (n_splitting, splitting_range)}  # fmt: skip
            options = {"executor": executor, "workers": workers, "scheduler": scheduler, "max_events": max_events,
                       "mass_nodes": mass_nodes, "splitting_nodes": splitting_nodes}  # fmt: skip
            _scan_volume(out, experiment, channels, volume, ratio, no_systematics, options, json_out)
            return
        x_name, y_name = parse_plane(plane)
        x = default_axis(x_name, n_x, ratio=ratio, bounds=x_range)
        y = default_axis(y_name, n_y, ratio=ratio, bounds=y_range)
        search = Search.load(experiment, channels=_channels(channels))
        others = [Search.load(name.strip()) for name in overlay.split(",") if name.strip()] if overlay else []
        for other in others:
            if other.kind not in ("beam-dump", "collider"):
                raise ParameterError("overlay", other.name, "beam-dump or collider experiments (babar, e137, ...)")
        with _progress_bar(n_x, "scan") as bar:
            task = bar.add_task("scan", total=n_x)
            result = scan_plane(
                x_name,
                x,
                y_name,
                y,
                search,
                eps=_eps_option(eps),
                alpha_d=alpha_d,
                ratio=ratio,
                splitting=splitting,
                reference=reference,
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                checkpoint=checkpoint,
                max_events=max_events,
                no_systematics=no_systematics,
                mass_nodes=mass_nodes,
                splitting_nodes=splitting_nodes,
                progress=lambda i, n: bar.update(task, completed=i),
            )
        eps_fixed = _eps_option(eps)
        drawn = [
            beam_dump_overlay(x_name, x, y_name, y, other, eps=eps_fixed, alpha_d=alpha_d, ratio=ratio,
                              splitting=splitting, reference=reference)
            for other in others
        ]  # fmt: skip
        relic_line = (
            relic_on_plane(
                x_name,
                x,
                y_name,
                y,
                eps=eps_fixed,
                alpha_d=alpha_d,
                ratio=ratio,
                splitting=splitting,
                reference=reference,
            )
            if relic
            else None
        )
        files = write_plane(result, out, plane, hepdata=hepdata, g2_references=bands, overlays=drawn, relic=relic_line)
    names = [str(p) for p in files]
    if json_out:
        _emit_json({"plane": plane, "excluded_points": int(result.excluded.sum()), "files": names})
    else:
        _out().print(f"wrote {', '.join(names)}", highlight=False)


def _scan_volume(
    out: Path,
    experiment: str,
    channels: str | None,
    axes: dict[str, tuple[int, tuple[float, float] | None]],
    ratio: float,
    no_systematics: bool,
    options: dict[str, Any],
    json_out: bool,
) -> None:
    """The 4-D branch of ``scan``: volume.csv, volume.json and volume.npz in ``out`` (inside _user_errors)."""
    from semivisible.scan.plane import default_axis
    from semivisible.scan.volume import scan_volume
    from semivisible.search import Search

    values = {name: default_axis(name, n, ratio=ratio, bounds=bounds) for name, (n, bounds) in axes.items()}
    search = Search.load(experiment, channels=_channels(channels))
    if options["max_events"] is None:
        options.pop("max_events")
    with _progress_bar(1, "4-D scan") as bar:
        task = bar.add_task("node tables", total=1)
        result = scan_volume(
            search, ma=values["ma"], eps=values["eps"], alpha_d=values["alpha_d"], splitting=values["splitting"],
            ratio=ratio, no_systematics=no_systematics, progress=lambda i, n: bar.update(task, completed=i, total=n),
            **options,
        )  # fmt: skip
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / "volume.csv", folder / "volume.json", folder / "volume.npz"]
    result.to_csv(files[0])
    result.to_json(files[1])
    result.to_npz(files[2])
    names = [str(p) for p in files]
    if json_out:
        _emit_json({"plane": VOLUME, "points": int(result.cls.size), "excluded_points": int(result.excluded.sum()),
                    "files": names})  # fmt: skip
    else:
        _out().print(f"{result.cls.size} points, {int(result.excluded.sum())} excluded; wrote {', '.join(names)}")


@app.command("reproduce")
def reproduce_cmd(
    out: OutDir = Path("semivisible-output"),
    n_x: Annotated[int, typer.Option("--n-x", "--n-ma", help="Points on the x axis of every plane.")] = 150,
    n_y: Annotated[int, typer.Option("--n-y", "--n-eps", help="Points on the y axis of every plane.")] = 150,
    mass_nodes: Annotated[int, typer.Option("--mass-nodes", help="m_A' nodes with signal tables.")] = 25,
    splitting_nodes: Annotated[
        int, typer.Option("--splitting-nodes", help="Splitting nodes (Fig. 5 bottom).")
    ] = DEFAULT_SPLITTING_NODES,
    fig5_bottom_mass_nodes: Annotated[
        int, typer.Option("--fig5-bottom-mass-nodes", help="m_A' nodes of Fig. 5 bottom (each x splitting nodes).")
    ] = 16,
    executor: ExecutorOpt = None,
    workers: Workers = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address tcp://host:port (implies dask).")
    ] = None,
    hepdata: Annotated[bool, typer.Option("--hepdata/--no-hepdata", help="Also write HEPData submissions.")] = False,
    g2_band: G2Bands = None,
    channels: ChannelsOpt = None,
) -> None:
    """The paper's Figs. 4, 5 top and 5 bottom (with the 5e12 EOT compact-HCAL1 projection), their data, and
    summary.json, from the embedded NA64 2016-2018 default (arXiv:2107.02021)."""
    from semivisible import paper

    tasks: dict[str, Any] = {}
    from semivisible.io.paths import check_writable_dir

    with _user_errors(), _progress_bar(5, "reproduce") as bar:
        check_writable_dir("out", out)
        bands = _g2_bands(g2_band)

        def told(label: str, done: int, total: int) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done)

        summary = paper.reproduce(
            out,
            hepdata=hepdata,
            g2_bands=bands,
            n_x=n_x,
            n_y=n_y,
            mass_nodes=mass_nodes,
            splitting_nodes=splitting_nodes,
            fig5_bottom_mass_nodes=fig5_bottom_mass_nodes,
            executor=executor,
            workers=workers,
            scheduler=scheduler,
            channels=_channels(channels),
            progress=told,
        )
    _out().print(
        f"g-2 band ({DEFAULT_REFERENCE}, 2 sigma) excluded up to m_A' = "
        f"{summary['headline_g2_excluded_up_to_GeV']:.3f} GeV (paper: {paper.PAPER_HEADLINE_GEV} GeV); wrote {out}/",
        highlight=False,
    )
