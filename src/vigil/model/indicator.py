"""Indicator hits: why a post was flagged."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IndicatorHit"]


@dataclass(frozen=True, slots=True)
class IndicatorHit:
    """One indicator that matched a post, with the words that matched it."""

    indicator_id: str
    category: str
    matched: str
    start: int
    end: int
    weight: float
    source: str
