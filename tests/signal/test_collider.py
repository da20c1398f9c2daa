"""The collider kind (issue 16): BaBar's mono-photon search recast for a chi2 that may show itself.

Tolerances: the invisible mode returns the file's published limit to 1e-5 (the same code path) and the full
published curve (DarkCast's digitisation of arXiv:1702.03327) to 15%; P_undetected -> 1 for a long-lived chi2 to
1e-3 and -> 0 for a chi2 that decays at the interaction point inside a hermetic veto.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from semivisible.errors import ParameterError
from semivisible.experiments import load_experiment
from semivisible.model.constants import HBARC_GEV_M
from semivisible.model.dark_sector import DarkSector
from semivisible.search import Search
from semivisible.signal import collider as col

BABAR = load_experiment("babar")
# The whole published curve (arXiv:1702.03327 Fig. 3 as DarkCast digitises it, limits/BaBar_Lees2017lec.lmt), every
# fifth point to 5 GeV: (m_A' GeV, eps).
PUBLISHED = [(0.001, 9.476e-4), (0.34, 9.488e-4), (0.8, 9.658e-4), (1.3, 9.70e-4), (1.8, 9.068e-4), (2.3, 7.238e-4),
             (2.55, 7.076e-4), (2.8, 7.321e-4), (3.05, 7.575e-4), (3.3, 7.761e-4), (3.55, 6.836e-4), (3.8, 5.401e-4),
             (4.05, 4.406e-4), (4.3, 4.345e-4), (4.55, 4.138e-4), (4.8, 4.164e-4)]  # fmt: skip


def _variant(tmp_path: Path, replace: dict[str, str]) -> Path:
    text = Path(BABAR.path).read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "babar-variant.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_babar_is_a_collider_search() -> None:
    search = Search.load("babar")
    assert search.kind == "collider"
    assert isinstance(search.signal, col.ColliderSignal)
    assert search.signal.ma_range_gev == pytest.approx((0.001, 5.0))


def test_invisible_mode_returns_the_published_limit() -> None:
    lim = BABAR.spec.invisible_limit
    assert lim is not None
    found = col.collider_limit(BABAR, "invisible", lim.ma_gev)
    for eps_pub, bands in zip(lim.eps, found.bands, strict=True):
        ((lo, hi),) = bands
        assert lo == pytest.approx(eps_pub, rel=1e-5)
        assert hi == 1.0


def test_invisible_mode_against_the_whole_published_curve() -> None:
    ref = np.array(PUBLISHED)
    found = col.collider_limit(BABAR, "invisible", ref[:, 0])
    lows = np.array([b[0][0] for b in found.bands])
    assert np.all(np.abs(lows / ref[:, 1] - 1.0) < 0.15)


@pytest.fixture(scope="module")
def point() -> DarkSector:
    return DarkSector.build(0.3, 1e-3, 0.1, ratio=3.0, splitting=0.4)


def test_long_lived_chi2_is_never_seen(point: DarkSector) -> None:
    table = col.build_veto_table(point, BABAR)
    p, _ = table.p_undetected([1e-9])
    assert p[0] == pytest.approx(1.0, abs=1e-3)
    # ... so the semi-visible limit at tiny eps is the invisible one divided by the BR (~1).
    signal = col.ColliderSignal(BABAR)
    r = signal.excess(point, 1e-6, 0.1, table=table)
    assert float(r) == pytest.approx((1e-6 / float(signal.eps_invisible(0.3))) ** 2, rel=2e-3)


def test_prompt_chi2_in_a_hermetic_detector_is_always_seen(tmp_path: Path, point: DarkSector) -> None:
    """Vetoes that cover every angle with no threshold: a chi2 decaying at the interaction point is seen."""
    hermetic = load_experiment(
        _variant(
            tmp_path,
            {
                "theta_min_deg = { value = 17.0,": "theta_min_deg = { value = 0.0,",
                "theta_max_deg = { value = 142.0,": "theta_max_deg = { value = 180.0,",
                "threshold_gev = { value = 0.15,": "threshold_gev = { value = 0.0,",
            },
        )
    )
    table = col.build_veto_table(point, hermetic, use_cache=False)
    assert table.p_undetected([1e9])[0][0] < 1e-3
    # BaBar's own volumes leave the forward and backward holes and the soft decays.
    real = col.build_veto_table(point, BABAR)
    holes = 1.0 - float(real.seen[:, 0].mean())
    assert real.p_undetected([1e9])[0][0] == pytest.approx(holes, abs=1e-6)
    assert 0.02 < holes < 0.3


def test_semivisible_band_is_solved_consistently(point: DarkSector) -> None:
    """At the solved edge eps^2 BR P_undetected(eps) = eps_inv^2, with the chi2 lifetime of that eps."""
    lim = col.collider_limit(BABAR, "semivisible", [0.3], alpha_d=0.1, ratio=3.0, splitting=0.4)
    ((lo, hi),) = lim.bands[0]
    signal = col.ColliderSignal(BABAR)
    assert float(signal.excess(point, lo, 0.1)) == pytest.approx(1.0, rel=1e-4)
    assert lo > float(signal.eps_invisible(0.3))  # part of the events is vetoed
    # Shorter lifetime, more vetoes: P_undetected falls with eps.
    table = col.build_veto_table(point, BABAR)
    lam = point.gamma_chi2 / HBARC_GEV_M * (np.array([1e-4, 1e-3, 1e-2]) / point.eps) ** 2
    p = table.p_undetected(lam)[0]
    assert p[0] > p[1] > p[2]
    assert math.isclose(hi, 1.0)


def test_a_stable_chi2_leaves_the_invisible_limit() -> None:
    """Delta < 2 m_e (m_A' = 1 MeV at the benchmark): chi2 escapes, the bound is eps_inv / sqrt(BR)."""
    lim = col.collider_limit(BABAR, "semivisible", [0.001])
    inv = col.collider_limit(BABAR, "invisible", [0.001])
    assert lim.bands[0][0][0] == pytest.approx(inv.bands[0][0][0], rel=1e-3)


def test_photon_density_is_symmetric_and_grows_forward() -> None:
    s = 10.5641**2
    c = np.array([-0.9, -0.5, 0.0, 0.5, 0.9])
    d = col.photon_cos_density(c, s, 0.5)
    assert np.allclose(d, d[::-1])
    assert d[0] > d[1] > d[2]
    with pytest.raises(ParameterError, match="ma"):
        col.photon_cos_density(0.0, s, 20.0)


@pytest.mark.parametrize(
    ("replace", "needle"),
    [
        ({"[photon]": "[photonx]"}, "photonx"),
        ({'kind = "collider"': 'kind = "beam-dump"'}, "a beam-dump file needs a [beam] section"),
        ({"z_min_m = { value = -1.13,": "z_min_m = { value = 0.5,"}, "z_min_m < 0 < z_max_m"),
        ({"eps = [9.62e-4,": "eps = [2.0,"}, "invisible_limit.eps[0] = 2.0"),
        ({"theta_max_deg = { value = 99.0,": "theta_max_deg = { value = 20.0,"}, "theta_min_deg.value = 32.5"),
    ],
)
def test_bad_collider_files_name_the_key(tmp_path: Path, replace: dict[str, str], needle: str) -> None:
    with pytest.raises(ParameterError) as info:
        load_experiment(_variant(tmp_path, replace))
    assert needle in str(info.value)


def test_a_collider_refuses_what_it_does_not_cover() -> None:
    with pytest.raises(ParameterError, match="ma = 7"):
        col.collider_limit(BABAR, "semivisible", [7.0])
    with pytest.raises(ParameterError, match="mode"):
        col.collider_limit(BABAR, "visible", [0.1])
    with pytest.raises(ParameterError, match="kind 'collider'"):
        col.collider_limit(load_experiment("e137"), "invisible", [0.1])
    with pytest.raises(ParameterError, match=r"\[beam\]"):
        _ = BABAR.eot
