"""Score one post synchronously (nothing is stored)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.explore.models import Hit, IdentifierRef
from vigil.explore.score import Scorer
from vigil.ingest.schema import InvalidRow
from vigil.settings import Settings
from vigil.web.deps import Principal, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["score"], responses=PROBLEM_RESPONSES)


class ScoreResponse(BaseModel):
    post_id: str = Field(description="The id the post would get when ingested.")
    risk: float = Field(ge=0, le=1)
    band: str
    catalogue_risk: float
    model_risk: float | None
    text: str = Field(description="Normalised title, a blank line, normalised body.")
    hits: list[Hit]
    identifiers: list[IdentifierRef]
    catalogue_version: str


@cache
def _scorer(settings: Settings) -> Scorer:
    return Scorer(settings)


@router.post("/score")
def score(
    request: Request,
    post: dict[str, Any] = Body(
        ...,
        description="One post in the ingest input format (title and/or body required).",
        examples=[
            {"title": "New in town", "body": "Sweet girl, just arrived", "platform": "example"}
        ],
    ),
    who: Principal = require(P.SCORE),
) -> ScoreResponse:
    """Risk, band, the indicator hits that explain it and the identifiers found."""
    try:
        result = _scorer(request.app.state.settings).score(post)
    except InvalidRow as exc:
        raise problem(422, "Invalid post", str(exc)) from None
    return ScoreResponse(
        post_id=result.post_id,
        risk=result.risk,
        band=result.band,
        catalogue_risk=result.catalogue_risk,
        model_risk=result.model_risk,
        text=result.text,
        hits=result.hits,
        identifiers=result.identifiers,
        catalogue_version=result.catalogue_version,
    )
