"""Thermal relic of pseudo-Dirac iDM (semivisible.cosmo.relic): limits, published targets, g-2 crossing."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from semivisible.cli.relic import relic_info
from semivisible.cosmo import relic
from semivisible.cosmo.g2 import g2_band
from semivisible.errors import ParameterError
from semivisible.model.constants import ALPHA_EM, M_E_GEV, M_MU_GEV
from semivisible.model.dark_sector import DarkSector
from semivisible.model.hadrons import r_ratio


def dirac_sigma(sqrt_s: float, ma: float, eps: float, alpha_d: float, m: float, gamma: float) -> float:
    """Dirac chi chi-bar -> f f-bar (physics.md 5.1 check), summed over e, mu and hadrons (R x massless mu)."""
    s = sqrt_s**2
    d = (s - ma**2) ** 2 + ma**2 * gamma**2
    common = 4 * math.pi * ALPHA_EM * alpha_d * eps**2 / 3 * (s + 2 * m**2) / (s * d) / math.sqrt(1 - 4 * m**2 / s)
    total = 0.0
    for mf in (M_E_GEV, M_MU_GEV):
        if s > 4 * mf**2:
            total += (s + 2 * mf**2) * math.sqrt(1 - 4 * mf**2 / s)
    total += s * float(r_ratio(sqrt_s))
    return common * total


@pytest.mark.parametrize(("sqrt_s", "ma", "m"), [(0.12, 0.18, 0.05), (0.65, 0.9, 0.3), (0.31, 0.45, 0.15)])
def test_delta_to_zero_is_dirac(sqrt_s: float, ma: float, m: float) -> None:
    gamma = 0.01
    ours = float(relic.sigma_12(sqrt_s, ma, 1e-3, 0.1, m, m * (1 + 1e-9), gamma_aprime=gamma))
    assert ours == pytest.approx(dirac_sigma(sqrt_s, ma, 1e-3, 0.1, m, gamma), rel=1e-6)


@pytest.mark.parametrize("f", [0.0, 0.4])
def test_threshold_limit(f: float) -> None:
    """sigma_12 v_Mol -> 4 pi a aD eps^2 C(M^2) / (M^2 - mA^2)^2 at threshold (physics.md 5.1 NR limit)."""
    m1, ma = 0.1, 0.3
    m2 = m1 * (1 + f) * (1 + 1e-12)
    big = m1 + m2
    e = big * (1 + 1e-7)
    s = e * e
    lam = (s - big**2) * (s - (m2 - m1) ** 2)
    v_mol = math.sqrt(lam) / (2 * m1 * m2)
    sv = float(relic.sigma_12(e, ma, 1e-3, 0.1, m1, m2, gamma_aprime=0.0)) * v_mol
    assert sv == pytest.approx(relic.sigma_v_12_threshold(ma, 1e-3, 0.1, m1, m2), rel=1e-5)


def test_dirac_nr_formula() -> None:
    """Delta -> 0, e+e- only (M < 2 m_mu): sigma v -> 16 pi a aD eps^2 m^2/(mA^2 - 4 m^2)^2 (m_e corrections ~1e-4)."""
    m, ma = 0.05, 0.15
    sv = relic.sigma_v_12_threshold(ma, 1e-3, 0.1, m, m)
    assert sv == pytest.approx(16 * math.pi * ALPHA_EM * 0.1 * 1e-6 * m**2 / (ma**2 - 4 * m**2) ** 2, rel=1e-3)


def test_thermal_average_nr_limit() -> None:
    """At x = 1000 the thermal average of an s-wave cross section is its threshold value (to O(1/x))."""
    p = DarkSector.from_benchmark(0.15, 1e-3, splitting=1e-3)  # m1 = 0.05: e+e- only
    sv = float(relic.thermal_average_sigma_v(p, [1000.0])[0]) / relic.GEV2_TO_CM3_S
    assert sv == pytest.approx(relic.sigma_v_12_threshold(p.ma, p.eps, p.alpha_d, p.mchi1, p.mchi2), rel=5e-3)


# ESPP2026-PPG/Quasi-elastic-DM data/relic-target-pseudodirac.csv (thermal target lines provided by P. Crivelli,
# NA64), alpha_D = 0.1, m_A' = 3 m_chi, small-splitting pseudo-Dirac; values as interpolated in physics.md 5.5
# (V25 = the 0.01, 0.1, 0.3 GeV entries).
PSEUDO_DIRAC = [(0.003, 4.61e-14), (0.01, 4.90e-13), (0.03, 4.69e-12), (0.13, 5.92e-11), (0.2, 1.07e-10)]
PSEUDO_DIRAC_MISSES = [(0.1, 4.73e-11), (0.3, 1.33e-10)]


def _y_pseudo_dirac(mchi: float) -> float:
    eps = relic.eps_relic(3 * mchi, 0.1, ratio=3.0, splitting=1e-3)
    return eps**2 * 0.1 / 81.0


@pytest.mark.parametrize(("mchi", "y_ref"), PSEUDO_DIRAC)
def test_pseudo_dirac_target(mchi: float, y_ref: float) -> None:
    """Within 16 % of the published line (0.003 GeV is +15.0 %, the others <= 11 %)."""
    assert _y_pseudo_dirac(mchi) == pytest.approx(y_ref, rel=0.16)


@pytest.mark.parametrize(("mchi", "y_ref"), PSEUDO_DIRAC_MISSES)
def test_pseudo_dirac_target_at_the_structures(mchi: float, y_ref: float) -> None:
    """0.1 GeV (+25 %, mu+mu- threshold) and 0.3 GeV (+23 %, rho) are where the published line, digitised from a
    figure, is smoother than kinematics allows (docs/validation.md section 5): within 30 %."""
    assert _y_pseudo_dirac(mchi) == pytest.approx(y_ref, rel=0.30)


# Narrow-resonance edges: y jumps up once m1 + m2 ~ 2 m_chi passes m_omega (0.783 GeV) and m_phi (1.019 GeV),
# where annihilation through the resonance closes. Published y (same csv) at the three masses around each edge:
# (m_chi GeV, y): no jump below the edge, a jump by > 1.5 across it.
PUBLISHED_EDGES = {
    "omega": [(0.37769, 8.716e-11), (0.38854, 1.0054e-10), (0.41119, 2.1209e-10)],
    "phi": [(0.48052, 2.5968e-10), (0.49996, 2.5744e-10), (0.51579, 4.4905e-10)],
}


@pytest.mark.parametrize("edge", sorted(PUBLISHED_EDGES))
def test_resonance_edges_where_the_published_line_has_them(edge: str) -> None:
    pts = PUBLISHED_EDGES[edge]
    for ys in ([y for _, y in pts], [_y_pseudo_dirac(m) for m, _ in pts]):
        assert ys[1] / ys[0] < 1.2
        assert ys[2] / ys[1] > 1.5


def test_bdf2_matches_radau() -> None:
    for p in (DarkSector.from_benchmark(0.3, 3e-4, splitting=1e-3), DarkSector.from_benchmark(0.6, 8e-3)):
        a = relic.relic_abundance(p)
        b = relic.relic_abundance(p, method="radau")
        assert a.omega_h2 == pytest.approx(b.omega_h2, rel=5e-3)
        assert a.x_f == pytest.approx(b.x_f, rel=5e-3)


def test_constant_sigma_v_steigman() -> None:
    """Steigman, Dasgupta, Beacom, arXiv:1204.3622 (abstract and Fig. 5, Majorana WIMP, Omega h^2 = 0.11):
    <sigma v> = 2.2e-26 cm^3/s for m >~ 10 GeV, maximum 5.2e-26 around 0.3 GeV. Ours within 10 % (100 GeV)
    and 15 % (0.3 GeV); Omega ~ 1/<sigma v> converts our Omega at fixed <sigma v> into the required <sigma v>."""
    masses = [0.3, 100.0]
    res = relic.freeze_out_constant_sigma_v(masses, 2.2e-26)
    needed = {m: 2.2e-26 * r.omega_h2 / 0.11 for m, r in zip(masses, res, strict=True)}
    assert needed[100.0] == pytest.approx(2.2e-26, rel=0.10)
    assert needed[0.3] == pytest.approx(5.2e-26, rel=0.15)
    assert needed[0.3] / needed[100.0] > 1.7
    for r in res:
        assert 15 < r.x_f < 30


def _plain_freeze_out(m: float, sigma_v_cm3_s: float, g_star: float = 10.75) -> float:
    """An independent 20-line solver: constant g_* = h_eff, Maxwell-Boltzmann Y_eq (g = 2), Radau in ln Y."""
    from scipy.integrate import solve_ivp
    from scipy.special import kn

    sv = sigma_v_cm3_s / 1.16737e-17  # GeV^-2
    lam = math.sqrt(math.pi / 45) * 1.22091e19 * m * math.sqrt(g_star) * sv

    def yeq(x: float) -> float:
        t = m / x
        return float(2 / (2 * math.pi**2) * m**2 * t * kn(2, x) / (2 * math.pi**2 / 45 * g_star * t**3))

    def rhs(x: float, w: np.ndarray) -> list[float]:
        y = math.exp(w[0])
        return [-lam / x**2 * (y - yeq(x) ** 2 / y)]

    sol = solve_ivp(rhs, [1.0, 2000.0], [math.log(yeq(1.0))], method="Radau", rtol=1e-9, atol=1e-12)
    return 2.7439e8 * m * math.exp(sol.y[0, -1])


def test_constant_sigma_v_against_an_independent_solver() -> None:
    """At m = 0.3 GeV freeze-out happens at T ~ 15 MeV where g_* = h_eff = 10.75 (photons, e+-, 3 nu): the
    package (with g_*(T)) agrees with a plain constant-g_* solver within 3 % (measured 1.6 %)."""
    ours = relic.freeze_out_constant_sigma_v([0.3], 2.2e-26)[0].omega_h2
    assert ours == pytest.approx(_plain_freeze_out(0.3, 2.2e-26), rel=0.03)


def test_resonance_dip() -> None:
    """Near m_A' = 2 m_chi the Breit-Wigner enhancement lowers eps_relic by orders of magnitude."""
    eps = [relic.eps_relic(0.3, ratio=r, splitting=1e-3) for r in (2.02, 2.1, 2.5, 3.0)]
    assert all(a < b for a, b in itertools.pairwise(eps))
    assert eps[0] < eps[-1] / 50


def test_benchmark_line_and_g2_band() -> None:
    """Benchmark line (alpha_D = 0.1, m_A' = 3 m1, f = 0.4) vs the 2 sigma band of Delta a_mu = (251 +- 59)e-11.

    Found (300 masses, 0.05-3 GeV): below the band for m_A' < 0.19 GeV; inside for 0.19-0.27, 0.33-0.74,
    1.05-1.20 and 1.28-3 GeV; just below it (relic eps smaller) in the gaps (muon-threshold and rho/omega
    features of the rate). arXiv:2107.02021: both explained for 0.3 <~ m_A' <~ 1 GeV.
    """
    ma = np.array([0.03, 0.1, 0.45, 0.55, 0.65])
    eps, y = relic.relic_line(ma)
    assert y == pytest.approx(eps**2 * 0.1 / 81)
    lo, hi = zip(*(g2_band(float(m), "wp2020-world2021").eps_2sigma for m in ma), strict=True)
    assert eps[0] < lo[0]
    assert eps[1] < lo[1]
    assert all(lo[i] <= eps[i] <= hi[i] for i in (2, 3, 4))


def test_relic_line_matches_single() -> None:
    eps, _ = relic.relic_line([0.2, 0.5])
    assert eps[1] == pytest.approx(relic.eps_relic(0.5), rel=1e-4)


def test_positivity_and_monotonicity() -> None:
    om = [relic.relic_abundance(DarkSector.from_benchmark(0.3, e, splitting=1e-3)).omega_h2 for e in (1e-4, 3e-4, 1e-3)]
    assert all(o > 0 for o in om)
    assert om[0] > om[1] > om[2]
    assert 60.0 < om[0] / om[2] <= 100.0  # Omega ~ 1/eps^2, softened by ln(eps) in x_f and g_*(T_f)
    om4 = [relic.relic_abundance(DarkSector.from_benchmark(0.3, e)).omega_h2 for e in (2e-3, 4e-3, 8e-3)]
    assert om4[0] > om4[1] > om4[2] > 0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"ma": -1.0}, "ma"),
        ({"ma": 0.3, "ratio": 1.5}, "ratio"),
        ({"ma": 0.3, "splitting": 2.0}, "splitting"),
        ({"ma": 0.3, "alpha_d": 0.0}, "alpha_d"),
        ({"ma": 0.3, "mchi1": 0.1}, "delta"),
        ({"ma": 0.3, "mchi1": 0.2, "delta": 0.01}, "mchi1"),
    ],
)
def test_bad_input(kwargs: dict[str, float], name: str) -> None:
    with pytest.raises(ParameterError) as err:
        relic.eps_relic(**kwargs)
    assert err.value.name == name


def test_bad_input_misc() -> None:
    p = DarkSector.from_benchmark(0.3, 1e-3)
    with pytest.raises(ParameterError, match="method"):
        relic.relic_abundance(p, method="euler")
    with pytest.raises(ParameterError, match="x"):
        relic.thermal_average_sigma_v(p, [0.5])
    with pytest.raises(ParameterError, match="ma"):
        relic.relic_line([])


def test_cli_helpers() -> None:
    info = relic_info(0.3, mchi1=0.1, delta=0.04)
    for key in ("eps_relic", "y", "omega_h2_check", "ma_GeV", "mchi1_GeV", "mchi2_GeV", "alpha_d", "x_freeze_out"):
        assert key in info
    assert info["omega_h2_check"] == pytest.approx(0.120, rel=1e-3)
    assert info["mchi2_GeV"] == pytest.approx(0.14)
    # The human output of the command (the dead text helper it used to call is gone).
    from typer.testing import CliRunner

    from semivisible.cli import app

    result = CliRunner().invoke(app, ["relic", "--ma", "0.3"])
    assert result.exit_code == 0
    assert "eps_relic" in result.stdout


# ------------------------------------------------------------------------------------------------------------
# Elastic p-wave benchmarks: complex scalar and Majorana
# ------------------------------------------------------------------------------------------------------------
def test_elastic_p_wave_nr_limit() -> None:
    """sigma v_rel -> (8 pi/3) alpha alpha_D eps^2 m^2 v_rel^2/(m_A'^2 - 4 m^2)^2 (one massless lepton;
    Izaguirre, Krnjaic, Schuster, Toro, arXiv:1505.00011), both types; here m = 0.05 GeV (e+e- only)."""
    m, ma, eps, ad = 0.05, 0.15, 1e-3, 0.1
    beta = 1e-3  # velocity of each particle in the CM frame; v_rel = 2 beta
    sqrt_s = 2 * m / math.sqrt(1 - beta**2)
    nr = 8 * math.pi / 3 * ALPHA_EM * ad * eps**2 * m**2 * (2 * beta) ** 2 / (ma**2 - 4 * m**2) ** 2
    for dm in ("scalar", "majorana"):
        sv = float(relic.sigma_elastic(sqrt_s, ma, eps, ad, m, dm)) * 2 * beta
        assert sv == pytest.approx(nr, rel=1e-3)


def test_elastic_thermal_average_is_p_wave() -> None:
    """<sigma v> = b <v_rel^2> = 6 b/x for sigma v_rel = b v_rel^2 at large x (Gondolo-Gelmini)."""
    m, ma, eps, ad = 0.05, 0.15, 1e-3, 0.1
    ker = relic._make_kernel(ma, ad, m, m, eps, "majorana")
    sv = relic._sigma_v_table(ker, eps)
    x = relic._x_table()
    b = 8 * math.pi / 3 * ALPHA_EM * ad * eps**2 * m**2 / (ma**2 - 4 * m**2) ** 2
    assert sv[-1] == pytest.approx(6 * b / x[-1], rel=0.02)


# ESPP2026-PPG/Quasi-elastic-DM relic-target-majorana.csv and relic-target-scalar.csv (same source and figure as
# the pseudo-Dirac line; alpha_D = 0.1, m_A' = 3 m_chi), values as interpolated in physics.md 5.5.
ELASTIC_TARGETS = {
    "majorana": [(0.003, 4.85e-13), (0.01, 5.51e-12), (0.03, 6.23e-11), (0.2, 1.76e-9)],
    "scalar": [(0.003, 9.61e-13), (0.01, 1.15e-11), (0.03, 1.29e-10), (0.2, 3.42e-9)],
}


@pytest.mark.parametrize("dm", sorted(ELASTIC_TARGETS))
def test_elastic_targets_against_the_published_lines(dm: str) -> None:
    """Within 25 % away from the mu and rho structures. All three published lines sit 4-21 % below ours
    (docs/validation.md section 5: measured +4 ... +21 %; an independent second implementation agrees with ours)."""
    m = np.array([p[0] for p in ELASTIC_TARGETS[dm]])
    y_ref = np.array([p[1] for p in ELASTIC_TARGETS[dm]])
    _, y = relic.relic_line(3 * m, dm_type=dm)
    assert np.all(np.abs(y / y_ref - 1) < 0.25)


def test_scalar_over_majorana_as_published() -> None:
    """Same sigma, but Y counts chi and chi* for the scalar: y_scalar/y_Majorana ~ 2; published 1.94-2.09."""
    m = np.array([p[0] for p in ELASTIC_TARGETS["scalar"]])
    pub = np.array([s[1] / j[1] for s, j in zip(ELASTIC_TARGETS["scalar"], ELASTIC_TARGETS["majorana"], strict=True)])
    _, ys = relic.relic_line(3 * m, dm_type="scalar")
    _, ym = relic.relic_line(3 * m, dm_type="majorana")
    assert np.all(np.abs(ys / ym / pub - 1) < 0.06)
    assert np.all(np.abs(ys / ym - 2) < 0.03)


def test_elastic_bad_input() -> None:
    with pytest.raises(ParameterError, match="dm_type"):
        relic.relic_line([0.3], dm_type="dirac")
    with pytest.raises(ParameterError, match="splitting"):
        relic.relic_line([0.3], splitting=0.1, dm_type="scalar")
    with pytest.raises(ParameterError, match="dm_type"):
        relic.sigma_elastic(0.3, 0.3, 1e-3, 0.1, 0.1, "pseudo-dirac")
    assert relic.eps_relic(0.3, mchi1=0.1, dm_type="majorana") == pytest.approx(
        relic.eps_relic(0.3, dm_type="majorana"), rel=1e-9
    )
