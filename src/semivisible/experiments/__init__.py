"""Experiments as data: shipped TOML files (``experiments/data/*.toml``) or a user's own file.

:func:`load_experiment` validates a file (:mod:`semivisible.experiments.schema`) into an :class:`Experiment` with a
``kind`` and an ``identity`` (:mod:`semivisible.experiments.loader`). The names are imported on first use, so
that reading :data:`DEFAULT_EXPERIMENT` (the command line's default) costs nothing.

Examples
--------
>>> from semivisible.experiments import DEFAULT_EXPERIMENT, load_experiment
>>> load_experiment(DEFAULT_EXPERIMENT).name
'na64-2016-2018'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from semivisible.experiments.loader import Experiment, available_experiments, load_experiment
    from semivisible.experiments.schema import ExperimentSpec

__all__ = ["DEFAULT_EXPERIMENT", "Experiment", "ExperimentSpec", "available_experiments", "load_experiment"]

#: The embedded default: NA64's 2016-2018 invisible-mode data (2.84e11 EOT), the data set of arXiv:2107.02021.
#: Only the command line and the paper's recipe (:mod:`semivisible.paper`) use it; no library function has a
#: default experiment.
DEFAULT_EXPERIMENT = "na64-2016-2018"

_LAZY = {
    "Experiment": "loader",
    "available_experiments": "loader",
    "load_experiment": "loader",
    "ExperimentSpec": "schema",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"semivisible.experiments.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'semivisible.experiments' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
