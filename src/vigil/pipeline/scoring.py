"""The scoring stage: catalogue indicators (+ the trained model when one is active)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from vigil.gcpause import without_gc
from vigil.indicators import Catalogue, score_text
from vigil.indicators.ml.features import ModelInput, featurize
from vigil.indicators.ml.model import RiskModel
from vigil.model import IndicatorHit
from vigil.pipeline.inputs import PostInput, iter_post_inputs, post_inputs

__all__ = [
    "HIT_TYPE",
    "SCORES_SCHEMA",
    "extract_and_score",
    "hit_row",
    "score_inputs",
    "score_table",
]

HIT_TYPE = pa.struct(
    [
        ("indicator_id", pa.string()),
        ("category", pa.string()),
        ("matched", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("weight", pa.float64()),
        ("source", pa.string()),
    ]
)

SCORES_SCHEMA = pa.schema(
    [
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("risk", pa.float64(), nullable=False),
        pa.field("band", pa.string(), nullable=False),
        pa.field("catalogue_risk", pa.float64(), nullable=False),
        pa.field("model_risk", pa.float64()),
        pa.field("hits", pa.list_(HIT_TYPE), nullable=False),
        pa.field("shadow_hits", pa.list_(HIT_TYPE), nullable=False),
        pa.field("unknown", pa.list_(pa.string()), nullable=False),
        pa.field("catalogue_version", pa.string(), nullable=False),
    ]
)


def hit_row(h: IndicatorHit) -> dict[str, object]:
    """A hit as a ``HIT_TYPE`` row (and as the API returns it)."""
    # dataclasses.asdict deep-copies recursively and was a quarter of score_table's time.
    return {
        "indicator_id": h.indicator_id,
        "category": h.category,
        "matched": h.matched,
        "start": h.start,
        "end": h.end,
        "weight": h.weight,
        "source": h.source,
    }


def score_table(
    posts: pa.Table,
    identifiers: pa.Table,
    *,
    catalogue: Catalogue,
    model: RiskModel | None = None,
) -> pa.Table:
    """Score every post of a lake part; one row per post (SCORES_SCHEMA).

    ``risk`` is the catalogue risk, or with a model the model's calibrated
    probability (whose features include the catalogue's hits and risk). The hits are
    listed either way: the explanation never depends on the model.
    """
    return score_inputs(iter_post_inputs(posts, identifiers), catalogue=catalogue, model=model)


def extract_and_score(
    posts: pa.Table,
    *,
    region: str | None,
    catalogue: Catalogue,
    model: RiskModel | None = None,
) -> tuple[pa.Table, pa.Table]:
    """(identifiers, scores) of a posts part: ``extract_table`` then ``score_table``.

    The same two tables, computed in one pass: scoring reads the identifiers the
    extraction just found instead of reading its Arrow rows back into objects
    (which cost a quarter of scoring).
    """
    from vigil.extract.stage import extract_posts

    identifiers, found = extract_posts(posts, region=region, keep=True)
    scores = score_inputs(post_inputs(posts, found), catalogue=catalogue, model=model)
    return identifiers, scores


@without_gc
def score_inputs(
    posts: Iterable[PostInput], *, catalogue: Catalogue, model: RiskModel | None = None
) -> pa.Table:
    """The SCORES_SCHEMA table of ``posts`` (see :func:`score_table`)."""
    rows: list[dict[str, Any]] = []
    inputs: list[ModelInput] = []
    for post in posts:
        scored = score_text(post.text, post.identifiers, catalogue=catalogue, features=post.meta)
        rows.append(
            {
                "post_id": post.id,
                "risk": scored.risk,
                "band": scored.band,
                "catalogue_risk": scored.risk,
                "model_risk": None,
                "hits": [hit_row(h) for h in scored.hits],
                "shadow_hits": [hit_row(h) for h in scored.shadow_hits],
                "unknown": list(scored.unknown),
                "catalogue_version": catalogue.version,
            }
        )
        if model is not None:
            inputs.append(ModelInput.of(post.text, post.identifiers, post.meta, scored))
    if model is not None and rows:
        probabilities = model.predict(featurize(model.spec, inputs))
        for row, p in zip(rows, probabilities.tolist(), strict=True):
            row["model_risk"] = p
            row["risk"] = p
            row["band"] = catalogue.band(p)
    return pa.Table.from_pylist(rows, schema=SCORES_SCHEMA)
