r"""The expected number of signal events: one formula for every signature, scan, node grid and model point.

NA64 computes the expected signal of each signature as (arXiv:2107.02021, the paragraph before its Fig. 4, which
uses Eq. 4 of its ref. [26], NA64 PRL 125 (2020) 081801, arXiv:2005.02710; for the invisible mode the same
form is arXiv:1710.00971)

.. math::  N = \mathrm{EOT}\; \epsilon_{\rm sig}(m_{A'})\; \varepsilon^2\; \mathrm{BR}(A' \to \chi_1\chi_2)\;
           Y(m_{A'}, \lambda),

with EOT the electrons on target, :math:`\epsilon_{\rm sig}` the experiment's signal efficiency of that signature,
:math:`\varepsilon` the kinetic mixing, BR the branching ratio into the final state searched for (1 in the
invisible mode), and Y the A' yield per electron on target and per :math:`\varepsilon^2` that ends in the
signature (for the semi-visible signatures it depends on the chi2 decay rate
:math:`\lambda = 1/(c\tau)`, :mod:`semivisible.signal.semivisible`). Every argument broadcasts.

Examples
--------
>>> round(float(expected_events(2.84e11, 0.5, 1e-3, 1.0, 2e-5)), 12)
2.84
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["expected_events"]


def expected_events(
    eot: ArrayLike, efficiency: ArrayLike, eps: ArrayLike, branching_ratio: ArrayLike, yield_per_eot_per_eps2: ArrayLike
) -> NDArray[np.float64]:
    """N = EOT x efficiency x eps^2 x BR x Y (module docstring; arXiv:2107.02021 with Eq. 4 of arXiv:2005.02710).

    Args:
        eot: particles (electrons) on target.
        efficiency: the signature's signal efficiency, in (0, 1].
        eps: kinetic mixing.
        branching_ratio: BR of the A' into the final state of the signature (dimensionless).
        yield_per_eot_per_eps2: A' (or chi2) per particle on target and per eps^2 that end in the signature.

    Returns:
        Expected events (dimensionless), broadcast over the arguments.
    """
    e = np.asarray(eps, dtype=np.float64)
    return np.asarray(
        np.asarray(eot, dtype=np.float64)
        * e**2
        * np.asarray(branching_ratio, dtype=np.float64)
        * np.asarray(efficiency, dtype=np.float64)
        * np.asarray(yield_per_eot_per_eps2, dtype=np.float64)
    )
