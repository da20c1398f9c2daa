"""Cosmology and precision observables computed with the same model: the muon and electron g-2.

Examples
--------
>>> from semivisible.cosmo import g2_band
>>> g2_band(0.3).reference.name
'wp2020-world2021'
"""

from __future__ import annotations

from semivisible.cosmo.g2 import (
    G2Band,
    G2Reference,
    delta_a_e,
    delta_a_lepton,
    delta_a_mu,
    eps_for_delta_a_mu,
    g2_band,
    g2_references,
    get_reference,
)

__all__ = [
    "G2Band",
    "G2Reference",
    "delta_a_e",
    "delta_a_lepton",
    "delta_a_mu",
    "eps_for_delta_a_mu",
    "g2_band",
    "g2_references",
    "get_reference",
]


def __dir__() -> list[str]:
    return __all__
