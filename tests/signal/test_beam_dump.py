"""The beam-dump kind: E137's visible band against the published curve, the long- and short-lifetime limits, the
energy threshold, and the semi-visible signal from the same tables.

Tolerances: analytic limits to 1%; the published band as issue 14 asks (lower edge 30%, upper edge 20%, closing
mass 15%).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from semivisible.errors import ParameterError
from semivisible.experiments import load_experiment
from semivisible.model.dark_sector import DarkSector
from semivisible.search import Search
from semivisible.signal import beam_dump as bd

E137 = load_experiment("e137")
# E137 visible dark-photon band, BEST arXiv:0906.0580 Fig. 1 (DarkCast limits/E137_Bjorken2009mm.lmt),
# interpolated in log m: (eps_low, eps_high); the band closes at 0.4105 GeV.
PUBLISHED = {
    0.002: (1.171e-07, 2.458e-04),
    0.005: (9.428e-08, 8.466e-05),
    0.01: (8.453e-08, 3.996e-05),
    0.02: (7.850e-08, 1.819e-05),
    0.05: (7.638e-08, 6.393e-06),
    0.1: (7.824e-08, 2.788e-06),
    0.2: (9.064e-08, 1.110e-06),
    0.3: (1.109e-07, 5.661e-07),
}
CLOSING_GEV = 0.4105


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = Path(E137.path).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "e137-variant.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_decay_probability_limits() -> None:
    u = np.array([1e-3])
    # Long lifetime: lambda u (L2 - L1); short: exp(-lambda u L1).
    assert bd.decay_probability(1e-6, u, 179.0, 383.0)[0] == pytest.approx(1e-9 * 204.0, rel=1e-6)
    assert bd.decay_probability(50.0, u, 179.0, 383.0)[0] == pytest.approx(math.exp(-50e-3 * 179.0), rel=1e-4)


@pytest.fixture(scope="module")
def visible_band() -> bd.DumpLimit:
    return bd.dump_limit(E137, "visible", list(PUBLISHED))


@pytest.mark.parametrize("i", range(len(PUBLISHED)))
def test_visible_lower_edge_within_30_percent(visible_band: bd.DumpLimit, i: int) -> None:
    ma = list(PUBLISHED)[i]
    lo = visible_band.bands[i][0][0]
    assert lo == pytest.approx(PUBLISHED[ma][0], rel=0.30)


@pytest.mark.parametrize("i", [i for i, m in enumerate(PUBLISHED) if m <= 0.2])
def test_visible_upper_edge_within_20_percent(visible_band: bd.DumpLimit, i: int) -> None:
    ma = list(PUBLISHED)[i]
    hi = visible_band.bands[i][-1][1]
    assert hi == pytest.approx(PUBLISHED[ma][1], rel=0.20)


def test_visible_band_closes_near_the_published_mass() -> None:
    masses = np.geomspace(0.3, 0.55, 26)
    lim = bd.dump_limit(E137, "visible", masses)
    open_ = [m for m, b in zip(masses, lim.bands, strict=True) if b]
    assert max(open_) == pytest.approx(CLOSING_GEV, rel=0.15)
    assert lim.bands[-1] == []
    assert lim.to_records()[-1] == {"ma_GeV": masses[-1], "ma": masses[-1], "eps_low": None, "eps_high": None}


@pytest.mark.parametrize("mode", ["visible", "semivisible"])
def test_long_lifetime_signal_goes_as_eps4(mode: str) -> None:
    signal = bd.BeamDumpSignal(E137)
    eps = np.array([1e-9, 2e-9])
    if mode == "visible":
        n = signal.visible(0.05, eps).events
    else:
        n = signal.semivisible(DarkSector.from_benchmark(ma=0.05, eps=1e-3), eps, 0.1).events
    assert n[1] / n[0] == pytest.approx(16.0, rel=0.01)


def test_short_lifetime_cut_off() -> None:
    """Above the upper edge the decays happen inside the shield: the events fall faster than any power of eps."""
    signal = bd.BeamDumpSignal(E137)
    lim = bd.dump_limit(E137, "visible", [0.05])
    hi = lim.bands[0][-1][1]
    n = signal.visible(0.05, np.array([hi, 1.5 * hi, 2.0 * hi])).events
    assert n[0] == pytest.approx(lim.n_up, rel=0.01)
    assert n[2] < 1e-6 * n[0]
    assert n[1] / n[0] < 1.5**-8


def test_energy_threshold(tmp_path: Path) -> None:
    """A higher threshold keeps fewer A' (the accepted weight falls, the long-lifetime rate Sum W u, which favours
    slow A', falls more); one near the beam energy leaves only the x -> 1 tail of the spectrum: the band's lower
    edge rises by more than x1.5 (measured x2.0: A' are made with x -> 1) and its upper edge falls."""
    path = _variant(tmp_path, "energy_threshold_gev = { value = 1.0", "energy_threshold_gev = { value = 10.0")
    high = load_experiment(str(path))
    base = bd.build_decay_table("visible", 0.05, E137)
    cut = bd.build_decay_table("visible", 0.05, high)
    assert 0 < cut.weight.sum() < base.weight.sum()
    assert (cut.weight @ cut.u) / (base.weight @ base.u) < cut.weight.sum() / base.weight.sum()
    # Only A' above 10 GeV remain: u = m/p is below 0.05/10 everywhere.
    assert cut.u.max() < 0.05 / 9.99
    path = _variant(tmp_path, "energy_threshold_gev = { value = 1.0", "energy_threshold_gev = { value = 19.9")
    (lo_cut, hi_cut), (lo, hi) = (
        bd.dump_limit(e, "visible", [0.05]).bands[0][0] for e in (load_experiment(str(path)), E137)
    )
    assert lo_cut > 1.5 * lo
    assert hi_cut < hi


def test_semivisible_band_from_the_same_file() -> None:
    """The semi-visible band at the paper's benchmark exists where chi2 lives long enough (m_A' ~ 0.05-0.3 GeV) and
    needs eps far above the visible band: the chi2 width goes as eps^2 alpha_D Delta^5/m_A'^4."""
    lim = bd.dump_limit(E137, "semivisible", [0.05, 0.2], alpha_d=0.1, ratio=3.0, splitting=0.4)
    vis = bd.dump_limit(E137, "visible", [0.05, 0.2])
    for semi_b, vis_b in zip(lim.bands, vis.bands, strict=True):
        assert semi_b
        assert semi_b[0][0] > 10 * vis_b[0][0]
    assert lim.meta == {"cl": 0.9, "alpha_d": 0.1, "ratio": 3.0, "splitting": 0.4}


def test_intervals_of_a_two_humped_signal() -> None:
    def events(e: np.ndarray) -> np.ndarray:
        x = np.log10(e)
        return 10.0 * (np.exp(-((x + 8) ** 2) / 0.1) + np.exp(-((x + 4) ** 2) / 0.1))

    bands = bd.excluded_intervals(events, 2.303)
    assert len(bands) == 2
    assert bands[0][0] < 1e-8 < bands[0][1] < bands[1][0] < 1e-4 < bands[1][1]


def test_search_and_bad_input() -> None:
    search = Search.load("e137")
    assert search.kind == "beam-dump"
    assert search.signal.signatures == ("visible", "semivisible")
    with pytest.raises(ParameterError, match="active-dump"):
        _ = search.active_signal
    with pytest.raises(ParameterError, match="mode"):
        bd.dump_limit(E137, "invisible", [0.01])
    with pytest.raises(ParameterError, match="ma"):
        bd.dump_limit(E137, "visible", [2.0])
    with pytest.raises(ParameterError, match="beam-dump"):
        bd.dump_limit(load_experiment("na64-2016"), "visible", [0.01])


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("[decay_volume]", "[decay_volume_typo]", "decay_volume"),
        ('visible_decays = ["ee", "mumu", "hadrons"]', 'visible_decays = ["gluons"]', "visible_decays"),
        ("energy_threshold_gev = { value = 1.0", "energy_threshold_gev = { value = 0.5", "min_aprime_energy_gev"),
        ('kind = "beam-dump"', 'kind = "active-dump"', "belongs to kind = 'beam-dump'"),
    ],
)
def test_beam_dump_schema(tmp_path: Path, old: str, new: str, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle):
        load_experiment(str(_variant(tmp_path, old, new)))


def test_band_on_two_workers_is_the_serial_one() -> None:
    from semivisible.scan.bands import dump_band

    masses = np.geomspace(0.003, 0.3, 6) * (1 + 1e-7)  # masses no other test caches
    parallel = dump_band(Search.load("e137"), "visible", masses, workers=2)
    serial = bd.dump_limit(E137, "visible", masses, use_cache=False)
    assert parallel.bands == serial.bands
    assert parallel.meta["workers"] == 2
