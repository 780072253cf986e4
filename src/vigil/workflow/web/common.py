"""What the workflow's routers share: the actor of a request and error translation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import Request

from vigil.auth.principal import Principal
from vigil.web.deps import problem
from vigil.workflow.actor import Actor
from vigil.workflow.errors import (
    ClaimConflict,
    ConsentRequired,
    DecisionRequired,
    Forbidden,
    InvalidInput,
    LegalHold,
    NotFound,
    Shredded,
    WorkflowError,
)
from vigil.workflow.victims.keys import KeyProvider, master_keys

__all__ = ["actor", "keys", "results_dir", "workflow_errors"]

_STATUS: tuple[tuple[type[WorkflowError], int, str], ...] = (
    (NotFound, 404, "Not found"),
    (Forbidden, 403, "Not allowed"),
    (InvalidInput, 422, "Invalid input"),
    (ConsentRequired, 422, "Consent required"),
    (ClaimConflict, 409, "Conflict"),
    (DecisionRequired, 409, "Decision required"),
    (LegalHold, 409, "Under legal hold"),
    (Shredded, 410, "Shredded"),
)


def actor(who: Principal) -> Actor:
    return Actor.from_principal(who)


@contextmanager
def workflow_errors() -> Iterator[None]:
    """Turn a workflow error into a problem (API) or error page (console)."""
    try:
        yield
    except WorkflowError as exc:
        for cls, status, title in _STATUS:
            if isinstance(exc, cls):
                errors = None
                if isinstance(exc, InvalidInput) and exc.field:
                    errors = [{"loc": exc.field, "msg": str(exc)}]
                raise problem(status, title, str(exc), errors=errors) from None
        raise problem(400, "Refused", str(exc)) from None


def keys(request: Request) -> KeyProvider:
    """The master key provider (one per app, created on first use)."""
    state = request.app.state
    provider: KeyProvider | None = getattr(state, "workflow_keys", None)
    if provider is None:
        provider = master_keys(state.settings)
        state.workflow_keys = provider
    return provider


def results_dir(request: Request) -> Path:
    """The scan results the app serves (chosen once, in create_app)."""
    path: Path = request.app.state.explorer.results
    return path
