"""Posts: batch ingest, one post, and the filtered, paginated list."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.explore import BadCursor, Explorer, PostFilter
from vigil.explore.models import PostDetail, PostPage
from vigil.web.deps import DB, Principal, audit, problem, require
from vigil.web.problems import PROBLEM_RESPONSES

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["posts"], responses=PROBLEM_RESPONSES)


def explorer(request: Request) -> Explorer:
    ex: Explorer = request.app.state.explorer
    return ex


class IngestRequest(BaseModel):
    """Rows in the ingest input format (docs/input-format.md): the same fields and aliases
    as `vigil ingest`. Rows are validated one by one; invalid ones are quarantined."""

    posts: list[Any] = Field(
        min_length=1,
        description=(
            "Post objects (platform, title/body, posted_at, ...); at most "
            "VIGIL_WEB_MAX_INGEST_ROWS (10,000 by default) per request, else 413."
        ),
    )
    platform: str | None = Field(None, max_length=100, description="Platform for rows without one.")


class RowErrorModel(BaseModel):
    index: int = Field(description="0-based position of the row in `posts`.")
    reason: str


class IngestResponse(BaseModel):
    run_id: str
    received: int
    stored: int
    duplicates: int
    quarantined: int
    errors: list[RowErrorModel]


#: Batches waiting for the lake's single writer before new ones get 503 + Retry-After.
MAX_WAITING_BATCHES = 64


def _writer_gate(request: Request) -> asyncio.Lock:
    """The app's lake-writer turn (made on first use, inside the running event loop)."""
    gate: asyncio.Lock | None = getattr(request.app.state, "ingest_gate", None)
    if gate is None:
        gate = request.app.state.ingest_gate = asyncio.Lock()
        request.app.state.ingest_waiting = 0
    return gate


@router.post(
    "/posts",
    status_code=200,
    responses={
        413: {"description": "Too many rows", "content": PROBLEM_RESPONSES[400]["content"]},
        503: {
            "description": "Too many batches waiting, or the workbench database unreachable",
            "content": PROBLEM_RESPONSES[400]["content"],
        },
    },
)
async def ingest(
    request: Request,
    payload: Annotated[IngestRequest, Body()],
    who: Principal = require(P.POSTS_INGEST),
) -> IngestResponse:
    """Store a batch of posts in the lake (scored and linked by the next `vigil scan`).

    Returns the counts and one error per rejected row (its index and the reason).
    Batches are written one at a time; while one is written the others wait without
    holding a worker thread or a database connection, so any number of clients cannot
    starve the server (past ``MAX_WAITING_BATCHES`` waiting, a batch gets 503 and
    ``Retry-After``).
    """

    from vigil.explore.ingest import ingest_rows

    limit = request.app.state.web.max_ingest_rows
    if len(payload.posts) > limit:
        raise problem(
            413,
            "Batch too large",
            f"posts: {len(payload.posts)} rows; send at most {limit} per request",
        )
    state = request.app.state
    gate = _writer_gate(request)
    if state.ingest_waiting >= MAX_WAITING_BATCHES:
        raise problem(
            503, "Busy", f"{state.ingest_waiting} batches are waiting; retry shortly",
            headers={"Retry-After": "2"},
        )  # fmt: skip

    def write() -> Any:
        # The lake write and its audit event, in one worker thread and one short
        # transaction, taken only when this batch's turn has come.
        with state.sessions() as db, db.begin():
            db.connection()  # a workbench that is down fails here (503), before the lake write
            result = ingest_rows(payload.posts, state.settings, default_platform=payload.platform)
            detail = {
                "received": result.received,
                "stored": result.stored,
                "quarantined": result.quarantined,
            }
            audit(db, who, "posts.ingest", "ingest_run", result.run_id, detail)
        return result

    state.ingest_waiting += 1
    try:
        await gate.acquire()
    finally:  # also when the client goes away while waiting
        state.ingest_waiting -= 1
    try:
        result = await run_in_threadpool(write)
    finally:
        gate.release()
    return IngestResponse(
        run_id=result.run_id,
        received=result.received,
        stored=result.stored,
        duplicates=result.duplicates,
        quarantined=result.quarantined,
        errors=[RowErrorModel(index=e.index, reason=e.reason) for e in result.errors],
    )


@router.get("/posts/{post_id}")
def get_post(
    post_id: str,
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
) -> PostDetail:
    """One scored post: text, risk, band, the hits that explain it, its identifiers."""
    post = ex.post(post_id)
    if post is None:
        raise problem(404, "Not found", f"no post {post_id!r} in the scan results")
    audit(db, who, "post.read", "post", post_id, {"via": "api"})
    return post


Band = Annotated[str, Query(pattern="^(high|review|low)$")]


@router.get("/posts")
def list_posts(
    request: Request,
    who: Principal = require(P.POSTS_READ),
    db: Session = DB,
    ex: Explorer = Depends(explorer),
    band: Annotated[list[Band] | None, Query(description="Bands to include (repeatable).")] = None,
    min_risk: Annotated[float | None, Query(ge=0, le=1)] = None,
    max_risk: Annotated[float | None, Query(ge=0, le=1)] = None,
    indicator: Annotated[str | None, Query(max_length=100)] = None,
    identifier: Annotated[
        str | None,
        Query(max_length=300, description="`kind:value` (e.g. `phone:+17135550186`) or a value."),
    ] = None,
    place: Annotated[str | None, Query(max_length=200, description="Location contains.")] = None,
    platform: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[datetime | None, Query(description="Posted at or after.")] = None,
    until: Annotated[datetime | None, Query(description="Posted before.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text contains.")] = None,
    sort: Annotated[str, Query(pattern="^(risk|newest)$")] = "risk",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> PostPage:
    """Posts matching every filter, highest risk (or newest) first; follow `next_cursor`."""
    kind, value = None, identifier
    if identifier and ":" in identifier:
        head, _, tail = identifier.partition(":")
        if head in {
            "phone",
            "email",
            "url",
            "handle",
            "payment",
            "crypto",
            "age",
            "price",
            "place",
        }:
            kind, value = head, tail
    if since is not None and until is not None and since >= until:
        raise problem(422, "Invalid input", "since: must be before until")
    filt = PostFilter(
        bands=tuple(band or ()),
        min_risk=min_risk,
        max_risk=max_risk,
        indicator=indicator,
        identifier_kind=kind,
        identifier_value=value,
        place=place,
        platform=platform,
        since=since,
        until=until,
        q=q,
        sort=sort,
    )
    if identifier:
        audit(db, who, "identifier.read", "identifier", identifier[:200], {"via": "api"})
    try:
        return ex.posts(filt, limit=limit, cursor=cursor)
    except BadCursor as exc:
        raise problem(400, "Invalid cursor", f"cursor: {exc}") from None
