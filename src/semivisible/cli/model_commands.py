"""Commands on the model alone: ``model``, ``g2``, ``xsec``, ``relic``."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer

from semivisible.cli._common import (
    AlphaD,
    Delta,
    Eps,
    JsonFlag,
    Ma,
    Mchi1,
    Ratio,
    Splitting,
    _emit_json,
    _fmt,
    _out,
    _table,
    _user_errors,
    app,
)
from semivisible.cosmo.g2 import DEFAULT_REFERENCE, g2_band, g2_references
from semivisible.model.dark_sector import BENCHMARK_ALPHA_D, DarkSector

__all__ = ["g2_cmd", "model_cmd", "relic_cmd", "xsec_cmd"]


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
        console.print(f"note: {info['note']}", style="yellow")


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
        console.print(f"source: {ref.source}", style="dim")


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
    _out().print(f"note: {info['note']}", style="dim")
