"""Clusters: posts linked into one network."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Cluster"]


@dataclass(frozen=True, slots=True)
class Cluster:
    """A set of posts joined by shared identifiers, templated text or images."""

    id: str
    post_ids: tuple[str, ...]
    shared_identifiers: dict[str, int] = field(default_factory=dict)
    cities: tuple[str, ...] = ()
    risk: float = 0.0

    @property
    def size(self) -> int:
        return len(self.post_ids)
