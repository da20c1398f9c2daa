"""NuCal's and CHARM's visible dark-photon bands, ours against Tsai, deNiverville and Liu's (arXiv:1908.07525
Fig. 3a, as DarkCast ships them: ``NuCAL_Tsai2019mtm.lmt``, ``CHARM_Tsai2019mtm.lmt``), the share of each
production channel in the signal at our lower edge, and the semi-visible bands at the paper's benchmark.

A diagnostic run takes the conventions of BdNMC, the code behind arXiv:1908.07525, instead of ours: its meson
normalisation (pi0 per POT 1.95 for NuCal and 2.4 for CHARM, against Pythia 8 Angantyr's 3.95 and 7.17 for one
p-A collision), its signal efficiency 1, A' -> e+ e- only (DarkCast's tag of the published curves), and the
factor 1/4 of its proton-bremsstrahlung splitting function (``wpp`` in src/branchingratios.cpp, marked "divide by
4?"). It shows what our residuals come from. Writes
``docs/proton_dumps_residuals.png`` and prints the residual tables (Markdown):

    python scripts/validate_proton_dumps.py --refdata ../shared/refdata --out docs/proton_dumps_residuals.png
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

import semivisible.production.mesons as mesons_module
import semivisible.production.proton as proton_module
from semivisible.experiments import Experiment, load_experiment
from semivisible.signal.beam_dump import BeamDumpSignal, DumpLimit, dump_limit

#: BdNMC's pi0 per POT (par_writer.py: NuCal 74/38 from pp -> pi0 X over sigma_pp, CHARM 2.4).
BDNMC_PI0_PER_POT = {"nucal": 74.0 / 38.0, "charm": 2.4}

REFERENCE = {"nucal": "NuCAL_Tsai2019mtm.lmt", "charm": "CHARM_Tsai2019mtm.lmt"}
MASSES = {"nucal": np.geomspace(0.0011, 0.95, 90), "charm": np.geomspace(0.0013, 0.6, 80)}
TABLE = {
    "nucal": (0.0011, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.767, 0.8),
    "charm": (0.0013, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25),
}


def _published(ref: np.ndarray, ma: np.ndarray, column: int) -> np.ndarray:
    x = np.log(ref[:, 0])
    order = np.argsort(x, kind="stable")
    return np.exp(np.interp(np.log(ma), x[order], np.log(ref[order, column]), left=np.nan, right=np.nan))


def channel_shares(name: str, lim: DumpLimit) -> dict[str, np.ndarray]:
    """The share of each channel in the visible events at our lower edge (nan where nothing is excluded)."""
    exp = load_experiment(name)
    low = lim.edge("low")
    shares: dict[str, np.ndarray] = {}
    for channel in exp.channels:
        signal = BeamDumpSignal(exp.with_channels([channel]))
        shares[channel] = np.array(
            [signal.visible(m, [e]).events[0] if np.isfinite(e) else np.nan for m, e in zip(lim.ma, low, strict=True)]
        )
    total = sum(shares.values())
    return {c: v / total for c, v in shares.items()}


def bdnmc_text(exp: Experiment) -> str:
    """The experiment file with BdNMC's efficiency 1 and, as DarkCast tags the published curves, e+ e- decays only."""
    text = Path(exp.path).read_text(encoding="utf-8")
    start = text.index("efficiency = {")
    text = text[:start] + 'efficiency = { value = 1.0, source = "BdNMC" }' + text[text.index("\n", start) :]
    start = text.index("visible_decays = ")
    return text[:start] + 'visible_decays = ["ee"]' + text[text.index("\n", start) :]


@contextlib.contextmanager
def bdnmc_conventions(name: str) -> Iterator[Experiment]:
    """The experiment with BdNMC's meson normalisation, efficiency 1 and 1/4 in proton bremsstrahlung (a
    diagnostic: the production functions are wrapped for the duration; tables must not be cached)."""
    exp = load_experiment(name)
    pythia = mesons_module.load_meson_spectrum(exp.spec.production.meson_spectra or "", "pi0").multiplicity_per_pot
    scale = BDNMC_PI0_PER_POT[name] / pythia
    meson_rows, brem_rows = mesons_module.meson_aprime_rows, proton_module.proton_brem_rows

    def mesons(*args: object, **kwargs: object) -> dict[str, np.ndarray]:
        rows = dict(meson_rows(*args, **kwargs))  # type: ignore[arg-type]
        rows["weight"] = rows["weight"] * scale
        return rows

    def brem(*args: object, **kwargs: object) -> dict[str, np.ndarray]:
        rows = dict(brem_rows(*args, **kwargs))  # type: ignore[arg-type]
        rows["weight"] = rows["weight"] / 4.0
        return rows

    text = bdnmc_text(exp)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{name}-bdnmc.toml"
        path.write_text(text, encoding="utf-8")
        mesons_module.meson_aprime_rows = mesons  # type: ignore[assignment]
        proton_module.proton_brem_rows = brem  # type: ignore[assignment]
        try:
            yield load_experiment(str(path))
        finally:
            mesons_module.meson_aprime_rows = meson_rows
            proton_module.proton_brem_rows = brem_rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refdata", type=Path, default=Path("../shared/refdata"))
    parser.add_argument("--out", type=Path, default=Path("docs/proton_dumps_residuals.png"))
    args = parser.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(3, 2, figsize=(12, 10), sharex="col", gridspec_kw={"height_ratios": [2, 1, 1]})
    for col, name in enumerate(("nucal", "charm")):
        ref = np.loadtxt(args.refdata / REFERENCE[name])
        exp = load_experiment(name)
        ma = MASSES[name]
        lim = dump_limit(exp, "visible", ma)
        semi = dump_limit(exp, "semivisible", np.geomspace(0.003, 0.9, 50), alpha_d=0.1, ratio=3.0, splitting=0.4)
        lo_pub, hi_pub = _published(ref, ma, 1), _published(ref, ma, 2)
        shares = channel_shares(name, lim)
        with bdnmc_conventions(name) as bdnmc_exp:
            bdnmc = dump_limit(bdnmc_exp, "visible", ma, use_cache=False)
        print(f"\n### {name}\n")
        print("| m_A' (GeV) | published low | ours low | ratio | published high | ours high | ratio | "
              + " | ".join(shares) + " | BdNMC conventions: low ratio | high ratio |")  # fmt: skip
        print("|---" * (9 + len(shares)) + "|")
        for m in TABLE[name]:
            i = int(np.argmin(np.abs(np.log(ma / m))))
            lo, hi = lim.edge("low")[i], lim.edge("high")[i]
            parts = " | ".join(f"{shares[c][i]:.2f}" for c in shares)
            b_lo, b_hi = bdnmc.edge("low")[i] / lo_pub[i], bdnmc.edge("high")[i] / hi_pub[i]
            print(f"| {ma[i]:.3g} | {lo_pub[i]:.3g} | {lo:.3g} | {lo / lo_pub[i]:.2f} | {hi_pub[i]:.3g} | {hi:.3g} | "
                  f"{hi / hi_pub[i]:.2f} | {parts} | {b_lo:.2f} | {b_hi:.2f} |")  # fmt: skip
        closing = max((m for m, b in zip(ma, lim.bands, strict=True) if b), default=float("nan"))
        pub_closing = float(ref[:, 0].max())
        print(f"\nclosing mass: ours {closing:.3f} GeV, published {pub_closing:.4f} GeV ({closing / pub_closing:.2f})")
        ok = np.isfinite(lo_pub) & np.isfinite(lim.edge("low"))
        r_lo = lim.edge("low")[ok] / lo_pub[ok]
        r_hi = lim.edge("high")[ok] / hi_pub[ok]
        print(f"lower edge ratio {np.nanmin(r_lo):.2f}-{np.nanmax(r_lo):.2f}; "
              f"upper edge ratio {np.nanmin(r_hi):.2f}-{np.nanmax(r_hi):.2f} over {ok.sum()} masses")  # fmt: skip
        okb = ok & np.isfinite(bdnmc.edge("low"))
        b_lo_all, b_hi_all = bdnmc.edge("low")[okb] / lo_pub[okb], bdnmc.edge("high")[okb] / hi_pub[okb]
        b_closing = max((m for m, b in zip(ma, bdnmc.bands, strict=True) if b), default=float("nan"))
        print(f"with BdNMC's conventions: lower {b_lo_all.min():.2f}-{b_lo_all.max():.2f}, upper "
              f"{b_hi_all.min():.2f}-{b_hi_all.max():.2f}, closing {b_closing:.3f} GeV")  # fmt: skip

        top, mid, bottom = axes[0, col], axes[1, col], axes[2, col]
        top.fill_between(ref[:, 0], ref[:, 1], ref[:, 2], color="0.8", label="Tsai et al. (arXiv:1908.07525)")
        top.loglog(ma, lim.edge("low"), "C0-", label="semivisible, visible A'")
        top.loglog(ma, lim.edge("high"), "C0-")
        top.loglog(ma, bdnmc.edge("low"), "C3:", label="semivisible with BdNMC's conventions (diagnostic)")
        top.loglog(ma, bdnmc.edge("high"), "C3:")
        top.loglog(semi.ma, semi.edge("low"), "C2--", label="semi-visible (alpha_D = 0.1, 3 m_chi1, Delta = 0.4)")
        top.loglog(semi.ma, semi.edge("high"), "C2--")
        top.set_ylim(1e-9, 1e-2)
        top.set_ylabel("eps")
        top.set_title(f"{exp.name}: visible band against Tsai et al.")
        top.legend(fontsize=8, loc="upper right")
        mid.semilogx(ma, lim.edge("low") / lo_pub, "C0-", label="lower edge")
        mid.semilogx(ma, lim.edge("high") / hi_pub, "C1--", label="upper edge")
        mid.semilogx(ma, bdnmc.edge("low") / lo_pub, "C3:", label="lower, BdNMC conventions")
        mid.semilogx(ma, bdnmc.edge("high") / hi_pub, "C4:", label="upper, BdNMC conventions")
        mid.axhspan(0.6, 1.4, color="0.92", label="+-40%")
        mid.axhspan(0.75, 1.25, color="0.85", label="+-25%")
        mid.axhline(1.0, color="k", lw=0.8)
        mid.set_ylim(0.3, 2.0)
        mid.set_ylabel("ours / published")
        mid.legend(fontsize=7, ncol=2)
        for k, (c, v) in enumerate(shares.items()):
            bottom.semilogx(ma, v, f"C{k}-", label=c)
        bottom.set_ylim(0, 1.05)
        bottom.set_ylabel("share at lower edge")
        bottom.set_xlabel("m_A' [GeV]")
        bottom.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
