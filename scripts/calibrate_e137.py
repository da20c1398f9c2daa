"""Calibrate E137's one free geometry constant, the effective half width of its detector face, on the visible
dark-photon curve (BEST, arXiv:0906.0580 Fig. 1, as digitised by DarkCast: ``E137_Bjorken2009mm.lmt``).

The rule (issue 14; the way DarkCast fixes its length ratios): the half width h (m, a square face) that minimises
the largest |ln(ours/published)| of the lower edge from 2 MeV to 0.3 GeV and of the upper edge from 2 to 200 MeV.
Only the visible curve is used, never an inelastic-DM one. The result goes into ``e137.toml`` with this script
named as its source; the semi-visible mode uses the same file.

    python scripts/calibrate_e137.py --refdata ../shared/refdata
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
from scipy import optimize

from semivisible.experiments import load_experiment
from semivisible.signal.beam_dump import dump_limit

MASSES = np.geomspace(0.002, 0.3, 12)


def residuals(half_width: float, template: str, ref: np.ndarray, folder: Path) -> tuple[np.ndarray, np.ndarray]:
    """ln(ours/published) of the lower edge (all of MASSES) and of the upper edge (MASSES <= 0.2 GeV)."""
    text = template
    for axis in ("x", "y"):
        key = f"half_width_{axis}_m = {{ value = "
        start = text.index(key) + len(key)
        end = text.index(",", start)
        text = text[:start] + f"{half_width:.6g}" + text[end:]
    path = folder / f"e137-{half_width:.6g}.toml"
    path.write_text(text, encoding="utf-8")
    lim = dump_limit(load_experiment(str(path)), "visible", MASSES)
    lo_pub = np.interp(np.log(MASSES), np.log(ref[:, 0]), ref[:, 1])
    hi_pub = np.interp(np.log(MASSES), np.log(ref[:, 0]), ref[:, 2])
    lo = np.array([b[0][0] if b else np.nan for b in lim.bands])
    hi = np.array([b[-1][1] if b else np.nan for b in lim.bands])
    upper = MASSES <= 0.2
    return np.log(lo / lo_pub), np.log(hi[upper] / hi_pub[upper])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--refdata", type=Path, default=Path("../shared/refdata"))
    args = parser.parse_args()
    ref = np.loadtxt(args.refdata / "E137_Bjorken2009mm.lmt")
    template = Path(str(load_experiment("e137").path)).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:

        def worst(h: float) -> float:
            lo, hi = residuals(h, template, ref, Path(tmp))
            return float(np.nanmax(np.abs(np.concatenate([lo, hi]))))

        best = optimize.minimize_scalar(worst, bounds=(0.2, 1.5), method="bounded", options={"xatol": 0.01})
        lo, hi = residuals(float(best.x), template, ref, Path(tmp))
        for h in (1.5, float(best.x)):
            lo, hi = residuals(h, template, ref, Path(tmp))
            print(f"half width {h:.3f} m: lower edge ours/published {np.round(np.exp(lo), 3).tolist()}")
            print(f"                   upper edge ours/published {np.round(np.exp(hi), 3).tolist()}")
    print(f"calibrated half width: {best.x:.3f} m (largest |residual| {np.expm1(best.fun):+.1%})")


if __name__ == "__main__":
    main()
