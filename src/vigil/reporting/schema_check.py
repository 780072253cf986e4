"""JSON Schema validation that names every problem by JSON pointer (RFC 6901)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from vigil.reporting.dsa import Problem

__all__ = ["pointer", "problems"]


def pointer(path: Sequence[object]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _leaves(err: ValidationError) -> list[ValidationError]:
    """The most specific errors under a oneOf/anyOf, or the error itself."""
    if err.context:
        best = [e for e in err.context if e.validator not in ("type", "const")]
        return [e for sub in best for e in _leaves(sub)] if best else [err]
    return [err]


def problems(validator: Draft202012Validator, doc: Any) -> list[Problem]:
    """Every schema violation of ``doc``; a missing required member is named by its pointer."""
    out: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for top in validator.iter_errors(doc):
        for err in _leaves(top):
            where = pointer(list(err.absolute_path))
            if err.validator == "required" and isinstance(err.instance, dict):
                for key in err.validator_value:
                    if key not in err.instance:
                        item = (f"{where}/{key}", "required field is missing")
                        if item not in seen:
                            seen.add(item)
                            out.append(Problem(*item))
                continue
            if err.validator == "additionalProperties" and isinstance(err.instance, dict):
                allowed = set(err.schema.get("properties", {}))
                for key in sorted(k for k in err.instance if k not in allowed):
                    item = (f"{where}/{key}", "field is not part of the schema")
                    if item not in seen:
                        seen.add(item)
                        out.append(Problem(*item))
                continue
            message = err.message if len(err.message) <= 200 else err.message[:200] + "…"
            item = (where or "/", message)
            if item not in seen:
                seen.add(item)
                out.append(Problem(*item))
    return sorted(out, key=lambda p: p.pointer)
