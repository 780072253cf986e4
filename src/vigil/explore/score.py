"""Score one post on demand, with exactly the pipeline's extraction and scoring code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from vigil.explore.models import Hit, IdentifierRef
from vigil.explore.service import post_text
from vigil.ingest.rows import to_lake_row
from vigil.ingest.schema import validate_row
from vigil.settings import Settings

__all__ = ["ScoredPost", "Scorer"]


@dataclass(frozen=True, slots=True)
class ScoredPost:
    post_id: str
    risk: float
    band: str
    catalogue_risk: float
    model_risk: float | None
    text: str
    hits: list[Hit]
    identifiers: list[IdentifierRef]
    catalogue_version: str


class Scorer:
    """Holds the catalogue and the active model; :meth:`score` is thread-safe."""

    def __init__(self, settings: Settings) -> None:
        from vigil.indicators import default_catalogue
        from vigil.indicators.ml import active_model

        self.region = settings.default_region
        self.catalogue = default_catalogue()
        self.model = active_model(settings.models_dir)

    def score(self, row: dict[str, Any], *, default_platform: str = "api") -> ScoredPost:
        """Validate ``row`` as ingest does (raises ``InvalidRow``), extract and score it."""
        from vigil.extract.stage import extract_table
        from vigil.pipeline.scoring import score_table

        valid = validate_row(row, default_platform=default_platform)
        lake_row = to_lake_row(valid, run_id="api-score", source_file="api", line=1)
        posts = pa.Table.from_pylist(
            [
                {
                    k: lake_row[k]
                    for k in ("id", "title_text", "body_text", "location", "meta_json", "language")
                }
            ]
        )
        idents = extract_table(posts, region=self.region)
        scored = score_table(posts, idents, catalogue=self.catalogue, model=self.model).to_pylist()[
            0
        ]
        text, body_at = post_text(lake_row["title_text"], lake_row["body_text"])
        refs = [
            IdentifierRef(
                kind=i["kind"],
                value=i["value"],
                raw=i["raw"],
                field=i["field"],
                start=i["start"] + (body_at if i["field"] == "body" else 0),
                end=i["end"] + (body_at if i["field"] == "body" else 0),
                confidence=i["confidence"],
            )
            for i in idents.to_pylist()
        ]
        return ScoredPost(
            post_id=lake_row["id"],
            risk=scored["risk"],
            band=scored["band"],
            catalogue_risk=scored["catalogue_risk"],
            model_risk=scored["model_risk"],
            text=text,
            hits=[Hit(**h) for h in scored["hits"]],
            identifiers=refs,
            catalogue_version=scored["catalogue_version"],
        )
