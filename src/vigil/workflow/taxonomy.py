"""Policy reasons for decisions, mapped to DSA statement-of-reasons categories and keywords.

The data lives in ``data/taxonomy.yaml``; the enumerations come from the EU Transparency
Database's statement schema (see the file's header for the source).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import yaml

from vigil.workflow.errors import InvalidInput

__all__ = ["SHARING_ACTIONS", "Action", "Reason", "action", "reason", "reasons"]


class Action(StrEnum):
    NO_CONCERN = "no_concern"
    MONITOR = "monitor"
    OPEN_CASE = "open_case"
    REFER = "refer"
    PRESERVE = "preserve"


# Decisions that allow a person's data to be referred or shared afterwards.
SHARING_ACTIONS = frozenset({Action.OPEN_CASE, Action.REFER, Action.PRESERVE})


@dataclass(frozen=True, slots=True)
class Reason:
    id: str
    label: str
    statement_category: str
    keywords: tuple[str, ...]
    concern: bool
    post_class: str | None


def _reason(row: dict[str, Any]) -> Reason:
    category = str(row["statement_category"])
    keywords = tuple(str(k) for k in row.get("keywords") or ())
    if not category.startswith("STATEMENT_CATEGORY_"):
        raise ValueError(f"taxonomy reason {row['id']}: bad category {category!r}")
    if any(not k.startswith("KEYWORD_") for k in keywords):
        raise ValueError(f"taxonomy reason {row['id']}: keywords must start with KEYWORD_")
    return Reason(
        id=str(row["id"]),
        label=str(row["label"]),
        statement_category=category,
        keywords=keywords,
        concern=bool(row["concern"]),
        post_class=row.get("post_class"),
    )


@cache
def reasons() -> tuple[Reason, ...]:
    """Every policy reason, in the order the data file lists them."""
    text = resources.files("vigil.workflow").joinpath("data/taxonomy.yaml").read_text("utf-8")
    return tuple(_reason(r) for r in yaml.safe_load(text)["reasons"])


def reason(reason_id: str) -> Reason:
    for r in reasons():
        if r.id == reason_id:
            return r
    known = ", ".join(r.id for r in reasons())
    raise InvalidInput(f"unknown policy reason {reason_id!r} (one of: {known})", "reason")


def action(value: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        known = ", ".join(a.value for a in Action)
        raise InvalidInput(f"unknown action {value!r} (one of: {known})", "action") from None
