"""Score one post synchronously (nothing is stored).

The route is on the hot path of integrations (a platform scores each post as it is
published), so its per-request cost is kept to the scoring itself:

- the catalogue, the active model and the gazetteer are loaded once, when the server
  starts (this router's lifespan), not by the first requests, which would otherwise
  all load them at once;
- one post is scored by the pipeline's own functions called directly
  (:meth:`PostScorer.score`), without building one-row Arrow tables; a test checks
  that the result equals the batch pipeline's;
- the route is ``async``: a post of ordinary size is scored on the event loop, which
  costs less than a hop to the thread pool and its GIL hand-over; a long post (a body
  over :data:`INLINE_BYTES`) goes to the thread pool so that it cannot stall the other
  connections;
- after start-up the long-lived objects are frozen out of the cyclic garbage
  collector's view (``gc.freeze``), so that its full collections under load stay short;
- the answer is serialised with orjson straight from the scorer's values (the schema
  in the OpenAPI document is :class:`ScoreResponse`);
- the common case (an API token holding the ``score`` scope, a JSON object of ordinary
  size that is a valid post) is answered by :class:`ScoreLane`, a pure-ASGI lane in
  front of FastAPI's router, which skips route matching, dependency solving and body
  validation (about as much CPU as the scoring itself). Every other request (no or
  another principal, a session cookie, another content type, a long body, a body that
  is not a JSON object, an invalid post) is handed on, with its body, to the route
  below, so that errors, their problem documents and the OpenAPI contract are the
  route's own; a test checks that both give the same answers.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from fastapi import APIRouter, Body, FastAPI, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.explore.models import Hit, IdentifierRef
from vigil.ingest.schema import InvalidRow
from vigil.settings import Settings
from vigil.web.deps import Principal, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = [
    "INLINE_BYTES",
    "MIDDLEWARE",
    "PostScorer",
    "ScoreLane",
    "ScoreResponse",
    "router",
    "scorer_for",
]

#: Requests with a larger body (or none declared) are scored in the thread pool, not on
#: the event loop (a typical post is under 2 KiB; 32 KiB scores in a few milliseconds).
INLINE_BYTES = 32_768


@dataclass(frozen=True, slots=True)
class _Ident:
    """An identifier as the pipeline hands it to scoring (offsets into the joined text)."""

    field: str
    kind: str
    value: str
    raw: str
    start: int
    end: int
    confidence: float


class PostScorer:
    """Validate, extract and score one post with exactly the pipeline's code.

    The batch pipeline runs ``vigil.extract.stage.extract_table`` then
    ``vigil.pipeline.scoring.score_table`` over Arrow tables; for one post that
    table building costs as much as the scoring. This calls what those functions
    call, per post, and reproduces the two things the Arrow round trip does to the
    values: identifier confidences are stored as float32, and identifier attributes
    as JSON. Thread-safe (no mutable state after construction).
    """

    def __init__(self, settings: Settings) -> None:
        from vigil.extract.base import registered_kinds
        from vigil.indicators import default_catalogue
        from vigil.indicators.ml import active_model

        self.region = settings.default_region or "US"
        self.catalogue = default_catalogue()
        self.model = active_model(settings.models_dir)
        self.kinds = registered_kinds()

    def warm_up(self) -> None:
        """Build what extraction builds on first use (gazetteer, automata) now."""
        self.score(
            {
                "platform": "warm-up",
                "title": "Warm-up in Houston, TX",
                "body": "Call 713-555-0100 or mail a@example.com, https://example.org 25 yo",
                "location": "Houston, TX",
            }
        )

    def score(self, row: Any, *, default_platform: str = "api") -> dict[str, Any]:
        """The :class:`ScoreResponse` fields of ``row`` (raises ``InvalidRow``)."""
        from vigil.explore.service import post_text
        from vigil.extract import extract_doc
        from vigil.extract.base import Doc
        from vigil.extract.regions import region_for_location
        from vigil.indicators import score_text
        from vigil.ingest.rows import to_lake_row
        from vigil.ingest.schema import validate_row
        from vigil.model import Identifier
        from vigil.pipeline.scoring import hit_row

        valid = validate_row(row, default_platform=default_platform)
        lake = to_lake_row(valid, run_id="api-score", source_file="api", line=1)
        title, body = lake["title_text"] or "", lake["body_text"] or ""
        text, body_at = post_text(title, body)
        region = region_for_location(lake["location"], self.region)
        found: list[_Ident] = []
        idents: list[Identifier] = []
        for field, field_text, shift in (("title", title, 0), ("body", body, body_at)):
            if not field_text:
                continue
            for ident in extract_doc(Doc(field_text, region), self.kinds):
                confidence = float(np.float32(ident.confidence))  # stored as float32
                attrs = orjson.loads(orjson.dumps(ident.attrs)) if ident.attrs else {}
                start, end = ident.start + shift, ident.end + shift
                idents.append(
                    Identifier(
                        kind=ident.kind,
                        value=ident.value,
                        raw=ident.raw,
                        start=start,
                        end=end,
                        confidence=confidence,
                        attrs=attrs,
                    )
                )
                found.append(
                    _Ident(field, str(ident.kind), ident.value, ident.raw, start, end, confidence)
                )
        meta = orjson.loads(lake["meta_json"]) if lake["meta_json"] else {}
        meta = meta if isinstance(meta, dict) else {}
        scored = score_text(text, idents, catalogue=self.catalogue, features=meta)
        risk, band, model_risk = scored.risk, scored.band, None
        if self.model is not None:
            from vigil.indicators.ml.features import ModelInput, featurize

            features = featurize(self.model.spec, [ModelInput.of(text, idents, meta, scored)])
            model_risk = float(self.model.predict(features).tolist()[0])
            risk, band = model_risk, self.catalogue.band(model_risk)
        return {
            "post_id": lake["id"],
            "risk": risk,
            "band": band,
            "catalogue_risk": scored.risk,
            "model_risk": model_risk,
            "text": text,
            "hits": [hit_row(h) for h in scored.hits],
            "identifiers": [
                {
                    "kind": i.kind,
                    "value": i.value,
                    "raw": i.raw,
                    "field": i.field,
                    "start": i.start,
                    "end": i.end,
                    "confidence": i.confidence,
                }
                for i in found
            ],
            "catalogue_version": self.catalogue.version,
        }


_LOCK = threading.Lock()


def scorer_for(app: Any) -> PostScorer:
    """The app's scorer, built once (under a lock, so concurrent first calls wait)."""
    state = app.state
    scorer: PostScorer | None = getattr(state, "post_scorer", None)
    if scorer is None:
        with _LOCK:
            scorer = getattr(state, "post_scorer", None)
            if scorer is None:
                scorer = PostScorer(state.settings)
                scorer.warm_up()
                state.post_scorer = scorer
    return scorer


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load and warm the scorer before the server accepts connections."""
    await run_in_threadpool(scorer_for, app)
    # What start-up built (catalogue, automata, gazetteer, the app) lives as long as
    # the process: move it out of the cyclic collector's view so that its collections
    # stay short under load (a full collection otherwise re-scans it all, a latency spike).
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()  # let shutdown free it as usual


router = APIRouter(
    prefix="/api/v1", tags=["score"], responses=PROBLEM_RESPONSES, lifespan=_lifespan
)


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


def _inline(request: Request) -> bool:
    declared = request.headers.get("content-length", "")
    return declared.isdigit() and int(declared) <= INLINE_BYTES


@router.post("/score", response_model=ScoreResponse)
async def score(
    request: Request,
    post: dict[str, Any] = Body(
        ...,
        description="One post in the ingest input format (title and/or body required).",
        examples=[
            {"title": "New in town", "body": "Sweet girl, just arrived", "platform": "example"}
        ],
    ),
    who: Principal = require(P.SCORE),
) -> Response:
    """Risk, band, the indicator hits that explain it and the identifiers found."""
    scorer: PostScorer | None = getattr(request.app.state, "post_scorer", None)
    if scorer is None:  # an app served without its lifespan (start-up) having run
        scorer = await run_in_threadpool(scorer_for, request.app)
    try:
        if _inline(request):
            result = scorer.score(post)
        else:
            result = await run_in_threadpool(scorer.score, post)
    except InvalidRow as exc:
        raise problem(422, "Invalid post", str(exc)) from None
    return Response(orjson.dumps(result), media_type="application/json")


_PATH = "/api/v1/score"
_JSON_TYPES = (b"application/json", b"application/json; charset=utf-8")


class ScoreLane:
    """Answer the common ``POST /api/v1/score`` without FastAPI's routing (pure ASGI).

    Installed inside the security middleware (so the principal is resolved and the
    security headers are added) and in front of the router. It answers only when the
    caller is an API token holding the ``score`` permission, the body is declared,
    JSON and at most :data:`INLINE_BYTES`, parses to an object, and that object is a
    valid post; otherwise the request, body included, goes on to the route.
    """

    def __init__(self, app: ASGIApp, *, fastapi_app: FastAPI) -> None:
        self.app = app
        self.fastapi_app = fastapi_app

    def _eligible(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != _PATH:
            return False
        who = scope.get("state", {}).get("principal")
        if not (isinstance(who, Principal) and who.via == "token" and who.can(P.SCORE)):
            return False
        length, json_body = -1, False
        for name, value in scope["headers"]:
            if name == b"content-length":
                length = int(value) if value.isdigit() else -1
            elif name == b"content-type":
                json_body = value.lower() in _JSON_TYPES
        return json_body and 0 <= length <= INLINE_BYTES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scorer: PostScorer | None = getattr(self.fastapi_app.state, "post_scorer", None)
        if scorer is None or not self._eligible(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        result = None
        try:
            post = orjson.loads(body)
            if isinstance(post, dict):
                result = scorer.score(post)
        except (orjson.JSONDecodeError, InvalidRow):
            result = None
        if result is None:  # the route answers, with its own error document
            await self.app(scope, _replay(body, receive), send)
            return
        payload = orjson.dumps(result)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(payload)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands over the body already read, then defers to ``receive``."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


#: Pure-ASGI middleware this router module asks the app factory to install inside the
#: security middleware (``vigil.web.app.create_app``).
MIDDLEWARE = (ScoreLane,)
