"""semivisible: the NA64 semi-visible dark-photon search (arXiv:2107.02021), from first principles.

The dark photon A' mixes with the photon (eps) and decays to a pseudo-Dirac dark-matter pair,
A' -> chi1 chi2, followed by chi2 -> chi1 e+ e-. Units are GeV, metres and seconds throughout.

Examples
--------
>>> import semivisible as sv
>>> point = sv.DarkSector.from_benchmark(ma=0.3, eps=6.312e-3)
>>> round(point.k_factor, 2)
0.64
>>> search = sv.Search.load("na64-compact-hcal1")  # an experiment, resolved once (semivisible.search)
>>> search.kind, search.counting.n_observed
('active-dump', (0, 0))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from semivisible._version import __version__
from semivisible.errors import LandauPoleWarning, ParameterError
from semivisible.model.dark_sector import DarkSector

if TYPE_CHECKING:
    from semivisible.search import Search

__all__ = ["DarkSector", "LandauPoleWarning", "ParameterError", "Search", "__version__"]


def __getattr__(name: str) -> Any:
    """``Search`` is imported on first use, so that ``import semivisible`` stays light."""
    if name == "Search":
        from semivisible.search import Search

        return Search
    raise AttributeError(f"module 'semivisible' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
