"""Figures like the paper's, with matplotlib and mplhep.

Examples
--------
>>> from semivisible.plot import plot_ma_eps
>>> callable(plot_ma_eps)
True
"""

from __future__ import annotations

from semivisible.plot.figures import G2_STYLES, plot_ma_alpha_d, plot_ma_eps, plot_plane, write_plane

__all__ = ["G2_STYLES", "plot_ma_alpha_d", "plot_ma_eps", "plot_plane", "write_plane"]
