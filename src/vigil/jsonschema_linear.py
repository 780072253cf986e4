"""A JSON Schema (2020-12) validator whose ``uniqueItems`` runs in linear time.

jsonschema's own check sorts the items and, when they cannot be sorted (objects, or a mix
of types), compares every pair: 1,000 small objects cost ~1.5 s, 4,000 ~30 s. An untrusted
file (a signal package, a legal knowledge-base file) could hang its importer that way.
Here every item gets a hashable key with jsonschema's notion of equality (``1 == 1.0``,
``true != 1``, objects and arrays compared by value), and duplicates are found in a set.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, _keywords, validators
from jsonschema.exceptions import ValidationError

__all__ = ["LinearDraft202012Validator"]


def _key(value: Any) -> Any:
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    if value is None:
        return (3,)
    if isinstance(value, list):
        return (4, tuple(_key(v) for v in value))
    if isinstance(value, dict):
        return (5, frozenset((k, _key(v)) for k, v in value.items()))
    raise TypeError(type(value).__name__)


def _unique_items(
    validator: Any, unique: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not (unique and validator.is_type(instance, "array")):
        return
    try:
        keys = [_key(item) for item in instance]
    except (TypeError, RecursionError):  # not JSON data: jsonschema's own check
        yield from _keywords.uniqueItems(validator, unique, instance, schema)
        return
    if len(set(keys)) < len(keys):
        yield ValidationError(f"{instance!r} has non-unique elements")


LinearDraft202012Validator: Any = validators.extend(
    Draft202012Validator, {"uniqueItems": _unique_items}
)
