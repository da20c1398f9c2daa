"""The model's public functions refuse unphysical input with a ParameterError naming the argument."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from semivisible import DarkSector, ParameterError
from semivisible.model import aprime, chi2_decay


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"ma": 0.3, "eps": 2.0}, "eps = 2.0"),
        ({"ma": True, "eps": 1e-3}, "ma = True"),
        ({"ma": 0.3, "eps": float("nan")}, "eps = nan"),
        ({"ma": 0.3, "eps": 1e-3, "alpha_d": 20.0}, "alpha_d = 20.0"),
        ({"ma": 2000.0, "eps": 1e-3}, "ma = 2000.0"),
        ({"ma": 1e-9, "eps": 1e-3}, "ma = 1e-09"),
        ({"ma": "0.3", "eps": 1e-3}, "ma = '0.3'"),
    ],
)
def test_dark_sector_refuses(kwargs: dict[str, object], needle: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(needle)):
        DarkSector.from_benchmark(**kwargs)  # type: ignore[arg-type]


def test_tiny_eps_is_finite() -> None:
    """eps = 1e-300 (eps^2 underflows) used to divide by zero in K; now K is its eps-independent value."""
    point = DarkSector.from_benchmark(0.3, 1e-300)
    ref = DarkSector.from_benchmark(0.3, 1e-3)
    assert point.k_factor == pytest.approx(ref.k_factor, rel=1e-6)
    assert point.summary()["ctau_chi2_m"] is None or point.summary()["ctau_chi2_m"] > 0


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: aprime.gamma_aprime_total(-1.0, 1e-3, 0.1, 0.1, 0.14), "ma = -1.0"),
        (lambda: aprime.gamma_aprime_to_ee(0.3, np.array([1e-3, np.nan])), "eps = nan"),
        (lambda: aprime.branching_ratios(0.3, 1e-3, -0.1, 0.1, 0.14), "alpha_d = -0.1"),
        (lambda: aprime.gamma_aprime_to_chi1chi2(0.3, 0.1, 0.1, -0.14), "mchi2 = -0.14"),
        (lambda: chi2_decay.gamma_chi2_total(0.3, 1e-3, 0.1, -0.1, 0.14), "mchi1 = -0.1"),
        (lambda: chi2_decay.ctau_chi2_m(-1.0), "gamma_gev = -1.0"),
        (lambda: chi2_decay.gamma_chi2_approx(0.3, 1e-3, 0.1, -0.04), "delta = -0.04"),
    ],
)
def test_widths_refuse_unphysical_input(call: object, needle: str) -> None:
    with pytest.raises(ParameterError, match=re.escape(needle)):
        call()  # type: ignore[operator]


@settings(max_examples=60, deadline=None)
@given(
    ma=st.floats(allow_nan=True, allow_infinity=True),
    eps=st.floats(allow_nan=True, allow_infinity=True),
    alpha_d=st.floats(allow_nan=True, allow_infinity=True),
)
def test_widths_are_finite_or_refused(ma: float, eps: float, alpha_d: float) -> None:
    """Any floats: a finite, non-negative width and BRs that sum to 1, or a ParameterError. Never a NaN."""
    try:
        total = aprime.gamma_aprime_total(ma, eps, alpha_d, 0.3 * ma, 0.42 * ma)
        brs = aprime.branching_ratios(ma, eps, alpha_d, 0.3 * ma, 0.42 * ma)
    except ParameterError:
        return
    assert np.isfinite(total)
    assert total >= 0
    assert all(np.isfinite(v) for v in brs.values())


def test_chi2_must_be_the_heavier_state() -> None:
    """k_factor with mchi2 = mchi1 was NaN and a width with mchi2 < mchi1 was positive."""
    with pytest.raises(ParameterError, match="mchi2"):
        chi2_decay.k_factor(0.3, 1e-3, 0.1, 0.1, 0.1)
    with pytest.raises(ParameterError, match="mchi2"):
        chi2_decay.gamma_chi2_to_chi1_ee(0.3, 1e-3, 0.1, 0.14, 0.1)
