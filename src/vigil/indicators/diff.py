"""Compare two catalogues over the same posts (the library behind ``vigil rules diff``).

Typical use: copy the catalogue, move a rule from shadow to active (or edit its
terms), and see which posts gain or lose the indicator and which change band.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vigil.indicators.catalogue import Catalogue
from vigil.indicators.scoring import Scored, score
from vigil.model import Identifier, Post

__all__ = ["BandChange", "DiffReport", "IndicatorChange", "diff"]

PostInput = (
    tuple[Post, Sequence[Identifier]] | tuple[Post, Sequence[Identifier], Mapping[str, object]]
)


@dataclass(frozen=True, slots=True)
class IndicatorChange:
    """How one indicator's firing differs between catalogue A and B.

    "Fired" counts TRUE results whether the indicator is active or shadow.
    """

    indicator_id: str
    state_a: str | None
    state_b: str | None
    fired_a: int
    fired_b: int
    added: tuple[str, ...]  # post ids where it fires in B only
    removed: tuple[str, ...]  # post ids where it fires in A only

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed) or self.state_a != self.state_b


@dataclass(frozen=True, slots=True)
class BandChange:
    """A post whose band differs between A and B."""

    post_id: str
    band_a: str
    band_b: str
    risk_a: float
    risk_b: float


@dataclass(frozen=True, slots=True)
class DiffReport:
    """Per-indicator changes and band changes of catalogue B relative to A."""

    version_a: str
    version_b: str
    posts: int
    indicators: dict[str, IndicatorChange]
    band_changes: list[BandChange]
    bands_a: dict[str, int] = field(default_factory=dict)
    bands_b: dict[str, int] = field(default_factory=dict)

    @property
    def changed_indicators(self) -> list[IndicatorChange]:
        return [c for c in self.indicators.values() if c.changed]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (post ids included)."""
        return {
            "version_a": self.version_a,
            "version_b": self.version_b,
            "posts": self.posts,
            "bands_a": self.bands_a,
            "bands_b": self.bands_b,
            "indicators": [
                {
                    "id": c.indicator_id,
                    "state_a": c.state_a,
                    "state_b": c.state_b,
                    "fired_a": c.fired_a,
                    "fired_b": c.fired_b,
                    "added": list(c.added),
                    "removed": list(c.removed),
                }
                for c in self.changed_indicators
            ],
            "band_changes": [
                {
                    "post_id": b.post_id,
                    "band_a": b.band_a,
                    "band_b": b.band_b,
                    "risk_a": round(b.risk_a, 4),
                    "risk_b": round(b.risk_b, 4),
                }
                for b in self.band_changes
            ],
        }


def _fired(scored: Scored) -> set[str]:
    return {h.indicator_id for h in scored.hits} | {h.indicator_id for h in scored.shadow_hits}


def diff(
    catalogue_a: Catalogue, catalogue_b: Catalogue, posts_with_identifiers: Iterable[PostInput]
) -> DiffReport:
    """Score every post with both catalogues and report what changed.

    Each item is ``(post, identifiers)`` or ``(post, identifiers, features)``.
    """
    ids = list(
        dict.fromkeys(
            [i.id for i in catalogue_a.indicators] + [i.id for i in catalogue_b.indicators]
        )
    )
    fired_a: dict[str, list[str]] = {i: [] for i in ids}
    fired_b: dict[str, list[str]] = {i: [] for i in ids}
    bands_a: Counter[str] = Counter()
    bands_b: Counter[str] = Counter()
    band_changes: list[BandChange] = []
    n = 0
    for item in posts_with_identifiers:
        post, identifiers = item[0], item[1]
        features = item[2] if len(item) == 3 else None
        a = score(post, identifiers, catalogue=catalogue_a, features=features)
        b = score(post, identifiers, catalogue=catalogue_b, features=features)
        n += 1
        for ind in _fired(a):
            fired_a[ind].append(post.id)
        for ind in _fired(b):
            fired_b[ind].append(post.id)
        bands_a[a.band] += 1
        bands_b[b.band] += 1
        if a.band != b.band:
            band_changes.append(BandChange(post.id, a.band, b.band, a.risk, b.risk))
    changes: dict[str, IndicatorChange] = {}
    for ind in ids:
        in_a, in_b = set(fired_a[ind]), set(fired_b[ind])
        sa = catalogue_a.by_id.get(ind)
        sb = catalogue_b.by_id.get(ind)
        changes[ind] = IndicatorChange(
            indicator_id=ind,
            state_a=sa.state if sa else None,
            state_b=sb.state if sb else None,
            fired_a=len(in_a),
            fired_b=len(in_b),
            added=tuple(p for p in fired_b[ind] if p not in in_a),
            removed=tuple(p for p in fired_a[ind] if p not in in_b),
        )
    return DiffReport(
        version_a=catalogue_a.version,
        version_b=catalogue_b.version,
        posts=n,
        indicators=changes,
        band_changes=band_changes,
        bands_a=dict(bands_a),
        bands_b=dict(bands_b),
    )
