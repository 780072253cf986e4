"""POST /api/v1/score gives exactly what the batch pipeline gives for the same post.

The route scores one post by calling the pipeline's functions directly (no Arrow
tables); these tests hold it to the batch stages (``extract_table`` then
``score_table``) on synthetic posts, on generated hostile text, with a trained-style
model active, and over HTTP (short posts scored on the event loop, long ones in the
thread pool).
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import orjson
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from vigil.auth.accounts import create_user
from vigil.auth.permissions import Permission as P  # noqa: N817
from vigil.auth.permissions import Role
from vigil.auth.principal import Principal
from vigil.auth.tokens import issue_token
from vigil.extract.stage import extract_table
from vigil.indicators.ml.features import FeatureSpec, dense_names
from vigil.indicators.ml.model import RiskModel, active_model, save_model, set_active
from vigil.ingest.rows import to_lake_row
from vigil.ingest.schema import validate_row
from vigil.pipeline.inputs import post_text
from vigil.pipeline.scoring import score_table
from vigil.settings import Settings
from vigil.synth.writer import generate
from vigil.web.api.score import INLINE_BYTES, PostScorer, ScoreLane, ScoreResponse
from vigil.web.app import create_app
from vigil.web.config import WebSettings

_COLUMNS = ("id", "title_text", "body_text", "location", "meta_json", "language")


def batch_scores(scorer: PostScorer, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The batch pipeline's stages over all ``rows`` at once, in the API's shape."""
    lake = [
        to_lake_row(validate_row(r, default_platform="api"), run_id="t", source_file="t", line=1)
        for r in rows
    ]
    posts = pa.Table.from_pylist([{k: row[k] for k in _COLUMNS} for row in lake])
    idents = extract_table(posts, region=scorer.region)
    scored = score_table(posts, idents, catalogue=scorer.catalogue, model=scorer.model)
    by_post: dict[str, list[dict[str, Any]]] = {}
    for ident in idents.to_pylist():
        by_post.setdefault(ident["post_id"], []).append(ident)
    out = []
    for row, s in zip(lake, scored.to_pylist(), strict=True):
        text, body_at = post_text(row["title_text"] or "", row["body_text"] or "")
        out.append(
            {
                "post_id": s["post_id"],
                "risk": s["risk"],
                "band": s["band"],
                "catalogue_risk": s["catalogue_risk"],
                "model_risk": s["model_risk"],
                "text": text,
                "hits": s["hits"],
                "identifiers": [
                    {
                        "kind": i["kind"],
                        "value": i["value"],
                        "raw": i["raw"],
                        "field": i["field"],
                        "start": i["start"] + (body_at if i["field"] == "body" else 0),
                        "end": i["end"] + (body_at if i["field"] == "body" else 0),
                        "confidence": i["confidence"],
                    }
                    for i in by_post.get(row["id"], [])
                ],
                "catalogue_version": s["catalogue_version"],
            }
        )
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("score-corpus")
    generate(400, 11, out)
    return [orjson.loads(line) for line in (out / "posts.jsonl").read_bytes().splitlines()]


@pytest.fixture(scope="module")
def scorer(tmp_path_factory: pytest.TempPathFactory) -> PostScorer:
    from vigil.settings import get_settings

    return PostScorer(get_settings(home=tmp_path_factory.mktemp("score-home"), progress=False))


def test_one_post_equals_the_batch_pipeline(
    scorer: PostScorer, corpus: list[dict[str, Any]]
) -> None:
    expected = batch_scores(scorer, corpus)
    got = [scorer.score(row) for row in corpus]
    assert got == expected
    # the sample exercises what matters: hits, identifiers in both fields, every band
    assert {g["band"] for g in got} >= {"low", "high"}
    assert any(i["field"] == "body" for g in got for i in g["identifiers"])
    assert any(i["field"] == "title" for g in got for i in g["identifiers"])
    assert sum(bool(g["hits"]) for g in got) > 50


_FRAGMENTS = [
    "713-555-0186",
    "+61 491 570 110",
    "(212) 555-0142",
    "new girl in town",
    "barely legal",
    "19 yo",
    "mail me at lily@example.com",
    "https://example.org/x?y=1",
    "Houston, TX",
    "cashapp $lily555",
    "ＮＥＷ　ｉｎ　ｔｏｗｎ",
    "é\u0301",
    "\u200b",
    "🌹🌹",
    "   ",
    "\n\n",
]


@st.composite
def posts(draw: st.DrawFn) -> dict[str, Any]:
    def text() -> str:
        parts = draw(
            st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=8)
        )
        return " ".join(parts)

    row: dict[str, Any] = {"platform": "example", "title": text(), "body": text()}
    if draw(st.booleans()):
        row["location"] = draw(st.sampled_from(["Sydney, AU", "Houston, TX", "Nowhere", ""]))
    if draw(st.booleans()):
        row["meta"] = {"category": draw(st.sampled_from(["massage", "dating", "jobs"]))}
    return row


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=posts())
def test_generated_posts_equal_the_batch_pipeline(scorer: PostScorer, row: dict[str, Any]) -> None:
    from vigil.ingest.schema import InvalidRow

    try:
        expected = batch_scores(scorer, [row])
    except InvalidRow as exc:  # e.g. blank title and body: both paths refuse alike
        with pytest.raises(InvalidRow, match=str(exc)[:20].replace("(", r"\(")):
            scorer.score(row)
        return
    assert [scorer.score(row)] == expected


def test_with_an_active_model_equals_the_batch_pipeline(
    settings: Settings, scorer: PostScorer, corpus: list[dict[str, Any]]
) -> None:
    spec = FeatureSpec(
        n_text_features=2**12,
        indicator_ids=tuple(ind.id for ind in scorer.catalogue.indicators),
        category_names=tuple(scorer.catalogue.categories),
    )
    rng = np.random.default_rng(5)
    model = RiskModel(
        id="test-model",
        spec=spec,
        text_coef=rng.normal(0, 1, spec.n_text_features),
        dense_coef=rng.normal(0, 1, len(dense_names(spec))),
        intercept=-0.5,
        calib_x=np.array([-3.0, 0.0, 3.0]),
        calib_y=np.array([0.05, 0.4, 0.95]),
    )
    save_model(model, settings.models_dir)
    set_active(settings.models_dir, "test-model")
    assert active_model(settings.models_dir) is not None
    with_model = PostScorer(settings)
    sample = corpus[:120]
    got = [with_model.score(row) for row in sample]
    assert got == batch_scores(with_model, sample)
    assert all(g["model_risk"] is not None and g["risk"] == g["model_risk"] for g in got)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from vigil.settings import get_settings

    base = tmp_path_factory.mktemp("score-web")
    settings = get_settings(home=base / "home", progress=False)
    app = create_app(settings, WebSettings(results=base / "no-results"))
    with app.state.sessions.begin() as db:
        user = create_user(db, "integrator", "integration-password-1", ["analyst"])
        token = issue_token(db, user, "score", ["score"]).token
    with TestClient(app, headers={"authorization": f"Bearer {token}"}) as c:
        # the lifespan built and warmed the scorer before the first request
        assert isinstance(app.state.post_scorer, PostScorer)
        yield c


def test_the_route_answers_what_the_pipeline_gives(
    client: TestClient, corpus: list[dict[str, Any]]
) -> None:
    sample = corpus[:30]
    scorer = client.app.state.post_scorer  # type: ignore[attr-defined]
    expected = batch_scores(scorer, sample)
    for row, want in zip(sample, expected, strict=True):
        r = client.post("/api/v1/score", json=row)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.headers["x-content-type-options"] == "nosniff"
        body = r.json()
        ScoreResponse.model_validate(body)  # the answer matches the documented schema
        assert body == orjson.loads(orjson.dumps(want))


def test_a_long_post_is_scored_off_the_event_loop_with_the_same_result(
    client: TestClient, scorer: PostScorer, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: PostScorer = client.app.state.post_scorer  # type: ignore[attr-defined]
    threads: list[str] = []

    def observed(row: Any, **kw: Any) -> dict[str, Any]:
        threads.append(threading.current_thread().name)
        return PostScorer.score(served, row, **kw)

    monkeypatch.setattr(served, "score", observed)
    body = ("Sweet new girl in town, call 713-555-0186. " * 900)[: INLINE_BYTES + 500]
    long_row = {"platform": "example", "title": "Long one", "body": body}
    short_row = {"platform": "example", "title": "Short one", "body": body[:500]}
    for row in (long_row, short_row):
        r = client.post("/api/v1/score", json=row)
        assert r.status_code == 200
        assert r.json() == orjson.loads(orjson.dumps(batch_scores(scorer, [row])[0]))
    # the long one in a worker thread, the short one on the event loop's thread
    assert len(threads) == 2 and threads[0] != threads[1]


def test_invalid_posts_are_problems_not_errors(client: TestClient) -> None:
    blank = client.post("/api/v1/score", json={"platform": "x", "title": " "})
    assert blank.status_code == 422
    assert blank.headers["content-type"].startswith("application/problem+json")
    assert "body" in blank.json()["detail"]
    assert client.post("/api/v1/score", json=[1, 2]).status_code == 422
    bad_json = client.post(
        "/api/v1/score", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad_json.status_code == 422
    anonymous = client.post("/api/v1/score", json={"body": "hi"}, headers={"authorization": ""})
    assert anonymous.status_code == 401


def test_the_fast_lane_answers_as_the_route_does(
    client: TestClient, corpus: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pure-ASGI lane and the FastAPI route give the same status, headers and body,
    for valid posts and for every kind of refusal (the lane hands those to the route)."""
    requests: list[dict[str, Any]] = [{"json": row} for row in corpus[:15]]
    requests += [
        {"json": {"platform": "x", "title": " "}},  # invalid post
        {"json": [1, 2]},  # not an object
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
        # NaN: orjson refuses it, the route's JSON reader takes it (and the post is a text)
        {"content": b'{"body": NaN}', "headers": {"content-type": "application/json"}},
        {"content": b'{"body": "hi"}', "headers": {"content-type": "text/plain"}},
        {"json": {"body": "hi"}, "headers": {"authorization": ""}},  # anonymous
        {"json": {"body": "hi"}, "headers": {"authorization": "Bearer vgl_unknown"}},
    ]

    def answers() -> list[tuple[int, dict[str, str], bytes]]:
        out = []
        for kw in requests:
            r = client.post("/api/v1/score", **kw)
            headers = {k: v for k, v in r.headers.items() if k not in ("date", "set-cookie")}
            out.append((r.status_code, headers, r.content))
        return out

    lane = answers()
    monkeypatch.setattr(ScoreLane, "_eligible", lambda self, scope: False)
    route = answers()
    assert [a[0] for a in lane[:15]] == [200] * 15
    assert [a[0] for a in lane[15:]] == [422, 422, 422, 200, 422, 401, 401]
    for got, want in zip(lane, route, strict=True):
        assert got == want


def _scope(**over: Any) -> dict[str, Any]:
    who = Principal(1, "i", frozenset({Role.ANALYST}), via="token", scopes=frozenset({P.SCORE}))
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/score",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"120")],
        "state": {"principal": who},
    }
    scope.update(over)
    return scope


def test_the_fast_lane_takes_only_token_callers_with_small_json_bodies() -> None:
    lane = ScoreLane(None, fastapi_app=None)  # type: ignore[arg-type]
    assert lane._eligible(_scope())
    analyst = frozenset({Role.ANALYST})
    session = Principal(1, "i", analyst, via="session")
    no_scope = Principal(1, "i", analyst, via="token", scopes=frozenset({P.POSTS_READ}))
    big = [(b"content-type", b"application/json"), (b"content-length", b"40000")]
    chunked = [(b"content-type", b"application/json")]
    form = [(b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", b"9")]
    for refused in (
        _scope(state={"principal": session}),  # a browser: CSRF is the route's to check
        _scope(state={"principal": no_scope}),
        _scope(state={}),
        _scope(method="GET"),
        _scope(path="/api/v1/scores"),
        _scope(headers=big),
        _scope(headers=chunked),
        _scope(headers=form),
        _scope(type="websocket"),
    ):
        assert not lane._eligible(refused)
