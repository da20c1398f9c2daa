"""NA64's invisible-mode limits, ours against the published ones: 2016, 2016-2018 and 2016-2022 side by side.

Writes ``docs/invisible_residuals.png`` and prints the residual table of docs/validation.md. The published curves
are read from the validation data of the repository's shared folder (they are not shipped):

    python scripts/validate_invisible.py --refdata ../shared/refdata --out docs/invisible_residuals.png

For 2016-2022 it computes both the shipped file (bremsstrahlung + resonant annihilation with the alpha_D = 0.1
line shape) and the same file with bremsstrahlung only, so that the annihilation's share is visible.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from semivisible.experiments import load_experiment
from semivisible.signal.invisible import invisible_limit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.signal.test_invisible import PUBLISHED_2016  # the digitised 2016 curve lives with its test


def _read(refdata: Path) -> dict[str, np.ndarray]:
    r2018 = np.loadtxt(refdata / "NA64_NA642019imj.lmt")
    r2022 = np.loadtxt(refdata / "na64-invisible-2016-2022.csv", delimiter=",")
    r2022 = r2022[np.argsort(r2022[:, 0])]
    r2016 = np.array(sorted(PUBLISHED_2016.items()))
    return {"na64-2016": r2016, "na64-2016-2018": r2018[:, :2], "na64-2016-2022": r2022}


def _published(curve: np.ndarray, ma: np.ndarray) -> np.ndarray:
    return np.exp(np.interp(np.log(ma), np.log(curve[:, 0]), np.log(curve[:, 1])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refdata", type=Path, default=Path("../shared/refdata"))
    parser.add_argument("--out", type=Path, default=Path("docs/invisible_residuals.png"))
    parser.add_argument("--n-masses", type=int, default=150)
    args = parser.parse_args()
    curves = _read(args.refdata)
    results = {}
    for name, curve in curves.items():
        lo, hi = max(1e-3, curve[0, 0]), min(1.0, curve[-1, 0])
        ma = np.geomspace(lo, hi, args.n_masses if name == "na64-2016-2022" else 40)
        exp = load_experiment(name)
        results[name] = (ma, invisible_limit(ma, exp).eps, _published(curve, ma))
        if name == "na64-2016-2022":
            brem = invisible_limit(ma, exp.with_channels(["brem"])).eps
            results["na64-2016-2022 (brem only)"] = (ma, brem, _published(curve, ma))

    print("| data set | m_A' (GeV) | published eps | ours | ours/published |")
    print("|---|---|---|---|---|")
    for name, (ma, ours, pub) in results.items():
        for m in (0.001, 0.01, 0.1, 0.15, 0.2, 0.21, 0.22, 0.23, 0.25, 0.27, 0.29, 0.3, 0.32, 0.39, 0.5, 1.0):
            if ma[0] * 0.999 <= m <= ma[-1] * 1.001:
                i = int(np.argmin(np.abs(np.log(ma / m))))
                print(f"| {name} | {ma[i]:.3g} | {pub[i]:.3g} | {ours[i]:.3g} | {ours[i] / pub[i]:.3f} |")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3, figsize=(15, 7), sharex="col", gridspec_kw={"height_ratios": [2, 1]})
    for col, name in enumerate(curves):
        top, bottom = axes[0, col], axes[1, col]
        ma, ours, pub = results[name]
        top.loglog(curves[name][:, 0], curves[name][:, 1], "k-", lw=2, label="NA64 published")
        top.loglog(ma, ours, "C0--", lw=1.5, label="semivisible")
        bottom.semilogx(ma, ours / pub, "C0-", lw=1.5, label="semivisible / NA64")
        if name == "na64-2016-2022":
            ma2, brem, pub2 = results["na64-2016-2022 (brem only)"]
            top.loglog(ma2, brem, "C1:", lw=1.5, label="semivisible, brem only")
            bottom.semilogx(ma2, brem / pub2, "C1:", lw=1.5, label="brem only")
        bottom.axhspan(0.85, 1.15, color="0.85", label="+-15%")
        bottom.axhline(1.0, color="k", lw=0.8)
        bottom.set_ylim(0.4, 2.0)
        bottom.set_xlabel("m_A' [GeV]")
        top.set_title(f"{name} ({load_experiment(name).eot:.3g} EOT)")
        top.legend(fontsize=8)
        bottom.legend(fontsize=7, loc="upper left")
    axes[0, 0].set_ylabel("eps (90% CL)")
    axes[1, 0].set_ylabel("ours / published")
    fig.tight_layout()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
