"""schemathesis against the whole OpenAPI document (every domain's /api/v1 operations),
in-process (ASGI), with an API token holding every permission and with no credentials at
all: no 5xx, every response matches the documented schema (bodies, status codes, content
types), bounded examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from vigil.auth.accounts import create_user
from vigil.auth.permissions import MATRIX, Role
from vigil.auth.tokens import issue_token
from vigil.settings import get_settings
from vigil.web.app import create_app
from vigil.web.config import WebSettings

TOKEN: dict[str, str] = {}
#: vigil.web's own operations, which every run must find among the rest
OWN = (
    "/api/v1/posts",
    "/api/v1/score",
    "/api/v1/clusters",
    "/api/v1/identifiers",
    "/api/v1/me",
    "/api/v1/health",
)


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from vigil.pipeline.scan import scan
    from vigil.synth.writer import generate

    base = tmp_path_factory.mktemp("schema")
    generate(300, 9, base / "corpus")
    conf = get_settings(home=base / "home", batch_size=200, progress=False, workers=1)
    scan([base / "corpus" / "posts.jsonl"], conf, base / "results")
    app = create_app(conf, WebSettings(results=Path(base / "results")))
    with app.state.sessions.begin() as db:
        roles = list(Role)
        user = create_user(db, "fuzzer", "schemathesis-password", [r.value for r in roles])
        scopes = sorted({p.value for r in roles for p in MATRIX[r]})
        TOKEN["value"] = issue_token(db, user, "fuzz", scopes).token
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


def _operations(api_schema: Any) -> list[Any]:
    operations = [
        op
        for op in (result.ok() for result in api_schema.get_all_operations())
        if op.path.startswith("/api/v1/")
    ]
    paths = {op.path for op in operations}
    assert all(any(p.startswith(own) for p in paths) for own in OWN)
    assert len(operations) >= 20  # every domain's routers, not vigil.web's alone
    return operations


def _run(operations: list[Any], headers: dict[str, str], examples: int) -> None:
    from hypothesis import given

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, suppress_health_check=list(HealthCheck), deadline=None)
        def check(case: Any) -> None:
            # every default check except "schema-valid data is accepted": a well-formed
            # but forged pagination cursor is rightly a 400 (the schema cannot say which
            # strings are cursors this server issued), and without credentials nothing is
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        check()


def test_api_conforms(api_schema: Any) -> None:
    """Every operation with a token holding every permission, 10 generated cases each
    (schemathesis' pytest plugin predates pytest 9, so the operations' hypothesis
    strategies are driven directly)."""
    _run(_operations(api_schema), {"authorization": f"Bearer {TOKEN['value']}"}, 10)


def test_api_conforms_without_credentials(api_schema: Any) -> None:
    """Every operation with no token and no session: documented answers (401 problem
    documents, or the public ones), never a 5xx."""
    _run(_operations(api_schema), {}, 4)
