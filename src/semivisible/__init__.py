"""semivisible: the NA64 semi-visible dark-photon search (arXiv:2107.02021), from first principles.

The dark photon A' mixes with the photon (eps) and decays to a pseudo-Dirac dark-matter pair,
A' -> chi1 chi2, followed by chi2 -> chi1 e+ e-. Units are GeV, metres and seconds throughout.

Examples
--------
>>> import semivisible as sv
>>> point = sv.DarkSector.from_benchmark(ma=0.3, eps=6.312e-3)
>>> round(point.k_factor, 2)
0.64
"""

from __future__ import annotations

from semivisible._version import __version__
from semivisible.errors import LandauPoleWarning, ParameterError
from semivisible.model.dark_sector import DarkSector

__all__ = ["DarkSector", "LandauPoleWarning", "ParameterError", "__version__"]


def __dir__() -> list[str]:
    return __all__
