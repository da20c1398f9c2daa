"""BaBar's mono-photon bound recast (issue 16): the invisible mode against the published curve (arXiv:1702.03327,
DarkCast ``BaBar_Lees2017lec.lmt``), the semi-visible bands at the paper's benchmark and at other splittings, and
P_undetected against eps. Writes ``docs/babar_recast.png`` and prints a table (Markdown):

    python scripts/validate_babar.py --refdata ../shared/refdata --out docs/babar_recast.png
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from semivisible.experiments import load_experiment
from semivisible.model.constants import HBARC_GEV_M
from semivisible.model.dark_sector import DarkSector
from semivisible.signal.collider import build_veto_table, collider_limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refdata", type=Path, default=Path("../shared/refdata"))
    parser.add_argument("--out", type=Path, default=Path("docs/babar_recast.png"))
    args = parser.parse_args()
    ref = np.loadtxt(args.refdata / "BaBar_Lees2017lec.lmt")
    exp = load_experiment("babar")
    ma = np.geomspace(0.001, 5.0, 150)
    t0 = time.perf_counter()
    inv = collider_limit(exp, "invisible", ma, use_cache=False)
    semi = {f: collider_limit(exp, "semivisible", ma, splitting=f, use_cache=False) for f in (0.1, 0.4, 0.8)}
    print(f"4 bands of 150 masses, cold: {time.perf_counter() - t0:.1f} s")
    pub = np.exp(np.interp(np.log(ma), np.log(ref[:, 0]), np.log(ref[:, 1])))
    print("\n| m_A' (GeV) | published | invisible (ours) | ratio | semi-visible Delta = 0.1 | 0.4 | 0.8 m_chi1 |")
    print("|---|---|---|---|---|---|---|")
    for m in (0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0):
        i = int(np.argmin(np.abs(np.log(ma / m))))
        cells = " | ".join(f"{semi[f].edge('low')[i]:.3g}" for f in semi)
        lo = inv.edge("low")[i]
        print(f"| {ma[i]:.3g} | {pub[i]:.3g} | {lo:.3g} | {lo / pub[i]:.2f} | {cells} |")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    left.loglog(ref[:, 0], ref[:, 1], "k-", lw=2.5, alpha=0.4, label="BaBar invisible, published (arXiv:1702.03327)")
    left.loglog(ma, inv.edge("low"), "k--", label="invisible mode, ours (same code path)")
    for k, (f, lim) in enumerate(semi.items()):
        left.loglog(ma, lim.edge("low"), f"C{k}-", label=f"semi-visible, Delta = {f} m_chi1")
    left.set_xlabel("m_A' [GeV]")
    left.set_ylabel("eps (excluded above)")
    left.set_title("BaBar recast: alpha_D = 0.1, m_A' = 3 m_chi1")
    left.set_ylim(2e-4, 3e-2)
    left.legend(fontsize=8)
    eps = np.geomspace(1e-5, 1e-1, 80)
    for k, m in enumerate((0.1, 0.3, 1.0, 3.0)):
        point = DarkSector.build(m, 1e-3, 0.1, ratio=3.0, splitting=0.4)
        table = build_veto_table(point, exp)
        lam = point.gamma_chi2 / HBARC_GEV_M * (eps / point.eps) ** 2
        right.semilogx(eps, table.p_undetected(lam)[0], f"C{k}-", label=f"m_A' = {m} GeV")
    right.set_xlabel("eps")
    right.set_ylabel("P_undetected")
    right.set_title("chi2 escapes the vetoes (Delta = 0.4 m_chi1)")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
