"""Errors and warnings shared by the whole package.

A :class:`ParameterError` always names the parameter, its value and the allowed range, so that the CLI can
print it as it is and exit with code 2.

Examples
--------
>>> err = ParameterError("eps", -1.0, "eps > 0")
>>> str(err)
'eps = -1.0 is out of range: allowed eps > 0'
"""

from __future__ import annotations

__all__ = ["CacheWarning", "LandauPoleWarning", "ParameterError", "SemivisibleWarning"]


class ParameterError(ValueError):
    """A parameter is outside its allowed range.

    Args:
        name: the parameter's name, spelled as in the Python API, the CLI (with ``-`` for ``_``) and the
            config files.
        value: the value that was given.
        allowed: the allowed range, in words or as an inequality.
    """

    def __init__(self, name: str, value: object, allowed: str) -> None:
        self.name = name
        self.value = value
        self.allowed = allowed
        super().__init__(f"{name} = {value!r} is out of range: allowed {allowed}")


class SemivisibleWarning(UserWarning):
    """Base class of the package's warnings."""


class LandauPoleWarning(SemivisibleWarning):
    """alpha_D is so large that the dark coupling hits a Landau pole below about 1 TeV.

    The bound alpha_D <~ 0.2 is quoted by NA64 (arXiv:2107.02021, refs. [21, 22] there).
    """


class CacheWarning(SemivisibleWarning):
    """A disk-cache entry was damaged (truncated, corrupt, or not what its key promises) and is being rebuilt."""
