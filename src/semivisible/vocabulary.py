"""One vocabulary: the names of quantities and their unit suffixes, the same in the Python API, the CLI, TOML and JSON.

**The rule.** Quantities are in GeV, metres and seconds. A name that carries a dimensionful quantity ends in its
unit, in lower case: ``_gev`` (energies, masses, widths), ``_m`` (lengths), ``_s`` (times), ``_rad`` (angles), and,
where the field's convention is kept, ``_pb`` and ``_cm2`` (cross sections, areas) and ``_x0`` (depths in radiation
lengths). Dimensionless quantities (``eps``, ``alpha_d``, ``ratio``, ``splitting``, ``s1``, ``cls``) have no suffix.
The parameters of a model point are named as in the paper and are always in GeV, so they carry no suffix: ``ma``,
``mchi1``, ``mchi2``, ``delta``. The CLI spells every name with ``-`` for ``_`` (``--alpha-d``).

**JSON.** Keys follow the rule. Keys written before the rule (``ma_GeV``, ``gamma_aprime_GeV``,
``headline_g2_excluded_up_to_GeV``, ...) are a documented contract that scripts depend on, so they stay, next to
their rule-conforming twin (``ma``, ``gamma_aprime_gev``, ``headline_g2_excluded_up_to_gev``):
:func:`with_rule_keys` adds the twins.

Examples
--------
>>> with_rule_keys({"ma_GeV": 0.3, "eps": 1e-3, "gamma_aprime_GeV": 2e-9})
{'ma_GeV': 0.3, 'ma': 0.3, 'eps': 0.001, 'gamma_aprime_GeV': 2e-09, 'gamma_aprime_gev': 2e-09}
>>> rule_key("fig5_top_excluded_up_to_GeV_at_alpha_d_0.1")
'fig5_top_excluded_up_to_gev_at_alpha_d_0.1'
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

T = TypeVar("T")

__all__ = ["MODEL_MASSES", "UNIT_SUFFIXES", "rule_key", "with_rule_keys"]

#: The unit suffixes of the rule (module docstring).
UNIT_SUFFIXES: tuple[str, ...] = ("_gev", "_m", "_s", "_rad", "_pb", "_cm2", "_x0")
#: The model-point masses: GeV, named without a suffix everywhere.
MODEL_MASSES: tuple[str, ...] = ("ma", "mchi1", "mchi2", "delta")


def rule_key(key: str) -> str:
    """The name of ``key`` under the rule: ``ma_GeV`` -> ``ma``, ``x_GeV`` -> ``x_gev`` (others unchanged)."""
    base = key.removesuffix("_GeV")
    if base != key and base in MODEL_MASSES:
        return base
    return key.replace("_GeV", "_gev")


def with_rule_keys(obj: T) -> T:
    """``obj`` with every dict key written before the rule followed by its rule-conforming twin (recursively).

    The old key keeps its place and value; a twin that already exists is left as it is.
    """
    return cast(T, _twins(obj))


def _twins(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_twins(v) for v in obj]
    if not isinstance(obj, dict):
        return obj
    out: dict[Any, Any] = {}
    for key, value in obj.items():
        value = _twins(value)
        out[key] = value
        if isinstance(key, str):
            twin = rule_key(key)
            if twin != key and twin not in obj:
                out[twin] = value
    return out
