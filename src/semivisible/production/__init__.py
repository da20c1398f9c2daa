"""A' production by dark bremsstrahlung: form factors, cross sections, the thick-target shower.

Examples
--------
>>> from semivisible.production import get_material
>>> get_material("Pb").Z
82
"""

from __future__ import annotations

from semivisible.production.form_factors import chi, g2_elastic, g2_inelastic
from semivisible.production.materials import Material, get_material, materials

__all__ = ["Material", "chi", "g2_elastic", "g2_inelastic", "get_material", "materials"]


def __dir__() -> list[str]:
    return __all__
