"""What the legal API and pages share: a case's facts (checked and audited), uploaded
facts, the jurisdiction codes of a query, draft downloads and error translation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from vigil.auth.permissions import Permission
from vigil.legal.drafting import KINDS, DraftError
from vigil.legal.facts import CaseFacts, FactsError, parse_facts
from vigil.legal.kb import default_kb
from vigil.legal.model import KnowledgeBase
from vigil.legal.render import FORMATS
from vigil.web.deps import Principal, audit, problem

__all__ = [
    "DRAFT_KINDS",
    "FORMATS",
    "MEDIA_TYPES",
    "case_facts_for",
    "checked_facts",
    "codes_of",
    "download",
    "kb",
    "legal_errors",
]

DRAFT_KINDS = KINDS
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")  # linear: one character class


def kb() -> KnowledgeBase:
    """The bundled, checked knowledge base (loaded once per process)."""
    return default_kb()


def codes_of(values: list[str], knowledge: KnowledgeBase, loc: str) -> list[str]:
    """Jurisdiction codes from repeated and/or comma-separated query values, checked."""
    aliases = {"UK": "GB", "EL": "GR"}
    codes: list[str] = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            code = aliases.get(code, code)
            if code and code not in codes:
                codes.append(code)
    unknown = [c for c in codes if c not in knowledge.jurisdictions]
    if unknown:
        known = ", ".join(knowledge.jurisdictions)
        msg = f"not in the legal KB: {', '.join(unknown)} (known: {known})"
        raise problem(422, "Invalid input", msg, errors=[{"loc": loc, "msg": msg}])
    return codes


def _facts_problems(exc: FactsError) -> list[dict[str, Any]]:
    """``"name: loc: msg; loc: msg"`` -> ``[{"loc": "body.loc", "msg": msg}, ...]``."""
    text = str(exc).removeprefix("case facts: ")
    errors = []
    for part in text.split("; "):
        loc, sep, msg = part.partition(": ")
        errors.append({"loc": f"body.{loc}" if sep else "body", "msg": msg if sep else part})
    return errors


def checked_facts(facts: CaseFacts, knowledge: KnowledgeBase) -> CaseFacts:
    """Uploaded facts checked against the KB vocabulary (422 naming each bad field)."""
    try:
        return parse_facts(facts.model_dump(mode="json", exclude_none=True), kb=knowledge)
    except FactsError as exc:
        raise problem(422, "Invalid case facts", str(exc), errors=_facts_problems(exc)) from None


def case_facts_for(
    request: Request, db: Session, who: Principal, case_id: str, action: str
) -> CaseFacts:
    """The facts of a workbench case for ``who``: 404 when unknown, 403 without
    ``cases.read``; victims' ages are decrypted only for an investigator on the case's
    team (that read is audited by the victims' service). The read itself is audited."""
    from vigil.workflow.errors import WorkflowError
    from vigil.workflow.facts import case_facts
    from vigil.workflow.tables import Case
    from vigil.workflow.web.common import actor, keys, workflow_errors

    case = db.get(Case, case_id)
    if case is None:
        raise problem(404, "Not found", f"no case {case_id!r}")
    if not who.can(Permission.CASES_READ):
        raise problem(
            403,
            "Not allowed",
            "reading a case's facts needs the 'cases.read' permission, which your roles "
            "do not grant",
        )
    decrypt = who.can(Permission.VICTIMS_READ) and case.team in who.teams
    with workflow_errors():
        try:
            facts = (
                case_facts(db, case_id, actor=actor(who), keys=keys(request))
                if decrypt
                else case_facts(db, case_id)
            )
        except (ValueError, KeyError) as exc:
            if isinstance(exc, WorkflowError):
                raise
            raise problem(422, "Invalid case facts", str(exc)) from None
    audit(db, who, action, "case", case_id, {"victim_ages": decrypt})
    return facts


@contextmanager
def legal_errors() -> Iterator[None]:
    """Draft routes the instruments refuse -> 409 with the reason; bad input -> 422."""
    try:
        yield
    except DraftError as exc:
        raise problem(409, "Draft refused", str(exc)) from None
    except FactsError as exc:
        raise problem(422, "Invalid case facts", str(exc), errors=_facts_problems(exc)) from None
    except KeyError as exc:
        raise problem(422, "Invalid input", str(exc.args[0]) if exc.args else str(exc)) from None


def download(data: bytes, case_id: str, kind: str, fmt: str) -> Response:
    """A draft file with its media type and an attachment ``Content-Disposition``."""
    stem = _UNSAFE_NAME.sub("_", case_id)[:80] or "case"
    name = f"{stem}-{kind}-DRAFT.{fmt}"
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store",
        },
    )
