"""The A' production channels an experiment file may list, and which beam each belongs to.

An electron or positron beam makes A' in its electromagnetic shower: dark bremsstrahlung (``brem``), resonant
annihilation of the shower's positrons on atomic electrons (``annihilation``) and associated annihilation
e+ e- -> gamma A' (``associated``), :mod:`semivisible.production.yields`. A proton beam makes them in meson decays
pi0, eta, eta' -> gamma A' (``pi0``, ``eta``, ``eta_prime``; :mod:`semivisible.production.mesons`) and by proton
bremsstrahlung p N -> p N A' (``proton_brem``; :mod:`semivisible.production.proton_brem`).

The position of a name in :data:`CHANNELS` is the ``channel`` code of a production table's rows.

Examples
--------
>>> check_channels(["annihilation", "brem"])
('brem', 'annihilation')
>>> channels_of_beam("p")
('pi0', 'eta', 'eta_prime', 'proton_brem')
"""

from __future__ import annotations

from semivisible.errors import ParameterError

__all__ = [
    "BEAM_PARTICLES",
    "CHANNELS",
    "ELECTRON_CHANNELS",
    "MESON_CHANNELS",
    "PROTON_CHANNELS",
    "channels_of_beam",
    "check_channels",
]

#: The channels of an electron or positron beam's shower, in the order of their codes.
ELECTRON_CHANNELS: tuple[str, ...] = ("brem", "annihilation", "associated")
#: The meson decays M -> gamma A' of a proton beam.
MESON_CHANNELS: tuple[str, ...] = ("pi0", "eta", "eta_prime")
#: The channels of a proton beam.
PROTON_CHANNELS: tuple[str, ...] = (*MESON_CHANNELS, "proton_brem")
#: Every channel, in the order of the ``channel`` codes of a production table.
CHANNELS: tuple[str, ...] = ELECTRON_CHANNELS + PROTON_CHANNELS
#: The beam particles of an experiment file (``[beam] particle``).
BEAM_PARTICLES: tuple[str, ...] = ("e-", "e+", "p")


def channels_of_beam(particle: str) -> tuple[str, ...]:
    """The channels a beam of ``particle`` (``e-``, ``e+`` or ``p``) can have."""
    if particle not in BEAM_PARTICLES:
        raise ParameterError("particle", particle, "one of " + ", ".join(BEAM_PARTICLES))
    return PROTON_CHANNELS if particle == "p" else ELECTRON_CHANNELS


def check_channels(channels: object, particle: str | None = None) -> tuple[str, ...]:
    """``channels`` as a tuple in the order of :data:`CHANNELS`: a non-empty list of distinct channel names (of the
    beam ``particle``'s channels when it is given), else a ParameterError naming it."""
    names = CHANNELS if particle is None else channels_of_beam(particle)
    allowed = "a non-empty list of distinct names from " + ", ".join(names)
    if particle is not None:
        allowed += f" (the channels of a {particle} beam)"
    if isinstance(channels, str) or not isinstance(channels, list | tuple):
        raise ParameterError("channels", channels, allowed)
    chans = tuple(channels)
    if not chans or len(set(chans)) != len(chans) or not all(isinstance(c, str) and c in names for c in chans):
        raise ParameterError("channels", list(chans), allowed)
    return tuple(c for c in CHANNELS if c in chans)
