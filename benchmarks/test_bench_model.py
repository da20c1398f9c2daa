"""Speed of the model layer (run with ``python -m pytest benchmarks --benchmark-enable``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from semivisible import DarkSector
from semivisible.cosmo.g2 import delta_a_mu, g2_band
from semivisible.model.chi2_decay import gamma_chi2_total


def test_chi2_width_plane_200x200(benchmark: Any) -> None:
    """The exact chi2 width on a 200 x 200 (m_A', eps) plane at the benchmark ratios."""
    ma = np.logspace(-2, 0, 200)[:, None]
    eps = np.logspace(-5, -2, 200)[None, :]
    out = benchmark(gamma_chi2_total, ma, eps, 0.1, ma / 3, 1.4 * ma / 3)
    assert out.shape == (200, 200)


def test_one_point_summary(benchmark: Any) -> None:
    """Everything the ``model`` command prints, for one fresh point."""

    def run() -> dict[str, Any]:
        return DarkSector.from_benchmark(0.3, 6.312e-3).summary()

    assert benchmark(run)["k_factor"] > 0


def test_g2_band_and_delta_a_vectorised(benchmark: Any) -> None:
    ma = np.logspace(-3, 0, 1000)

    def run() -> Any:
        g2_band(0.3)
        return delta_a_mu(ma, 1e-3)

    assert benchmark(run).shape == (1000,)
