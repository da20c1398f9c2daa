"""Target materials as package data (``production/data/materials.toml``, PDG 2024 values).

A user's own material goes in the same form into an experiment file; nothing here is code.

Examples
--------
>>> pb = get_material("Pb")
>>> pb.Z, round(pb.x0_cm, 3)
(82, 0.561)
>>> f"{pb.atoms_per_x0_cm2:.4g}"
'1.851e+22'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from semivisible.errors import ParameterError

__all__ = ["AVOGADRO", "Material", "get_material", "materials"]

#: Avogadro's number, mol^-1 (SI exact).
AVOGADRO = 6.02214076e23


@dataclass(frozen=True, slots=True)
class Material:
    """An element: atomic number, mass number (g/mol), density (g/cm^3), radiation and interaction lengths."""

    name: str
    Z: int
    A: float
    density_g_cm3: float
    x0_g_cm2: float
    lambda_i_g_cm2: float
    source: str = ""

    @property
    def x0_cm(self) -> float:
        """Radiation length in cm."""
        return self.x0_g_cm2 / self.density_g_cm3

    @property
    def x0_m(self) -> float:
        """Radiation length in m."""
        return self.x0_cm / 100.0

    @property
    def atoms_per_x0_cm2(self) -> float:
        """Atoms per cm^2 in one radiation length: N_A X0 / A."""
        return AVOGADRO * self.x0_g_cm2 / self.A

    @classmethod
    def from_mapping(cls, name: str, data: dict[str, Any]) -> Material:
        """Build from a TOML table with keys Z, A, density_g_cm3, x0_g_cm2, lambda_i_g_cm2 (source optional)."""
        try:
            return cls(
                name=name,
                Z=int(data["Z"]),
                A=float(data["A"]),
                density_g_cm3=float(data["density_g_cm3"]),
                x0_g_cm2=float(data["x0_g_cm2"]),
                lambda_i_g_cm2=float(data.get("lambda_i_g_cm2", float("nan"))),
                source=str(data.get("source", "")),
            )
        except KeyError as err:
            raise ParameterError(f"materials.{name}.{err.args[0]}", None, "a number (see materials.toml)") from None


@cache
def materials() -> dict[str, Material]:
    """All shipped materials by name.

    >>> sorted(materials())
    ['Al', 'Cu', 'Fe', 'Pb', 'W']
    """
    text = (files("semivisible.production") / "data" / "materials.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return {k: Material.from_mapping(k, v) for k, v in data.items() if isinstance(v, dict)}


def get_material(name: str) -> Material:
    """A shipped material by name; a clear error lists the known ones."""
    known = materials()
    if name not in known:
        raise ParameterError("target", name, "one of " + ", ".join(sorted(known)))
    return known[name]
