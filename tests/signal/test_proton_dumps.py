"""NuCal and CHARM (proton beam dumps, issue 15): the visible bands against Tsai, deNiverville and Liu's
(arXiv:1908.07525 Fig. 3a; DarkCast limits/NuCAL_Tsai2019mtm.lmt and CHARM_Tsai2019mtm.lmt), proton
bremsstrahlung against Bluemlein and Brunner's own NuCal curve (arXiv:1311.3870 Fig. 5, DarkCast
limits/NuCAL_Blumlein1991xh.lmt), the channels, and where and why we differ (docs/validation.md).

Tolerances as issue 15 asks: lower edge 40%, upper edge 25%, closing mass 20%. Where the published curves were
computed with BdNMC's meson normalisation (1.95 and 2.4 pi0 per POT against Pythia 8 Angantyr's 3.95 and 7.17)
and its factor 1/4 in proton bremsstrahlung, the goal is a strict xfail, and a test shows that those
conventions account for the difference.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import semivisible.production.mesons as mesons_module
import semivisible.production.proton as proton_module
from semivisible.experiments import Experiment, load_experiment
from semivisible.search import Search
from semivisible.signal import beam_dump as bd

NUCAL = load_experiment("nucal")
CHARM = load_experiment("charm")
# (eps_low, eps_high) interpolated in log m from the DarkCast files named above.
TSAI_NUCAL = {0.002: (9.01e-07, 5.56e-04), 0.01: (4.17e-07, 9.83e-05), 0.05: (2.02e-07, 1.68e-05),
              0.1: (2.05e-07, 7.53e-06), 0.5: (2.25e-07, 5.28e-07)}  # fmt: skip
TSAI_CHARM = {0.002: (8.25e-07, 3.23e-04), 0.01: (3.82e-07, 5.64e-05), 0.05: (1.88e-07, 8.97e-06),
              0.1: (2.05e-07, 3.62e-06), 0.15: (2.61e-07, 1.74e-06), 0.2: (2.49e-07, 1.14e-06)}  # fmt: skip
# The published bands close at 0.80 GeV (NuCal) and end, nearly closed, at 0.25 GeV (CHARM).
TSAI_CLOSING = {"nucal": 0.80, "charm": 0.25}
BLUEMLEIN_BRUNNER_PBREM = {0.01: (8.22e-07, 9.55e-05), 0.1: (2.63e-07, 7.49e-06), 0.3: (1.42e-07, 1.38e-06)}
# Where the published curves and ours share their conventions: the meson region of NuCal, pi0 and eta of CHARM.
AGREE = {"nucal": [0.002, 0.01, 0.05, 0.1], "charm": [0.002, 0.01, 0.05, 0.1]}
PUBLISHED = {"nucal": TSAI_NUCAL, "charm": TSAI_CHARM}
EXPERIMENTS = {"nucal": NUCAL, "charm": CHARM}


def _edges(lim: bd.DumpLimit, i: int) -> tuple[float, float]:
    return float(lim.edge("low")[i]), float(lim.edge("high")[i])


@pytest.fixture(scope="module")
def bands() -> dict[str, bd.DumpLimit]:
    return {name: bd.dump_limit(exp, "visible", list(PUBLISHED[name])) for name, exp in EXPERIMENTS.items()}


@pytest.mark.parametrize(("name", "ma"), [(n, m) for n, ms in AGREE.items() for m in ms])
def test_visible_band_where_the_conventions_agree(bands: dict[str, bd.DumpLimit], name: str, ma: float) -> None:
    lim = bands[name]
    lo, hi = _edges(lim, list(PUBLISHED[name]).index(ma))
    pub_lo, pub_hi = PUBLISHED[name][ma]
    assert lo / pub_lo == pytest.approx(1.0, abs=0.40)
    assert hi / pub_hi == pytest.approx(1.0, abs=0.25)


@pytest.mark.xfail(
    strict=True,
    reason="the published NuCal curve carries BdNMC's factor 1/4 in proton bremsstrahlung (src/branchingratios.cpp "
    "wpp, 'divide by 4?'), e+ e- only and efficiency 1 (test_bdnmc_conventions_...); ours follows arXiv:1311.3870 "
    "and matches Bluemlein and Brunner's own curve",
)
def test_nucal_proton_brem_region_against_tsai(bands: dict[str, bd.DumpLimit]) -> None:
    lo, hi = _edges(bands["nucal"], list(TSAI_NUCAL).index(0.5))
    assert lo / TSAI_NUCAL[0.5][0] == pytest.approx(1.0, abs=0.40)
    assert hi / TSAI_NUCAL[0.5][1] == pytest.approx(1.0, abs=0.25)


@pytest.mark.xfail(
    strict=True,
    reason="the published CHARM curve normalises BdNMC's mesons to 2.4 pi0 per POT; Pythia 8 Angantyr gives 7.17 "
    "per p-Cu collision (forward pions within 20% of BMPT): more eta, a higher upper edge near the tip",
)
def test_charm_eta_region_upper_edge_against_tsai(bands: dict[str, bd.DumpLimit]) -> None:
    _, hi = _edges(bands["charm"], list(TSAI_CHARM).index(0.2))
    assert hi / TSAI_CHARM[0.2][1] == pytest.approx(1.0, abs=0.25)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            "nucal",
            marks=pytest.mark.xfail(
                strict=True,
                reason="ours closes at 1.27 GeV (~1.0 GeV with BdNMC's conventions): the time-like form factor of "
                "arXiv:0910.5589 keeps proton bremsstrahlung high above the rho/omega peak; the published band "
                "ends at 0.80 GeV",
            ),
        ),
        "charm",
    ],
)
def test_closing_mass_within_20_percent(name: str) -> None:
    published = TSAI_CLOSING[name]
    masses = np.geomspace(0.7 * published, 1.5 * published, 24)
    lim = bd.dump_limit(EXPERIMENTS[name], "visible", masses)
    closing = max(m for m, b in zip(masses, lim.bands, strict=True) if b)
    assert closing / published == pytest.approx(1.0, abs=0.20)


def test_proton_brem_against_bluemlein_brunner() -> None:
    """NuCal with proton bremsstrahlung alone against the source of the method (arXiv:1311.3870 Fig. 5)."""
    brem_only = NUCAL.with_channels(["proton_brem"])
    lim = bd.dump_limit(brem_only, "visible", list(BLUEMLEIN_BRUNNER_PBREM))
    for i, (pub_lo, pub_hi) in enumerate(BLUEMLEIN_BRUNNER_PBREM.values()):
        lo, hi = _edges(lim, i)
        assert lo / pub_lo == pytest.approx(1.0, abs=0.25)
        assert hi / pub_hi == pytest.approx(1.0, abs=0.25)


@pytest.fixture
def bdnmc_conventions(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """BdNMC's meson normalisation (pi0/POT 1.95 NuCal, 2.4 CHARM) and its 1/4 in proton bremsstrahlung."""
    meson_rows, brem_rows = mesons_module.meson_aprime_rows, proton_module.proton_brem_rows
    bdnmc_pi0 = {"p70_Fe": 74.0 / 38.0, "p400_Cu": 2.4}

    def mesons(ma: float, config: str, meson: str, **kw: object) -> dict[str, np.ndarray]:
        rows = dict(meson_rows(ma, config, meson, **kw))  # type: ignore[arg-type]
        pythia = mesons_module.load_meson_spectrum(config, "pi0").multiplicity_per_pot
        rows["weight"] = rows["weight"] * bdnmc_pi0[config] / pythia
        return rows

    def brem(*args: object, **kw: object) -> dict[str, np.ndarray]:
        rows = dict(brem_rows(*args, **kw))  # type: ignore[arg-type]
        rows["weight"] = rows["weight"] / 4.0
        return rows

    monkeypatch.setattr(mesons_module, "meson_aprime_rows", mesons)
    monkeypatch.setattr(proton_module, "proton_brem_rows", brem)
    bd._PRODUCTION.clear()  # production rows kept in memory from other tests
    yield
    bd._PRODUCTION.clear()


def _bdnmc_file(tmp_path: Path, exp: Experiment) -> Experiment:
    """The file with BdNMC's efficiency 1 and A' -> e+ e- only (DarkCast's tag of the published curves)."""
    text = Path(exp.path).read_text(encoding="utf-8")
    for key, value in (("efficiency = {", 'efficiency = { value = 1.0, source = "BdNMC" }'),
                       ("visible_decays = ", 'visible_decays = ["ee"]')):  # fmt: skip
        start = text.index(key)
        text = text[:start] + value + text[text.index("\n", start) :]
    path = tmp_path / f"{exp.name}-bdnmc.toml"
    path.write_text(text, encoding="utf-8")
    return load_experiment(path)


@pytest.mark.usefixtures("bdnmc_conventions")
@pytest.mark.parametrize(("name", "ma"), [("charm", 0.15), ("charm", 0.2), ("nucal", 0.5)])
def test_bdnmc_conventions_account_for_the_difference(tmp_path: Path, name: str, ma: float) -> None:
    """With BdNMC's conventions (meson normalisation, 1/4 in proton bremsstrahlung, efficiency 1, e+ e- only) the
    published edges are met where ours miss them."""
    lim = bd.dump_limit(_bdnmc_file(tmp_path, EXPERIMENTS[name]), "visible", [ma], use_cache=False)
    (lo, hi), pub = lim.bands[0][0], PUBLISHED[name][ma]
    assert lo / pub[0] == pytest.approx(1.0, abs=0.40)
    assert hi / pub[1] == pytest.approx(1.0, abs=0.25)


LEADING = [("charm", 0.05, "pi0"), ("charm", 0.3, "eta"), ("nucal", 0.05, "pi0"), ("nucal", 0.6, "proton_brem")]


@pytest.mark.parametrize(("name", "ma", "leading"), LEADING)
def test_the_leading_channel_follows_the_meson_masses(name: str, ma: float, leading: str) -> None:
    """Below m_pi0 the pi0 decays lead, between m_pi0 and m_eta the eta (CHARM, off axis) and above m_eta proton
    bremsstrahlung (NuCal, on axis)."""
    exp = EXPERIMENTS[name]
    events = {c: bd.BeamDumpSignal(exp.with_channels([c])).visible(ma, [1e-7]).events[0] for c in exp.channels}
    assert max(events, key=events.__getitem__) == leading
    if ma > 0.135:
        assert events["pi0"] == 0.0


@pytest.mark.parametrize("name", ["nucal", "charm"])
def test_semivisible_band_at_the_benchmark(name: str) -> None:
    """The semi-visible band of the paper's benchmark exists and lies above the visible one (chi2 -> chi1 e+ e- is
    slower than A' -> e+ e- and only part of the A' energy is seen)."""
    lim = bd.dump_limit(EXPERIMENTS[name], "semivisible", [0.1], alpha_d=0.1, ratio=3.0, splitting=0.4)
    vis = bd.dump_limit(EXPERIMENTS[name], "visible", [0.1])
    (lo, hi), (v_lo, _) = lim.bands[0][0], vis.bands[0][0]
    assert v_lo < lo < hi < 1.0


def test_a_proton_dump_is_a_search() -> None:
    search = Search.load("charm")
    assert isinstance(search.signal, bd.BeamDumpSignal)
    assert search.signal.n_up() == pytest.approx(2.303, abs=1e-3)
