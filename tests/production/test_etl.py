"""Exact-tree-level dark bremsstrahlung (semivisible.production.etl) against independent checks and DMG4.

Sources of the reference numbers:

* DMG4 = PKMuon/DMG4 (read-only mirror of the Geant4 DMG4 package): src/DarkMatter/DarkPhotons.cc (the comment
  "Ref. value ETL MA=0.0167, E0=150: 3643 pb" above ``TotalCrossSectionCalc``, eps = 1e-4, Pb) and
  src/DarkMatter/KFactors.code (K = sigma_IWW/sigma_ETL, Pb), both quoted in physics.md §1.3 and §1.6 (V13, V14).
* The x > 0.5 fractions are the prototype numbers of physics.md §1.6 ([COMPUTED], a regression check only).
* Everything else is internal: a brute-force Dirac-matrix evaluation of the amplitude, the Weizsaecker-Williams
  limit (BEST arXiv:0906.0580 Eq. A12 = physics.md §1.2), quadrature convergence and table interpolation.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from semivisible.errors import ParameterError
from semivisible.model.constants import ALPHA_EM, M_E_GEV
from semivisible.production import etl
from semivisible.production.form_factors import chi, g2_elastic, g2_inelastic


@pytest.fixture(scope="module")
def table() -> etl.EtlTable:
    return etl.load_etl_table("Pb")


# ------------------------------------------------------------------------------------------------ amplitude


def _gamma_matrices() -> list[np.ndarray]:
    i2, z2 = np.eye(2), np.zeros((2, 2))
    pauli = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
    g0 = np.block([[i2, z2], [z2, -i2]]).astype(complex)
    return [g0] + [np.block([[z2, s], [-s, z2]]).astype(complex) for s in pauli]


@pytest.mark.parametrize(
    ("energy", "ma", "x", "theta", "t_frac"),
    [
        (2.0, 0.2, 0.6, 0.15, 0.5),
        (5.0, 0.05, 0.8, 0.02, 0.2),
        (1.0, 0.01, 0.3, 0.3, 0.7),
        (3.0, 0.002, 0.9, 0.001, 0.3),
    ],
)
def test_amplitude_matches_brute_force_dirac_trace(
    energy: float, ma: float, x: float, theta: float, t_frac: float
) -> None:
    """The analytic phi-averaged |M|^2 equals Tr[...] built from explicit 4x4 Dirac matrices, averaged over phi.

    Both diagrams, -g polarisation sum, spin-0 target current (P_i + P_f); t is placed at the fraction t_frac of
    [ln t_-, ln t_+]. Moderate energies only (the brute force loses digits at high energy; the analytic form
    is arranged not to).
    """
    tgt = etl._target("Pb")
    t_lo, t_hi, ok = etl._t_limits(ma, energy, np.array(x), np.array(1 - math.cos(theta)), tgt)
    assert bool(ok)
    t = float(np.exp(np.log(t_lo) + t_frac * (np.log(t_hi) - np.log(t_lo))))
    big_m, me = tgt.M, M_E_GEV
    g = _gamma_matrices()
    metric = np.diag([1.0, -1.0, -1.0, -1.0])

    def slash(a: np.ndarray) -> np.ndarray:
        return np.asarray(sum(metric[i, i] * a[i] * g[i] for i in range(4)))

    def mdot(a: np.ndarray, b: np.ndarray) -> float:
        return float(a[0] * b[0] - a[1:] @ b[1:])

    w = x * energy
    p, k = math.sqrt(energy**2 - me**2), math.sqrt(w**2 - ma**2)
    p4 = np.array([energy, 0.0, 0.0, p])
    k4 = np.array([w, k * math.sin(theta), 0.0, k * math.cos(theta)])
    v3 = p4[1:] - k4[1:]
    v = float(np.linalg.norm(v3))
    ut = mdot(p4 - k4, p4 - k4) - me**2
    q = math.sqrt(t + t * t / (4 * big_m**2))
    cq = (ut - (1 + energy * (1 - x) / big_m) * t) / (2 * v * q)
    sq = math.sqrt(1 - cq * cq)
    e3 = v3 / v
    e1 = np.cross(e3, [0.0, 1.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(e3, e1)
    one = np.eye(4)
    sums = []
    for phi in np.linspace(0, 2 * np.pi, 256, endpoint=False):
        q4 = np.array([-t / (2 * big_m), *(q * (cq * e3 + sq * (math.cos(phi) * e1 + math.sin(phi) * e2)))])
        pp4 = p4 - k4 + q4
        assert mdot(pp4, pp4) == pytest.approx(me**2, abs=1e-9)  # on-shell outgoing electron
        big_p = np.array([2 * big_m, 0.0, 0.0, 0.0]) - q4
        st = mdot(pp4 + k4, pp4 + k4) - me**2
        total = 0.0
        for nu in range(4):
            amp = (
                g[nu] @ (slash(pp4 + k4) + me * one) @ slash(big_p) / st
                + slash(big_p) @ (slash(p4 - k4) + me * one) @ g[nu] / ut
            )
            amp_bar = g[0] @ amp.conj().T @ g[0]
            total -= metric[nu, nu] * np.trace((slash(pp4) + me * one) @ amp @ (slash(p4) + me * one) @ amp_bar).real
        sums.append(total)
    g2 = g2_elastic(t, tgt.Z, tgt.A) + g2_inelastic(t, tgt.Z)
    brute = ALPHA_EM**3 * g2 / t**2 * np.mean(sums) * k * energy / (16 * big_m**2 * p * v)
    ours = etl._dsigma_dx_dcos_dt(ma, energy, np.array(x), np.array(1 - math.cos(theta)), np.array(t), tgt)
    assert float(ours) == pytest.approx(float(brute), rel=1e-8)


@pytest.mark.parametrize(("ma", "energy"), [(0.001, 300.0), (1.0, 100.0), (2.0, 5.0)])
def test_quadrature_converged(ma: float, energy: float) -> None:
    """Doubling the (theta, t, x) Gauss rules changes sigma by < 1e-4 (measured: < 1e-5)."""
    tgt = etl._target("Pb")
    xs, ws = etl._x_quadrature(ma, energy)
    base = np.sum(etl._dsigma_dx_gev(ma, energy, xs, tgt) * ws)
    xs2, ws2 = etl._x_quadrature(ma, energy, rule=((8, 8), (16, 8)))
    fine = np.sum(etl._dsigma_dx_gev(ma, energy, xs2, tgt, theta_rule=(24, 8), t_rule=(24, 8)) * ws2)
    assert base == pytest.approx(fine, rel=1e-4)


# ------------------------------------------------------------------------------------------------ DMG4


def test_dmg4_reference_value_3643_pb() -> None:
    """DMG4 DarkPhotons.cc: "Ref. value ETL MA=0.0167, E0=150: 3643 pb" (Pb, eps = 1e-4); within 3%.

    The number is DMG4's total (x from m_A'/E0 to 1: ``TotalCrossSectionCalc`` integrates IWW over all x and
    divides by K); an x > 0.01 cut (as in DMG4's sub-MeV tables) would change ours by < 1e-4. We get 3635 pb.
    """
    eps2 = 1e-4**2
    assert etl.sigma_etl_exact(0.0167, 150.0, "Pb") * eps2 == pytest.approx(3643.0, rel=0.03)
    assert etl.sigma_etl_exact(0.0167, 150.0, "Pb", x_min=0.01) * eps2 == pytest.approx(3643.0, rel=0.03)


# DMG4 KFactors.code, column E0 = 100 GeV; the mass grid with its 0.3/0.4 typo corrected to 0.03/0.04 GeV.
_K_DMG4_100GEV = {
    0.001: 0.604626,
    0.002: 0.832335,
    0.004: 0.954116,
    0.006: 1.0109,
    0.008: 1.05064,
    0.010: 1.08268,
    0.020: 1.20018,
    0.030: 1.29257,
    0.040: 1.37324,
    0.050: 1.44284,
    0.060: 1.50082,
    0.070: 1.5483,
    0.080: 1.58764,
    0.090: 1.6213,
    0.100: 1.65122,
    0.200: 1.88813,
    0.300: 1.91109,
    0.400: 1.90484,
    0.500: 1.92204,
    0.600: 1.95258,
    0.700: 1.9922,
    0.800: 2.03836,
    0.900: 2.08944,
    1.000: 2.14436,
}


@pytest.mark.parametrize(("ma", "k_dmg4"), sorted(_K_DMG4_100GEV.items()))
def test_k_factor_against_dmg4(ma: float, k_dmg4: float) -> None:
    """K = sigma_IWW(DMG4 analytic, elastic chi)/sigma_ETL at E0 = 100 GeV within 5% of DMG4's table.

    Measured residuals: |K_ours/K_DMG4 - 1| < 1.2% from 4 MeV to 1 GeV, -2.1% at 2 MeV, -5.0% at 1 MeV.
    The 1 MeV point gets 6%: not tuned away. DMG4's own numbers are not smooth there (its sub-MeV ETL table
    TotCSVectorParticle at 0.9 MeV, 60733 GeV^-2, with our 0.9->1 MeV slope, implies K(1 MeV) ~ 0.59, not
    0.605) and our ETL lies 1.5-2.7% above that sub-MeV table (test below); see the report.
    """
    k_ours = etl._sigma_iww_dmg4(ma, 100.0) / etl.sigma_etl_exact(ma, 100.0)
    tol = 0.06 if ma < 0.0015 else 0.05
    assert k_ours == pytest.approx(k_dmg4, rel=tol)


@pytest.mark.parametrize(("ma", "sigma_gev2"), [(0.0001, 325514.0), (0.0005, 108852.0), (0.0009, 60733.3)])
def test_sub_mev_against_dmg4_etl_table(ma: float, sigma_gev2: float) -> None:
    """DMG4 ``TotCSVectorParticle`` (ETL, Pb, eps = 1, x > 0.01, GeV^-2; energy not stated, K-table-like 100 GeV).

    Ours is 1.5-2.7% higher; 4% tolerance.
    """
    ours = etl.sigma_etl_exact(ma, 100.0, x_min=0.01) / etl.GEV2_TO_PB
    assert ours == pytest.approx(sigma_gev2, rel=0.04)


# ------------------------------------------------------------------------------------------------ WW limit, shape


def _dsigma_dx_ww(ma: float, energy: float, x: float) -> float:
    """Full WW d sigma/dx in pb (BEST Eq. A12 = physics.md §1.2) with chi(x, theta): t_min = (U/2E0(1-x))^2,
    t_max = E0^2, elastic + inelastic (same G2 as the ETL), integrated over theta numerically."""
    tgt = etl._target("Pb")
    theta = np.exp(np.linspace(np.log(1e-9), np.log(0.5), 3000))
    u = energy**2 * x * theta**2 + ma**2 * (1 - x) / x + M_E_GEV**2 * x
    flux = chi((u / (2 * energy * (1 - x))) ** 2, energy**2, tgt.Z, tgt.A)
    p_a = math.sqrt(x * x * energy**2 - ma**2)
    mm = ma**2 + 2 * M_E_GEV**2
    shape = (1 - x + x * x / 2) / u**2 + (1 - x) ** 2 * mm / u**4 * (
        ma**2 - u * x / (1 - x) + M_E_GEV**2 * x * x / (1 - x)
    )
    dens = 8 * ALPHA_EM**3 * flux * energy * p_a * shape * np.sin(theta) * theta
    return float(np.trapezoid(dens, np.log(theta)) * etl.GEV2_TO_PB)


@pytest.mark.parametrize(("ma", "energy"), [(0.1, 100.0), (0.05, 300.0)])
def test_ww_limit(ma: float, energy: float) -> None:
    """For m_A' >> m_e the ETL tends to the WW result at small x (within 2% at x = 0.1, 0.3; measured < 0.5%),
    and WW overestimates it increasingly towards x -> 1 (as found by Liu & Miller, arXiv:1705.01633)."""
    xs = np.array([0.1, 0.3, 0.9, 0.98])
    ratio = etl.dsigma_dx_etl_exact(ma, energy, xs) / np.array([_dsigma_dx_ww(ma, energy, x) for x in xs])
    assert ratio[:2] == pytest.approx(1.0, abs=0.02)
    assert np.all(np.diff(ratio) < 0)
    assert 0.8 < ratio[-1] < 0.95


def test_k_factor_energy_independent_at_high_energy() -> None:
    """WW-like scaling: at small m_A' the ETL/IWW ratio stops depending on E0 (DMG4: 1.0827 -> 1.0753, 100->160)."""
    k = [etl._sigma_iww_dmg4(0.01, e) / etl.sigma_etl_exact(0.01, e) for e in (100.0, 300.0)]
    assert k[0] == pytest.approx(k[1], rel=0.02)


@pytest.mark.parametrize(("ma", "fraction"), [(0.001, 0.740), (0.01, 0.912), (0.1, 0.957), (0.3, 0.967), (1.0, 0.982)])
def test_fraction_above_half(ma: float, fraction: float) -> None:
    """sigma(x > 0.5)/sigma at 100 GeV: physics.md §1.6 prototype values ([COMPUTED]), within 0.01."""
    ratio = etl.sigma_etl_exact(ma, 100.0, x_min=0.5) / etl.sigma_etl_exact(ma, 100.0)
    assert ratio == pytest.approx(fraction, abs=0.01)


@pytest.mark.parametrize("ma", [0.03, 0.3, 1.0])
def test_shape_peaks_towards_x_one_for_heavy(ma: float) -> None:
    """For m_A' >> m_e, d sigma/dx rises monotonically towards x -> 1 (the 1/(m^2(1-x) + m_e^2 x^2) pole)."""
    xs = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999])
    vals = etl.dsigma_dx_etl_exact(ma, 100.0, xs)
    assert np.all(vals > 0)
    assert np.all(np.diff(vals) > 0)


def test_peaking_grows_with_mass() -> None:
    """The x -> 1 pole 1/(m^2 (1-x) + m_e^2 x^2) saturates at 1 - x ~ m_e^2/m^2: heavier A' peak harder.

    d sigma/dx(0.999)/d sigma/dx(0.5) at 100 GeV: about 2.9 at 1 MeV, growing with the mass.
    """
    peak = [np.divide(*etl.dsigma_dx_etl_exact(ma, 100.0, [0.999, 0.5])) for ma in (0.001, 0.01, 0.1)]
    assert 1.0 < peak[0] < peak[1] < peak[2]


def test_positivity_and_kinematic_zeros() -> None:
    vals = etl.dsigma_dx_etl_exact(0.2, 10.0, [0.0, 0.01, 0.021, 0.5, 0.9999, 1.0])
    assert vals[0] == vals[1] == vals[-1] == 0.0  # x <= m/E0 and x >= 1 - m_e/E0
    assert np.all(vals[2:-1] > 0)


def test_eps_independent_units_roughly_z_squared() -> None:
    """Per-atom cross sections scale roughly as Z^2 (screening and form factors break it at the 10% level)."""
    ratio = etl.sigma_etl_exact(0.05, 100.0, "W") / etl.sigma_etl_exact(0.05, 100.0, "Pb")
    assert ratio == pytest.approx((74 / 82) ** 2, rel=0.1)


# ------------------------------------------------------------------------------------------------ table


@pytest.mark.parametrize(
    ("ma", "energy"),
    [(0.0167, 150.0), (0.0013, 100.0), (0.045, 37.0), (0.27, 100.0), (0.7, 55.0), (1.3, 250.0), (0.12, 2.3)],
)
def test_table_reproduces_exact(table: etl.EtlTable, ma: float, energy: float) -> None:
    """Off-grid points: totals (all x and x > 0.5) within 1% (measured <= 0.35%), d sigma/dx within 2%."""
    assert float(table.sigma(ma, energy)) == pytest.approx(etl.sigma_etl_exact(ma, energy), rel=0.01)
    cut = etl.sigma_etl_exact(ma, energy, x_min=0.5)
    assert float(table.sigma(ma, energy, 0.5)) == pytest.approx(cut, rel=0.01)
    xs = np.array([0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 0.999])
    np.testing.assert_allclose(table.dsigma_dx(ma, energy, xs), etl.dsigma_dx_etl_exact(ma, energy, xs), rtol=0.02)


def test_table_near_threshold_documented_accuracy(table: etl.EtlTable) -> None:
    """2 < E0/m_A' < 5: totals within 3% (measured 0.8-1%)."""
    for ma, energy in ((2.2, 9.0), (0.8, 2.0)):
        assert float(table.sigma(ma, energy)) == pytest.approx(etl.sigma_etl_exact(ma, energy), rel=0.03)


def test_table_nodes_and_metadata(table: etl.EtlTable) -> None:
    assert table.dsigma_dx_pb.shape == (table.ma_gev.size, table.energy_gev.size, table.xi.size)
    assert table.ma_gev.size >= 30
    assert table.energy_gev.size >= 15
    assert np.all(np.isfinite(table.dsigma_dx_pb))
    assert np.all(table.dsigma_dx_pb >= 0)
    assert (table.target, table.Z) == ("Pb", 82)
    assert {"version", "date", "theta_rule", "t_rule", "form_factor"} <= set(table.meta)
    i, j = 12, 15  # a node: the stored total is the exact one (ma = 16.9 MeV, E0 = 121.9 GeV)
    exact = etl.sigma_etl_exact(float(table.ma_gev[i]), float(table.energy_gev[j]))
    assert table.sigma_pb[i, j] == pytest.approx(exact, rel=1e-6)


def test_table_vectorised(table: etl.EtlTable) -> None:
    ma = np.array([[0.01], [0.1]])
    xs = np.array([0.2, 0.6, 0.95])
    grid = table.dsigma_dx(ma, 100.0, xs)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == pytest.approx(float(table.dsigma_dx(0.1, 100.0, 0.95)))
    sig = table.sigma([0.01, 0.1], [100.0, 50.0], [0.0, 0.5])
    assert sig.shape == (2,)
    assert sig[1] == pytest.approx(float(table.sigma(0.1, 50.0, 0.5)))


@pytest.mark.parametrize(
    ("ma", "energy", "name"), [(1e-4, 100.0, "ma"), (5.0, 100.0, "ma"), (0.01, 0.5, "energy"), (0.01, 1e3, "energy")]
)
def test_table_outside_grid_raises(table: etl.EtlTable, ma: float, energy: float, name: str) -> None:
    with pytest.raises(ParameterError) as err:
        table.sigma(ma, energy)
    assert err.value.name == name
    assert "GeV" in err.value.allowed
    with pytest.raises(ParameterError):
        table.dsigma_dx(ma, energy, 0.5)


def test_unknown_target_and_bad_arguments() -> None:
    with pytest.raises(ParameterError) as err:
        etl.load_etl_table("Fe")
    assert err.value.name == "target"
    assert "Pb" in err.value.allowed
    with pytest.raises(ParameterError):
        etl.sigma_etl_exact(0.1, 100.0, target="Unobtainium")
    with pytest.raises(ParameterError) as err2:
        etl.dsigma_dx_etl_exact(1.0, 0.5, 0.5)
    assert err2.value.name == "energy"
    with pytest.raises(ParameterError):
        etl.sigma_etl_exact(-1.0, 100.0)


def test_w_table_ships() -> None:
    tab = etl.load_etl_table("W")
    assert tab.Z == 74
    assert float(tab.sigma(0.05, 100.0)) == pytest.approx(etl.sigma_etl_exact(0.05, 100.0, "W"), rel=0.01)


def test_build_save_load_roundtrip(tmp_path: Path) -> None:
    small = etl.EtlTable.build("Pb", ma_gev=[0.01, 0.02, 0.04, 0.08], energy_gev=[50.0, 70.0, 100.0, 140.0], n_xi=11)
    out = tmp_path / "etl_small.npz"
    small.save(out)
    assert [p.name for p in tmp_path.iterdir()] == ["etl_small.npz"]  # no temporary file left
    back = etl.EtlTable.load(out)
    np.testing.assert_allclose(back.dsigma_dx_pb, small.dsigma_dx_pb, rtol=1e-6)  # stored as float32
    np.testing.assert_array_equal(back.sigma_pb, small.sigma_pb)
    assert back.meta == small.meta
    assert float(back.sigma(0.03, 80.0)) == pytest.approx(float(small.sigma(0.03, 80.0)), rel=1e-6)
    # a coarse 11-point xi axis is only good to ~10%; the shipped 51-point one to < 1%
    assert float(back.sigma(0.03, 80.0)) == pytest.approx(etl.sigma_etl_exact(0.03, 80.0), rel=0.1)


def test_xi_map_roundtrip() -> None:
    xi = np.linspace(0.0, 1.0, 23)
    for ma, energy in ((0.001, 100.0), (1.0, 3.0)):
        assert etl.xi_of_x(ma, energy, etl.x_of_xi(ma, energy, xi)) == pytest.approx(xi, abs=1e-10)
