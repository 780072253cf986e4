"""Two vigil installations exchange signals and find the phones they share, blind.

Each side has its own data home, lake and workbench database. Neither package carries a
clear value, and neither store ever holds the other side's clear values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from vigil.audit import verify_chain
from vigil.ingest.service import ingest_files
from vigil.pipeline.stages import run_pipeline
from vigil.settings import Settings, get_settings
from vigil.sharing.keys import KeyStore
from vigil.sharing.local import lake_values
from vigil.sharing.model import FeedbackKind, Opinion, SignalCategory, SignalType
from vigil.sharing.service import (
    add_signal,
    export_feedback,
    export_signals,
    import_package,
    match,
    record_feedback,
)
from vigil.sharing.tables import ShareFeedback, ShareMatch, ShareReceived
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow.tables import QueueItem

# A and B both know 0101 and 0102; only A knows 0150; only B knows 0177 and the AU number.
SHARED = ["+12065550101", "+12065550102"]
ONLY_A = ["+12065550150"]
ONLY_B = ["+12065550177", "+61491570156"]


@dataclass
class Side:
    org: str
    settings: Settings
    keys: KeyStore
    sessions: sessionmaker[Session]


def _spellings(e164: str) -> list[str]:
    digits = e164.lstrip("+")
    national = digits[1:] if digits.startswith("1") else digits
    return [e164, digits, national, f"{national[:3]}-{national[3:6]}-{national[6:]}"]


def _side(root: Path, org: str, url: str, phones: list[str]) -> Side:
    settings = get_settings(home=root / org, progress=False, batch_size=100, database_url=url)
    posts = root / f"{org}.jsonl"
    rows = [
        {
            "platform": "example",
            "source_id": f"{org}-{i}",
            "title": "new in town",
            "body": f"sweet girl, call {phone[2:5]}-{phone[5:8]}-{phone[8:]} anytime"
            if phone.startswith("+1")
            else f"text me on {phone}",
        }
        for i, phone in enumerate(phones)
    ]
    rows.append(
        {"platform": "example", "source_id": f"{org}-x", "title": "bike", "body": "no phone"}
    )
    posts.write_text("".join(json.dumps(r) + "\n" for r in rows))
    ingest_files([posts], settings)
    run_pipeline(settings)
    upgrade(url)
    keys = KeyStore(settings.home)
    keys.init_org(org)
    return Side(org, settings, keys, session_factory(make_engine(url)))


@pytest.fixture
def sides(tmp_path: Path, workbench_url: str) -> tuple[Side, Side]:
    a = _side(tmp_path, "org-a", workbench_url, SHARED + ONLY_A)
    b = _side(tmp_path, "org-b", f"sqlite:///{tmp_path / 'b.db'}", SHARED + ONLY_B)
    a.keys.new_group("anti-trafficking")
    a.keys.export_group("anti-trafficking", tmp_path / "group.key")
    b.keys.import_group(tmp_path / "group.key")
    import base64

    a.keys.trust("org-b", base64.b64encode(b.keys.public_key()).decode())
    b.keys.trust("org-a", base64.b64encode(a.keys.public_key()).decode())
    return a, b


def _share(side: Side, phones: list[str]) -> bytes:
    with side.sessions() as s, s.begin():
        for phone in phones:
            add_signal(
                s,
                group="anti-trafficking",
                type=SignalType.PHONE,
                value=phone,
                category=SignalCategory.SEXUAL_EXPLOITATION,
                opinion=Opinion.CONFIRMED,
                tags=["escort-ad"],
                actor=f"analyst@{side.org}",
            )
        return export_signals(s, side.keys, group="anti-trafficking", actor=f"analyst@{side.org}")


def _receive(side: Side, package: bytes) -> set[str]:
    sent = len(json.loads(package)["signals"])
    with side.sessions() as s, s.begin():
        result = import_package(s, side.keys, package, actor=f"analyst@{side.org}")
        assert result.new == sent and not result.already_imported
        found = match(s, side.keys, lake_values(side.settings), actor=f"analyst@{side.org}")
    return {m["subject_id"] for m in found.subjects}


def _phones_in_posts(side: Side, post_ids: set[str]) -> set[str]:
    return {v.value for v in lake_values(side.settings) if v.subject_id in post_ids}


def _all_text(side: Side) -> str:
    """Everything the workbench stores about received signals, matches and reviews."""
    with side.sessions() as s:
        rows: list[object] = [*s.scalars(select(ShareReceived)), *s.scalars(select(ShareMatch))]
        rows += list(s.scalars(select(QueueItem)))
        return " ".join(json.dumps(vars(r), default=str) for r in rows)


def test_two_installations_find_shared_phones_blind(sides: tuple[Side, Side]) -> None:
    a, b = sides
    package_a = _share(a, SHARED + ONLY_A)
    package_b = _share(b, SHARED + ONLY_B)
    for package, phones in ((package_a, SHARED + ONLY_A), (package_b, SHARED + ONLY_B)):
        text = package.decode()
        for phone in phones:
            for spelling in _spellings(phone):
                assert spelling not in text, f"{spelling} leaked into a package"
        assert "escort-ad" in text  # metadata travels; values do not

    matched_by_b = _receive(b, package_a)
    matched_by_a = _receive(a, package_b)
    assert _phones_in_posts(b, matched_by_b) == set(SHARED)
    assert _phones_in_posts(a, matched_by_a) == set(SHARED)
    for side, others in ((a, ONLY_B), (b, ONLY_A)):
        stored = _all_text(side)
        for phone in others:
            for spelling in _spellings(phone):
                assert spelling not in stored
    with b.sessions() as s:
        items = s.scalars(select(QueueItem).where(QueueItem.source == "signal")).all()
        assert len(items) == 2 and {i.status for i in items} == {"open"}
        assert {i.subject_id for i in items} == matched_by_b
        assert all(i.reason["signal"]["source_org"] == "org-a" for i in items)
        assert all(i.reason["signal"]["opinion"] == "confirmed" for i in items)
        assert verify_chain(s) > 0


def test_reimport_and_rematch_change_nothing(sides: tuple[Side, Side]) -> None:
    a, b = sides
    package = _share(a, SHARED + ONLY_A)
    _receive(b, package)
    with b.sessions() as s, s.begin():
        again = import_package(s, b.keys, package, actor="analyst@org-b")
        assert again.already_imported and again.new == 0
        assert match(s, b.keys, lake_values(b.settings), actor="analyst@org-b").new_matches == 0
        assert len(s.scalars(select(ShareReceived)).all()) == 3


def test_feedback_flows_back_to_the_source(sides: tuple[Side, Side]) -> None:
    a, b = sides
    _receive(b, _share(a, SHARED + ONLY_A))
    with b.sessions() as s, s.begin():
        matched = s.scalars(select(ShareMatch)).all()
        for m in matched:
            record_feedback(
                s, received_id=m.received_id, kind=FeedbackKind.TRUE_POSITIVE, actor="r"
            )
        package = export_feedback(s, b.keys, group="anti-trafficking", to_org="org-a", actor="r")
        assert package is not None
        assert (
            export_feedback(s, b.keys, group="anti-trafficking", to_org="org-a", actor="r") is None
        )
    with a.sessions() as s, s.begin():
        result = import_package(s, a.keys, package, actor="analyst@org-a")
        assert result.kind == "feedback" and result.feedback == 2
        rows = s.scalars(select(ShareFeedback).where(ShareFeedback.direction == "in")).all()
        assert {r.kind for r in rows} == {"true_positive"}
        assert all(r.signal_id for r in rows)


def test_matches_name_the_cases_that_hold_the_post(sides: tuple[Side, Side]) -> None:
    from vigil.workflow import cases
    from vigil.workflow.actor import Actor

    a, b = sides
    lead = Actor.of("lena", ["investigator"], ["north"])
    post = next(v.subject_id for v in lake_values(b.settings) if v.value == SHARED[0])
    with b.sessions() as s, s.begin():
        case = cases.open_case(s, lead, title="known network", team="north")
        cases.add_item(s, lead, case.id, kind="post", ref=post)
        case_id = case.id
    _receive(b, _share(a, SHARED + ONLY_A))
    with b.sessions() as s:
        item = s.scalars(select(QueueItem).where(QueueItem.subject_id == post)).one()
        assert item.reason["signal"]["cases"] == [case_id]
        rows = s.scalars(select(ShareMatch).where(ShareMatch.subject_type == "case")).all()
        assert [(r.subject_id, r.review_item_id) for r in rows] == [(case_id, item.id)]
