"""Commands on one experiment: ``production``, ``limit``, ``yields``, ``point``, ``upper-limit``.

Each resolves the experiment once into a :class:`~semivisible.search.Search` and passes it down.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.table import Table

from semivisible.cli._common import (
    AlphaD,
    ChannelsOpt,
    Delta,
    Eps,
    ExperimentOpt,
    JsonFlag,
    Ma,
    Mchi1,
    MethodOpt,
    Ratio,
    Splitting,
    _channels,
    _emit_json,
    _fmt,
    _out,
    _progress_bar,
    _table,
    _user_errors,
    app,
)
from semivisible.errors import ParameterError
from semivisible.experiments import DEFAULT_EXPERIMENT
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, DarkSector

__all__ = ["limit_cmd", "point_cmd", "production_cmd", "upper_limit_cmd", "yields_cmd"]


@app.command("production")
def production_cmd(
    ma: Ma,
    experiment: ExperimentOpt = DEFAULT_EXPERIMENT,
    method: MethodOpt = None,
    n_primaries: Annotated[
        int | None, typer.Option("--n-primaries", help="Primary particles in the shower MC.", show_default=False)
    ] = None,
    channels: ChannelsOpt = None,
    json_out: JsonFlag = False,
) -> None:
    """A' yield per particle on target and per eps^2 in the experiment's thick target (shower MC), in total and
    for each production channel."""
    from semivisible.search import Search
    from semivisible.signal.invisible import production_table_for

    with _user_errors():
        exp = Search.load(experiment, channels=_channels(channels)).experiment
        with _progress_bar(1, "production table") as bar:
            task = bar.add_task("build", total=1)
            table = production_table_for(ma, exp, method=method, n_primaries=n_primaries, line_shape=True)
            bar.advance(task)
    info: dict[str, Any] = {
        "ma_GeV": ma,
        "experiment": exp.name,
        "method": table.meta["inputs"].get("method"),  # None for a proton beam (no bremsstrahlung cross section)
        "min_aprime_energy_GeV": exp.min_aprime_energy_gev,
        "yield_per_eot_per_eps2": table.yield_per_eot_per_eps2(),
        "yield_mc_error": table.mc_error(),
        "beam_particle": exp.beam.particle,
        "channels": list(exp.channels),
        "channel_yields_per_eot_per_eps2": table.channel_yields(),
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
        *((f"  from {name}", value, "") for name, value in info["channel_yields_per_eot_per_eps2"].items()),
        ("weighted A' / primaries", f"{info['n_weighted_aprime']} / {info['n_primaries']}", ""),
    ]
    rows += [(k, v, "") for k, v in info["x_spectrum"].items()]
    _out().print(_table(f"semivisible production  m_A' = {ma:g} GeV, {exp.name}", rows))


@app.command("limit")
def limit_cmd(
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="invisible (an active dump), or visible or semivisible (a beam dump) [default: invisible, visible "
            "for a beam dump].",
            show_default=False,
        ),
    ] = None,
    experiment: ExperimentOpt = DEFAULT_EXPERIMENT,
    ma_min: Annotated[
        float | None,
        typer.Option("--ma-min", help="Lowest m_A' [GeV] [default 0.001; 0.002 for a beam dump].", show_default=False),
    ] = None,
    ma_max: Annotated[
        float | None,
        typer.Option(
            "--ma-max",
            help="Highest m_A' [GeV] [default 1, or just below a beam dump's production cut].",
            show_default=False,
        ),
    ] = None,
    n_masses: Annotated[int, typer.Option("--n-masses", help="Masses, log-spaced.")] = 25,
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Ratio = None,
    splitting: Splitting = None,
    method: MethodOpt = None,
    channels: ChannelsOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", help="Local processes for a beam dump's band [default: every core].", show_default=False
        ),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """90% CL CLs limit on eps against m_A'. Invisible mode (active dumps): JSON rows have ma_GeV, eps and eps_low
    (equal: the limit is one-sided) and the yield of each production channel. Beam dumps exclude bands: rows
    ma_GeV, eps_low, eps_high, one per excluded interval (nulls where none); semivisible at --alpha-d, --ratio,
    --splitting."""
    import numpy as np

    from semivisible.model.dark_sector import BENCHMARK_RATIO, BENCHMARK_SPLITTING
    from semivisible.scan.bands import dump_band
    from semivisible.search import Search
    from semivisible.signal.collider import collider_limit
    from semivisible.signal.invisible import invisible_limit

    with _user_errors():
        search = Search.load(experiment, channels=_channels(channels))
        exp = search.experiment
        beam_dump = exp.kind == "beam-dump"
        collider = exp.kind == "collider"
        if ma_min is None:
            ma_min = 0.002 if beam_dump else 0.001
        if ma_max is None:
            ma_max = min(1.0, 0.999 * exp.min_aprime_energy_gev) if beam_dump else 1.0
        if not (math.isfinite(ma_min) and ma_min > 0):
            raise ParameterError("ma_min", ma_min, "ma_min > 0 (GeV), finite")
        if not (math.isfinite(ma_max) and ma_max > ma_min):
            raise ParameterError("ma_max", ma_max, f"ma_max > ma_min = {ma_min:g} GeV, finite")
        if not 2 <= n_masses <= 1000:
            raise ParameterError("n_masses", n_masses, "2 <= n_masses <= 1000")
        default_mode = "visible" if beam_dump else "semivisible" if collider else "invisible"
        mode = default_mode if mode is None else mode
        allowed = (
            ("visible", "semivisible") if beam_dump else ("invisible", "semivisible") if collider else ("invisible",)
        )
        if mode not in allowed:
            raise ParameterError("mode", mode, f"one of {', '.join(allowed)} for {exp.name} (kind {exp.kind})")
        r = BENCHMARK_RATIO if ratio is None else ratio
        f = BENCHMARK_SPLITTING if splitting is None else splitting
        masses = np.geomspace(ma_min, ma_max, n_masses)
        with _progress_bar(n_masses, "masses") as bar:
            task = bar.add_task("limit", total=n_masses)

            def told(i: int, n: int) -> None:
                bar.update(task, completed=i)

            if beam_dump:
                band = dump_band(search, mode, masses, alpha_d=alpha_d, ratio=r, splitting=f, workers=workers)
                told(n_masses, n_masses)
            elif collider:
                band = collider_limit(exp, mode, masses, alpha_d=alpha_d, ratio=r, splitting=f)
                told(n_masses, n_masses)
            else:
                result = invisible_limit(masses, exp, method=method, progress=told)
    if beam_dump or collider:
        if json_out:
            _emit_json(band.to_records())
            return
        limit_of = "recast of the published invisible limit" if collider else f"N_up = {band.n_up:.3f}"
        title = f"semivisible limit --mode {mode}  {exp.name} ({limit_of})"
        table = Table(title=title)
        for col in ("m_A' [GeV]", "eps_low", "eps_high"):
            table.add_column(col, justify="right")
        for rec in band.to_records():
            cells = ["-" if rec[k] is None else f"{rec[k]:.4g}" for k in ("eps_low", "eps_high")]
            table.add_row(f"{rec['ma_GeV']:.4g}", *cells)
        _out().print(table)
        return
    if json_out:
        _emit_json(result.to_records())
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
    experiment: ExperimentOpt = DEFAULT_EXPERIMENT,
    json_out: JsonFlag = False,
) -> None:
    """Expected S1 and S2 events of the semi-visible signal at one model point (reweighted MC)."""
    from semivisible.search import Search

    with _user_errors():
        point = DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta)
        search = Search.load(experiment)
        exp = search.experiment
        with _progress_bar(1, "signal table") as bar:
            task = bar.add_task("build", total=1)
            table = search.active_signal.table(point)
            bar.advance(task)
        result = search.active_signal.events(table, point.eps, point.alpha_d)
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


@app.command("point")
def point_cmd(
    ma: Ma,
    eps: Eps,
    alpha_d: AlphaD = BENCHMARK_ALPHA_D,
    ratio: Ratio = None,
    splitting: Splitting = None,
    mchi1: Mchi1 = None,
    delta: Delta = None,
    experiment: ExperimentOpt = DEFAULT_EXPERIMENT,
    no_systematics: Annotated[bool, typer.Option("--no-systematics", help="CLs without uncertainties.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Yields, CLs and whether one model point is excluded at 90% CL."""
    from semivisible.search import Search

    with _user_errors():
        point = DarkSector.build(ma, eps, alpha_d, ratio=ratio, splitting=splitting, mchi1=mchi1, delta=delta)
        search = Search.load(experiment)
        info: dict[str, Any] = {
            "ma_GeV": point.ma,
            "eps": point.eps,
            "alpha_d": point.alpha_d,
            "mchi1_GeV": point.mchi1,
            "mchi2_GeV": point.mchi2,
            **search.evaluate(point, no_systematics=no_systematics),
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


@app.command("upper-limit")
def upper_limit_cmd(
    experiment: ExperimentOpt = DEFAULT_EXPERIMENT,
    s1_fraction: Annotated[float, typer.Option("--s1-fraction", help="Fraction of the signal in S1.")] = 0.5,
    no_systematics: Annotated[
        bool, typer.Option("--no-systematics", help="Fix the background and signal nuisances.")
    ] = False,
    cl: Annotated[float, typer.Option("--cl", help="Confidence level.")] = 0.9,
    json_out: JsonFlag = False,
) -> None:
    """Observed and expected CLs upper limits on the signal events (multibin S1/S2, exact, profile likelihood)."""
    from semivisible.cli.upper_limit import upper_limit_info
    from semivisible.search import Search

    with _user_errors():
        info = upper_limit_info(Search.load(experiment), s1_fraction, no_systematics, cl)
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
