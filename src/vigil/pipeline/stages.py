"""Derived stages of the lake (identifiers, scores) and the function that runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import pyarrow as pa

from vigil import __version__
from vigil.lake import Lake
from vigil.lake.derived import FusedStages, Stage, StageResult, run_fused
from vigil.lake.schema import IDENTIFIERS_SCHEMA
from vigil.pipeline.scoring import SCORES_SCHEMA, extract_and_score, score_table
from vigil.settings import Settings

if TYPE_CHECKING:
    from vigil.linking.params import LinkParams

__all__ = [
    "IDENTIFIERS_SCHEMA",
    "SCORES_SCHEMA",
    "PipelineResult",
    "bands_stage",
    "extraction_stage",
    "pipeline_stages",
    "run_pipeline",
    "scoring_stage",
]


def extraction_stage(region: str) -> Stage:
    from vigil.extract import EXTRACTOR_VERSION
    from vigil.extract.stage import extract_table

    def fn(posts: pa.Table, _inputs: dict[str, pa.Table]) -> pa.Table:
        return extract_table(posts, region=region)

    return Stage(
        name="identifiers",
        version=f"{EXTRACTOR_VERSION}/{region}",
        columns=("id", "title_text", "body_text", "location"),
        schema=IDENTIFIERS_SCHEMA,
        fn=fn,
    )


def scoring_stage(settings: Settings) -> Stage:
    from vigil.indicators import default_catalogue
    from vigil.indicators.ml import active_model

    catalogue = default_catalogue()
    model = active_model(settings.models_dir)
    upstream = extraction_stage(settings.default_region).version

    def fn(posts: pa.Table, inputs: dict[str, pa.Table]) -> pa.Table:
        return score_table(posts, inputs["identifiers"], catalogue=catalogue, model=model)

    return Stage(
        name="scores",
        version=(
            f"{__version__}/{catalogue.fingerprint}/{model.id if model else 'no-model'}/{upstream}"
        ),
        columns=("id", "title_text", "body_text", "meta_json", "language"),
        schema=SCORES_SCHEMA,
        fn=fn,
        requires=("identifiers",),
    )


def bands_stage(region: str, params: LinkParams) -> Stage:
    """MinHash LSH band rows of each post's masked text, for linking (``vigil.linking``)."""
    from vigil.linking.textlink import POST_BANDS_SCHEMA, bands_key, post_band_rows

    upstream = extraction_stage(region).version

    def fn(posts: pa.Table, inputs: dict[str, pa.Table]) -> pa.Table:
        return post_band_rows(posts, inputs["identifiers"], params)

    return Stage(
        name="bands",
        version=f"{bands_key(params)}/{upstream}",
        columns=("id", "title_text", "body_text"),
        schema=POST_BANDS_SCHEMA,
        fn=fn,
        requires=("identifiers",),
    )


@dataclass(frozen=True, slots=True)
class PipelineResult:
    identifiers: StageResult
    scores: StageResult
    bands: StageResult | None = None


def pipeline_stages(settings: Settings, link_params: LinkParams | None = None) -> FusedStages:
    """Extraction and scoring (and with ``link_params``, the text bands of linking),
    fused: one pass per new part (see ``run_fused``)."""
    from vigil.indicators import default_catalogue
    from vigil.indicators.ml import active_model
    from vigil.linking.textlink import post_band_rows

    region = settings.default_region
    stages = [extraction_stage(region), scoring_stage(settings)]
    if link_params is not None:
        stages.append(bands_stage(region, link_params))
    catalogue = default_catalogue()
    model = active_model(settings.models_dir)

    def fn(posts: pa.Table) -> tuple[pa.Table, ...]:
        identifiers, scores = extract_and_score(
            posts, region=region, catalogue=catalogue, model=model
        )
        if link_params is None:
            return identifiers, scores
        return identifiers, scores, post_band_rows(posts, identifiers, link_params)

    columns = tuple(dict.fromkeys(c for stage in stages for c in stage.columns))
    return FusedStages(stages=tuple(stages), columns=columns, fn=fn)


def run_pipeline(
    settings: Settings,
    *,
    on_posts: Callable[[int], None] | None = None,
    link_params: LinkParams | None = None,
) -> PipelineResult:
    """Run every derived stage, in order, over the lake parts that lack it.

    With ``link_params``, also the ``bands`` stage: the MinHash band rows that
    ``vigil.linking.link`` would otherwise hash itself, one process per part.
    """
    factory = partial(pipeline_stages, settings, link_params)
    with Lake(settings.lake_dir) as lake:
        ids, scores, *bands = run_fused(
            lake, factory(), on_part=on_posts, factory=factory, workers=settings.workers
        )
    return PipelineResult(identifiers=ids, scores=scores, bands=bands[0] if bands else None)
