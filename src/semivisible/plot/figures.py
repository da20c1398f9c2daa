"""Figures like the paper's (arXiv:2107.02021 Figs. 4, 5): the NA64 exclusion, the g-2 bands, the relic line.

matplotlib with mplhep styling, the Agg backend (no screen needed), labelled log axes, PNG and PDF.

Examples
--------
>>> import numpy as np, tempfile, pathlib
>>> from semivisible.scan.plane import ScanResult, cls_n0
>>> x, y = np.geomspace(0.01, 1, 8), np.geomspace(1e-5, 1e-2, 9)
>>> s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
>>> res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls_n0(s, 0 * s), 0.9)
>>> out = pathlib.Path(tempfile.mkdtemp()) / "fig4"
>>> paths = plot_ma_eps(res, out)
>>> sorted(p.suffix for p in paths)
['.pdf', '.png']
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semivisible.io.cache import atomic_write_bytes
from semivisible.scan.plane import ScanResult

__all__ = ["G2_STYLES", "plot_ma_alpha_d", "plot_ma_eps", "plot_plane", "write_plane"]

#: Colours of the g-2 bands as in the paper's Fig. 4: red for the 2021 world average, blue for BNL alone.
G2_STYLES = {
    "wp2020-world2021": ("tab:red", "(g-2)$_\\mu$ 2$\\sigma$: BNL+FNAL 2021 vs WP2020"),
    "wp2020-bnl": ("tab:blue", "(g-2)$_\\mu$ 2$\\sigma$: BNL vs WP2020"),
    "wp2025": ("tab:green", "(g-2)$_\\mu$ 2$\\sigma$: 2025 average vs WP2025"),
}


def _save(fig: object, base: Path) -> list[Path]:
    paths = []
    for ext in ("png", "pdf"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=150, bbox_inches="tight")  # type: ignore[attr-defined]
        path = base.with_suffix(f".{ext}")
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    return paths


def plot_ma_eps(
    result: ScanResult,
    out_base: str | Path,
    *,
    g2_references: Sequence[str] = ("wp2020-world2021", "wp2020-bnl"),
    relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    projection: ScanResult | None = None,
    title: str | None = None,
) -> list[Path]:
    """Draw the (m_A', eps) exclusion with the g-2 bands (and the relic line, a projection) to PNG and PDF.

    Also the (m_chi1, eps) plane: the g-2 bands are then drawn at m_A' = ratio * m_chi1.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mplhep

    from semivisible.cosmo.g2 import g2_band

    plt.style.use(mplhep.style.ROOT)
    # The style's "regular" math font maps Greek letters to the wrong glyphs (epsilon came out as omega).
    plt.rcParams["mathtext.fontset"] = "dejavusans"
    plt.rcParams["mathtext.default"] = "it"
    fig, ax = plt.subplots(figsize=(8, 6.5))
    x = result.x
    xs = np.geomspace(x.min(), x.max(), 200)
    to_ma = float(result.meta.get("ratio", 3.0)) if result.x_name == "mchi1_GeV" else 1.0
    for name in g2_references:
        colour, label = G2_STYLES.get(name, ("tab:gray", name))
        bands = [g2_band(float(m) * to_ma, name).eps_2sigma for m in xs]
        lo = np.array([b[0] for b in bands])
        hi = np.array([b[1] for b in bands])
        ax.fill_between(xs, np.maximum(lo, result.y.min()), hi, color=colour, alpha=0.3, lw=0, label=label)
    log_cls = np.log(np.clip(result.cls, 1e-300, None)).T
    ax.contourf(x, result.y, log_cls, levels=[-1e300, np.log(1.0 - result.cl)], colors=["0.55"], alpha=0.6)
    for k, line in enumerate(result.contours):
        ax.plot(line[:, 0], line[:, 1], color="k", lw=2, label="NA64 90% CL (semivisible)" if k == 0 else None)
    _expected_lines(ax, result)
    if projection is not None:
        for k, line in enumerate(projection.contours):
            proj_label = f"projection: {projection.meta.get('experiment', '')}" if k == 0 else None
            ax.plot(line[:, 0], line[:, 1], color="k", lw=1.5, ls="--", label=proj_label)
    if relic is not None:
        ax.plot(relic[0], relic[1], color="k", lw=3, label="thermal relic")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(result.y.min(), result.y.max())
    ax.set_xlabel(_AXIS_LABELS.get(result.x_name, result.x_name))
    ax.set_ylabel(r"$\epsilon$")
    meta = result.meta
    ax.set_title(
        title
        or (
            rf"$\alpha_D$ = {meta.get('alpha_d')}, $m_{{A'}}/m_{{\chi_1}}$ = {meta.get('ratio')}, "
            rf"$\Delta/m_{{\chi_1}}$ = {meta.get('splitting')}"
        ),
        fontsize=14,
    )
    ax.legend(loc="upper left", fontsize=11, frameon=False)
    paths = _save(fig, Path(out_base))
    plt.close(fig)
    return paths


def _expected_lines(ax: Any, result: ScanResult) -> None:
    """The median expected exclusion as a thin dotted line."""
    for k, line in enumerate(result.expected.get("median", [])):
        ax.plot(line[:, 0], line[:, 1], color="k", lw=1, ls=":", label="expected (median)" if k == 0 else None)


_AXIS_LABELS = {
    "ma_GeV": r"$m_{A'}$ [GeV]",
    "mchi1_GeV": r"$m_{\chi_1}$ [GeV]",
    "alpha_d": r"$\alpha_D$",
    "splitting": r"$\Delta/m_{\chi_1}$",
    "eps": r"$\epsilon$",
}


def plot_ma_alpha_d(
    result: ScanResult,
    out_base: str | Path,
    *,
    title: str | None = None,
    projection: ScanResult | None = None,
    log_y: bool = True,
) -> list[Path]:
    """Draw a plane scanned with eps on the g-2 central value: (m_A', alpha_D) (Fig. 5 top) or
    (m_chi1, Delta/m_chi1) (Fig. 5 bottom, with ``log_y=False``), with an optional projection."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mplhep

    plt.style.use(mplhep.style.ROOT)
    plt.rcParams["mathtext.fontset"] = "dejavusans"
    plt.rcParams["mathtext.default"] = "it"
    fig, ax = plt.subplots(figsize=(8, 6.5))
    log_cls = np.log(np.clip(result.cls, 1e-300, None)).T
    ax.contourf(result.x, result.y, log_cls, levels=[-1e300, np.log(1.0 - result.cl)], colors=["0.55"], alpha=0.6)
    for k, line in enumerate(result.contours):
        ax.plot(line[:, 0], line[:, 1], color="k", lw=2, label="NA64 90% CL (semivisible)" if k == 0 else None)
    _expected_lines(ax, result)
    if projection is not None:
        for k, line in enumerate(projection.contours):
            label = f"projection: {projection.meta.get('experiment', '')}" if k == 0 else None
            ax.plot(line[:, 0], line[:, 1], color="k", lw=1.5, ls="--", label=label)
    if result.y_name == "alpha_d":
        ax.axhline(0.2, color="tab:purple", ls=":", lw=1.5, label=r"Landau pole: $\alpha_D$ = 0.2")
    ax.set_xscale("log")
    ax.set_yscale("log" if log_y else "linear")
    ax.set_xlim(result.x.min(), result.x.max())
    ax.set_ylim(result.y.min(), result.y.max())
    ax.set_xlabel(_AXIS_LABELS.get(result.x_name, result.x_name))
    ax.set_ylabel(_AXIS_LABELS.get(result.y_name, result.y_name))
    meta = result.meta
    fixed = ", ".join(rf"{_AXIS_LABELS[name]} = {meta[name]}" for name in ("alpha_d", "splitting") if name in meta)
    eps_text = meta.get("eps", "")
    eps_title = r"$\epsilon$ = (g-2) central" if str(eps_text).startswith("central") else rf"$\epsilon$ = {eps_text}"
    ax.set_title(title or rf"{eps_title}, $m_{{A'}}/m_{{\chi_1}}$ = {meta.get('ratio')}, {fixed}", fontsize=14)
    ax.legend(loc="lower left", fontsize=11, frameon=False)
    paths = _save(fig, Path(out_base))
    plt.close(fig)
    return paths


def plot_plane(
    result: ScanResult,
    out_base: str | Path,
    *,
    projection: ScanResult | None = None,
    relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    g2_references: Sequence[str] = ("wp2020-world2021", "wp2020-bnl"),
    title: str | None = None,
) -> list[Path]:
    """Draw any scanned plane: :func:`plot_ma_eps` for y = eps (with the 2 sigma bands of ``g2_references``),
    else :func:`plot_ma_alpha_d` (log y axis, linear for the splitting). The relic line is drawn on the (m_A', eps)
    plane only."""
    if result.y_name == "eps":
        return plot_ma_eps(
            result,
            out_base,
            projection=projection,
            relic=relic if result.x_name == "ma_GeV" else None,
            g2_references=g2_references,
            title=title,
        )
    return plot_ma_alpha_d(result, out_base, projection=projection, title=title, log_y=result.y_name != "splitting")


def write_plane(result: ScanResult, out: str | Path, stem: str, *, hepdata: bool = False, **plot_kw: Any) -> list[Path]:
    """Every file of one scanned plane in ``out``: ``stem``.csv, .json, .png, .pdf (:func:`plot_plane` with
    ``plot_kw``) and, with ``hepdata``, the HEPData submission ``stem``-hepdata/. Each file is written atomically."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    result.to_csv(folder / f"{stem}.csv")
    result.to_json(folder / f"{stem}.json")
    files = [folder / f"{stem}.csv", folder / f"{stem}.json", *plot_plane(result, folder / stem, **plot_kw)]
    if hepdata:
        result.to_hepdata(folder / f"{stem}-hepdata")
        files.append(folder / f"{stem}-hepdata")
    return files
