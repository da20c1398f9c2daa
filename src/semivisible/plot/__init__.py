"""Figures like the paper's, with matplotlib and mplhep, drawn without touching global matplotlib state.

The plot functions take ``ax=`` (a matplotlib Axes to draw into) and return ``(figure, axes)``;
:func:`save_figure` writes a figure to PNG and PDF, :func:`write_plane` every file of a scanned plane.

Examples
--------
>>> from semivisible.plot import plot_ma_eps, save_figure
>>> callable(plot_ma_eps) and callable(save_figure)
True
"""

from __future__ import annotations

from semivisible.plot.figures import G2_STYLES, plot_ma_alpha_d, plot_ma_eps, plot_plane, save_figure, write_plane

__all__ = ["G2_STYLES", "plot_ma_alpha_d", "plot_ma_eps", "plot_plane", "save_figure", "write_plane"]
