"""The semi-visible engine: reweighting against a fresh simulation, limits, and the R cut."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from semivisible import DarkSector
from semivisible.experiments import DEFAULT_EXPERIMENT, load_experiment
from semivisible.model.constants import HBARC_GEV_M
from semivisible.production.shower import ShowerConfig
from semivisible.production.yields import build_production_table
from semivisible.signal.semivisible import _laplace_sums, build_signal_table, signal_yields

EXP = load_experiment("na64-2016-2018")
POINT = DarkSector.from_benchmark(0.3, 6.312e-3)


@pytest.fixture(scope="module")
def small_table():  # type: ignore[no-untyped-def]
    cfg = EXP.shower_config(n_primaries=4000, seed=5)
    prod = build_production_table(
        POINT.ma, shower=cfg, target=EXP.radiator, atoms_per_x0_cm2=EXP.atoms_per_x0_cm2, e_min_gev=50.0
    )
    return prod, build_signal_table(POINT, EXP, table=prod)


def test_long_lifetime_limits(small_table) -> None:  # type: ignore[no-untyped-def]
    prod, table = small_table
    # lambda -> 0: S2 is the invisible-mode yield of the same production table (the same engine).
    assert float(table.s2_per_eps2(1e-12)) == pytest.approx(prod.yield_per_eot_per_eps2(), rel=1e-12)
    # and S1 ~ lambda ~ eps^2, so N_S1 ~ eps^4.
    eps = np.array([1e-7, 2e-7, 4e-7])
    y = signal_yields(table, eps, 0.1, EXP)
    ratio = y.s1 / eps**4
    np.testing.assert_allclose(ratio, ratio[0], rtol=2e-3)
    assert np.all(y.s2 / eps**2 == pytest.approx(float(y.s2[0] / eps[0] ** 2), rel=1e-6))


def test_short_lifetime_kills_both(small_table) -> None:  # type: ignore[no-untyped-def]
    _, table = small_table
    y = signal_yields(table, 1.0, 0.1, EXP)  # c tau ~ 0.4 micron
    assert float(y.s1) == 0.0
    assert float(y.s2) == 0.0


def test_laplace_binning_matches_direct_sum() -> None:
    rng = np.random.default_rng(1)
    n, k = 5000, 6
    x_edges = np.sort(rng.uniform(0.5, 20.0, (n, k + 1)), axis=1)
    x_end = x_edges[:, -1] + 1.0
    frac = rng.random((n, k))
    w = rng.random(n)
    lam = np.geomspace(1e-4, 30.0, 40)
    y1, y2 = _laplace_sums(lam, x_edges, x_end, frac, w, 1000)
    for j, lj in enumerate(lam):
        surv = np.exp(-lj * x_edges)
        exact1 = (w[:, None] * frac * (surv[:, :-1] - surv[:, 1:])).sum() / 1000
        exact2 = (w * np.exp(-lj * x_end)).sum() / 1000
        assert y1[j] == pytest.approx(exact1, rel=1e-5, abs=1e-12 * w.sum())
        assert y2[j] == pytest.approx(exact2, rel=1e-5, abs=1e-300)


def test_reweighting_equals_fresh_simulation(small_table) -> None:  # type: ignore[no-untyped-def]
    """A fresh simulation samples each chi2 decay point from the exponential; the reweighted yield must agree."""
    prod, table = small_table
    w = table.decay_fractions_weights
    a, weight = w["a"], w["weight"]
    s_f1, s_f2, s_end = w["s_fid_start"], w["s_fid_end"], w["s_end"]
    rng = np.random.default_rng(42)
    for eps in (2e-3, 6.312e-3):
        y = signal_yields(table, eps, 0.1, EXP)
        lam = 1.0 / float(y.ctau_chi2_m)
        # Decay points: s = L * Exp(1) with L = c tau p/m2 = 1/(lambda a).
        s = rng.exponential(1.0, a.size) / (lam * a)
        proper = s * a  # c t in the chi2 rest frame: exponential with mean c tau
        assert stats.kstest(proper / float(y.ctau_chi2_m), "expon").pvalue > 1e-3
        fresh_s2 = (weight * (s > s_end)).sum() / prod.n_primaries
        in_fid = (s > s_f1) & (s < s_f2)
        fresh_fid = (weight * in_fid).sum() / prod.n_primaries
        exact_fid = table.decay_fractions(lam)["fiducial"] * weight.sum() / prod.n_primaries
        rel_err = np.sqrt((weight**2 * in_fid).sum()) / max((weight * in_fid).sum(), 1e-300)
        assert fresh_fid == pytest.approx(exact_fid, rel=5 * rel_err + 1e-3)
        y_s2 = float(table.s2_per_eps2(lam))
        rel2 = np.sqrt((weight**2 * (s > s_end)).sum()) / max((weight * (s > s_end)).sum(), 1e-300)
        assert fresh_s2 == pytest.approx(y_s2, rel=5 * rel2 + 2e-3)


def test_vectorised_yields_and_alpha_d(small_table) -> None:  # type: ignore[no-untyped-def]
    _, table = small_table
    eps = np.logspace(-4, -2, 200)
    y = signal_yields(table, eps, 0.1, EXP)
    assert y.s1.shape == (200,)
    grid = signal_yields(table, eps[:, None], np.array([0.05, 0.1, 0.2])[None, :], EXP)
    assert grid.s1.shape == (200, 3)
    # c tau ~ 1/(eps^2 alpha_D) up to the A' width in the propagator.
    # c tau ~ 1/(eps^2 alpha_D), up to the A' width in the propagator: (m Gamma_A')^2/(m^2 - Delta^2)^2 ~ 0.3%
    # at alpha_D = 0.2 (Gamma_A'/m_A' = 0.051).
    np.testing.assert_allclose(grid.ctau_chi2_m[:, 0] / grid.ctau_chi2_m[:, 2], 4.0, rtol=5e-3)


def test_decay_position_exponential_in_rest_frame() -> None:
    rng = np.random.default_rng(3)
    ctau = 0.01
    p, m = rng.uniform(10, 90, 20000), 0.14
    lab = rng.exponential(ctau * p / m)
    assert stats.kstest(lab * m / p / ctau, "expon").pvalue > 1e-3
    assert HBARC_GEV_M > 0


@pytest.mark.xfail(
    strict=True,
    reason="NA64 finds an R-cut efficiency of ~52% (min ~45%); our electromagnetic-shower model of R gives ~100%, "
    "and a Grindhammer-Peters/GFlash study with fluctuations gives >= 98% (docs/validation.md section 3).",
)
def test_r_cut_efficiency_as_in_the_paper(small_table) -> None:  # type: ignore[no-untyped-def]
    _, table = small_table
    assert 0.45 <= table.r_cut_efficiency_model <= 0.60


def test_stable_chi2_is_rejected() -> None:
    from semivisible import ParameterError

    point = DarkSector(ma=0.3, eps=1e-3, alpha_d=0.1, mchi1=0.1, delta=0.0009)
    with pytest.raises(ParameterError, match="delta"):
        build_signal_table(point, EXP, table=None)


def test_shower_config_used(small_table) -> None:  # type: ignore[no-untyped-def]
    prod, _ = small_table
    assert isinstance(EXP.shower_config(), ShowerConfig)
    assert prod.n_primaries == 4000


def test_decay_fractions_sum_to_one_and_limits(small_table) -> None:  # type: ignore[no-untyped-def]
    _, table = small_table
    for lam in (1e-6, 0.1, 10.0, 300.0, 1e6):
        fr = table.decay_fractions(lam)
        assert sum(fr.values()) == pytest.approx(1.0, abs=2e-3)
    assert table.decay_fractions(1e-9)["beyond_detector"] == 1.0
    assert table.decay_fractions(1e9)["vetoed"] == 1.0
    # Direct per-event evaluation at one lambda.
    w = table.decay_fractions_weights
    lam = 30.0
    direct = float((w["weight"] * (1 - np.exp(-lam * w["a"] * w["s_veto_end"]))).sum() / w["weight"].sum())
    assert table.decay_fractions(lam)["vetoed"] == pytest.approx(direct, rel=2e-3)


def test_signal_table_disk_cache_round_trip() -> None:
    point = DarkSector.from_benchmark(0.2, 1e-3)
    exp = EXP
    fresh = build_signal_table(point, exp)
    again = build_signal_table(point, exp)
    assert not again.decay_fractions_weights  # loaded from the cache: lambda tables only
    np.testing.assert_array_equal(fresh.y_s1, again.y_s1)
    eps = np.logspace(-4, -2, 7)
    np.testing.assert_allclose(signal_yields(fresh, eps, 0.1, EXP).s2, signal_yields(again, eps, 0.1, EXP).s2)
    assert fresh.decay_fractions(20.0) == again.decay_fractions(20.0)


def test_quoted_r_cut_efficiency_replaces_the_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """An experiment file's r_cut_efficiency replaces the modelled R cut: at long lifetimes S1 scales by exactly
    quoted/modelled efficiency (same events, same energy threshold); S2 does not change."""
    from importlib.resources import files

    from semivisible.experiments import load_experiment

    text = (files("semivisible.experiments") / "data" / "na64-2016-2018.toml").read_text()
    quoted = tmp_path / "quoted.toml"
    quoted.write_text(text.replace('name = "na64-2016-2018"', 'name = "quoted"'))
    model_only = tmp_path / "model.toml"
    lines = [ln for ln in text.splitlines() if not ln.startswith("r_cut_efficiency")]
    model_only.write_text("\n".join(lines).replace('name = "na64-2016-2018"', 'name = "model"') + "\n")
    exp_q, exp_m = load_experiment(str(quoted)), load_experiment(str(model_only))
    assert exp_q.spec.s1 is not None
    assert exp_q.spec.s1.r_cut_efficiency is not None
    cfg = exp_q.shower_config(n_primaries=2000, seed=7)
    prod = build_production_table(
        POINT.ma, shower=cfg, target=exp_q.radiator, atoms_per_x0_cm2=exp_q.atoms_per_x0_cm2, e_min_gev=50.0
    )
    t_q = build_signal_table(POINT, exp_q, table=prod)
    t_m = build_signal_table(POINT, exp_m, table=prod)
    assert t_q.r_cut_efficiency == pytest.approx(0.52)
    assert t_q.r_cut_efficiency_model == pytest.approx(t_m.r_cut_efficiency_model)
    assert t_m.r_cut_efficiency == t_m.r_cut_efficiency_model
    assert t_q.s1_slope / t_m.s1_slope == pytest.approx(0.52 / t_m.r_cut_efficiency_model, rel=1e-9)
    assert float(t_q.s2_per_eps2(1e-3)) == pytest.approx(float(t_m.s2_per_eps2(1e-3)), rel=1e-12)


def test_sampling_fluctuations_of_r(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The file's commented [detector.shower] sampling_term switches on fluctuating R: the model efficiency can only
    drop, stays >= 0.98 at NA64's energies (docs/validation.md section 3) and a -> 0 gives back the mean-R cut."""
    from importlib.resources import files

    text = (files("semivisible.experiments") / "data" / "na64-2016-2018.toml").read_text()
    assert "# sampling_term = { value = 0.32" in text
    exps = {}
    for a in ("0.32", "1e-4"):
        f = tmp_path / f"a{a}.toml"
        f.write_text(text.replace("# sampling_term = { value = 0.32", f"sampling_term = {{ value = {a}"))
        exps[a] = load_experiment(str(f))
    cfg = EXP.shower_config(n_primaries=2000, seed=7)
    prod = build_production_table(
        POINT.ma, shower=cfg, target=EXP.radiator, atoms_per_x0_cm2=EXP.atoms_per_x0_cm2, e_min_gev=50.0
    )
    base = build_signal_table(POINT, EXP, table=prod).r_cut_efficiency_model
    fluct = build_signal_table(POINT, exps["0.32"], table=prod).r_cut_efficiency_model
    tiny = build_signal_table(POINT, exps["1e-4"], table=prod).r_cut_efficiency_model
    assert 0.98 <= fluct < base <= 1.0
    assert tiny == pytest.approx(base, abs=1e-3)


def test_a_table_refuses_another_experiment() -> None:
    """The table of one experiment with another's EOT and efficiencies was a silent error; now it is refused.

    (Issue 11: a na64-compact-hcal1 table at m_A' = 0.3 GeV read with the 2016-2018 defaults gave S1 = 10.8
    instead of 190.6, the EOT ratio 17.6.)
    """
    from semivisible import ParameterError

    compact = load_experiment("na64-compact-hcal1")
    point = DarkSector.from_benchmark(0.3, 6.312e-3)
    table = build_signal_table(point, compact, max_events=3000)
    assert table.experiment == "na64-compact-hcal1"
    assert table.experiment_id == compact.identity
    right = signal_yields(table, point.eps, 0.1, compact)
    assert float(right.s1) > 0.0
    with pytest.raises(ParameterError, match=r"table .*na64-compact-hcal1.*built for the experiment"):
        signal_yields(table, point.eps, 0.1, EXP)
    with pytest.raises(ParameterError, match="experiment"):
        build_signal_table(point, "na64-2016-2018", max_events=3000)  # type: ignore[arg-type]  # a name, not an object


def test_a_copy_of_an_experiment_file_has_the_same_identity(tmp_path: Path) -> None:
    """The identity is the content, not the path: a copy serves the same tables, a change of one number does not."""
    text = Path(EXP.path).read_text()
    same = tmp_path / "same.toml"
    same.write_text(text)
    other = tmp_path / "other.toml"
    other.write_text(text.replace("2.84e11", "2.85e11"))
    assert load_experiment(same).identity == EXP.identity
    assert load_experiment(other).identity != EXP.identity


def test_annihilation_feeds_s1_and_s2() -> None:
    """With channels = brem + annihilation the A' of the shower's positrons enter S1 and S2 along the positron: at
    m_A' = 0.25 GeV (E_res = 61 GeV > the 50 GeV cut) both signatures grow by the channel's share of the yield
    (x 10-20 in the production table), within the MC error of the thinned tables (a factor > 4 is asked)."""
    from semivisible.search import Search

    point = DarkSector.from_benchmark(ma=0.25, eps=1e-3)
    brem = Search.load(DEFAULT_EXPERIMENT)
    both = Search.load(DEFAULT_EXPERIMENT, channels=["brem", "annihilation"])
    y_brem = brem.signal.expected(point, 1e-3, 0.1, max_events=20_000)
    y_both = both.signal.expected(point, 1e-3, 0.1, max_events=20_000)
    assert float(y_both.s2) > 4 * float(y_brem.s2) > 0
    assert float(y_both.s1) > 4 * float(y_brem.s1) > 0
    # Below the resonance's reach (E_res = 20 GeV < 50 GeV) nothing changes but the MC noise of the thinning.
    low = DarkSector.from_benchmark(ma=0.14, eps=1e-3)
    lo_brem = brem.signal.expected(low, 1e-3, 0.1, max_events=20_000)
    lo_both = both.signal.expected(low, 1e-3, 0.1, max_events=20_000)
    assert float(lo_both.s2) == pytest.approx(float(lo_brem.s2), rel=0.1)
