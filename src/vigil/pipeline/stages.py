"""Derived stages of the lake (identifiers, scores) and the function that runs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pyarrow as pa

from vigil import __version__
from vigil.lake import Lake
from vigil.lake.derived import FusedStages, Stage, StageResult, run_fused
from vigil.lake.schema import IDENTIFIERS_SCHEMA
from vigil.pipeline.scoring import SCORES_SCHEMA, extract_and_score, score_table
from vigil.settings import Settings

__all__ = [
    "IDENTIFIERS_SCHEMA",
    "SCORES_SCHEMA",
    "PipelineResult",
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


@dataclass(frozen=True, slots=True)
class PipelineResult:
    identifiers: StageResult
    scores: StageResult


def pipeline_stages(settings: Settings) -> FusedStages:
    """Extraction and scoring, fused: one pass per new part (see ``run_fused``)."""
    from vigil.indicators import default_catalogue
    from vigil.indicators.ml import active_model

    extraction = extraction_stage(settings.default_region)
    scoring = scoring_stage(settings)
    catalogue = default_catalogue()
    model = active_model(settings.models_dir)
    region = settings.default_region

    def fn(posts: pa.Table) -> tuple[pa.Table, ...]:
        return extract_and_score(posts, region=region, catalogue=catalogue, model=model)

    columns = tuple(dict.fromkeys(extraction.columns + scoring.columns))
    return FusedStages(stages=(extraction, scoring), columns=columns, fn=fn)


def run_pipeline(
    settings: Settings, *, on_posts: Callable[[int], None] | None = None
) -> PipelineResult:
    """Run every derived stage, in order, over the lake parts that lack it."""
    factory = partial(pipeline_stages, settings)
    with Lake(settings.lake_dir) as lake:
        ids, scores = run_fused(
            lake, factory(), on_part=on_posts, factory=factory, workers=settings.workers
        )
    return PipelineResult(identifiers=ids, scores=scores)
