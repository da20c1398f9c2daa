"""The pseudo-Dirac (inelastic) dark sector: one immutable parameter point.

Parameters (names shared by the Python API, the CLI flags and the config files):

* ``ma``: dark-photon mass m_A' in GeV;
* ``eps``: kinetic mixing epsilon;
* ``alpha_d``: dark coupling alpha_D = g_D^2/(4 pi);
* ``mchi1``: mass of the lighter, stable state chi1 in GeV;
* ``delta``: mass splitting Delta = m_chi2 - m_chi1 in GeV.

The benchmark parameterisation of NA64 (arXiv:2107.02021) uses ``ratio`` = m_A'/m_chi1 (3) and
``splitting`` = Delta/m_chi1 (0.4), with alpha_D = 0.1.

Examples
--------
>>> point = DarkSector.from_benchmark(ma=0.3, eps=6.312e-3)
>>> round(point.mchi1, 6), round(point.mchi2, 6)
(0.1, 0.14)
>>> round(point.k_factor, 2)
0.64
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from semivisible.errors import LandauPoleWarning, ParameterError, check_real
from semivisible.model import aprime, chi2_decay
from semivisible.model.constants import ALPHA_D_MAX, EPS_MAX, M_E_GEV, M_MU_GEV, MA_MAX_GEV, MA_MIN_GEV
from semivisible.model.g2_loop import delta_a_mu
from semivisible.vocabulary import with_rule_keys

__all__ = [
    "BENCHMARK_ALPHA_D",
    "BENCHMARK_RATIO",
    "BENCHMARK_SPLITTING",
    "LANDAU_POLE_ALPHA_D",
    "DarkSector",
]

#: alpha_D of the NA64 benchmark, arXiv:2107.02021.
BENCHMARK_ALPHA_D = 0.1
#: m_A'/m_chi1 of the NA64 benchmark, arXiv:2107.02021 (avoids the m_A' = 2 m_chi1 resonance).
BENCHMARK_RATIO = 3.0
#: Delta/m_chi1 of the NA64 benchmark, arXiv:2107.02021.
BENCHMARK_SPLITTING = 0.4
#: Above this alpha_D the dark coupling runs into a Landau pole below ~1 TeV: arXiv:2107.02021, refs. [21, 22]
#: there. (Davoudiasl and Marciano, arXiv:1502.07383, study the running and suggest the tighter alpha_D <~ 0.1.)
LANDAU_POLE_ALPHA_D = 0.2
#: The model's ranges (:mod:`semivisible.model.constants`): eps in (0, 1], alpha_D in (0, 4 pi], m_A' in
#: [1 keV, 1 TeV].
EPS_RANGE = (0.0, EPS_MAX)
ALPHA_D_RANGE = (0.0, ALPHA_D_MAX)
MA_RANGE_GEV = (MA_MIN_GEV, MA_MAX_GEV)


def _positive(name: str, value: float, high: float = math.inf, low: float = 0.0) -> float:
    """A finite real number in (low, high] ([low, high] for low > 0; booleans, arrays and non-numbers are refused)."""
    if np.ndim(value) != 0:
        raise ParameterError(name, value, "a single number (a model point has one value of each parameter)")
    return float(check_real(name, value, low, high, low_open=low == 0.0))


@dataclass(frozen=True, slots=True)
class DarkSector:
    """One point of the pseudo-Dirac dark-photon model. Masses in GeV.

    Raises:
        ParameterError: ma not in [1e-6, 1000] GeV, eps not in (0, 1], alpha_d not in (0, 4 pi], a mass not positive,
            or Delta not in (0, m_A' - 2 m_chi1). Every value must be a finite real number (not a bool).

    Warns:
        LandauPoleWarning: alpha_d > 0.2.

    A splitting Delta <= 2 m_e is allowed (the relic density needs the small-splitting limit), but then
    chi2 -> chi1 e+ e- is closed: chi2 is stable on detector scales (``chi2_stable`` is True, ``ctau_chi2_m``
    is inf).
    """

    ma: float
    eps: float
    alpha_d: float
    mchi1: float
    delta: float
    _cache: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        highs = {"ma": MA_RANGE_GEV[1], "eps": EPS_RANGE[1], "alpha_d": ALPHA_D_RANGE[1]}
        for name in ("ma", "eps", "alpha_d", "mchi1", "delta"):
            low = MA_RANGE_GEV[0] if name == "ma" else 0.0
            object.__setattr__(self, name, _positive(name, getattr(self, name), highs.get(name, math.inf), low))
        delta_max = self.ma - 2.0 * self.mchi1
        if delta_max <= 0.0:
            raise ParameterError(
                "mchi1", self.mchi1, f"0 < mchi1 < ma/2 = {self.ma / 2:.6g} GeV (A' -> chi1 chi2 must be open)"
            )
        if self.delta >= delta_max:
            raise ParameterError(
                "delta", self.delta, f"0 < delta < ma - 2*mchi1 = {delta_max:.6g} GeV (A' -> chi1 chi2 open)"
            )
        if self.alpha_d > LANDAU_POLE_ALPHA_D:
            warnings.warn(
                f"alpha_d = {self.alpha_d:g} > {LANDAU_POLE_ALPHA_D}: the dark coupling hits a Landau pole "
                "below ~1 TeV (arXiv:2107.02021 and its refs. [21, 22])",
                LandauPoleWarning,
                stacklevel=3,
            )

    @classmethod
    def from_benchmark(
        cls,
        ma: float,
        eps: float,
        alpha_d: float = BENCHMARK_ALPHA_D,
        ratio: float = BENCHMARK_RATIO,
        splitting: float = BENCHMARK_SPLITTING,
    ) -> DarkSector:
        """Build a point from m_A', eps and the ratios m_A'/m_chi1 = ``ratio``, Delta/m_chi1 = ``splitting``.

        Raises:
            ParameterError: ratio <= 2 or splitting outside (0, ratio - 2).

        >>> DarkSector.from_benchmark(0.3, 1e-3, splitting=1.5)
        Traceback (most recent call last):
        ...
        semivisible.errors.ParameterError: splitting = 1.5 is out of range: allowed 0 < splitting < ratio - 2 = 1
        """
        ma = _positive("ma", ma, MA_RANGE_GEV[1], MA_RANGE_GEV[0])
        ratio = _positive("ratio", ratio, 1e6)
        if ratio <= 2.0:
            raise ParameterError("ratio", ratio, "ratio = ma/mchi1 > 2 (A' -> chi1 chi2 must be open)")
        splitting = _positive("splitting", splitting)
        if splitting >= ratio - 2.0:
            raise ParameterError("splitting", splitting, f"0 < splitting < ratio - 2 = {ratio - 2.0:g}")
        mchi1 = ma / ratio
        return cls(ma=ma, eps=eps, alpha_d=alpha_d, mchi1=mchi1, delta=splitting * mchi1)

    @classmethod
    def build(
        cls,
        ma: float,
        eps: float,
        alpha_d: float = BENCHMARK_ALPHA_D,
        *,
        ratio: float | None = None,
        splitting: float | None = None,
        mchi1: float | None = None,
        delta: float | None = None,
    ) -> DarkSector:
        """Build a point from either (``ratio``, ``splitting``) or (``mchi1``, ``delta``), as the CLI does.

        Unset ratios take the benchmark values. Giving ``mchi1``/``delta`` requires both, and excludes
        ``ratio``/``splitting``.

        >>> a = DarkSector.build(0.3, 1e-3, mchi1=0.1, delta=0.04)
        >>> b = DarkSector.from_benchmark(0.3, 1e-3)
        >>> abs(a.gamma_chi2 / b.gamma_chi2 - 1) < 1e-12
        True
        """
        if mchi1 is None and delta is None:
            return cls.from_benchmark(
                ma,
                eps,
                alpha_d,
                BENCHMARK_RATIO if ratio is None else ratio,
                BENCHMARK_SPLITTING if splitting is None else splitting,
            )
        if ratio is not None or splitting is not None:
            name, value = ("ratio", ratio) if ratio is not None else ("splitting", splitting)
            raise ParameterError(name, value, "unset when mchi1/delta are given (give one pair or the other)")
        if mchi1 is None or delta is None:
            name = "mchi1" if mchi1 is None else "delta"
            raise ParameterError(name, None, "a value in GeV: mchi1 and delta go together")
        return cls(ma=ma, eps=eps, alpha_d=alpha_d, mchi1=mchi1, delta=delta)

    # --- derived parameters --------------------------------------------------------------------------
    @property
    def mchi2(self) -> float:
        """Mass of the heavier state chi2 in GeV."""
        return self.mchi1 + self.delta

    @property
    def ratio(self) -> float:
        """m_A'/m_chi1."""
        return self.ma / self.mchi1

    @property
    def splitting(self) -> float:
        """Delta/m_chi1 (the paper's f)."""
        return self.delta / self.mchi1

    @property
    def y(self) -> float:
        """The relic-density variable y = eps^2 alpha_D (m_chi1/m_A')^4."""
        return self.eps**2 * self.alpha_d * (self.mchi1 / self.ma) ** 4

    @property
    def chi2_stable(self) -> bool:
        """True when Delta <= 2 m_e, so that chi2 -> chi1 e+ e- is closed."""
        return self.delta <= 2.0 * M_E_GEV

    # --- widths (GeV) --------------------------------------------------------------------------------
    def _memo(self, key: str, compute: Any) -> float:
        if key not in self._cache:
            self._cache[key] = float(compute())
        return self._cache[key]

    @property
    def gamma_aprime(self) -> float:
        """Total A' width in GeV (:func:`semivisible.model.aprime.gamma_aprime_total`)."""
        return self._memo(
            "gamma_aprime",
            lambda: aprime.gamma_aprime_total(self.ma, self.eps, self.alpha_d, self.mchi1, self.mchi2),
        )

    @property
    def branching_ratios(self) -> dict[str, float]:
        """A' branching ratios (:func:`semivisible.model.aprime.branching_ratios`)."""
        brs = aprime.branching_ratios(self.ma, self.eps, self.alpha_d, self.mchi1, self.mchi2)
        return {k: float(v) for k, v in brs.items()}

    @property
    def gamma_chi2_ee(self) -> float:
        """Exact width of chi2 -> chi1 e+ e- in GeV, with the finite A' width."""
        return self._memo(
            "gamma_chi2_ee",
            lambda: chi2_decay.gamma_chi2_to_chi1_ee(
                self.ma, self.eps, self.alpha_d, self.mchi1, self.mchi2, self.gamma_aprime
            ),
        )

    @property
    def gamma_chi2_mumu(self) -> float:
        """Exact width of chi2 -> chi1 mu+ mu- in GeV (0 for Delta <= 2 m_mu)."""
        if self.delta <= 2.0 * M_MU_GEV:
            return 0.0
        return self._memo(
            "gamma_chi2_mumu",
            lambda: chi2_decay.gamma_chi2_to_chi1_mumu(
                self.ma, self.eps, self.alpha_d, self.mchi1, self.mchi2, self.gamma_aprime
            ),
        )

    @property
    def gamma_chi2(self) -> float:
        """Total chi2 width in GeV (e+e- and mu+mu- channels)."""
        return self.gamma_chi2_ee + self.gamma_chi2_mumu

    @property
    def gamma_chi2_approx(self) -> float:
        """The paper's Eq. (2) width with K = 1, in GeV."""
        return float(chi2_decay.gamma_chi2_approx(self.ma, self.eps, self.alpha_d, self.delta))

    @property
    def k_factor(self) -> float:
        """K = exact / approximate chi2 -> chi1 e+ e- width (the paper: 0.640 +- 0.004).

        Both widths are proportional to eps^2; where that underflows (eps <~ 1e-150) K is taken at eps = 1e-3.
        """
        approx = self.gamma_chi2_approx
        if approx > 0.0:
            return self.gamma_chi2_ee / approx
        m1, m2 = self.mchi1, self.mchi2
        return float(chi2_decay.k_factor(self.ma, 1e-3, self.alpha_d, m1, m2))

    @property
    def ctau_chi2_m(self) -> float:
        """Proper decay length of chi2 in metres (inf when chi2 is stable)."""
        return float(chi2_decay.ctau_chi2_m(self.gamma_chi2))

    def decay_length_chi2_m(self, momentum_gev: float) -> float:
        """Mean lab decay length of a chi2 of momentum |p| (GeV), in metres.

        >>> p = DarkSector.from_benchmark(ma=0.3, eps=6.312e-3)
        >>> 3.4 < p.decay_length_chi2_m(50.0) < 3.6
        True
        """
        return float(chi2_decay.lab_decay_length_m(self.ctau_chi2_m, momentum_gev, self.mchi2))

    def summary(self) -> dict[str, Any]:
        """The point and its derived quantities as a JSON-ready dict (units in the key names,
        :mod:`semivisible.vocabulary`: ``ma`` and ``gamma_aprime_gev``, with the earlier ``ma_GeV`` spellings kept).

        ``ctau_chi2_m`` is ``None`` when chi2 is stable (JSON has no infinity).
        """
        stable = self.chi2_stable
        ctau = self.ctau_chi2_m
        brs = self.branching_ratios
        out: dict[str, Any] = {
            "ma_GeV": self.ma,
            "eps": self.eps,
            "alpha_d": self.alpha_d,
            "mchi1_GeV": self.mchi1,
            "mchi2_GeV": self.mchi2,
            "delta_GeV": self.delta,
            "ratio": self.ratio,
            "splitting": self.splitting,
            "y": self.y,
            "gamma_aprime_GeV": self.gamma_aprime,
            "br_aprime_chi1chi2": brs["chi1chi2"],
            "branching_ratios": brs,
            "gamma_chi2_GeV": self.gamma_chi2,
            "gamma_chi2_ee_GeV": self.gamma_chi2_ee,
            "gamma_chi2_mumu_GeV": self.gamma_chi2_mumu,
            "gamma_chi2_approx_GeV": self.gamma_chi2_approx,
            "k_factor": None if stable else self.k_factor,
            "ctau_chi2_m": None if math.isinf(ctau) else ctau,
            "chi2_stable": stable,
            "delta_a_mu": float(delta_a_mu(self.ma, self.eps)),
        }
        if stable:
            out["note"] = (
                f"delta = {self.delta:.6g} GeV <= 2 m_e: chi2 -> chi1 e+ e- is closed, chi2 is stable in the "
                "detector (its width is 0)"
            )
        return with_rule_keys(out)
