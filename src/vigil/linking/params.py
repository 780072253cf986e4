"""Every knob of a link run, recorded in ``link_run.json`` with the run."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Final

__all__ = ["LINK_KINDS", "LinkParams"]

#: Identifier kinds that link posts. ``url``, ``age``, ``price`` and ``place`` do not:
#: they describe an ad (a slot or cluster attribute), they do not identify its author.
LINK_KINDS: Final = ("phone", "email", "handle", "payment", "crypto")


@dataclass(frozen=True, slots=True)
class LinkParams:
    """Parameters of a link run (see ``docs/linking.md`` for each trade-off)."""

    #: words per shingle of the masked text
    shingle_size: int = 3
    #: MinHash permutations (``bands * rows`` and ``group_bands * group_rows`` must fit)
    num_perm: int = 128
    #: LSH for text links that JOIN clusters: a pair with Jaccard ``s`` collides in
    #: at least one band with probability ``1 - (1 - s**rows) ** bands``; the default
    #: (1 x 64: J = 0.99 -> 0.53, J = 1 -> 1) links only (near-)identical masked texts
    bands: int = 1
    rows: int = 64
    #: LSH for near-duplicate GROUPS inside a cluster (templates and slots only; these
    #: never join clusters); default 16 x 8, knee 0.707
    group_bands: int = 16
    group_rows: int = 8
    #: link near-duplicate texts at all (templates need text links)
    text_links: bool = True
    #: seed of the permutations (datasketch-compatible ``affine32`` scheme)
    seed: int = 1
    #: posts whose masked text has fewer words than this are not text-linked
    min_tokens: int = 8
    #: identifier kinds that link posts
    link_kinds: tuple[str, ...] = LINK_KINDS
    #: text links never join two strong components (identifier/image links) that
    #: each hold an identifier of these kinds (``image`` = any image key); empty =
    #: text links join like any other bucket (see ``vigil.linking.resolve``)
    text_anchor_kinds: tuple[str, ...] = LINK_KINDS
    #: identifiers extracted with lower confidence do not link
    min_confidence: float = 0.5
    #: buckets (one identifier / band value / image) with more posts than this are
    #: reported in ``link_run.json`` as skipped hubs instead of linked; None = link all
    max_bucket_posts: int | None = None
    #: perceptual-hash near match: Hamming distance at most this (PDQ: 256 bits)
    image_distance: int = 31
    #: link image refs that do not resolve to a file when the ref strings are equal
    link_unresolved_image_refs: bool = True
    #: members aligned per near-duplicate group to build its template
    template_sample: int = 64
    #: a template position is a slot when at least this share of members differ there
    slot_min_share: float = 0.2
    #: DuckDB threads (None = DuckDB's default)
    threads: int | None = None
    #: DuckDB memory limit when link() makes its own engine (it spills beyond it)
    memory_limit: str | None = "2GB"
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for b, r in ((self.bands, self.rows), (self.group_bands, self.group_rows)):
            if b < 1 or not 1 <= r <= 64 or b * r > self.num_perm:
                raise ValueError(
                    f"need 1 <= rows <= 64 and bands * rows <= num_perm, got {b} x {r} "
                    f"with num_perm={self.num_perm}"
                )
        if self.shingle_size < 1:
            raise ValueError("shingle_size must be >= 1")
        unknown = set(self.link_kinds) - set(LINK_KINDS)
        if unknown:
            raise ValueError(f"cannot link on {sorted(unknown)}; choose from {LINK_KINDS}")
        bad = set(self.text_anchor_kinds) - {*LINK_KINDS, "image"}
        if bad:
            raise ValueError(f"unknown text anchor kinds {sorted(bad)}")

    @property
    def threshold(self) -> float:
        """The knee of the link LSH S-curve, ``(1 / bands) ** (1 / rows)``."""
        return float((1.0 / self.bands) ** (1.0 / self.rows))

    @property
    def group_threshold(self) -> float:
        """The knee of the group LSH S-curve."""
        return float((1.0 / self.group_bands) ** (1.0 / self.group_rows))

    def collision_probability(self, jaccard: float, *, group: bool = False) -> float:
        """Probability that a pair with this Jaccard shares at least one band."""
        b, r = (self.group_bands, self.group_rows) if group else (self.bands, self.rows)
        return float(1.0 - (1.0 - jaccard**r) ** b)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["link_kinds"] = list(self.link_kinds)
        data["text_anchor_kinds"] = list(self.text_anchor_kinds)
        data["lsh_threshold"] = round(self.threshold, 4)
        data["group_lsh_threshold"] = round(self.group_threshold, 4)
        return data
