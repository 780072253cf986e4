"""The bulk per-post stages as Arrow batch functions for Spark executors.

:func:`analyse_batch` runs extraction, the indicators and scoring on one Arrow batch
of lake posts: the very function the DuckDB pipeline runs on a lake part
(:func:`vigil.pipeline.scoring.extract_and_score`, extraction then scoring in one pass).
It is a pure function of each post, so a post gets the same identifiers and the
same score however the posts are cut into batches (with a trained model, its
calibrated probability is computed per post as well).

One output row per post: the scores (``SCORES_SCHEMA``) plus the post's identifiers
as a list (``identifiers``), so one pass over the text feeds both tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from vigil.lake.schema import IDENTIFIERS_SCHEMA
from vigil.pipeline.scoring import SCORES_SCHEMA

if TYPE_CHECKING:
    from vigil.indicators.ml.model import RiskModel

__all__ = ["ANALYSED_SCHEMA", "INPUT_COLUMNS", "Analyser", "analyse_batch"]

#: lake post columns the stages read
INPUT_COLUMNS: Final = ("id", "title_text", "body_text", "location", "meta_json", "language")
_IDENT_TYPE: Final = pa.struct(list(IDENTIFIERS_SCHEMA))
ANALYSED_SCHEMA: Final = pa.schema([*SCORES_SCHEMA, pa.field("identifiers", pa.list_(_IDENT_TYPE))])


def _nest(posts: pa.Table, idents: pa.Table) -> pa.ListArray:
    """``idents`` as one list per post of ``posts`` (extraction order kept)."""
    where = pc.index_in(idents.column("post_id"), value_set=posts.column("id"))
    pos = where.to_numpy(zero_copy_only=False).astype(np.int64)
    order = np.argsort(pos, kind="stable")
    counts = np.bincount(pos, minlength=posts.num_rows)
    offsets = np.zeros(posts.num_rows + 1, np.int32)
    np.cumsum(counts, out=offsets[1:])
    values = idents.take(pa.array(order, pa.int64())).to_struct_array()
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], _IDENT_TYPE)
    return pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values.cast(_IDENT_TYPE))


def analyse_batch(
    batch: pa.RecordBatch, *, region: str, model: RiskModel | None = None
) -> pa.Table:
    """Identifiers and scores of one batch of lake posts (``INPUT_COLUMNS``)."""
    from vigil.indicators import default_catalogue
    from vigil.pipeline.scoring import extract_and_score

    posts = pa.Table.from_batches([batch])
    idents, scores = extract_and_score(
        posts, region=region, catalogue=default_catalogue(), model=model
    )
    idents = idents.cast(IDENTIFIERS_SCHEMA)
    return scores.append_column(ANALYSED_SCHEMA.field("identifiers"), _nest(posts, idents))


@dataclass(frozen=True, slots=True)
class Analyser:
    """A picklable batch function for :meth:`EngineAPI.map_arrow`: :func:`analyse_batch`.

    The model (JSON weights and one array) travels with the task; the catalogue is
    package data, built once per executor process.
    """

    region: str
    model: RiskModel | None = None

    def __call__(self, batch: pa.RecordBatch) -> pa.Table:
        return analyse_batch(batch, region=self.region, model=self.model)
