"""Typer application: one function per command, thin wrappers over the Python API."""

from __future__ import annotations

import json
import math
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from semivisible._version import __version__
from semivisible.cosmo.g2 import DEFAULT_REFERENCE, g2_band, g2_references
from semivisible.errors import ParameterError
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, BENCHMARK_RATIO, BENCHMARK_SPLITTING, DarkSector

__all__ = ["app", "main"]

app = typer.Typer(
    name="semivisible",
    help="NA64 semi-visible dark photons (A' -> chi1 chi2, chi2 -> chi1 e+ e-), arXiv:2107.02021. "
    "Units: GeV, metres, seconds.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

_err = Console(stderr=True)


def _out() -> Console:
    return Console(file=sys.stdout)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"semivisible {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """NA64 semi-visible dark photons from first principles."""


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn ParameterError into a one-line message and exit code 2; show warnings as one line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except ParameterError as err:
            _err.print(f"[bold red]error:[/] {err}", highlight=False)
            raise typer.Exit(code=2) from None
        finally:
            for w in caught:
                _err.print(f"[yellow]warning:[/] {w.message}", highlight=False)


def _emit_json(obj: dict[str, Any]) -> None:
    typer.echo(json.dumps(obj, indent=2, allow_nan=False))


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "inf" if math.isinf(value) else f"{value:.6g}"
    return str(value)


def _table(title: str, rows: list[tuple[str, Any, str]]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    table.add_column("unit")
    for name, value, unit in rows:
        table.add_row(name, _fmt(value), unit)
    return table


# --- shared options ----------------------------------------------------------------------------------
Ma = Annotated[float, typer.Option("--ma", help="Dark-photon mass m_A' [GeV].")]
Eps = Annotated[float, typer.Option("--eps", help="Kinetic mixing epsilon.")]
AlphaD = Annotated[float, typer.Option("--alpha-d", help="Dark coupling alpha_D = g_D^2/(4 pi).")]
Ratio = Annotated[
    float | None, typer.Option("--ratio", help=f"m_A'/m_chi1 [default {BENCHMARK_RATIO:g}].", show_default=False)
]
Splitting = Annotated[
    float | None,
    typer.Option("--splitting", help=f"Delta/m_chi1 [default {BENCHMARK_SPLITTING:g}].", show_default=False),
]
Mchi1 = Annotated[float | None, typer.Option("--mchi1", help="m_chi1 [GeV]; with --delta, instead of the ratios.")]
Delta = Annotated[float | None, typer.Option("--delta", help="Delta = m_chi2 - m_chi1 [GeV]; with --mchi1.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


@app.command("model")
def model_cmd(
    ma: Ma,
    eps: Eps,
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Ratio = None,
    splitting: Splitting = None,
    mchi1: Mchi1 = None,
    delta: Delta = None,
    json_out: JsonFlag = False,
) -> None:
    """Widths, branching ratios, the chi2 lifetime and the K factor at one model point."""
    with _user_errors():
        point = DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta)
        info = point.summary()
    if json_out:
        _emit_json(info)
        return
    rows: list[tuple[str, Any, str]] = [
        ("m_A'", info["ma_GeV"], "GeV"),
        ("eps", info["eps"], ""),
        ("alpha_D", info["alpha_d"], ""),
        ("m_chi1", info["mchi1_GeV"], "GeV"),
        ("m_chi2", info["mchi2_GeV"], "GeV"),
        ("Delta", info["delta_GeV"], "GeV"),
        ("Delta/m_chi1", info["splitting"], ""),
        ("y = eps^2 alpha_D (m_chi1/m_A')^4", info["y"], ""),
        ("Gamma(A')", info["gamma_aprime_GeV"], "GeV"),
    ]
    rows += [(f"BR(A' -> {k})", v, "") for k, v in info["branching_ratios"].items()]
    rows += [
        ("Gamma(chi2 -> chi1 e+e-) exact", info["gamma_chi2_ee_GeV"], "GeV"),
        ("Gamma(chi2 -> chi1 mu+mu-) exact", info["gamma_chi2_mumu_GeV"], "GeV"),
        ("Gamma(chi2) approx, Eq. 2 with K = 1", info["gamma_chi2_approx_GeV"], "GeV"),
        ("K = exact/approx (paper: 0.640 +- 0.004)", info["k_factor"], ""),
        ("c tau(chi2)", math.inf if info["ctau_chi2_m"] is None else info["ctau_chi2_m"], "m"),
        ("chi2 stable (Delta <= 2 m_e)", info["chi2_stable"], ""),
        ("Delta a_mu", info["delta_a_mu"], ""),
    ]
    console = _out()
    console.print(_table("semivisible model", rows))
    if "note" in info:
        console.print(f"[yellow]note:[/] {info['note']}", highlight=False)


@app.command("g2")
def g2_cmd(
    ma: Ma,
    reference: Annotated[
        str,
        typer.Option(
            "--reference",
            help="Named Delta a_mu reference: " + ", ".join(sorted(g2_references())) + ".",
        ),
    ] = DEFAULT_REFERENCE,
    delta_a_mu: Annotated[
        float | None, typer.Option("--delta-a-mu", help="Your own Delta a_mu (absolute, e.g. 2.51e-9).")
    ] = None,
    delta_a_mu_error: Annotated[
        float | None, typer.Option("--delta-a-mu-error", help="Its 1-sigma error (with --delta-a-mu).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """The eps that explains the muon g-2 anomaly at m_A', with its 1 and 2 sigma band."""
    with _user_errors():
        band = g2_band(ma, reference, delta_a_mu, delta_a_mu_error)
    info = band.to_dict()
    if json_out:
        _emit_json(info)
        return
    ref = band.reference
    rows: list[tuple[str, Any, str]] = [
        ("m_A'", info["ma_GeV"], "GeV"),
        ("reference", f"{ref.name} ({ref.label})", ""),
        ("Delta a_mu", f"({ref.delta_a_mu * 1e11:.4g} +- {ref.sigma * 1e11:.4g})e-11", ""),
        ("eps central", info["eps_central"], ""),
        ("eps 1 sigma", f"[{_fmt(info['eps_1sigma_lo'])}, {_fmt(info['eps_1sigma_hi'])}]", ""),
        ("eps 2 sigma", f"[{_fmt(info['eps_2sigma_lo'])}, {_fmt(info['eps_2sigma_hi'])}]", ""),
    ]
    console = _out()
    console.print(_table("semivisible g2", rows))
    if ref.source:
        console.print(f"[dim]source: {ref.source}[/]", highlight=False)


Experiment = Annotated[
    str, typer.Option("--experiment", help="Shipped experiment name or path to your own experiment TOML.")
]
MethodOpt = Annotated[
    str | None, typer.Option("--method", help="Cross section: etl (default), iww or ww.", show_default=False)
]


@app.command("xsec")
def xsec_cmd(
    ma: Ma,
    energy: Annotated[float, typer.Option("--energy", help="Lepton energy E0 [GeV].")],
    target: Annotated[str, typer.Option("--target", help="Target element (materials.toml).")] = "Pb",
    method: Annotated[str, typer.Option("--method", help="etl, iww or ww.")] = "etl",
    eps: Annotated[float, typer.Option("--eps", help="Kinetic mixing epsilon.")] = 1.0,
    x_min: Annotated[float, typer.Option("--x-min", help="Lower cut on x = E_A'/E0.")] = 0.0,
    json_out: JsonFlag = False,
) -> None:
    """Dark-bremsstrahlung cross section per atom, e- N -> e- N A'."""
    from semivisible.production.xsec import sigma_iww_analytic, sigma_total

    with _user_errors():
        sigma = float(sigma_total(ma, energy, eps, target, method, x_min))
        iww = float(sigma_iww_analytic(ma, energy, eps, target))
    info = {
        "sigma_pb": sigma,
        "method": method,
        "ma_GeV": ma,
        "energy_GeV": energy,
        "target": target,
        "eps": eps,
        "x_min": x_min,
        "sigma_iww_dmg4_pb": iww,
        "k_iww_over_method": iww / sigma if sigma > 0 else None,
    }
    if json_out:
        _emit_json(info)
        return
    rows: list[tuple[str, Any, str]] = [
        (f"sigma ({method})", sigma, "pb"),
        ("sigma IWW (DMG4 analytic)", iww, "pb"),
        ("K = IWW/method", info["k_iww_over_method"], ""),
    ]
    _out().print(_table(f"semivisible xsec  m_A' = {ma:g} GeV, E0 = {energy:g} GeV, {target}", rows))


def _progress_bar(total: int, label: str) -> Any:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn(label),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
        disable=not _err.is_terminal,
    )
    return progress


@app.command("production")
def production_cmd(
    ma: Ma,
    experiment: Experiment = "na64-2016-2018",
    method: MethodOpt = None,
    n_primaries: Annotated[
        int | None, typer.Option("--n-primaries", help="Primary electrons in the shower MC.", show_default=False)
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """A' yield per electron on target and per eps^2 in the experiment's thick target (shower MC)."""
    from semivisible.experiments import load_experiment
    from semivisible.signal.invisible import production_table_for

    with _user_errors():
        exp = load_experiment(experiment)
        with _progress_bar(1, "production table") as bar:
            task = bar.add_task("build", total=1)
            table = production_table_for(ma, exp, method=method, n_primaries=n_primaries)
            bar.advance(task)
    info: dict[str, Any] = {
        "ma_GeV": ma,
        "experiment": exp.name,
        "method": table.meta["inputs"]["method"],
        "min_aprime_energy_GeV": exp.min_aprime_energy_gev,
        "yield_per_eot_per_eps2": table.yield_per_eot_per_eps2(),
        "yield_mc_error": table.mc_error(),
        "n_weighted_aprime": int(table.weight.size),
        "n_primaries": table.n_primaries,
        "x_spectrum": table.x_summary(),
    }
    if json_out:
        _emit_json(info)
        return
    rows: list[tuple[str, Any, str]] = [
        ("yield per EOT per eps^2", info["yield_per_eot_per_eps2"], ""),
        ("MC error", info["yield_mc_error"], ""),
        ("weighted A' / primaries", f"{info['n_weighted_aprime']} / {info['n_primaries']}", ""),
    ]
    rows += [(k, v, "") for k, v in info["x_spectrum"].items()]
    _out().print(_table(f"semivisible production  m_A' = {ma:g} GeV, {exp.name}", rows))


@app.command("limit")
def limit_cmd(
    mode: Annotated[str, typer.Option("--mode", help="Signal mode: invisible.")] = "invisible",
    experiment: Experiment = "na64-2016-2018",
    ma_min: Annotated[float, typer.Option("--ma-min", help="Lowest m_A' [GeV].")] = 0.001,
    ma_max: Annotated[float, typer.Option("--ma-max", help="Highest m_A' [GeV].")] = 1.0,
    n_masses: Annotated[int, typer.Option("--n-masses", help="Masses, log-spaced.")] = 25,
    method: MethodOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """90% CL CLs limit on eps against m_A' (the invisible mode for now)."""
    import numpy as np

    from semivisible.experiments import load_experiment
    from semivisible.signal.invisible import invisible_limit

    with _user_errors():
        if mode != "invisible":
            raise ParameterError("mode", mode, "invisible (the semi-visible modes come with the signal chain)")
        if not 0 < ma_min < ma_max:
            raise ParameterError("ma_max", ma_max, f"ma_max > ma_min = {ma_min:g} > 0")
        if n_masses < 2:
            raise ParameterError("n_masses", n_masses, "n_masses >= 2")
        exp = load_experiment(experiment)
        masses = np.geomspace(ma_min, ma_max, n_masses)
        with _progress_bar(n_masses, "masses") as bar:
            task = bar.add_task("limit", total=n_masses)
            result = invisible_limit(masses, exp, method=method, progress=lambda i, n: bar.update(task, completed=i))
    if json_out:
        typer.echo(json.dumps(result.to_records(), indent=2, allow_nan=False))
        return
    table = Table(title=f"semivisible limit --mode invisible  {exp.name} (N_up = {result.n_up:.3f})")
    for col in ("m_A' [GeV]", "eps_90", "MC error", "yield/EOT/eps^2", "efficiency"):
        table.add_column(col, justify="right")
    for rec in result.to_records():
        table.add_row(
            *(f"{rec[k]:.4g}" for k in ("ma_GeV", "eps", "eps_mc_error", "yield_per_eot_per_eps2", "efficiency"))
        )
    _out().print(table)


@app.command("yields")
def yields_cmd(
    ma: Ma,
    eps: Eps,
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Ratio = None,
    splitting: Splitting = None,
    mchi1: Mchi1 = None,
    delta: Delta = None,
    experiment: Experiment = "na64-2016-2018",
    json_out: JsonFlag = False,
) -> None:
    """Expected S1 and S2 events of the semi-visible signal at one model point (reweighted MC)."""
    from semivisible.experiments import load_experiment
    from semivisible.signal.semivisible import build_signal_table, signal_yields

    with _user_errors():
        point = DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta)
        exp = load_experiment(experiment)
        with _progress_bar(1, "signal table") as bar:
            task = bar.add_task("build", total=1)
            table = build_signal_table(point, exp)
            bar.advance(task)
        result = signal_yields(table, point.eps, point.alpha_d, exp)
    lam = 1.0 / float(result.ctau_chi2_m)
    info: dict[str, Any] = {
        "ma_GeV": point.ma,
        "eps": point.eps,
        "alpha_d": point.alpha_d,
        "mchi1_GeV": point.mchi1,
        "mchi2_GeV": point.mchi2,
        "experiment": exp.name,
        "s1": float(result.s1),
        "s2": float(result.s2),
        "s1_mc_error": float(result.s1_mc_error),
        "s2_mc_error": float(result.s2_mc_error),
        "r_cut_efficiency": table.r_cut_efficiency,
        "r_cut_efficiency_model": table.r_cut_efficiency_model,
        "ctau_chi2_m": float(result.ctau_chi2_m),
        "decay_fractions": table.decay_fractions(lam),
    }
    if json_out:
        _emit_json(info)
        return
    rows: list[tuple[str, Any, str]] = [
        ("S1 events", info["s1"], f"+- {info['s1_mc_error']:.2g} (MC)"),
        ("S2 events", info["s2"], f"+- {info['s2_mc_error']:.2g} (MC)"),
        ("R-cut efficiency (applied)", info["r_cut_efficiency"], ""),
        ("R-cut efficiency (our shower model)", info["r_cut_efficiency_model"], ""),
        ("c tau(chi2)", info["ctau_chi2_m"], "m"),
    ]
    rows += [(f"decays: {k}", v, "") for k, v in info["decay_fractions"].items()]
    _out().print(_table(f"semivisible yields  m_A' = {ma:g} GeV, eps = {eps:g}, {exp.name}", rows))


@app.command("relic")
def relic_cmd(
    ma: Ma,
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Ratio = None,
    splitting: Splitting = None,
    mchi1: Mchi1 = None,
    delta: Delta = None,
    dm_type: Annotated[
        str,
        typer.Option(
            "--dm-type",
            help="pseudo-dirac (the iDM pair), or the elastic p-wave targets majorana or scalar (no splitting).",
        ),
    ] = "pseudo-dirac",
    json_out: JsonFlag = False,
) -> None:
    """The eps at which chi1 is all of the dark matter (Omega h^2 = 0.120), from our Boltzmann solver."""
    from semivisible.cli.relic import relic_info, relic_rows

    with _user_errors():
        info = relic_info(ma, alpha_d, ratio, splitting, mchi1, delta, dm_type)
    if json_out:
        _emit_json(info)
        return
    _out().print(_table(f"semivisible relic  m_A' = {ma:g} GeV", relic_rows(info)))
    _out().print(f"[dim]note: {info['note']}[/]", highlight=False)


@app.command("upper-limit")
def upper_limit_cmd(
    experiment: Experiment = "na64-2016-2018",
    s1_fraction: Annotated[float, typer.Option("--s1-fraction", help="Fraction of the signal in S1.")] = 0.5,
    no_systematics: Annotated[
        bool, typer.Option("--no-systematics", help="Fix the background and signal nuisances.")
    ] = False,
    cl: Annotated[float, typer.Option("--cl", help="Confidence level.")] = 0.9,
    json_out: JsonFlag = False,
) -> None:
    """Observed and expected CLs upper limits on the signal events (multibin S1/S2, exact, profile likelihood)."""
    from semivisible.cli.upper_limit import upper_limit_info

    with _user_errors():
        info = upper_limit_info(experiment, s1_fraction, no_systematics, cl)
    if json_out:
        _emit_json(info)
        return
    rows: list[tuple[str, Any, str]] = [
        ("s_up observed", info["s_up_obs"], "events"),
        ("s_up expected (median)", info["s_up_exp"], "events"),
        ("expected 1 sigma", f"[{_fmt(info['s_up_exp_1sigma'][0])}, {_fmt(info['s_up_exp_1sigma'][1])}]", "events"),
        ("expected 2 sigma", f"[{_fmt(info['s_up_exp_2sigma'][0])}, {_fmt(info['s_up_exp_2sigma'][1])}]", "events"),
    ]
    _out().print(_table(f"semivisible upper-limit  {experiment}, S1 fraction {s1_fraction:g}, CL {cl:g}", rows))


OutDir = Annotated[Path, typer.Option("--out", help="Output directory (created if needed).")]


_DEFAULT_RANGES: dict[str, tuple[float, float]] = {
    "ma": (0.01, 1.0),
    "eps": (1e-5, 3e-2),
    "alpha_d": (1e-3, 1.0),
}


def _axis(name: str, bounds: tuple[float, float] | None, n: int, ratio: float) -> Any:
    """Grid of one scan axis: log-spaced, except the splitting (linear). Defaults as in the paper's figures."""
    import numpy as np

    if bounds is None:
        if name == "mchi1":
            lo, hi = _DEFAULT_RANGES["ma"][0] / ratio, _DEFAULT_RANGES["ma"][1] / ratio
        elif name == "splitting":
            lo, hi = 0.02, 0.98 * (ratio - 2.0)
        else:
            lo, hi = _DEFAULT_RANGES[name]
    else:
        lo, hi = bounds
    if not (0.0 < lo < hi and math.isfinite(hi)):
        raise ParameterError(f"{name} range", (lo, hi), "0 < low < high")
    return np.linspace(lo, hi, n) if name == "splitting" else np.geomspace(lo, hi, n)


def _run_scan(label: str, plane: str, n_x: int, n_y: int, **kw: Any) -> Any:
    """One plane with a rich progress bar (columns done)."""
    from semivisible.scan.plane import X_AXES, Y_AXES, scan_plane

    x_name, _, y_name = plane.partition("-")
    if x_name not in X_AXES or y_name not in Y_AXES:
        allowed = ", ".join(f"{x}-{y}" for x in X_AXES for y in Y_AXES)
        raise ParameterError("plane", plane, f"one of {allowed}")
    if n_x < 2 or n_y < 2:
        raise ParameterError("n_x", min(n_x, n_y), "n_x >= 2 and n_y >= 2")
    ratio = float(kw.get("ratio", BENCHMARK_RATIO))
    x = _axis(x_name, kw.pop("x_range", None), n_x, ratio)
    y = _axis(y_name, kw.pop("y_range", None), n_y, ratio)
    with _progress_bar(n_x, label) as bar:
        task = bar.add_task(label, total=n_x)
        return scan_plane(x_name, x, y_name, y, progress=lambda i, n: bar.update(task, completed=i), **kw)


def _eps_option(eps: str) -> float | str:
    """--eps: a number, or 'g2' for the central g-2 value at each m_A'."""
    if eps == "g2":
        return eps
    try:
        value = float(eps)
    except ValueError:
        raise ParameterError("eps", eps, "a number > 0, or 'g2' (the central g-2 value at each m_A')") from None
    if not (value > 0 and math.isfinite(value)):
        raise ParameterError("eps", eps, "a number > 0, or 'g2' (the central g-2 value at each m_A')")
    return value


G2Bands = Annotated[
    list[str] | None,
    typer.Option(
        "--g2-band",
        help="g-2 reference drawn as a 2 sigma band on eps planes (repeatable; default wp2020-world2021 and "
        "wp2020-bnl, as in the paper).",
    ),
]


def _g2_bands(names: list[str] | None) -> tuple[str, ...]:
    """The --g2-band names, checked against the shipped references."""
    known = g2_references()
    chosen = tuple(names) if names else ("wp2020-world2021", "wp2020-bnl")
    for name in chosen:
        if name not in known:
            raise ParameterError("g2_band", name, "one of " + ", ".join(known))
    return chosen


def _write_plane(result: Any, out: Path, stem: str, *, hepdata: bool, **plot_kw: Any) -> list[Path]:
    """CSV, JSON, PNG, PDF (and a HEPData directory) of one scanned plane."""
    from semivisible.plot import plot_plane

    out.mkdir(parents=True, exist_ok=True)
    result.to_csv(out / f"{stem}.csv")
    result.to_json(out / f"{stem}.json")
    files = [out / f"{stem}.csv", out / f"{stem}.json", *plot_plane(result, out / stem, **plot_kw)]
    if hepdata:
        result.to_hepdata(out / f"{stem}-hepdata")
        files.append(out / f"{stem}-hepdata")
    return files


@app.command("scan")
def scan_cmd(
    out: OutDir,
    plane: Annotated[
        str, typer.Option("--plane", help="X-Y with X in ma, mchi1 and Y in eps, alpha_d, splitting.")
    ] = "ma-eps",
    experiment: Experiment = "na64-2016-2018",
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
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "processes",
    workers: Annotated[int, typer.Option("--workers", help="Local processes (or Dask workers).")] = 2,
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
    splitting_nodes: Annotated[int, typer.Option("--splitting-nodes", help="Splitting nodes (with --mass-nodes).")] = 8,
    hepdata: Annotated[bool, typer.Option("--hepdata/--no-hepdata", help="Also write a HEPData submission.")] = True,
    g2_band: G2Bands = None,
    json_out: JsonFlag = False,
) -> None:
    """Scan a parameter plane: yields, CLs, observed and expected contours; CSV, JSON, PNG, PDF and HEPData."""
    with _user_errors():
        bands = _g2_bands(g2_band)
        result = _run_scan(
            "scan",
            plane,
            n_x,
            n_y,
            x_range=x_range,
            y_range=y_range,
            experiment=experiment,
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
        )
        files = _write_plane(result, out, plane, hepdata=hepdata, g2_references=bands)
    names = [str(p) for p in files]
    if json_out:
        _emit_json({"plane": plane, "excluded_points": int(result.excluded.sum()), "files": names})
    else:
        _out().print(f"wrote {', '.join(names)}", highlight=False)


@app.command("point")
def point_cmd(
    ma: Ma,
    eps: Eps,
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Ratio = None,
    splitting: Splitting = None,
    mchi1: Mchi1 = None,
    delta: Delta = None,
    experiment: Experiment = "na64-2016-2018",
    no_systematics: Annotated[bool, typer.Option("--no-systematics", help="CLs without uncertainties.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Yields, CLs and whether one model point is excluded at 90% CL."""
    from semivisible.scan.plane import evaluate_point

    with _user_errors():
        point = DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta)
        info: dict[str, Any] = {
            "ma_GeV": point.ma,
            "eps": point.eps,
            "alpha_d": point.alpha_d,
            "mchi1_GeV": point.mchi1,
            "mchi2_GeV": point.mchi2,
            **evaluate_point(point, experiment, no_systematics=no_systematics),
        }
    if json_out:
        _emit_json(info)
        return
    rows: list[tuple[str, Any, str]] = [
        ("S1 events", info["s1"], ""),
        ("S2 events", info["s2"], ""),
        ("CLs", info["cls"], ""),
        ("excluded at 90% CL", info["excluded"], ""),
        ("observed limit", info["s_up_obs"], "events"),
        ("expected limit (median)", info["s_up_exp"], "events"),
    ]
    _out().print(_table(f"semivisible point  m_A' = {ma:g} GeV, eps = {eps:g}, {info['experiment']}", rows))


def _edge_along_x(result: Any, at_y: float) -> float | None:
    """The largest x excluded on the row nearest ``at_y`` (None if nothing there is excluded)."""
    import numpy as np

    j = int(np.argmin(np.abs(np.log(result.y / at_y))))
    excluded = np.nonzero(result.excluded[:, j])[0]
    return float(result.x[excluded.max()]) if excluded.size else None


@app.command("reproduce")
def reproduce_cmd(
    out: OutDir = Path("semivisible-output"),
    n_x: Annotated[int, typer.Option("--n-x", "--n-ma", help="Points on the x axis of every plane.")] = 150,
    n_y: Annotated[int, typer.Option("--n-y", "--n-eps", help="Points on the y axis of every plane.")] = 150,
    mass_nodes: Annotated[int, typer.Option("--mass-nodes", help="m_A' nodes with signal tables.")] = 25,
    splitting_nodes: Annotated[int, typer.Option("--splitting-nodes", help="Splitting nodes (Fig. 5 bottom).")] = 8,
    fig5_bottom_mass_nodes: Annotated[
        int, typer.Option("--fig5-bottom-mass-nodes", help="m_A' nodes of Fig. 5 bottom (each x splitting nodes).")
    ] = 16,
    executor: Annotated[str, typer.Option("--executor", help="serial, processes or dask.")] = "processes",
    workers: Annotated[int, typer.Option("--workers", help="Local processes (or Dask workers).")] = 2,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address tcp://host:port (implies dask).")
    ] = None,
    hepdata: Annotated[bool, typer.Option("--hepdata/--no-hepdata", help="Also write HEPData submissions.")] = False,
    g2_band: G2Bands = None,
) -> None:
    """The paper's Figs. 4, 5 top and 5 bottom (with the 5e12 EOT compact-HCAL1 projection), their data, and
    summary.json, from the embedded NA64 2016-2018 default (arXiv:2107.02021)."""
    import numpy as np

    from semivisible.cosmo.relic import relic_line
    from semivisible.io.cache import atomic_write_text
    from semivisible.scan.plane import band_excluded_up_to

    nominal, compact = "na64-2016-2018", "na64-compact-hcal1"
    common: dict[str, Any] = {
        "executor": executor,
        "workers": workers,
        "scheduler": scheduler,
        "mass_nodes": mass_nodes,
        "splitting_nodes": splitting_nodes,
    }
    with _user_errors():
        bands = _g2_bands(g2_band)
        fig4 = _run_scan("Fig. 4", "ma-eps", n_x, n_y, experiment=nominal, max_events=60_000, **common)
        fig4_proj = _run_scan("Fig. 4 projection", "ma-eps", n_x, n_y, experiment=compact, max_events=60_000, **common)
        fig5t = _run_scan("Fig. 5 top", "ma-alpha_d", n_x, n_y, experiment=nominal, max_events=60_000, **common)
        bottom = {**common, "mass_nodes": fig5_bottom_mass_nodes, "max_events": 20_000}
        fig5b = _run_scan("Fig. 5 bottom", "mchi1-splitting", n_x, n_y, experiment=nominal, **bottom)
        fig5b_proj = _run_scan("Fig. 5 bottom projection", "mchi1-splitting", n_x, n_y, experiment=compact, **bottom)
        relic_ma = np.geomspace(0.01, 1.0, 100)
        relic = (relic_ma, relic_line(relic_ma, use_cache=True)[0])
        files = _write_plane(fig4, out, "fig4", hepdata=hepdata, projection=fig4_proj, relic=relic, g2_references=bands)
        fig4_proj.to_json(out / "fig4_projection.json")
        files += _write_plane(fig5t, out, "fig5_top", hepdata=hepdata)
        files += _write_plane(fig5b, out, "fig5_bottom", hepdata=hepdata, projection=fig5b_proj)
        fig5b_proj.to_json(out / "fig5_bottom_projection.json")
        summary = {
            "paper": "arXiv:2107.02021",
            "benchmark": {"alpha_d": BENCHMARK_ALPHA_D, "ratio": BENCHMARK_RATIO, "splitting": BENCHMARK_SPLITTING},
            "headline_g2_excluded_up_to_GeV": band_excluded_up_to(fig4, "wp2020-world2021"),
            "paper_headline_GeV": 0.39,
            "projection_g2_excluded_up_to_GeV": band_excluded_up_to(fig4_proj, "wp2020-world2021"),
            "fig5_top_excluded_up_to_GeV_at_alpha_d_0.1": _edge_along_x(fig5t, BENCHMARK_ALPHA_D),
            "fig5_bottom_excluded_up_to_mchi1_GeV": {
                f"{f:g}": _edge_along_x(fig5b, f) for f in (0.1, 0.2, 0.4, 0.5, 0.6, 0.8)
            },
            "fig5_bottom_projection_excluded_up_to_mchi1_GeV": {
                f"{f:g}": _edge_along_x(fig5b_proj, f) for f in (0.1, 0.2, 0.4, 0.5, 0.6, 0.8)
            },
            "grid": {
                "n_x": n_x,
                "n_y": n_y,
                "mass_nodes": mass_nodes,
                "fig5_bottom_mass_nodes": fig5_bottom_mass_nodes,
                "splitting_nodes": splitting_nodes,
            },
            "statistics": fig4.meta["statistics"],
            "files": [str(p) for p in files],
        }
        atomic_write_text(out / "summary.json", json.dumps(summary, indent=2))
    _out().print(
        f"g-2 band (wp2020-world2021, 2 sigma) excluded up to m_A' = "
        f"{summary['headline_g2_excluded_up_to_GeV']:.3f} GeV (paper: 0.39 GeV); wrote {out}/",
        highlight=False,
    )


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``semivisible`` console script."""
    app(args=argv, prog_name="semivisible")
