"""E137's visible dark-photon band, ours against BEST's (arXiv:0906.0580 Fig. 1, DarkCast ``E137_Bjorken2009mm``),
with the calibrated detector face and with the physical 3 m x 3 m one; and the semi-visible band at the paper's
benchmark from the same file. Writes ``docs/e137_residuals.png`` and prints the residual table:

    python scripts/validate_e137.py --refdata ../shared/refdata --out docs/e137_residuals.png
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from semivisible.experiments import load_experiment
from semivisible.signal.beam_dump import dump_limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refdata", type=Path, default=Path("../shared/refdata"))
    parser.add_argument("--out", type=Path, default=Path("docs/e137_residuals.png"))
    args = parser.parse_args()
    ref = np.loadtxt(args.refdata / "E137_Bjorken2009mm.lmt")
    exp = load_experiment("e137")
    ma = np.geomspace(0.002, 0.5, 80)
    calibrated = dump_limit(exp, "visible", ma)
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(exp.path).read_text(encoding="utf-8")
        for axis in ("x", "y"):
            text = text.replace(f"half_width_{axis}_m = {{ value = 0.371", f"half_width_{axis}_m = {{ value = 1.5")
        physical_path = Path(tmp) / "e137-3m.toml"
        physical_path.write_text(text, encoding="utf-8")
        physical = dump_limit(load_experiment(str(physical_path)), "visible", ma)
    semi = dump_limit(exp, "semivisible", np.geomspace(0.003, 0.9, 60), alpha_d=0.1, ratio=3.0, splitting=0.4)
    lo_pub = np.exp(np.interp(np.log(ma), np.log(ref[:, 0]), np.log(ref[:, 1]), right=np.nan))
    hi_pub = np.exp(np.interp(np.log(ma), np.log(ref[:, 0]), np.log(ref[:, 2]), right=np.nan))

    print("| m_A' (GeV) | published low | ours low | ratio | published high | ours high | ratio | 3 m face low |")
    print("|---|---|---|---|---|---|---|---|")
    for m in (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.35, 0.4):
        i = int(np.argmin(np.abs(np.log(ma / m))))
        lo, hi = calibrated.edge("low")[i], calibrated.edge("high")[i]
        print(f"| {ma[i]:.3g} | {lo_pub[i]:.3g} | {lo:.3g} | {lo / lo_pub[i]:.2f} | {hi_pub[i]:.3g} | {hi:.3g} | "
              f"{hi / hi_pub[i]:.2f} | {physical.edge('low')[i] / lo_pub[i]:.2f} |")  # fmt: skip
    closing = max(m for m, b in zip(ma, calibrated.bands, strict=True) if b)
    print(f"closing mass: ours {closing:.3f} GeV, published {ref[-1, 0]:.4f} GeV")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 7), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    top.fill_between(ref[:, 0], ref[:, 1], ref[:, 2], color="0.8", label="BEST (arXiv:0906.0580), published")
    top.loglog(ma, calibrated.edge("low"), "C0-", label="semivisible, calibrated face (0.74 m)")
    top.loglog(ma, calibrated.edge("high"), "C0-")
    top.loglog(ma, physical.edge("low"), "C1:", label="semivisible, 3 m x 3 m face")
    top.loglog(ma, physical.edge("high"), "C1:")
    top.loglog(
        semi.ma, semi.edge("low"), "C2--", label="semi-visible (alpha_D = 0.1, m_A' = 3 m_chi1, Delta = 0.4 m_chi1)"
    )
    top.loglog(semi.ma, semi.edge("high"), "C2--")
    top.set_ylabel("eps")
    top.set_ylim(1e-8, 1e-1)
    top.legend(fontsize=8, loc="upper left")
    top.set_title("E137: visible band against BEST, and the semi-visible band")
    bottom.semilogx(ma, calibrated.edge("low") / lo_pub, "C0-", label="lower edge")
    bottom.semilogx(ma, calibrated.edge("high") / hi_pub, "C0--", label="upper edge")
    bottom.semilogx(ma, physical.edge("low") / lo_pub, "C1:", label="lower edge, 3 m face")
    bottom.axhspan(0.7, 1.3, color="0.9", label="+-30%")
    bottom.axhline(1.0, color="k", lw=0.8)
    bottom.set_ylim(0.4, 1.6)
    bottom.set_xlabel("m_A' [GeV]")
    bottom.set_ylabel("ours / published")
    bottom.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
