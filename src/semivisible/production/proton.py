r"""A' production by a proton beam in a thick dump: meson decays and proton bremsstrahlung, per proton on target.

Every proton of the beam interacts in the dump; its first inelastic collision makes the mesons of the shipped
spectra (:mod:`semivisible.production.mesons`, normalised per POT; the hadronic cascade of the secondaries is
neglected, as in arXiv:1908.07525 and 1311.3870: its mesons are soft), and it radiates A' by bremsstrahlung
before (:mod:`semivisible.production.proton_brem`). The channels add:

    N_A'/POT = eps^2 [ Sum_M N_M/POT BR(M -> gamma A')|_{eps=1} + N_brem/POT|_{eps=1} ],
    BR(M -> gamma A') = 2 eps^2 BR(M -> gamma gamma) (1 - m_A'^2/M^2)^3.

Each channel draws ``samples_per_channel`` weighted A' (energy, projected angles); row i of every channel belongs
to pseudo-primary i, so :meth:`ProductionTable.yield_per_eot_per_eps2` and its MC error keep their meaning (per
POT). The table has the columns of an electron shower's (:class:`~semivisible.production.yields.ProductionTable`),
``depth_x0`` = 0 (the dump is short next to any decay length here).

Examples
--------
>>> t = build_proton_production_table(0.1, beam_energy_gev=70.0, channels=("proton_brem",),
...                                   proton_brem=(0.1, 0.9, 1.0), samples_per_channel=2000, seed=1, e_min_gev=3.0)
>>> 5e-3 < t.yield_per_eot_per_eps2() < 1.2e-2  # A' per POT for eps = 1
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from semivisible.errors import ParameterError, check_int, check_real
from semivisible.production.channels import CHANNELS, MESON_CHANNELS, check_channels
from semivisible.production.proton_brem import proton_brem_rows
from semivisible.production.yields import ProductionTable

__all__ = ["build_proton_production_table"]

_ROW_KEYS = ("energy_gev", "theta_x_rad", "theta_y_rad", "parent_energy_gev", "weight")


def build_proton_production_table(
    ma: float,
    *,
    beam_energy_gev: float,
    channels: Sequence[str],
    meson_spectra: str | None = None,
    proton_brem: tuple[float, float, float] | None = None,
    samples_per_channel: int = 100_000,
    seed: int = 0,
    e_min_gev: float,
) -> ProductionTable:
    """Weighted A' of mass ``ma`` (GeV) from a proton beam of ``beam_energy_gev`` on a thick dump, per POT and per
    eps^2, with E_A' > ``e_min_gev`` (module docstring).

    Args:
        channels: a subset of ``pi0``, ``eta``, ``eta_prime``, ``proton_brem``.
        meson_spectra: the shipped meson table (e.g. ``p400_Cu``) of the meson channels.
        proton_brem: (z_min, z_max, pt_max_gev) of the proton-bremsstrahlung phase space.
        samples_per_channel: A' drawn per channel.
        seed: seeds the generator (with the mass and the channel: the same inputs give the same rows).
    """
    m = float(check_real("ma", ma, 0.0, low_open=True))
    energy = float(check_real("beam_energy_gev", beam_energy_gev, 0.0, low_open=True))
    e_min = float(check_real("e_min_gev", e_min_gev, 0.0, energy, low_open=True, high_open=True))
    n = check_int("samples_per_channel", samples_per_channel, 1_000, 2_000_000)
    chans = check_channels(list(channels), "p")
    if any(c in MESON_CHANNELS for c in chans) and meson_spectra is None:
        raise ParameterError("meson_spectra", meson_spectra, "a shipped meson table for the meson channels")
    if "proton_brem" in chans and proton_brem is None:
        raise ParameterError("proton_brem", proton_brem, "(z_min, z_max, pt_max_gev) for the proton_brem channel")
    if meson_spectra is not None and any(c in MESON_CHANNELS for c in chans):
        from semivisible.production.mesons import load_meson_spectrum

        made_at = load_meson_spectrum(meson_spectra, "pi0").beam_energy_gev
        if not math.isclose(made_at, energy, rel_tol=0.01):
            raise ParameterError(
                "meson_spectra", meson_spectra, f"a table of the beam's energy {energy:g} GeV (this one: {made_at:g})"
            )
    columns: dict[str, list[NDArray[Any]]] = {k: [] for k in (*_ROW_KEYS, "primary", "channel")}
    for name in chans:
        rng = np.random.default_rng([seed, CHANNELS.index(name), round(m * 1e9) % (2**32)])
        if name in MESON_CHANNELS:
            from semivisible.production.mesons import meson_aprime_rows  # loads the shipped tables on first use

            assert meson_spectra is not None
            rows = meson_aprime_rows(m, meson_spectra, name, n_samples=n, rng=rng, e_min_gev=e_min)
        else:
            assert proton_brem is not None
            z_min, z_max, pt_max = proton_brem
            # z_min is raised to 3 m_A'/E_p where that is larger (BdNMC, the code of arXiv:1908.07525): the
            # quasi-real approximation needs E_A' >> m_A'. A window that closes makes no A'.
            z_lo = max(z_min, 3.0 * m / energy, e_min / energy)
            if z_lo >= z_max:
                continue
            rows = proton_brem_rows(
                m, energy, n_samples=n, rng=rng, z_min=z_lo, z_max=z_max, pt_max_gev=pt_max, e_min_gev=e_min
            )
        keep = (rows["energy_gev"] > e_min) & (rows["weight"] > 0)
        k = int(keep.sum())
        for key in _ROW_KEYS:
            columns[key].append(np.asarray(rows[key], dtype=np.float64)[keep])
        # Weights per pseudo-primary: n draws of the channel, so the table's sum over n primaries is its yield.
        columns["weight"][-1] = columns["weight"][-1] * n
        columns["primary"].append(np.flatnonzero(keep).astype(np.int64) % n)
        columns["channel"].append(np.full(k, CHANNELS.index(name), dtype=np.int64))
    arr = {k: np.concatenate(v) if v else np.zeros(0) for k, v in columns.items()}
    if not np.all(np.isfinite(arr["weight"])):
        raise ParameterError("ma", m, "a mass whose production weights are finite")
    meta = {
        "inputs": {
            "ma": m,
            "beam_particle": "p",
            "beam_energy_gev": energy,
            "channels": list(chans),
            "meson_spectra": meson_spectra,
            "proton_brem": list(proton_brem) if proton_brem is not None else None,
            "samples_per_channel": n,
            "seed": seed,
            "e_min_gev": e_min,
        },
        "secondary_fraction": 0.0,  # no shower: every A' comes from the first collision of a beam proton
    }
    return ProductionTable(
        ma=m,
        energy_gev=arr["energy_gev"],
        theta_x_rad=arr["theta_x_rad"],
        theta_y_rad=arr["theta_y_rad"],
        depth_x0=np.zeros_like(arr["energy_gev"]),
        parent_energy_gev=arr["parent_energy_gev"],
        weight=arr["weight"],
        primary=arr["primary"].astype(np.int64),
        n_primaries=n,
        meta=meta,
        channel=arr["channel"].astype(np.int64),
    )
