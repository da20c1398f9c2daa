"""A search: one experiment resolved once, with its signal model and its counting specification.

This is the object a user holds (as pyhf's model or DarkNews's ``GenLauncher``): built once where the command
line, the paper's recipe (:mod:`semivisible.paper`) or a user starts, then passed down. Everything below it takes
the object, never a name; only jobs sent to other processes carry the experiment's path (and its identity, which
the worker checks).

* ``search.experiment``: the validated file (:class:`~semivisible.experiments.Experiment`), with its ``kind`` and
  its ``identity`` (content hash);
* ``search.signal``: the signal model of that kind (:mod:`semivisible.signal.kinds`): signatures in, expected
  events and MC errors out;
* ``search.counting``: the counting specification the statistics see (:class:`~semivisible.stats.CountingSpec`);
  the statistics see counts only.

Examples
--------
>>> from semivisible.experiments import DEFAULT_EXPERIMENT
>>> from semivisible.model import DarkSector
>>> search = Search.load(DEFAULT_EXPERIMENT)
>>> search.kind, search.signal.signatures, search.counting.background
('active-dump', ('s1', 's2'), (0.19, 0.53))
>>> out = search.evaluate(DarkSector.from_benchmark(ma=0.3, eps=6.312e-3))
>>> out["excluded"], out["s1"] > 1.0
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError
from semivisible.experiments import Experiment, load_experiment
from semivisible.model.dark_sector import DarkSector
from semivisible.signal.active_dump import ActiveDumpSignal
from semivisible.signal.beam_dump import BeamDumpSignal
from semivisible.signal.collider import ColliderSignal
from semivisible.signal.kinds import signal_model
from semivisible.signal.semivisible import Yields
from semivisible.stats.cls import EventLimitTable, check_cl, cls_of_signal, event_limit_table
from semivisible.stats.model import CountingSpec

__all__ = ["Search", "evaluate_point"]


@dataclass(frozen=True)
class Search:
    """An experiment, its signal model and its counting specification (module docstring)."""

    experiment: Experiment
    signal: ActiveDumpSignal | BeamDumpSignal | ColliderSignal
    counting_or_none: CountingSpec | None

    @property
    def active_signal(self) -> ActiveDumpSignal:
        """The signal model of an active dump (S1, S2 and the scans); refused for another kind."""
        if not isinstance(self.signal, ActiveDumpSignal):
            raise ParameterError("experiment", self.name, "an experiment of kind 'active-dump' (S1/S2 signatures)")
        return self.signal

    @property
    def counting(self) -> CountingSpec:
        """The counting specification the statistics see (refused for a file without counting signatures)."""
        if self.counting_or_none is None:
            raise ParameterError("experiment", self.name, "an experiment file with [s1] and [s2] signatures")
        return self.counting_or_none

    @classmethod
    def load(cls, experiment: str | Path | Experiment, *, channels: Sequence[str] | None = None) -> Search:
        """The search of a shipped experiment name, a TOML path, or a loaded experiment (resolved once).

        ``channels`` replaces the file's A' production channels (:meth:`Experiment.with_channels`), e.g.
        ``("brem", "annihilation")`` to add positron annihilation to a reproduction that had none.
        """
        if isinstance(experiment, Search):
            experiment = experiment.experiment
        exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
        if channels is not None:
            exp = exp.with_channels(channels)
        return _search_of(exp)

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.experiment.name

    @property
    def kind(self) -> str:
        """The experiment's kind."""
        return self.experiment.kind

    @property
    def identity(self) -> str:
        """The experiment's identity (content hash)."""
        return self.experiment.identity

    @property
    def path(self) -> str:
        """The experiment file (what jobs sent to other processes carry)."""
        return self.experiment.path

    def counting_spec(self, *, no_systematics: bool = False) -> CountingSpec:
        """The counting specification, optionally without the background and signal uncertainties."""
        return self.counting.without_systematics() if no_systematics else self.counting

    def expected(
        self,
        point: DarkSector,
        eps: ArrayLike | None = None,
        alpha_d: ArrayLike | None = None,
        *,
        n_primaries: int | None = None,
        max_events: int | None = None,
    ) -> Yields:
        """Expected events per signature at the masses of ``point``, for arrays of eps and alpha_D (default: the
        point's own values)."""
        if not isinstance(point, DarkSector):
            raise ParameterError("point", point, "a DarkSector (semivisible.DarkSector.from_benchmark(ma, eps))")
        e = point.eps if eps is None else eps
        ad = point.alpha_d if alpha_d is None else alpha_d
        return self.active_signal.expected(point, e, ad, n_primaries=n_primaries, max_events=max_events)

    def cls(self, s1: ArrayLike, s2: ArrayLike, *, no_systematics: bool = False) -> NDArray[np.float64]:
        """CLs of the signals ``s1`` and ``s2`` (events; arrays broadcast)."""
        return cls_of_signal(s1, s2, self.counting, no_systematics=no_systematics)

    def event_limits(self, *, no_systematics: bool = False, cl: float = 0.9) -> EventLimitTable:
        """Observed and expected event limits against the S1 fraction (cached)."""
        return event_limit_table(self.counting, no_systematics=no_systematics, cl=cl)

    def evaluate(self, point: DarkSector, *, cl: float = 0.9, no_systematics: bool = False) -> dict[str, Any]:
        """Yields, CLs and the verdict at one model point: what one grid point of a scan holds, and more.

        Returns S1 and S2 events, CLs (exact multibin), ``excluded`` (CLs < 1 - cl), the observed and expected
        event limits at the point's S1 fraction, and ``signal_over_limit`` = (S1 + S2)/s_up,obs.
        """
        check_cl(cl)
        y = self.expected(point)
        a, b = float(y.s1), float(y.s2)
        cls = float(self.cls(a, b, no_systematics=no_systematics))
        table = self.event_limits(no_systematics=no_systematics, cl=cl)
        f1 = a / (a + b) if a + b > 0 else 0.5
        s_up = float(table.s_up(f1))
        expected = table.s_up_expected(f1)
        return {
            "experiment": self.name,
            "s1": a,
            "s2": b,
            "s1_fraction": f1,
            "cls": cls,
            "cl": cl,
            "excluded": bool(cls < 1.0 - cl),
            "s_up_obs": s_up,
            "s_up_exp": float(expected[2]),
            "signal_over_limit": (a + b) / s_up,
        }


_SEARCHES: dict[tuple[str, str], Search] = {}


def _search_of(experiment: Experiment) -> Search:
    """One Search per experiment (path and identity) in this process."""
    key = (experiment.path, experiment.identity)
    if key not in _SEARCHES:
        has_counts = experiment.spec.s1 is not None and experiment.spec.s2 is not None
        counting = experiment.counting_spec() if has_counts else None
        _SEARCHES[key] = Search(experiment, signal_model(experiment), counting)
    return _SEARCHES[key]


def evaluate_point(
    point: DarkSector, search: Search, *, cl: float = 0.9, no_systematics: bool = False
) -> dict[str, Any]:
    """:meth:`Search.evaluate` as a function."""
    if not isinstance(search, Search):
        raise ParameterError("search", search, "a Search (semivisible.Search.load(name_or_path))")
    return search.evaluate(point, cl=cl, no_systematics=no_systematics)
