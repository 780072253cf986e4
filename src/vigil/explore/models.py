"""The read model's types: what the API returns and the console renders."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

__all__ = [
    "ClusterDetail",
    "ClusterPage",
    "ClusterSummary",
    "Edge",
    "Hit",
    "IdentifierDetail",
    "IdentifierRef",
    "IdentifierUse",
    "MovementPoint",
    "PostDetail",
    "PostPage",
    "PostSummary",
    "SharedIdentifier",
    "Slot",
    "Template",
]


class Hit(BaseModel):
    """One indicator that fired; ``start``/``end`` index the post's ``text`` (-1: not a span)."""

    indicator_id: str
    category: str
    matched: str
    start: int
    end: int
    weight: float
    source: str


class IdentifierRef(BaseModel):
    """An identifier in a post; ``start``/``end`` index ``text`` (title, blank line, body)."""

    kind: str
    value: str
    raw: str
    field: str
    start: int
    end: int
    confidence: float


class PostSummary(BaseModel):
    post_id: str
    risk: float = Field(ge=0, le=1)
    band: str
    platform: str | None = None
    posted_at: datetime | None = None
    location: str | None = None
    title: str = ""
    snippet: str = ""
    indicators: list[str] = Field(default_factory=list)
    cluster_id: str | None = None


class PostPage(BaseModel):
    items: list[PostSummary]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class PostDetail(PostSummary):
    url: str | None = None
    author: str | None = None
    source_id: str | None = None
    language: str | None = None
    images: list[str] = Field(default_factory=list)
    text: str = Field("", description="Normalised title, a blank line, normalised body.")
    catalogue_risk: float | None = None
    model_risk: float | None = None
    hits: list[Hit] = Field(default_factory=list)
    identifiers: list[IdentifierRef] = Field(default_factory=list)


class SharedIdentifier(BaseModel):
    kind: str
    value: str
    posts: int


class Slot(BaseModel):
    type: str
    distinct: int
    examples: list[str]


class Template(BaseModel):
    group: str
    posts: int
    aligned: int
    template: str
    summary: str
    slots: list[Slot]


class ClusterSummary(BaseModel):
    cluster_id: str
    size: int
    risk: float
    cities: list[str] = Field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    span_days: float | None = None
    moves: int | None = None
    indicators: list[str] = Field(default_factory=list)
    shared_identifiers: list[SharedIdentifier] = Field(default_factory=list)


class ClusterPage(BaseModel):
    items: list[ClusterSummary]
    next_cursor: str | None = None


class Edge(BaseModel):
    post_a: str
    post_b: str
    kind: str
    evidence: str | None = None


class MovementPoint(BaseModel):
    post_id: str
    posted_at: datetime | None
    location: str | None


class ClusterDetail(ClusterSummary):
    root_post_id: str
    link_kinds: dict[str, int] = Field(default_factory=dict)
    risk_member_max: float | None = None
    risk_member_mean: float | None = None
    risk_network: float | None = None
    members: list[PostSummary] = Field(default_factory=list)
    links: list[Edge] = Field(default_factory=list)
    templates: list[Template] = Field(default_factory=list)
    movement: list[MovementPoint] = Field(default_factory=list)
    identifiers: list[SharedIdentifier] = Field(
        default_factory=list, description="Every identifier of the members (all kinds)."
    )
    truncated: bool = Field(False, description="True when members or links were cut.")


class IdentifierUse(BaseModel):
    posts: int
    cities: int | None = None
    first_seen: datetime | None = None
    last_seen: datetime | None = None


class IdentifierDetail(BaseModel):
    kind: str
    value: str
    stats: IdentifierUse
    posts: list[PostSummary]
    clusters: list[ClusterSummary]
    truncated: bool = False
