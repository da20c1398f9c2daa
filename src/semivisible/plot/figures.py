"""Figures like the paper's (arXiv:2107.02021 Figs. 4, 5): the NA64 exclusion, the g-2 bands, the relic line.

The plot functions draw into a matplotlib Axes (``ax=``, or a new :class:`matplotlib.figure.Figure` of their own)
and return ``(figure, axes)``; :func:`save_figure` writes a figure to PNG and PDF. Nothing here touches global
matplotlib state: the mplhep ROOT style is applied inside a style context only while drawing and saving, no
backend is selected, and no pyplot figure is created (the figures are not in pyplot's registry, so they need no
closing and are freed like any Python object).

Examples
--------
>>> import numpy as np, tempfile, pathlib
>>> from semivisible.scan.plane import ScanResult, cls_n0
>>> x, y = np.geomspace(0.01, 1, 8), np.geomspace(1e-5, 1e-2, 9)
>>> s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
>>> res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls_n0(s, 0 * s), 0.9)
>>> fig, ax = plot_ma_eps(res)
>>> ax.get_xscale(), ax.get_yscale()
('log', 'log')
>>> paths = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "fig4")
>>> sorted(p.suffix for p in paths)
['.pdf', '.png']
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from semivisible.errors import ParameterError
from semivisible.io.cache import atomic_write_bytes, atomic_write_text
from semivisible.scan.plane import ScanResult

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

__all__ = [
    "BAND_COLOURS",
    "G2_STYLES",
    "NA64_COLOUR",
    "NA64_FILL",
    "OVERLAY_COLOURS",
    "RELIC_STYLE",
    "drawn_curves",
    "g2_edges",
    "plot_ma_alpha_d",
    "plot_ma_eps",
    "plot_plane",
    "save_figure",
    "write_plane",
]

#: Colours of the g-2 bands as in the paper's Fig. 4: red for the 2021 world average, blue for BNL alone. The first
#: band is filled, the others hatched, so that overlapping bands stay apart.
G2_STYLES = {
    "wp2020-world2021": ("tab:red", "(g-2)$_\\mu$ 2$\\sigma$: BNL+FNAL 2021 vs WP2020"),
    "wp2020-bnl": ("tab:blue", "(g-2)$_\\mu$ 2$\\sigma$: BNL vs WP2020"),
    "wp2025": ("tab:green", "(g-2)$_\\mu$ 2$\\sigma$: 2025 average vs WP2025"),
}

#: NA64's colours: the observed limit (line and excluded area) and the expected median with its 1 and 2 sigma bands
#: (green and yellow, as experiments draw them); the thermal relic is thick black, as in the paper.
NA64_COLOUR = "#08306b"
NA64_FILL = "#9ecae1"
BAND_COLOURS = {"1sigma": "#4daf4a", "2sigma": "#ffd92f"}
RELIC_STYLE: dict[str, Any] = {"color": "k", "lw": 3.0}

#: Size (inches) of the figures made when no ``ax`` is given (the legend sits right of the axes).
_FIGSIZE = (11.0, 6.5)

#: On top of the mplhep ROOT style: its "regular" math font maps Greek letters to the wrong glyphs (epsilon came
#: out as omega), so math text uses DejaVu Sans, italic.
_MATH_RC: dict[RcKeyType, Any] = {"mathtext.fontset": "dejavusans", "mathtext.default": "it"}

_AXIS_LABELS = {
    "ma_GeV": r"$m_{A'}$ [GeV]",
    "mchi1_GeV": r"$m_{\chi_1}$ [GeV]",
    "alpha_d": r"$\alpha_D$",
    "splitting": r"$\Delta/m_{\chi_1}$",
    "eps": r"$\epsilon$",
}

_X_NAMES = ("ma_GeV", "mchi1_GeV")


@contextlib.contextmanager
def _style() -> Iterator[None]:
    """The mplhep ROOT style (with :data:`_MATH_RC`) for the duration of the block; rcParams are restored after."""
    import matplotlib
    import matplotlib.style
    import mplhep

    with matplotlib.style.context(mplhep.style.ROOT), matplotlib.rc_context(_MATH_RC):
        yield


def _check_result(result: object, name: str, y_names: Sequence[str]) -> ScanResult:
    if not isinstance(result, ScanResult):
        raise ParameterError(name, type(result).__name__, "a semivisible.scan.plane.ScanResult")
    if result.x_name not in _X_NAMES or result.y_name not in y_names:
        allowed = " or ".join(f"{x}-{y}" for x in _X_NAMES for y in y_names)
        raise ParameterError(f"{name}.plane", f"{result.x_name}-{result.y_name}", f"a plane {allowed}")
    return result


def _check_projection(projection: object) -> ScanResult | None:
    if projection is not None and not isinstance(projection, ScanResult):
        raise ParameterError("projection", type(projection).__name__, "a semivisible.scan.plane.ScanResult or None")
    return projection


def _check_title(title: object) -> str | None:
    if title is not None and not isinstance(title, str):
        raise ParameterError("title", title, "a string or None")
    return title


def _figure_and_axes(ax: object) -> tuple[Figure, Axes]:
    """The figure and axes to draw into: ``ax`` and its (root) figure, or a new Figure with one Axes.

    Call inside :func:`_style`, so that a new figure takes the style."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if ax is None:
        fig = Figure(figsize=_FIGSIZE)
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise ParameterError("ax", ax, "a matplotlib Axes or None")
    try:
        root = ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10 has no ``root``: there the ``figure`` of a (sub)figure is the root one
        root = ax.figure.figure
    if root is None:
        raise ParameterError("ax", ax, "an Axes that belongs to a figure")
    return root, ax


def _exclusion(ax: Axes, result: ScanResult) -> None:
    """NA64: the expected 1 and 2 sigma bands, the median expected line (dashed), then the excluded area and the
    observed contour (solid), in front of every other curve."""
    _expected_bands(ax, result)
    log_cls = np.log(np.clip(result.cls, 1e-300, None)).T
    ax.contourf(result.x, result.y, log_cls, levels=[-1e300, np.log(1.0 - result.cl)], colors=[NA64_FILL],
                alpha=0.45, zorder=4)  # fmt: skip
    for k, line in enumerate(result.contours):
        label = "NA64 90% CL (semivisible)" if k == 0 else None
        ax.plot(line[:, 0], line[:, 1], color=NA64_COLOUR, lw=2.5, label=label, zorder=6)
    _expected_lines(ax, result)


def _expected_bands(ax: Axes, result: ScanResult) -> None:
    """The expected 2 sigma (yellow) and 1 sigma (green) bands: where the optimistic expected limit excludes and the
    pessimistic one does not (:data:`semivisible.stats.cls.BAND_LEVELS`: -2, -1, 0, +1, +2 sigma)."""
    from matplotlib.patches import Rectangle

    if result.expected_ratio is None:
        return
    ratio = result.expected_ratio
    for name, (lo, hi) in (("2sigma", (0, 4)), ("1sigma", (1, 3))):
        band = ((ratio[..., lo] > 1.0) != (ratio[..., hi] > 1.0)).astype(np.float64).T
        if band.any():
            ax.contourf(result.x, result.y, band, levels=[0.5, 1.5], colors=[BAND_COLOURS[name]], alpha=0.7, zorder=3)
            label = f"expected $\\pm${name[0]}$\\sigma$"
            corner = (float(result.x[0]), float(result.y[0]))  # a zero-size patch carries the legend entry
            ax.add_patch(Rectangle(corner, 0.0, 0.0, facecolor=BAND_COLOURS[name], alpha=0.7, label=label))


def _projection_lines(ax: Axes, projection: ScanResult | None) -> None:
    if projection is None:
        return
    for k, line in enumerate(projection.contours):
        label = f"projection: {projection.meta.get('experiment', '')}" if k == 0 else None
        ax.plot(line[:, 0], line[:, 1], color=NA64_COLOUR, lw=1.8, ls="-.", label=label, zorder=6)


def _expected_lines(ax: Axes, result: ScanResult) -> None:
    """The median expected exclusion as a dashed line."""
    for k, line in enumerate(result.expected.get("median", [])):
        label = "expected (median)" if k == 0 else None
        ax.plot(line[:, 0], line[:, 1], color=NA64_COLOUR, lw=1.2, ls="--", label=label, zorder=6)


def _relic_line(ax: Axes, relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None) -> None:
    if relic is not None:
        ax.plot(relic[0], relic[1], **RELIC_STYLE, label=r"thermal relic ($\Omega h^2$ = 0.12)", zorder=7)


def _check_relic(relic: object) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    if relic is None:
        return None
    ok = isinstance(relic, tuple | list) and len(relic) == 2
    if not ok or np.shape(relic[0]) != np.shape(relic[1]) or np.ndim(relic[0]) != 1:  # type: ignore[index]
        raise ParameterError("relic", relic, "a pair (x, y) of 1-D arrays of the same length (nan breaks a line)")
    return np.asarray(relic[0], dtype=np.float64), np.asarray(relic[1], dtype=np.float64)  # type: ignore[index]


#: Colours of other experiments' bounds (shaded regions with an outline), by experiment name.
OVERLAY_COLOURS = {"e137": "tab:brown", "babar": "tab:cyan", "nucal": "tab:olive", "charm": "tab:pink"}


def _check_overlays(overlays: object) -> list[Any]:
    from semivisible.scan.overlays import Overlay

    if isinstance(overlays, Overlay):
        overlays = [overlays]
    if not isinstance(overlays, Sequence) or not all(isinstance(o, Overlay) for o in overlays):
        raise ParameterError("overlays", type(overlays).__name__, "a sequence of semivisible.scan.overlays.Overlay")
    return list(overlays)


def _overlay_regions(ax: Axes, overlays: Sequence[Any]) -> None:
    """Other experiments' excluded regions: shaded, outlined, labelled (drawn under the NA64 contour)."""
    from matplotlib.patches import Rectangle

    for ov in overlays:
        if not ov.excluded.any():
            continue
        colour = OVERLAY_COLOURS.get(ov.name, "tab:gray")
        grid = ov.excluded.T.astype(np.float64)
        ax.contourf(ov.x, ov.y, grid, levels=[0.5, 1.5], colors=[colour], alpha=0.3, zorder=1)
        ax.contour(ov.x, ov.y, grid, levels=[0.5], colors=[colour], linewidths=1.2, zorder=2)
        # A zero-size patch carries the legend entry of the region.
        corner = (float(ov.x[0]), float(ov.y[0]))
        ax.add_patch(Rectangle(corner, 0.0, 0.0, facecolor=colour, edgecolor=colour, alpha=0.35, label=ov.label))


def _legend(ax: Axes) -> None:
    """The legend right of the axes, where it covers no curve, if anything drawn has a label."""
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=11, frameon=False, borderaxespad=0.0)


def g2_edges(
    result: ScanResult, references: Sequence[str], n: int = 200
) -> dict[str, tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]:
    """The 2 sigma g-2 bands on the x axis of ``result`` (m_A', or m_chi1 with m_A' = ratio m_chi1): for each
    reference, (x, eps low, eps high) on ``n`` log-spaced points."""
    from semivisible.cosmo.g2 import g2_band

    xs = np.geomspace(result.x.min(), result.x.max(), n)
    to_ma = float(result.meta.get("ratio", 3.0)) if result.x_name == "mchi1_GeV" else 1.0
    out = {}
    for name in references:
        bands = [g2_band(float(m) * to_ma, name).eps_2sigma for m in xs]
        out[name] = (xs, np.array([b[0] for b in bands]), np.array([b[1] for b in bands]))
    return out


def drawn_curves(
    result: ScanResult,
    *,
    projection: ScanResult | None = None,
    relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    g2_references: Sequence[str] = ("wp2020-world2021", "wp2020-bnl"),
    overlays: Sequence[Any] = (),
    **_: Any,
) -> dict[str, list[NDArray[np.float64]]]:
    """Every curve :func:`plot_plane` draws with the same arguments, as (N, 2) arrays of (x, y) by name:
    ``na64``, ``na64-expected/<level>``, ``g2/<reference>/low`` and ``/high`` (eps planes), ``relic``,
    ``projection`` and the outline of each other experiment's region (by its name)."""
    from semivisible.scan.curves import outline

    curves: dict[str, list[NDArray[np.float64]]] = {"na64": list(result.contours)}
    for level, lines in result.expected.items():
        curves[f"na64-expected/{level}"] = list(lines)
    if result.y_name == "eps":
        for name, (xs, lo, hi) in g2_edges(result, g2_references).items():
            curves[f"g2/{name}/low"] = [np.column_stack([xs, lo])]
            curves[f"g2/{name}/high"] = [np.column_stack([xs, hi])]
    relic = _check_relic(relic)
    if relic is not None:
        pieces = np.split(np.column_stack(relic), np.flatnonzero(~np.isfinite(relic[1])))
        curves["relic"] = [p[np.isfinite(p[:, 1])] for p in pieces if np.isfinite(p[:, 1]).sum() > 1]
    if projection is not None:
        curves["projection"] = list(projection.contours)
    for ov in _check_overlays(overlays):
        curves[ov.name] = outline(ov.x, ov.y, ov.excluded)
    return {k: v for k, v in curves.items() if v}


def plot_ma_eps(
    result: ScanResult,
    *,
    ax: Axes | None = None,
    g2_references: Sequence[str] = ("wp2020-world2021", "wp2020-bnl"),
    relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    projection: ScanResult | None = None,
    title: str | None = None,
    overlays: Sequence[Any] = (),
) -> tuple[Figure, Axes]:
    """Draw the (m_A', eps) exclusion (Fig. 4) with the 2 sigma g-2 bands, optionally the relic line, a projection and
    other experiments' bounds (``overlays``, :class:`semivisible.scan.overlays.Overlay`).

    Also the (m_chi1, eps) plane: the g-2 bands are then drawn at m_A' = ratio * m_chi1 (``ratio`` from
    ``result.meta``, default 3).

    Args:
        result: a scanned plane with y = eps.
        ax: the Axes to draw into (its figure is returned); default a new :class:`~matplotlib.figure.Figure`.
        g2_references: the g-2 references (names of :mod:`semivisible.cosmo.g2`) whose 2 sigma bands are drawn.
        relic: the thermal-relic line as (x, eps) arrays.
        projection: a scanned projection, drawn dashed.
        title: the title (default: alpha_D, m_A'/m_chi1 and Delta/m_chi1 from ``result.meta``).
        overlays: other experiments' excluded regions on the same plane, drawn shaded and labelled.

    Returns:
        ``(figure, axes)``; write the figure with :func:`save_figure`.

    Raises:
        ParameterError: a bad argument (e.g. ``ax`` not an Axes, a plane whose y axis is not eps).

    >>> import numpy as np
    >>> from semivisible.scan.plane import ScanResult, cls_n0
    >>> x, y = np.geomspace(0.01, 1, 8), np.geomspace(1e-5, 1e-2, 9)
    >>> s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
    >>> res = ScanResult("ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls_n0(s, 0 * s), 0.9)
    >>> fig, ax = plot_ma_eps(res, g2_references=["wp2025"], title="NA64")
    >>> ax.get_title(), ax.get_ylabel()
    ('NA64', '$\\\\epsilon$')
    >>> plot_ma_eps(res, ax="not an axes")
    Traceback (most recent call last):
    ...
    semivisible.errors.ParameterError: ax = 'not an axes' is out of range: allowed a matplotlib Axes or None
    """
    result = _check_result(result, "result", ("eps",))
    projection = _check_projection(projection)
    drawn_overlays = _check_overlays(overlays)
    title = _check_title(title)
    if isinstance(g2_references, str) or not all(isinstance(name, str) for name in g2_references):
        raise ParameterError("g2_references", g2_references, "a sequence of g-2 reference names")
    relic = _check_relic(relic)
    with _style():
        fig, ax = _figure_and_axes(ax)
        x = result.x
        for k, (name, (xs, lo, hi)) in enumerate(g2_edges(result, g2_references).items()):
            colour, label = G2_STYLES.get(name, ("tab:gray", name))
            lo = np.maximum(lo, result.y.min())
            if k == 0:
                ax.fill_between(xs, lo, hi, color=colour, alpha=0.35, lw=0, label=label, zorder=2)
            else:  # hatched and outlined, so that two bands do not mix into one colour
                ax.fill_between(xs, lo, hi, facecolor="none", edgecolor=colour, hatch="////", lw=0.8, label=label,
                                zorder=2)  # fmt: skip
        _overlay_regions(ax, drawn_overlays)
        _exclusion(ax, result)
        _projection_lines(ax, projection)
        _relic_line(ax, relic)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(x.min(), x.max())
        ax.set_ylim(result.y.min(), result.y.max())
        ax.set_xlabel(_AXIS_LABELS[result.x_name])
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
        _legend(ax)
    return fig, ax


def plot_ma_alpha_d(
    result: ScanResult,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    projection: ScanResult | None = None,
    log_y: bool = True,
    overlays: Sequence[Any] = (),
    relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> tuple[Figure, Axes]:
    """Draw a plane scanned with eps on the g-2 central value (or fixed): (m_A', alpha_D) (Fig. 5 top, with the
    alpha_D = 0.2 Landau-pole line) or (m_chi1, Delta/m_chi1) (Fig. 5 bottom, with ``log_y=False``), with an
    optional projection and the thermal-relic line on the plane (``relic`` = (x, y), nan between pieces).

    Args:
        result: a scanned plane with y = alpha_d or splitting.
        ax: the Axes to draw into (its figure is returned); default a new :class:`~matplotlib.figure.Figure`.
        title: the title (default: eps, m_A'/m_chi1 and the fixed parameters from ``result.meta``).
        projection: a scanned projection, drawn dashed.
        log_y: a logarithmic y axis (else linear).
        overlays: other experiments' excluded regions on the same plane, drawn shaded and labelled.
        relic: the thermal-relic line on the plane as (x, y) arrays.

    Returns:
        ``(figure, axes)``; write the figure with :func:`save_figure`.

    Raises:
        ParameterError: a bad argument (e.g. ``ax`` not an Axes, a plane whose y axis is eps).

    >>> import numpy as np
    >>> from semivisible.scan.plane import ScanResult, cls_n0
    >>> x, y = np.geomspace(0.01, 1, 8), np.geomspace(1e-3, 1, 9)
    >>> s = 1e3 * y[None, :] / x[:, None] ** 2
    >>> res = ScanResult("mchi1-alpha_d", "mchi1_GeV", "alpha_d", x, y, s, 0 * s, np.exp(-s), 0.9)
    >>> fig, ax = plot_ma_alpha_d(res)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('$m_{\\\\chi_1}$ [GeV]', '$\\\\alpha_D$')
    """
    result = _check_result(result, "result", ("alpha_d", "splitting"))
    projection = _check_projection(projection)
    drawn_overlays = _check_overlays(overlays)
    title = _check_title(title)
    if not isinstance(log_y, bool | np.bool_):
        raise ParameterError("log_y", log_y, "True or False")
    relic = _check_relic(relic)
    with _style():
        fig, ax = _figure_and_axes(ax)
        _overlay_regions(ax, drawn_overlays)
        _exclusion(ax, result)
        _projection_lines(ax, projection)
        _relic_line(ax, relic)
        if result.y_name == "alpha_d":
            ax.axhline(0.2, color="tab:purple", ls=":", lw=1.5, label=r"Landau pole: $\alpha_D$ = 0.2")
        ax.set_xscale("log")
        ax.set_yscale("log" if log_y else "linear")
        ax.set_xlim(result.x.min(), result.x.max())
        ax.set_ylim(result.y.min(), result.y.max())
        ax.set_xlabel(_AXIS_LABELS[result.x_name])
        ax.set_ylabel(_AXIS_LABELS[result.y_name])
        meta = result.meta
        fixed = ", ".join(rf"{_AXIS_LABELS[name]} = {meta[name]}" for name in ("alpha_d", "splitting") if name in meta)
        eps_text = meta.get("eps", "")
        eps_title = (
            r"$\epsilon$ = (g-2) central" if str(eps_text).startswith("central") else rf"$\epsilon$ = {eps_text}"
        )
        ax.set_title(title or rf"{eps_title}, $m_{{A'}}/m_{{\chi_1}}$ = {meta.get('ratio')}, {fixed}", fontsize=14)
        _legend(ax)
    return fig, ax


def plot_plane(
    result: ScanResult,
    *,
    ax: Axes | None = None,
    projection: ScanResult | None = None,
    relic: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    g2_references: Sequence[str] = ("wp2020-world2021", "wp2020-bnl"),
    title: str | None = None,
    overlays: Sequence[Any] = (),
) -> tuple[Figure, Axes]:
    """Draw any scanned plane into ``ax`` (default a new figure), with other experiments' bounds (``overlays``);
    return ``(figure, axes)``.

    :func:`plot_ma_eps` for y = eps (with the 2 sigma bands of ``g2_references``), else :func:`plot_ma_alpha_d`
    (log y axis, linear for the splitting). ``relic`` is the thermal-relic line on the plane's axes.

    >>> import numpy as np
    >>> from semivisible.scan.plane import ScanResult, cls_n0
    >>> x, y = np.geomspace(0.01, 1, 8), np.linspace(0.1, 0.9, 9)
    >>> s = 1e3 * y[None, :] / x[:, None] ** 2
    >>> res = ScanResult("mchi1-splitting", "mchi1_GeV", "splitting", x, y, s, 0 * s, np.exp(-s), 0.9)
    >>> fig, ax = plot_plane(res)
    >>> ax.get_yscale()
    'linear'
    """
    if not isinstance(result, ScanResult):
        raise ParameterError("result", type(result).__name__, "a semivisible.scan.plane.ScanResult")
    if result.y_name == "eps":
        return plot_ma_eps(
            result,
            ax=ax,
            projection=projection,
            relic=relic,
            g2_references=g2_references,
            title=title,
            overlays=overlays,
        )
    log_y = result.y_name != "splitting"
    return plot_ma_alpha_d(
        result, ax=ax, projection=projection, title=title, log_y=log_y, overlays=overlays, relic=relic
    )


def save_figure(
    fig: Figure, out_base: str | Path, *, formats: Sequence[str] = ("png", "pdf"), dpi: float = 150
) -> list[Path]:
    """Write ``fig`` as ``out_base`` with the suffix of each format (PNG and PDF by default); return the paths.

    Each file is written atomically (:func:`semivisible.io.cache.atomic_write_bytes`), the parent directory made
    if missing. The figure is drawn in the package's style, as when it was made (the math text font is resolved
    at drawing time), with a tight bounding box.

    Args:
        fig: a :class:`matplotlib.figure.Figure` (as returned by the plot functions).
        out_base: the path without suffix (a suffix it has is replaced).
        formats: the file formats, as matplotlib names them.
        dpi: the resolution of raster formats.

    >>> import tempfile, pathlib
    >>> from matplotlib.figure import Figure
    >>> paths = save_figure(Figure(), pathlib.Path(tempfile.mkdtemp()) / "empty", formats=["svg"])
    >>> [p.name for p in paths]
    ['empty.svg']
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ParameterError("fig", type(fig).__name__, "a matplotlib Figure")
    if not isinstance(out_base, str | Path) or not str(out_base):
        raise ParameterError("out_base", out_base, "a non-empty path")
    supported = fig.canvas.get_supported_filetypes()
    if isinstance(formats, str) or not formats or any(ext not in supported for ext in formats):
        raise ParameterError("formats", formats, f"a non-empty sequence of {', '.join(sorted(supported))}")
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not (math.isfinite(dpi) and dpi > 0):
        raise ParameterError("dpi", dpi, "dpi > 0 and finite")
    base = Path(out_base)
    paths = []
    for ext, data in _figure_bytes(fig, formats, dpi).items():
        path = base.with_suffix(f".{ext}")
        atomic_write_bytes(path, data)
        paths.append(path)
    return paths


def _figure_bytes(fig: Figure, formats: Sequence[str], dpi: float) -> dict[str, bytes]:
    """``fig`` drawn in the package's style into each format, with a tight bounding box."""
    out = {}
    with _style():
        for ext in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=ext, dpi=dpi, bbox_inches="tight")
            out[ext] = buf.getvalue()
    return out


def _digest(result: ScanResult, plot_kw: dict[str, Any]) -> str:
    """A hash of everything a figure shows: the scan's arrays and lines, the projection's, the overlays, the relic
    line, the other arguments, and this module's source (a change of style draws anew)."""
    import hashlib
    import json

    h = hashlib.sha256(Path(__file__).read_bytes())

    def add_scan(res: ScanResult) -> None:
        for arr in (res.x, res.y, res.cls, res.expected_ratio, *res.contours):
            if arr is not None:
                h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
        for level in sorted(res.expected):
            for line in res.expected[level]:
                h.update(np.ascontiguousarray(line, dtype=np.float64).tobytes())
        h.update(
            json.dumps([res.plane, res.x_name, res.y_name, res.cl, res.meta], sort_keys=True, default=str).encode()
        )

    add_scan(result)
    for key in sorted(plot_kw):
        value = plot_kw[key]
        h.update(key.encode())
        if isinstance(value, ScanResult):
            add_scan(value)
        elif key == "overlays":
            for ov in _check_overlays(value):
                h.update(json.dumps([ov.name, ov.label, ov.x.tolist(), ov.y.tolist()]).encode())
                h.update(np.ascontiguousarray(ov.excluded).tobytes())
        elif key == "relic" and value is not None:
            for arr in _check_relic(value) or ():
                h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
        else:
            h.update(repr(value).encode())
    return h.hexdigest()


def _rendered(result: ScanResult, plot_kw: dict[str, Any], formats: Sequence[str] = ("png", "pdf")) -> dict[str, bytes]:
    """The figure of :func:`plot_plane` as PNG and PDF bytes, drawn once for the same inputs and kept in the disk
    cache (drawing and saving is most of a warm ``reproduce``)."""
    from semivisible.io.cache import cached_arrays

    # An entry exists only for arguments that drew once, so the arguments are checked by drawing (on a miss).
    def build() -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
        fig, _ = plot_plane(result, **plot_kw)
        images = _figure_bytes(fig, formats, 150)
        return {ext: np.frombuffer(data, dtype=np.uint8) for ext, data in images.items()}, {}

    arrays, _ = cached_arrays("figure", {"digest": _digest(result, plot_kw), "formats": list(formats)}, build)
    return {ext: arrays[ext].tobytes() for ext in formats}


def write_plane(result: ScanResult, out: str | Path, stem: str, *, hepdata: bool = False, **plot_kw: Any) -> list[Path]:
    """Every file of one scanned plane in ``out``: ``stem``.csv, _curves.csv, .json, .png, .pdf (:func:`plot_plane`
    with ``plot_kw``, then :func:`save_figure`; the CSV gains a ``<name>_excluded`` column and the JSON an
    ``overlays`` entry for each overlay; every drawn curve, :func:`drawn_curves`, is in the JSON's ``curves`` and
    in ``stem``_curves.csv, one row per point) and, with ``hepdata``, the HEPData submission ``stem``-hepdata/ (a
    table per drawn curve)
    (:func:`semivisible.io.hepdata.write_hepdata`, without the archive beside it). Each file is written
    atomically."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    overlays = _check_overlays(plot_kw.get("overlays", ()))
    if not isinstance(result, ScanResult):
        raise ParameterError("result", type(result).__name__, "a semivisible.scan.plane.ScanResult")
    images = _rendered(result, plot_kw)
    curves = drawn_curves(result, **plot_kw)
    result.to_csv(folder / f"{stem}.csv", extra={f"{o.name}_excluded": o.excluded for o in overlays})
    extra: dict[str, Any] = {"curves": {k: [line.tolist() for line in v] for k, v in curves.items()}}
    if overlays:
        extra["overlays"] = {o.name: o.to_dict() for o in overlays}
    result.to_json(folder / f"{stem}.json", extra=extra)
    rows = ["curve,piece,x,y"]
    rows += [f"{name},{k},{px!r},{py!r}" for name, lines in curves.items() for k, line in enumerate(lines)
             for px, py in line.tolist()]  # fmt: skip
    atomic_write_text(folder / f"{stem}_curves.csv", "\n".join(rows) + "\n")
    files = [folder / f"{stem}.csv", folder / f"{stem}_curves.csv", folder / f"{stem}.json"]
    for ext, data in images.items():
        atomic_write_bytes(folder / f"{stem}.{ext}", data)
        files.append(folder / f"{stem}.{ext}")
    if hepdata:
        others = {k: v for k, v in curves.items() if k != "na64" and not k.startswith("na64-expected/")}
        result.to_hepdata(folder / f"{stem}-hepdata", archive=False, curves=others)
        files.append(folder / f"{stem}-hepdata")
    return files
