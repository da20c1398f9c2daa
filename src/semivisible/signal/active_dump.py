r"""The signal model of the ``active-dump`` kind (NA64): A' made in an active target, chi2 decays downstream.

The A' is made by dark bremsstrahlung in the shower of the active target (:mod:`semivisible.production`), decays
promptly to chi1 chi2, and the signatures depend only on where chi2 decays (arXiv:2107.02021):

* ``s1``: chi2 -> chi1 e+ e- inside the fiducial calorimeters, seen above threshold and passing the R cut;
* ``s2``: chi2 decays beyond the last module, so the event looks invisible.

One table per set of masses (:func:`semivisible.signal.semivisible.build_signal_table`) serves every eps and
alpha_D by reweighting in the chi2 decay rate; the expected events are
:func:`semivisible.signal.events.expected_events`. A' masses beyond what the production covers (below the
minimal A' energy of the selection) are refused; a stable chi2 (Delta <= 2 m_e) needs no table: it only gives
S2, with the invisible-mode yield.

Examples
--------
>>> from semivisible.experiments import DEFAULT_EXPERIMENT, load_experiment
>>> from semivisible.model import DarkSector
>>> signal = ActiveDumpSignal(load_experiment(DEFAULT_EXPERIMENT))
>>> y = signal.expected(DarkSector.from_benchmark(ma=0.3, eps=6.312e-3), 6.312e-3, 0.1, max_events=3000)
>>> signal.signatures, bool(y.s1 > 1.0)
(('s1', 's2'), True)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np
from numpy.typing import ArrayLike

from semivisible.errors import ParameterError, check_broadcast, check_int, check_real
from semivisible.experiments import Experiment
from semivisible.model import aprime as aprime_widths
from semivisible.model.constants import ALPHA_D_MAX, EPS_MAX, M_E_GEV
from semivisible.model.dark_sector import BENCHMARK_RATIO, DarkSector
from semivisible.signal.events import expected_events
from semivisible.signal.grid import NodeJob, SignalGrid
from semivisible.signal.invisible import production_table_for
from semivisible.signal.semivisible import (
    SignalTable,
    Yields,
    build_signal_table,
    check_experiment,
    signal_yields,
)

__all__ = ["ActiveDumpSignal"]


def _check_statistics(n_primaries: object, max_events: object) -> None:
    """MC statistics: None (the experiment's default) or integers within bounds."""
    for name, value, low, high in (
        ("n_primaries", n_primaries, 100, 2_000_000),
        ("max_events", max_events, 100, 10**8),
    ):
        if value is not None:
            check_int(name, value, low, high)


class ActiveDumpSignal:
    """Signatures S1 and S2 of an active-dump experiment: expected events and MC errors for arrays of eps and
    alpha_D at one set of masses (module docstring)."""

    kind: ClassVar[str] = "active-dump"
    signatures: ClassVar[tuple[str, ...]] = ("s1", "s2")

    def __init__(self, experiment: Experiment) -> None:
        exp = check_experiment(experiment)
        if exp.kind != self.kind:
            raise ParameterError("experiment", exp.name, f"an experiment of kind {self.kind!r}, not {exp.kind!r}")
        self.experiment = exp

    @property
    def ma_range_gev(self) -> tuple[float, float]:
        """The A' masses (GeV) this experiment's production covers: the ETL table's range for ``method = "etl"``
        (1 MeV - 3 GeV), else up to the minimal A' energy of the selection."""
        exp = self.experiment
        cut = exp.min_aprime_energy_gev
        if exp.production.method == "etl":
            from semivisible.production.etl import load_etl_table

            axis = load_etl_table(exp.radiator.name).ma_gev
            return float(axis[0]), min(float(axis[-1]), cut)
        return 2.0 * M_E_GEV, cut

    def check_ma(self, ma: ArrayLike) -> None:
        """Refuse A' masses outside :attr:`ma_range_gev`, naming the range and the production method."""
        lo, hi = self.ma_range_gev
        method = self.experiment.production.method
        check_real(
            "ma", ma, lo * (1.0 - 1e-9), hi * (1.0 + 1e-9), low_open=False, high_open=True,
            unit=f"GeV (what the {self.experiment.name} production covers, method {method})",
        )  # fmt: skip

    def _require_signatures(self) -> None:
        spec = self.experiment.spec
        if spec.s1 is None or spec.s2 is None or spec.detector is None:
            raise ParameterError(
                "experiment", self.experiment.name, "an experiment file with [detector], [s1] and [s2] sections"
            )

    def __repr__(self) -> str:
        return f"ActiveDumpSignal({self.experiment.name!r})"

    def table(self, point: DarkSector, *, n_primaries: int | None = None, max_events: int | None = None) -> SignalTable:
        """The (disk-cached) signal table of the masses of ``point``."""
        self.check_ma(point.ma)
        _check_statistics(n_primaries, max_events)
        prod = None if n_primaries is None else production_table_for(point.ma, self.experiment, n_primaries=n_primaries)
        return build_signal_table(point, self.experiment, table=prod, max_events=max_events)

    def events(self, table: SignalTable, eps: ArrayLike, alpha_d: ArrayLike) -> Yields:
        """Expected events of a table of this experiment (refused if built for another one)."""
        return signal_yields(table, eps, alpha_d, self.experiment)

    def expected(
        self,
        point: DarkSector,
        eps: ArrayLike,
        alpha_d: ArrayLike,
        *,
        n_primaries: int | None = None,
        max_events: int | None = None,
    ) -> Yields:
        """Expected S1 and S2 events (and MC errors) at the masses of ``point`` for arrays of eps and alpha_D.

        m_A' must be within :attr:`ma_range_gev` (below the experiment's minimal A' energy). A stable chi2
        (Delta <= 2 m_e) never decays in the detector: every A' -> chi1 chi2 is missing energy, S1 = 0 and
        S2 = EOT eff_S2 eps^2 BR Y_invisible. Otherwise the signal table, reweighted in lambda and BR.
        """
        self._require_signatures()
        self.check_ma(point.ma)
        _check_statistics(n_primaries, max_events)
        exp = self.experiment
        e = check_real("eps", eps, 0.0, EPS_MAX)
        ad = check_real("alpha_d", alpha_d, 0.0, ALPHA_D_MAX)
        check_broadcast("eps, alpha_d", e, ad)
        e, ad = np.broadcast_arrays(e, ad)
        if not point.chi2_stable:
            return self.events(self.table(point, n_primaries=n_primaries, max_events=max_events), e, ad)
        assert exp.spec.s2 is not None
        prod = production_table_for(point.ma, exp, n_primaries=n_primaries)
        br = aprime_widths.branching_ratios(point.ma, e, ad, point.mchi1, point.mchi2)["chi1chi2"]
        eff = float(exp.spec.s2.efficiency.at(point.ma))
        s2 = expected_events(exp.eot, eff, e, br, prod.yield_per_eot_per_eps2())
        err2 = expected_events(exp.eot, eff, e, br, prod.mc_error())
        zero = np.zeros(e.shape)
        return Yields(e, ad, zero, s2, zero.copy(), err2, np.full(e.shape, np.inf), {"experiment": exp.name})

    def grid(
        self,
        ma_nodes: ArrayLike,
        splitting_nodes: ArrayLike,
        *,
        ratio: float = BENCHMARK_RATIO,
        max_events: int | None = None,
        runner: Callable[[list[NodeJob]], list[SignalTable | float]] | None = None,
    ) -> SignalGrid:
        """Signal tables on a node grid in (m_A', Delta/m_chi1), interpolated in between (the fast path of scans)."""
        return SignalGrid.build(
            ma_nodes, splitting_nodes, self.experiment, ratio=ratio, max_events=max_events, runner=runner
        )
