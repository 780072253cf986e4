"""The legal module's service API (used by the CLI, and by the workflow and API layers).

Every function takes :class:`~vigil.legal.facts.CaseFacts` and an optional knowledge
base (default: the bundled, checked KB). Output is decision support for lawyers, not
legal advice.
"""

from __future__ import annotations

import datetime as dt

from vigil.legal.drafting import build_draft
from vigil.legal.elements import ElementsReport
from vigil.legal.elements import analyse_elements as _analyse
from vigil.legal.facts import CaseFacts
from vigil.legal.harmonise import HarmonisationReport
from vigil.legal.harmonise import compare as _compare
from vigil.legal.jurisdiction import JurisdictionReport
from vigil.legal.jurisdiction import resolve_jurisdictions as _resolve
from vigil.legal.kb import default_kb
from vigil.legal.model import KnowledgeBase
from vigil.legal.render import render

__all__ = [
    "analyse_elements",
    "compare",
    "default_jurisdictions",
    "draft",
    "resolve_jurisdictions",
]


def resolve_jurisdictions(facts: CaseFacts, kb: KnowledgeBase | None = None) -> JurisdictionReport:
    """States that may claim the case, each claim with its reason and citation."""
    return _resolve(facts, kb or default_kb())


def default_jurisdictions(facts: CaseFacts, kb: KnowledgeBase | None = None) -> list[str]:
    """KB states with a non-universal claim on the case (the natural set to analyse)."""
    kb = kb or default_kb()
    report = _resolve(facts, kb)
    return [
        s.state
        for s in report.states
        if s.in_kb and any(c.basis != "universal" and c.status != "unknown" for c in s.claims)
    ]


def analyse_elements(
    facts: CaseFacts,
    jurisdictions: list[str] | tuple[str, ...] | None = None,
    kb: KnowledgeBase | None = None,
) -> ElementsReport:
    """Elements established or missing under Palermo and each jurisdiction (default: claimants)."""
    kb = kb or default_kb()
    codes = default_jurisdictions(facts, kb) if jurisdictions is None else list(jurisdictions)
    return _analyse(facts, codes, kb)


def compare(
    codes: list[str] | tuple[str, ...],
    facts: CaseFacts | None = None,
    kb: KnowledgeBase | None = None,
) -> HarmonisationReport:
    """Side-by-side divergences between ``codes``; with facts, which ones matter for the case."""
    kb = kb or default_kb()
    claiming = set(_resolve(facts, kb).claiming()) if facts else None
    return _compare(codes, kb, facts, claiming)


def draft(
    kind: str,
    facts: CaseFacts,
    fmt: str = "md",
    kb: KnowledgeBase | None = None,
    as_of: dt.date | None = None,
) -> bytes:
    """A request draft (``preservation``, ``mla``, ``eu-epoc``, ``us-2703``) as md/docx/pdf."""
    return render(build_draft(kind, facts, kb or default_kb(), as_of), fmt)
