"""Pure domain types. Nothing here performs I/O or imports the rest of vigil."""

from vigil.model.cluster import Cluster
from vigil.model.identifier import Identifier, IdentifierKind
from vigil.model.ids import content_hash, post_id
from vigil.model.indicator import IndicatorHit
from vigil.model.post import Post, PostClass

__all__ = [
    "Cluster",
    "Identifier",
    "IdentifierKind",
    "IndicatorHit",
    "Post",
    "PostClass",
    "content_hash",
    "post_id",
]
