#!/usr/bin/env python
"""Rebuild the shipped pi0 / eta / eta' lab-frame spectra of the proton beam dumps (NuCal, CHARM) with Pythia 8.

A dark photon of a proton beam dump comes mostly from the decays M -> gamma A' of the light neutral mesons
M = pi0, eta, eta' made in the dump (Blümlein and Brunner, arXiv:1311.3870; Tsai, deNiverville and Liu,
arXiv:1908.07525). This script tabulates, per proton on target (POT), the number of pi0 (PDG 111), eta (221)
and eta' (331) in bins of (log10 E_lab / GeV, log10 theta_lab / rad), E the total meson energy and theta its
polar angle to the beam, in the LAB frame (target at rest).

Physics set-up
--------------
* Generator: Pythia 8 (the ``pythia8mc`` wheel, an optional extra: it is imported inside :func:`main`), fixed-
  target frame ``Beams:frameType = 2``, ``Beams:eA = E_beam``, ``Beams:eB = 0``, so the event record is already
  in the lab frame (checked: the final-state momentum sums to E_beam along z).
* Processes: ``SoftQCD:inelastic = on`` (non-diffractive + single/double/central diffractive).
* Nuclear target: the Angantyr heavy-ion model (``HeavyIon:mode = 1``, C. Bierlich et al., arXiv:1806.10820)
  with the beam proton on a 56Fe (id 1000260560) or 63Cu (id 1000290630) nucleus. Angantyr initialises and
  runs at 70 and 400 GeV (a few thousand p+Fe events per second at 70 GeV on one core), so the fallback of a
  proton/neutron target mixture with a nuclear multiplicity scaling was not needed. Angantyr generates the
  inelastic (absorptive + diffractive) p-A events; its cross section (``sigmaGen``: 0.697 b for p+Fe at
  70 GeV, 0.767 b for p+Cu at 400 GeV) is stored in the metadata.
* Mesons are made stable (``111:mayDecay = off``, ``221:mayDecay = off``, ``331:mayDecay = off``), so every
  pi0, eta and eta' is counted, including those from resonance decays (rho, omega, K0_S, eta' -> eta pi pi ...);
  an eta' is counted as an eta' and not again through its eta daughter, which is not made.
* Normalisation: per POT, assuming every beam proton makes exactly one inelastic collision with a nucleus of the
  thick dump (all events are inelastic, counts are divided by the number of generated events). Secondary hadronic
  cascades (the produced pions, kaons and nucleons interacting again in the dump) are neglected; they add soft
  mesons, not the forward high-energy ones that matter for a beam dump.
* Histogram: 80 log bins of E from 0.1 GeV to E_beam and 80 log bins of theta from 1e-5 rad to pi; a meson
  below 1e-5 rad is put in the first theta bin (the bins sum to the multiplicity per POT).

Usage (from the repository root, with the package and the ``pythia8mc`` wheel installed)::

    python scripts/build_meson_tables.py --config nucal            # src/semivisible/production/data/mesons_p70_Fe.npz
    python scripts/build_meson_tables.py --config charm            # .../mesons_p400_Cu.npz
    python scripts/build_meson_tables.py --all --n-events 10000 --out /tmp/mesons   # quick test into a folder

The defaults (2e6 events for NuCal, 1e6 for CHARM) took 740 s and 470 s of generation (plus ~20 s of Angantyr
initialisation) on one core each, the two configs run as two processes in parallel on 2 cores. ``--max-seconds``
stops early (the events made so far are used and recorded). The write is atomic (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import argparse
import array
import importlib.metadata
import io
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from semivisible.io.cache import atomic_write_bytes

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "semivisible" / "production" / "data"

#: config name -> (file stem, beam energy GeV, target name, Pythia nucleus id, Z, A, default events)
CONFIGS: dict[str, tuple[str, float, str, int, int, int, int]] = {
    "nucal": ("mesons_p70_Fe", 70.0, "Fe", 1000260560, 26, 56, 2_000_000),
    "charm": ("mesons_p400_Cu", 400.0, "Cu", 1000290630, 29, 63, 1_000_000),
}
MESON_IDS: dict[str, int] = {"pi0": 111, "eta": 221, "eta_prime": 331}
N_E_BINS = 80
N_THETA_BINS = 80
E_MIN_GEV = 0.1
THETA_MIN_RAD = 1e-5
THETA_MAX_RAD = math.pi
M_P_GEV = 0.93827208816


def pythia_settings(e_beam: float, nucleus_id: int, seed: int) -> list[str]:
    """The Pythia settings of one run (the physics ones are stored in the table's metadata)."""
    return [
        "Beams:frameType = 2",
        "Beams:idA = 2212",
        f"Beams:idB = {nucleus_id}",
        f"Beams:eA = {e_beam:g}",
        "Beams:eB = 0",
        "HeavyIon:mode = 1",
        "SoftQCD:inelastic = on",
        "111:mayDecay = off",
        "221:mayDecay = off",
        "331:mayDecay = off",
        "Random:setSeed = on",
        f"Random:seed = {seed}",
    ]


QUIET = [
    "Next:numberCount = 0",
    "Print:quiet = on",
    "Init:showChangedSettings = off",
    "Init:showChangedParticleData = off",
    "Init:showProcesses = off",
]


def run_config(name: str, n_events: int, seed: int, out: Path, max_seconds: float) -> dict[str, object]:
    """Generate one config's events, histogram them and write the npz; returns the metadata."""
    import pythia8mc  # optional extra, imported here so that this module imports without Pythia

    _stem, e_beam, target, nucleus_id, z, a, _ = CONFIGS[name]
    settings = pythia_settings(e_beam, nucleus_id, seed)
    pythia = pythia8mc.Pythia("", False)
    for line in settings + QUIET:
        if not pythia.readString(line):
            raise RuntimeError(f"Pythia refused the setting {line!r}")
    start = time.perf_counter()
    if not pythia.init():
        raise RuntimeError(f"Pythia (Angantyr) failed to initialise for {name}")
    init_s = time.perf_counter() - start

    wanted = set(MESON_IDS.values())
    e_lists = {pid: array.array("d") for pid in wanted}
    t_lists = {pid: array.array("d") for pid in wanted}
    n_ok = 0
    n_failed = 0
    start = time.perf_counter()
    for _ in range(n_events):
        if time.perf_counter() - start > max_seconds:
            break
        if not pythia.next():
            n_failed += 1
            continue
        n_ok += 1
        for particle in pythia.event:
            pid = particle.id()
            if pid in wanted and particle.isFinal():
                e_lists[pid].append(particle.e())
                t_lists[pid].append(particle.theta())
        if n_ok % 50_000 == 0:
            rate = n_ok / (time.perf_counter() - start)
            print(f"{name}: {n_ok} events, {rate:.0f}/s", file=sys.stderr, flush=True)
    gen_s = time.perf_counter() - start
    info = pythia.infoPython()
    sigma_mb = float(info.sigmaGen())

    e_edges = np.geomspace(E_MIN_GEV, e_beam, N_E_BINS + 1)
    t_edges = np.geomspace(THETA_MIN_RAD, THETA_MAX_RAD, N_THETA_BINS + 1)
    log_e = np.log10(e_edges)
    log_t = np.log10(t_edges)
    arrays: dict[str, np.ndarray] = {"log10_energy_edges": log_e, "log10_theta_edges": log_t}
    multiplicity: dict[str, float] = {}
    for meson, pid in MESON_IDS.items():
        energy = np.clip(np.frombuffer(e_lists[pid], dtype=np.float64), e_edges[0], e_edges[-1])
        theta = np.clip(np.frombuffer(t_lists[pid], dtype=np.float64), t_edges[0], t_edges[-1])
        counts, _, _ = np.histogram2d(np.log10(energy), np.log10(theta), bins=(log_e, log_t))
        arrays[f"{meson}_counts_per_pot"] = counts / n_ok
        arrays[f"{meson}_raw_counts"] = counts.astype(np.int32)
        multiplicity[meson] = energy.size / n_ok

    sqrt_s = math.sqrt(2.0 * M_P_GEV * e_beam + 2.0 * M_P_GEV**2)
    meta: dict[str, object] = {
        "config": name,
        "beam": "proton",
        "beam_energy_gev": e_beam,
        "sqrt_s_nn_gev": sqrt_s,
        "target": target,
        "target_z": z,
        "target_a": a,
        "frame": "lab (target at rest)",
        "nuclear_model": "Pythia 8 Angantyr (HeavyIon:mode = 1), proton on the nucleus id " + str(nucleus_id),
        "normalisation": "per POT: one inelastic p-A collision per beam proton; secondary cascades neglected",
        "n_events": n_ok,
        "n_failed": n_failed,
        "seed": seed,
        "pythia_version": f"pythia8mc {importlib.metadata.version('pythia8mc')}",
        "pythia_settings": settings,
        "sigma_gen_mb": sigma_mb,
        "multiplicity_per_pot": multiplicity,
        "eta_over_pi0": multiplicity["eta"] / multiplicity["pi0"],
        "bdnmc_comparison": BDNMC[name],
        "histogram": "counts per POT in bins of (log10 E_lab/GeV, log10 theta_lab/rad); theta < 1e-5 rad in bin 0",
        "init_seconds": init_s,
        "generation_seconds": gen_s,
        "built": time.strftime("%Y-%m-%d"),
    }
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    atomic_write_bytes(out, buffer.getvalue())  # temporary file, then os.replace
    return meta


#: The numbers quoted from BdNMC (Tsai, deNiverville and Liu, arXiv:1908.07525), for the comparison only.
BDNMC: dict[str, dict[str, float]] = {
    "nucal": {"pi0_per_pot": 74.0 / 38.0, "eta_over_pi0": 0.114},
    "charm": {"pi0_per_pot": 2.4, "eta_over_pi0": 0.105},
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--config", choices=sorted(CONFIGS), help="one beam-dump config")
    group.add_argument("--all", action="store_true", help="every config, one after the other")
    parser.add_argument("--n-events", type=int, default=None, help="events per config (default: per config)")
    parser.add_argument("--seed", type=int, default=20240, help="Pythia random seed (default 20240)")
    parser.add_argument("--max-seconds", type=float, default=math.inf, help="stop generating after this time")
    parser.add_argument("--out", type=Path, default=None, help="output file (one config) or folder (--all)")
    args = parser.parse_args(argv)
    try:
        import pythia8mc  # noqa: F401
    except ImportError:
        print("build_meson_tables.py needs the optional pythia8mc wheel: pip install pythia8mc", file=sys.stderr)
        return 1
    names = sorted(CONFIGS) if args.all else [args.config]
    for name in names:
        stem, *_, default_n = CONFIGS[name]
        if args.out is None:
            out = DATA_DIR / f"{stem}.npz"
        elif args.all or args.out.is_dir():
            out = args.out / f"{stem}.npz"
        else:
            out = args.out
        n_events = args.n_events if args.n_events is not None else default_n
        meta = run_config(name, n_events, args.seed, out, args.max_seconds)
        mult = meta["multiplicity_per_pot"]
        print(
            f"{name}: {meta['n_events']} events in {meta['generation_seconds']:.0f} s -> {out} "
            f"({out.stat().st_size / 1024:.0f} kB); per POT {json.dumps(mult)}; BdNMC {json.dumps(BDNMC[name])}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
