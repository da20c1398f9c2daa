r"""The invisible (missing-energy) mode: A' -> chi chibar with BR = 1, as in NA64's invisible searches.

Expected signal events (arXiv:1710.00971; Gninenko et al. arXiv:1604.08432):

    N_sig(m_A', eps) = EOT x eff(m_A') x eps^2 x Y(m_A'),

with Y the A' yield per EOT per eps^2 with E_A' above the experiment's missing-energy cut (the shower MC of
:mod:`semivisible.production.yields`) and eff the experiment's overall signal efficiency. With N_up the CLs
event limit (2.303 for 0 observed events at 90% CL), the limit on the mixing is eps_90 = sqrt(N_up/(EOT eff Y)).

Examples
--------
>>> from semivisible.experiments import load_experiment
>>> exp = load_experiment("na64-2016")
>>> res = invisible_limit([0.01], exp, method="iww", n_primaries=2000, use_cache=False)
>>> 3e-5 < float(res.eps[0]) < 2e-4
True
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from semivisible.errors import ParameterError, check_int
from semivisible.experiments import Experiment
from semivisible.production.yields import ProductionTable, build_production_table
from semivisible.signal.events import expected_events
from semivisible.stats.counting import upper_limit_counting
from semivisible.vocabulary import with_rule_keys

__all__ = ["InvisibleLimit", "invisible_benchmark", "invisible_limit", "production_table_for"]

FloatArray = NDArray[np.float64]


def production_table_for(
    ma: float,
    experiment: Experiment,
    *,
    method: str | None = None,
    n_primaries: int | None = None,
    line_shape: bool = False,
    use_cache: bool = True,
) -> ProductionTable:
    """The A' production table of mass ``ma`` (GeV) in ``experiment``'s target and beam, with its channels.

    ``line_shape`` gives the resonant annihilation the line shape of the file's invisible benchmark
    (``[invisible] alpha_d, ratio``; :func:`~semivisible.production.annihilation.resonant_line_shape`); without
    it, or without a benchmark, the resonance is narrow (the semi-visible signal tables, which are reweighted in
    alpha_D, use the narrow resonance).

    Raises:
        ParameterError: ``n_primaries`` not an integer in [100, 2 000 000], or an unknown ``method``.
    """
    if n_primaries is not None:
        check_int("n_primaries", n_primaries, 100, 2_000_000, numpy_ints=False)
    if experiment.beam.particle == "p":
        return _proton_table(ma, experiment)
    benchmark = invisible_benchmark(experiment) if line_shape else None
    return build_production_table(
        ma,
        shower=experiment.shower_config(n_primaries=n_primaries),
        target=experiment.radiator,
        atoms_per_x0_cm2=experiment.atoms_per_x0_cm2,
        method=experiment.production.method if method is None else method,
        e_min_gev=experiment.min_aprime_energy_gev,
        channels=experiment.channels,
        electrons_per_x0_cm2=experiment.electrons_per_x0_cm2,
        alpha_d=benchmark[0] if benchmark else None,
        ratio=benchmark[1] if benchmark else None,
        use_cache=use_cache,
    )


def _proton_table(ma: float, experiment: Experiment) -> ProductionTable:
    """The meson-decay and proton-bremsstrahlung A' of a proton beam (:mod:`semivisible.production.proton`)."""
    from semivisible.production.proton import build_proton_production_table  # only proton beams need it

    prod = experiment.production
    brem = prod.proton_brem
    return build_proton_production_table(
        ma,
        beam_energy_gev=experiment.beam.energy_gev.value,
        channels=experiment.channels,
        meson_spectra=prod.meson_spectra,
        proton_brem=None if brem is None else (brem.z_min.value, brem.z_max.value, brem.pt_max_gev.value),
        samples_per_channel=prod.samples_per_channel,
        seed=prod.seed,
        e_min_gev=experiment.min_aprime_energy_gev,
    )


def invisible_benchmark(experiment: Experiment) -> tuple[float, float] | None:
    """(alpha_d, ratio) of the experiment's invisible benchmark (``[invisible] alpha_d, ratio``), or None when the
    file gives none or has no annihilation channel: they set the line shape of the resonant annihilation."""
    sig = experiment.spec.invisible
    if sig is None or sig.alpha_d is None or sig.ratio is None or "annihilation" not in experiment.channels:
        return None
    return sig.alpha_d.value, sig.ratio.value


@dataclass(frozen=True)
class InvisibleLimit:
    """The invisible-mode limit on eps against m_A' (GeV), with the inputs that made it."""

    ma: FloatArray
    eps: FloatArray
    eps_mc_error: FloatArray
    yield_per_eot_per_eps2: FloatArray
    efficiency: FloatArray
    n_up: float
    experiment: str
    meta: dict[str, Any] = field(default_factory=dict)
    channel_yields: list[dict[str, float]] = field(default_factory=list)

    def to_records(self) -> list[dict[str, Any]]:
        """One dict per mass: ``ma`` (and its earlier spelling ``ma_GeV``), ``eps``, ``eps_low`` (equal to ``eps``:
        the limit is one-sided, everything above it is excluded), ``eps_high`` (None) and the inputs, with the
        yield of each production channel."""
        per_channel = self.channel_yields or [{} for _ in self.ma]
        return with_rule_keys(
            [
                {
                    "ma_GeV": float(m),
                    "eps": float(e),
                    "eps_low": float(e),
                    "eps_high": None,
                    "eps_mc_error": float(de),
                    "yield_per_eot_per_eps2": float(y),
                    "efficiency": float(f),
                    "channel_yields_per_eot_per_eps2": dict(c),
                }
                for m, e, de, y, f, c in zip(
                    self.ma,
                    self.eps,
                    self.eps_mc_error,
                    self.yield_per_eot_per_eps2,
                    self.efficiency,
                    per_channel,
                    strict=True,
                )
            ]
        )


def invisible_limit(
    ma: ArrayLike,
    experiment: Experiment,
    *,
    cl: float = 0.9,
    method: str | None = None,
    n_primaries: int | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> InvisibleLimit:
    """The CLs upper limit on eps at each m_A' in ``ma`` (GeV) from the experiment's invisible signature.

    The event limit comes from the observed count and background of the experiment file (no signal
    systematic here; 2.303 events for 0 observed at 90% CL). The eps MC error propagates the yield's MC error
    (eps ~ Y^-1/2).
    """
    if not isinstance(experiment, Experiment):
        raise ParameterError("experiment", experiment, "a loaded Experiment (semivisible.experiments.load_experiment)")
    exp = experiment
    sig = exp.spec.invisible
    if sig is None:
        raise ParameterError("experiment", exp.name, "an experiment file with an [invisible] signature")
    n_up = upper_limit_counting(int(sig.n_observed.value), sig.background.value, cl)
    masses: Sequence[float] = [float(m) for m in np.atleast_1d(np.asarray(ma, dtype=np.float64))]
    yields, errors = [], []
    channel_yields: list[dict[str, float]] = []
    for i, m in enumerate(masses):
        table = production_table_for(
            m,
            exp,
            method=method,
            n_primaries=n_primaries,
            line_shape=True,
            use_cache=use_cache,
        )
        channel_yields.append(table.channel_yields())
        yields.append(table.yield_per_eot_per_eps2())
        errors.append(table.mc_error())
        if progress is not None:
            progress(i + 1, len(masses))
    y = np.asarray(yields)
    eff = sig.efficiency.at(np.asarray(masses))
    with np.errstate(divide="ignore"):
        eps = np.sqrt(n_up / expected_events(exp.eot, eff, 1.0, 1.0, y))
    rel = np.asarray(errors) / np.where(y > 0, y, math.inf)
    return InvisibleLimit(
        ma=np.asarray(masses),
        eps=eps,
        eps_mc_error=0.5 * rel * eps,
        yield_per_eot_per_eps2=y,
        efficiency=eff,
        n_up=n_up,
        experiment=exp.name,
        meta={"cl": cl, "method": method or exp.production.method, "channels": list(exp.channels)},
        channel_yields=channel_yields,
    )
