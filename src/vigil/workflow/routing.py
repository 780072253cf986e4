"""Routing rules (data): which queue, priority and SLA a new queue item gets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["Candidate", "Route", "Routing", "default_routing"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """What routing looks at: the item's source, band, score, hits, tip flags."""

    source: str
    score: float = 0.0
    band: str | None = None
    categories: frozenset[str] = frozenset()
    indicators: frozenset[str] = frozenset()
    immediate_danger: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    rule: str
    queue: str
    priority: int


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    when: Mapping[str, Any]
    queue: str
    priority: int

    def matches(self, c: Candidate) -> bool:
        return all(_holds(key, want, c) for key, want in self.when.items())


def _holds(key: str, want: Any, c: Candidate) -> bool:
    if key == "source":
        return bool(c.source == want)
    if key == "band":
        return bool(c.band == want)
    if key == "category":
        return want in c.categories
    if key == "indicator":
        return want in c.indicators
    if key == "min_score":
        return c.score >= float(want)
    if key == "immediate_danger":
        return bool(c.immediate_danger == want)
    raise ValueError(f"unknown routing condition {key!r}")


_CONDITIONS = {"source", "band", "category", "indicator", "min_score", "immediate_danger"}


@dataclass(frozen=True, slots=True)
class Routing:
    rules: Sequence[_Rule]
    sla: Mapping[int, timedelta]
    claim_timeout: timedelta
    queues: tuple[str, ...] = field(default=())

    def route(self, candidate: Candidate) -> Route:
        for rule in self.rules:
            if rule.matches(candidate):
                return Route(rule.name, rule.queue, rule.priority)
        return Route("fallback", "posts", 4)

    def sla_for(self, priority: int) -> timedelta:
        return self.sla.get(priority, max(self.sla.values()))


def parse_routing(data: Mapping[str, Any]) -> Routing:
    rules = []
    for i, row in enumerate(data["rules"]):
        unknown = set(row.get("when") or {}) - _CONDITIONS
        if unknown:
            raise ValueError(f"routing rule {i + 1}: unknown condition {sorted(unknown)[0]!r}")
        priority = int(row["priority"])
        if not 1 <= priority <= 4:
            raise ValueError(f"routing rule {i + 1}: priority must be 1..4")
        rules.append(_Rule(str(row["name"]), dict(row.get("when") or {}), row["queue"], priority))
    sla = {int(k): timedelta(hours=float(v)) for k, v in data["sla_hours"].items()}
    queues = tuple(dict.fromkeys(r.queue for r in rules))
    return Routing(rules, sla, timedelta(minutes=float(data["claim_minutes"])), queues)


@cache
def default_routing() -> Routing:
    text = resources.files("vigil.workflow").joinpath("data/routing.yaml").read_text("utf-8")
    return parse_routing(yaml.safe_load(text))
