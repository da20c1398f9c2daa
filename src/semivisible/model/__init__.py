"""The dark-sector model: parameters, A' widths and branching ratios, the chi2 -> chi1 l+ l- decay.

Examples
--------
>>> from semivisible.model import DarkSector
>>> round(DarkSector.from_benchmark(ma=0.3, eps=1e-3).mchi1, 12)
0.1
"""

from __future__ import annotations

from semivisible.model.aprime import (
    branching_ratios,
    gamma_aprime_to_chi1chi2,
    gamma_aprime_to_ee,
    gamma_aprime_to_hadrons,
    gamma_aprime_to_leptons,
    gamma_aprime_to_mumu,
    gamma_aprime_to_tautau,
    gamma_aprime_total,
    gamma_aprime_visible,
)
from semivisible.model.chi2_decay import (
    ctau_chi2_m,
    dalitz_matrix_element,
    dalitz_s2_limits,
    dgamma_chi2_ds,
    gamma_chi2_approx,
    gamma_chi2_to_chi1_ee,
    gamma_chi2_to_chi1_leptons,
    gamma_chi2_to_chi1_mumu,
    gamma_chi2_total,
    k_factor,
    lab_decay_length_m,
)
from semivisible.model.dark_sector import DarkSector
from semivisible.model.hadrons import r_ratio

__all__ = [
    "DarkSector",
    "branching_ratios",
    "ctau_chi2_m",
    "dalitz_matrix_element",
    "dalitz_s2_limits",
    "dgamma_chi2_ds",
    "gamma_aprime_to_chi1chi2",
    "gamma_aprime_to_ee",
    "gamma_aprime_to_hadrons",
    "gamma_aprime_to_leptons",
    "gamma_aprime_to_mumu",
    "gamma_aprime_to_tautau",
    "gamma_aprime_total",
    "gamma_aprime_visible",
    "gamma_chi2_approx",
    "gamma_chi2_to_chi1_ee",
    "gamma_chi2_to_chi1_leptons",
    "gamma_chi2_to_chi1_mumu",
    "gamma_chi2_total",
    "k_factor",
    "lab_decay_length_m",
    "r_ratio",
]


def __dir__() -> list[str]:
    return __all__
