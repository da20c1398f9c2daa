"""Figures: drawn into a given or a new Axes without touching global matplotlib state, saved as PNG and PDF."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from semivisible.errors import ParameterError
from semivisible.plot import G2_STYLES, plot_ma_alpha_d, plot_ma_eps, plot_plane, save_figure, write_plane
from semivisible.scan.plane import ScanResult, cls_n0, exclusion_contours


def _ma_eps(**meta: Any) -> ScanResult:
    """A synthetic (m_A', eps) plane with an observed and an expected contour (no physics: S ~ eps^4 / m^2)."""
    x, y = np.geomspace(0.01, 1, 12), np.geomspace(1e-5, 1e-2, 15)
    s = 1e12 * y[None, :] ** 4 / x[:, None] ** 2
    cls = cls_n0(s, 0 * s)
    expected = {"median": exclusion_contours(x, y, cls_n0(0.5 * s, 0 * s))}
    return ScanResult(
        "ma-eps", "ma_GeV", "eps", x, y, s, 0 * s, cls, 0.9, exclusion_contours(x, y, cls), meta, expected=expected
    )


def _mchi1_alpha_d() -> ScanResult:
    x, y = np.geomspace(0.01, 1, 10), np.geomspace(1e-3, 1, 11)
    s = 30 * y[None, :] / x[:, None] ** 2
    cls = cls_n0(s, 0 * s)
    meta = {"eps": "central g-2 value (wp2020-world2021)", "ratio": 3.0, "splitting": 0.4}
    return ScanResult(
        "mchi1-alpha_d", "mchi1_GeV", "alpha_d", x, y, s, 0 * s, cls, 0.9, exclusion_contours(x, y, cls), meta
    )


def _legend_texts(ax: Axes) -> list[str]:
    legend = ax.get_legend()
    assert legend is not None
    return [t.get_text() for t in legend.get_texts()]


def test_plotting_leaves_global_matplotlib_state_unchanged(tmp_path: Path) -> None:
    import matplotlib.pyplot as plt

    res, plane = _ma_eps(experiment="na64"), _mchi1_alpha_d()
    # A user's own settings, which the plots must neither override for good nor reset to the defaults.
    user_rc = {"font.size": 7.0, "mathtext.fontset": "stix", "axes.prop_cycle": cycler(color=["k", "m"])}
    with matplotlib.rc_context(user_rc):
        backend = matplotlib.get_backend()
        before = matplotlib.rcParams.copy()
        figures_before = plt.get_fignums()
        plot_ma_eps(res, relic=(res.x, 1e-3 * res.x), projection=res)
        plot_ma_alpha_d(plane, projection=plane)
        fig, _ = plot_plane(res)
        save_figure(fig, tmp_path / "fig")
        write_plane(plane, tmp_path, "plane")
        assert matplotlib.rcParams.copy() == before
        assert matplotlib.rcParams["font.size"] == 7.0
        assert matplotlib.get_backend() == backend
        assert plt.get_fignums() == figures_before == []


def test_plots_make_a_figure_outside_pyplot() -> None:
    import matplotlib.pyplot as plt

    fig, ax = plot_ma_eps(_ma_eps())
    assert isinstance(fig, Figure)
    assert ax.get_figure() is fig
    assert fig.axes == [ax]
    assert plt.get_fignums() == []


def test_figure_content_as_in_the_paper() -> None:
    res = _ma_eps(experiment="na64", alpha_d=0.1, ratio=3.0, splitting=0.4)
    _, ax = plot_ma_eps(res, relic=(res.x, 1e-3 * res.x), projection=res)
    labels = _legend_texts(ax)
    for expected in (
        G2_STYLES["wp2020-world2021"][1],
        G2_STYLES["wp2020-bnl"][1],
        "NA64 90% CL (semivisible)",
        "expected (median)",
        "projection: na64",
        r"thermal relic ($\Omega h^2$ = 0.12)",
    ):
        assert expected in labels
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert ax.get_xlabel() == r"$m_{A'}$ [GeV]"
    assert ax.get_ylabel() == r"$\epsilon$"
    assert r"$\alpha_D$ = 0.1" in ax.get_title()
    assert ax.get_xlim() == pytest.approx((res.x.min(), res.x.max()))

    _, ax = plot_ma_alpha_d(_mchi1_alpha_d())
    assert r"Landau pole: $\alpha_D$ = 0.2" in _legend_texts(ax)
    assert ax.get_ylabel() == r"$\alpha_D$"
    assert ax.get_title().startswith(r"$\epsilon$ = (g-2) central")


def test_drawing_into_a_users_axes_returns_that_axes_figure() -> None:
    user_fig = Figure()
    left, right = user_fig.subplots(1, 2)
    fig, ax = plot_ma_eps(_ma_eps(), ax=left, title="mine")
    assert fig is user_fig
    assert ax is left
    assert left.get_title() == "mine"
    assert left.lines  # the contours went into the user's axes...
    assert not right.lines  # ...and nowhere else
    assert user_fig.axes == [left, right]

    fig, ax = plot_plane(_mchi1_alpha_d(), ax=right)
    assert (fig, ax) == (user_fig, right)
    assert right.get_yscale() == "log"


def test_drawing_into_a_subfigure_returns_the_root_figure() -> None:
    user_fig = Figure()
    sub = user_fig.subfigures(1, 2)[1]
    target = sub.add_subplot()
    fig, ax = plot_ma_alpha_d(_mchi1_alpha_d(), ax=target)
    assert fig is user_fig
    assert ax is target


def test_save_figure_writes_png_and_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fig, _ = plot_ma_eps(_ma_eps())
    paths = save_figure(fig, tmp_path / "out" / "fig4")
    assert paths == [tmp_path / "out" / "fig4.png", tmp_path / "out" / "fig4.pdf"]
    assert paths[0].read_bytes().startswith(b"\x89PNG")
    assert paths[1].read_bytes().startswith(b"%PDF")
    assert all(p.stat().st_size > 1000 for p in paths)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["fig4.pdf", "fig4.png"]  # no temporary left
    # A relative base is relative to the working directory; other formats on request.
    monkeypatch.chdir(tmp_path)
    assert save_figure(fig, "rel", formats=["svg"], dpi=50) == [Path("rel.svg")]
    assert (tmp_path / "rel.svg").is_file()


def test_write_plane_writes_the_same_files(tmp_path: Path) -> None:
    res = _ma_eps(experiment="na64", alpha_d=0.1, ratio=3.0, splitting=0.4)
    files = write_plane(res, tmp_path / "out", "fig4", hepdata=True, relic=(res.x, 1e-3 * res.x), projection=res)
    names = [f.name for f in files]
    assert names == ["fig4.csv", "fig4_curves.csv", "fig4.json", "fig4.png", "fig4.pdf", "fig4-hepdata"]
    assert all(f.exists() for f in files)
    assert (tmp_path / "out" / "fig4-hepdata" / "submission.yaml").is_file()
    assert sorted(os.listdir(tmp_path / "out")) == sorted(names)
    # Every drawn curve's points (issue 17): in the JSON, in the curves CSV, and a HEPData table each.
    curves = json.loads((tmp_path / "out" / "fig4.json").read_text())["curves"]
    assert {"na64", "relic", "projection", "g2/wp2020-world2021/low", "g2/wp2020-bnl/high"} <= set(curves)
    assert np.allclose(np.array(curves["relic"][0]), np.column_stack([res.x, 1e-3 * res.x]))
    rows = (tmp_path / "out" / "fig4_curves.csv").read_text().splitlines()
    assert rows[0] == "curve,piece,x,y"
    assert {r.split(",")[0] for r in rows[1:]} == set(curves)
    tables = {p.name for p in (tmp_path / "out" / "fig4-hepdata").iterdir()}
    assert {"relic_1.yaml", "projection_1.yaml", "g2_wp2020-world2021_low_1.yaml"} <= tables
    relic_table = (tmp_path / "out" / "fig4-hepdata" / "relic_1.yaml").read_text()
    assert "alpha_d" in relic_table  # the benchmark as qualifiers
    assert "splitting" in relic_table


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda r: plot_ma_eps(r, ax="not an axes"), "ax"),
        (lambda r: plot_ma_eps(r, ax=Figure()), "ax"),
        (lambda r: plot_plane(r, ax=42), "ax"),
        (lambda r: plot_ma_eps("not a scan"), "result"),
        (lambda r: plot_plane(None), "result"),
        (lambda r: plot_ma_alpha_d(r), "result.plane"),
        (lambda r: plot_ma_eps(_mchi1_alpha_d()), "result.plane"),
        (lambda r: plot_ma_eps(r, relic=(r.x, r.x[:-1])), "relic"),
        (lambda r: plot_ma_eps(r, g2_references="wp2025"), "g2_references"),
        (lambda r: plot_ma_eps(r, projection="na64"), "projection"),
        (lambda r: plot_ma_eps(r, title=3), "title"),
        (lambda r: plot_ma_alpha_d(_mchi1_alpha_d(), log_y="yes"), "log_y"),
        (lambda r: save_figure("not a figure", "x"), "fig"),
        (lambda r: save_figure(Figure(), "x", formats=["nope"]), "formats"),
        (lambda r: save_figure(Figure(), "x", formats="png"), "formats"),
        (lambda r: save_figure(Figure(), "x", dpi=0), "dpi"),
        (lambda r: save_figure(Figure(), ""), "out_base"),
    ],
)
def test_bad_arguments_are_refused(call: Any, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as err:
        call(_ma_eps())
    assert err.value.name == name
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_write_plane_draws_a_figure_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The PNG and PDF of the same inputs come from the cache (identical bytes, nothing drawn); a change of any
    input draws anew."""
    import semivisible.plot.figures as figures

    res = _ma_eps(experiment="na64", alpha_d=0.1, ratio=3.0, splitting=0.4)
    relic = (res.x, 1e-3 * res.x * (1 + np.random.default_rng().random()))  # new inputs: not cached yet
    write_plane(res, tmp_path / "a", "fig4", relic=relic)
    calls: list[int] = []
    drawing = figures.plot_plane

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return drawing(*args, **kwargs)

    monkeypatch.setattr(figures, "plot_plane", counted)
    write_plane(res, tmp_path / "b", "fig4", relic=relic)
    assert calls == []
    for ext in ("png", "pdf"):
        assert (tmp_path / "a" / f"fig4.{ext}").read_bytes() == (tmp_path / "b" / f"fig4.{ext}").read_bytes()
    write_plane(res, tmp_path / "c", "fig4", relic=(relic[0], 2 * relic[1]))
    assert calls == [1]
