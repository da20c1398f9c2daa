"""The package's layering, checked from its source: no import cycle between subpackages, statistics that see
counts only, a model free of any detector, and one place for the default experiment's name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "semivisible"

#: Each unit (a subpackage, or a top-level module) and the units it may import. Every import, also inside a
#: function or under TYPE_CHECKING, counts.
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "vocabulary": set(),
    "_version": set(),
    "_numerics": set(),
    "io": {"errors", "_version"},
    "model": {"vocabulary", "errors", "_numerics"},
    "cosmo": {"vocabulary", "errors", "model", "io", "_numerics"},
    "production": {"errors", "model", "io", "_numerics", "_version"},
    "stats": {"errors", "io"},
    "experiments": {"errors", "production", "stats"},
    "signal": {"vocabulary", "errors", "model", "production", "experiments", "io", "stats"},
    "search": {"errors", "model", "experiments", "signal", "stats"},
    "scan": {"errors", "model", "cosmo", "io", "search", "signal", "stats"},
    "plot": {"errors", "cosmo", "io", "scan"},
    "paper": {"vocabulary", "errors", "cosmo", "experiments", "io", "model", "plot", "scan", "search"},
    "cli": {"vocabulary", "errors", "_version", "cosmo", "experiments", "model", "paper", "plot", "production",
            "scan", "search", "signal", "stats", "io"},
    "__init__": {"errors", "_version", "model", "search"},
    "__main__": {"cli"},
}  # fmt: skip


def _unit(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> set[str]:
    """The units of semivisible that one file imports (absolute imports, anywhere in the file)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if node.module == "semivisible"]
        for name in names:
            parts = name.split(".")
            if parts[0] == "semivisible" and len(parts) > 1:
                found.add(parts[1])
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        unit = _unit(path)
        graph.setdefault(unit, set()).update(u for u in _imports(path) if u != unit)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(u: str) -> list[str] | None:
        state[u] = 1
        stack.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                return [*stack[stack.index(v) :], v]
            if v not in state and (found := visit(v)) is not None:
                return found
        stack.pop()
        state[u] = 2
        return None

    for u in sorted(graph):
        if u not in state and (found := visit(u)) is not None:
            return found
    return None


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_between_subpackages() -> None:
    assert _cycle(_graph()) is None


def test_every_unit_imports_only_what_its_layer_allows() -> None:
    graph = _graph()
    assert set(graph) <= set(ALLOWED), f"new units need a layer: {sorted(set(graph) - set(ALLOWED))}"
    bad = {u: sorted(deps - ALLOWED[u]) for u, deps in graph.items() if deps - ALLOWED[u]}
    assert not bad, f"imports against the layering: {bad}"


@pytest.mark.parametrize(
    ("unit", "forbidden"),
    [
        ("stats", {"experiments", "signal", "production", "scan", "search"}),  # statistics see counts only
        ("model", {"experiments", "signal", "production", "cosmo", "stats", "scan"}),  # no detector, no measurement
        ("io", {"scan", "plot", "signal", "experiments"}),  # exports know no scan code
    ],
)
def test_layer_rules_of_the_issue(unit: str, forbidden: set[str]) -> None:
    assert not (_graph()[unit] & forbidden)


def test_the_default_experiment_is_named_in_two_places_only() -> None:
    """The literal name of the default experiment: in the experiments package and the paper's recipe."""
    from semivisible.experiments import DEFAULT_EXPERIMENT

    where = {
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if f'"{DEFAULT_EXPERIMENT}"' in path.read_text(encoding="utf-8")
    }
    outside = {w for w in where if not w.startswith("experiments/") and w != "paper.py"}
    assert not outside, outside
