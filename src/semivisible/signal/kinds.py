"""The signal model of each kind of experiment, behind one interface.

An experiment file names its ``kind``; :func:`signal_model` builds that kind's model. Every model answers the same
questions: the names of its signatures, and the expected events and their MC errors at one set of masses for
arrays of eps and alpha_D. Adding a kind is one module with a class like
:class:`~semivisible.signal.active_dump.ActiveDumpSignal`, its schema, and one line in :data:`SIGNAL_MODELS`.

Examples
--------
>>> from semivisible.experiments import load_experiment
>>> signal_model(load_experiment("na64-2016"))
ActiveDumpSignal('na64-2016')
"""

from __future__ import annotations

from typing import ClassVar, Protocol

from numpy.typing import ArrayLike

from semivisible.errors import ParameterError
from semivisible.experiments import Experiment
from semivisible.model.dark_sector import DarkSector
from semivisible.signal.active_dump import ActiveDumpSignal
from semivisible.signal.beam_dump import BeamDumpSignal
from semivisible.signal.collider import ColliderSignal
from semivisible.signal.semivisible import Yields

__all__ = ["SIGNAL_MODELS", "SignalModel", "signal_model"]


class SignalModel(Protocol):
    """What every kind's signal model provides."""

    kind: ClassVar[str]
    signatures: ClassVar[tuple[str, ...]]
    experiment: Experiment

    def expected(
        self,
        point: DarkSector,
        eps: ArrayLike,
        alpha_d: ArrayLike,
        *,
        n_primaries: int | None = None,
        max_events: int | None = None,
    ) -> Yields:
        """Expected events and MC errors per signature at the masses of ``point``, for arrays of eps, alpha_D."""
        ...


#: The signal model of each kind.
SIGNAL_MODELS: dict[str, type[ActiveDumpSignal] | type[BeamDumpSignal] | type[ColliderSignal]] = {
    "active-dump": ActiveDumpSignal,
    "beam-dump": BeamDumpSignal,
    "collider": ColliderSignal,
}


def signal_model(experiment: Experiment) -> ActiveDumpSignal | BeamDumpSignal | ColliderSignal:
    """The signal model of the experiment's kind."""
    cls = SIGNAL_MODELS.get(experiment.kind)
    if cls is None:
        raise ParameterError("kind", experiment.kind, "one of " + ", ".join(SIGNAL_MODELS))
    return cls(experiment)
