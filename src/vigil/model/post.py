"""The Post: one ad, listing, message or social-media post, as vigil stores it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = ["Post", "PostClass"]


class PostClass(StrEnum):
    """Ground-truth classes planted by ``vigil synth`` (and used as labels)."""

    TRAFFICKING = "trafficking"  # ads of a trafficking network (third-party advertising)
    INDEPENDENT_ADULT = "independent_adult"  # adult-services ad by an independent adult
    BENIGN_JOB = "benign_job"
    BENIGN_RENTAL = "benign_rental"
    MASSAGE_SPA = "massage_spa"
    DATING = "dating"
    LEGIT_RECRUITMENT = "legit_recruitment"
    DECEPTIVE_RECRUITMENT = "deceptive_recruitment"
    GROOMING = "grooming"
    DEMAND = "demand"

    @property
    def is_concern(self) -> bool:
        """True for the classes a reviewer should see."""
        return self in _CONCERN


_CONCERN = frozenset(
    {
        PostClass.TRAFFICKING,
        PostClass.DECEPTIVE_RECRUITMENT,
        PostClass.GROOMING,
        PostClass.DEMAND,
    }
)


@dataclass(frozen=True, slots=True)
class Post:
    """A post after ingest.

    ``title``/``body`` keep the text exactly as received; ``title_text``/``body_text``
    hold the normalised plain text (NFKC, HTML stripped, mojibake repaired) that every
    later stage reads. ``text`` joins the two normalised fields.
    """

    id: str
    platform: str
    source_id: str | None
    url: str | None
    posted_at: datetime | None
    title: str
    body: str
    title_text: str
    body_text: str
    location: str | None
    author: str | None
    images: tuple[str, ...]
    language: str | None
    meta: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""

    @property
    def text(self) -> str:
        """Normalised title and body, joined by a blank line (empty parts skipped)."""
        if self.title_text and self.body_text:
            return f"{self.title_text}\n\n{self.body_text}"
        return self.title_text or self.body_text
