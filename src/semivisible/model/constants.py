"""Physical constants in natural units (GeV, metres, seconds).

Every value carries its source. Masses are in GeV; ``HBARC_GEV_M`` converts a width in GeV into an inverse
length in metres and ``HBAR_GEV_S`` into an inverse time in seconds.

Sources
-------
* CODATA 2018 (Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021)): alpha, hbar, hbar*c, m_e.
* PDG 2024 (Navas et al., Phys. Rev. D 110, 030001 (2024)): lepton and hadron masses.

Examples
--------
>>> round(1.0 / ALPHA_EM, 3)
137.036
>>> round(M_MU_GEV / M_E_GEV, 2)
206.77
"""

from __future__ import annotations

__all__ = [
    "ALPHA_EM",
    "HBARC_GEV_M",
    "HBAR_GEV_S",
    "M_E_GEV",
    "M_K_CHARGED_GEV",
    "M_MU_GEV",
    "M_PI0_GEV",
    "M_PI_CHARGED_GEV",
    "M_TAU_GEV",
    "SPEED_OF_LIGHT_M_S",
]

#: Fine-structure constant at zero momentum transfer, CODATA 2018 (1/137.035999084).
ALPHA_EM: float = 1.0 / 137.035999084

#: hbar*c in GeV*m, CODATA 2018 (197.3269804 MeV fm).
HBARC_GEV_M: float = 1.973269804e-16

#: hbar in GeV*s, CODATA 2018 (6.582119569e-22 MeV s).
HBAR_GEV_S: float = 6.582119569e-25

#: Speed of light in m/s (exact, SI).
SPEED_OF_LIGHT_M_S: float = 299_792_458.0

#: Electron mass in GeV, CODATA 2018 / PDG 2024 (0.51099895000 MeV).
M_E_GEV: float = 0.51099895000e-3

#: Muon mass in GeV, PDG 2024 (105.6583755 MeV).
M_MU_GEV: float = 0.1056583755

#: Tau mass in GeV, PDG 2024 (1776.93 MeV).
M_TAU_GEV: float = 1.77693

#: Charged-pion mass in GeV, PDG 2024 (139.57039 MeV).
M_PI_CHARGED_GEV: float = 0.13957039

#: Neutral-pion mass in GeV, PDG 2024 (134.9768 MeV).
M_PI0_GEV: float = 0.1349768

#: Charged-kaon mass in GeV, PDG 2024 (493.677 MeV).
M_K_CHARGED_GEV: float = 0.493677

#: The model's ranges. eps is a mixing angle, |eps| <= 1; alpha_D = g_D^2/(4 pi) <= 4 pi keeps g_D <= 4 pi
#: (perturbative unitarity, the usual bound); m_A' from 1 keV (below, every visible channel and the relic
#: annihilation are closed) to 1 TeV, far beyond any experiment here. GeV for masses.
EPS_MAX: float = 1.0
ALPHA_D_MAX: float = 4.0 * 3.141592653589793
MA_MIN_GEV: float = 1e-6
MA_MAX_GEV: float = 1000.0
