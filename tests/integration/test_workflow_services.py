"""Workflow services on SQLite and PostgreSQL: queue, claims, decisions, cases, tips, retention."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sklearn.metrics import cohen_kappa_score
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from vigil.audit import AuditEvent, verify_chain
from vigil.indicators.ml.labels import read_labels
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow import cases, decisions, queue, retention
from vigil.workflow.actor import Actor
from vigil.workflow.clock import now
from vigil.workflow.errors import (
    ClaimConflict,
    DecisionRequired,
    Forbidden,
    InvalidInput,
    LegalHold,
    NotFound,
)
from vigil.workflow.queue import NewItem
from vigil.workflow.routing import Candidate, default_routing
from vigil.workflow.tables import Case, Decision, QueueItem, Tip, TipMessage
from vigil.workflow.tips.form import parse_tip_form
from vigil.workflow.tips.service import (
    add_information,
    get_tip,
    reply,
    submit_tip,
    view_by_receipt,
)

REVIEWER = Actor.of("rita", ["reviewer"])
REVIEWER2 = Actor.of("rene", ["reviewer"])
LEAD = Actor.of("lena", ["investigator"], ["north"])
ANALYST = Actor.of("ana", ["analyst"])
ADMIN = Actor.of("adam", ["admin"])
AUDITOR = Actor.of("aud", ["auditor"])


@pytest.fixture
def sessions(workbench_url: str) -> Iterator[sessionmaker[Session]]:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield session_factory(engine)
    engine.dispose()


def _post_item(
    post_id: str, band: str = "review", score: float = 0.5, categories: tuple[str, ...] = ()
) -> NewItem:
    return NewItem(
        f"post:{post_id}",
        "post",
        post_id,
        Candidate("post", score, band, frozenset(categories)),
        {"band": band},
    )


def test_queue_orders_by_priority_and_dedupes(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        added = queue.enqueue(
            s,
            [
                _post_item("p-low", "review", 0.4),
                _post_item("p-high", "high", 0.9),
                _post_item("p-youth", "review", 0.5, categories=("youth",)),
                _post_item("p-high", "high", 0.9),  # the same post twice: added once
            ],
        )
        assert [i.subject_id for i in added] == ["p-low", "p-high", "p-youth"]
        assert queue.enqueue(s, [_post_item("p-low")]) == []  # already queued
    with sessions() as s:
        items = queue.list_items(s, REVIEWER)
        assert [(i.subject_id, i.queue, i.priority) for i in items] == [
            ("p-youth", "urgent", 1),
            ("p-high", "posts", 2),
            ("p-low", "posts", 3),
        ]
        sla = default_routing().sla_for(1)
        urgent = items[0]
        assert abs((urgent.due_at - urgent.created_at) - sla) < timedelta(seconds=1)
        with pytest.raises(Forbidden):
            queue.list_items(s, AUDITOR)


def test_claims_are_exclusive_and_expire(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        (item,) = queue.enqueue(s, [_post_item("p1")])
        item_id = item.id
    t0 = now()
    with sessions.begin() as s:
        got = queue.claim(s, REVIEWER, item_id, at=t0)
        assert got.claimed_by == "rita" and got.claimed_at is not None
    with sessions.begin() as s, pytest.raises(ClaimConflict, match="claimed by rita"):
        queue.claim(s, REVIEWER2, item_id, at=t0 + timedelta(minutes=5))
    with sessions.begin() as s:  # nothing else to claim for rene
        assert queue.claim_next(s, REVIEWER2, at=t0 + timedelta(minutes=5)) is None
    later = t0 + default_routing().claim_timeout + timedelta(seconds=1)
    with sessions.begin() as s:  # the claim timed out: rene may take it
        assert queue.claim(s, REVIEWER2, item_id, at=later).claimed_by == "rene"
    with sessions.begin() as s, pytest.raises(ClaimConflict):
        decisions.decide(s, REVIEWER, item_id, action_name="no_concern", reason_id="no_violation")


def test_reassign_and_escalate(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        (item,) = queue.enqueue(s, [_post_item("p2")])
        item_id = item.id
    with sessions.begin() as s, pytest.raises(Forbidden):
        queue.reassign(s, REVIEWER, item_id, "rene")
    with sessions.begin() as s:
        queue.reassign(s, LEAD, item_id, "rene")
    with sessions.begin() as s, pytest.raises(ClaimConflict, match="assigned to rene"):
        queue.claim(s, REVIEWER, item_id)
    with sessions.begin() as s:
        queue.claim(s, REVIEWER2, item_id)
        before = s.get(QueueItem, item_id)
        assert before is not None
        prio, due = before.priority, before.due_at
        esc = queue.escalate(s, REVIEWER2, item_id, "looks like a minor")
        assert esc.queue == "escalations" and esc.priority == prio - 1
        assert esc.due_at <= due and esc.claimed_by is None
    with sessions.begin() as s, pytest.raises(InvalidInput, match="note"):
        queue.claim(s, REVIEWER2, item_id)
        queue.escalate(s, REVIEWER2, item_id, "  ")


def test_decision_required_before_sharing(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        a, b = queue.enqueue(s, [_post_item("pa"), _post_item("pb")])
        ids = a.id, b.id
    with sessions() as s, pytest.raises(DecisionRequired, match="no human decision"):
        decisions.require_decision(s, "post:pa")
    with sessions.begin() as s:
        queue.claim(s, REVIEWER, ids[0])
        decisions.decide(
            s,
            REVIEWER,
            ids[0],
            action_name="refer",
            reason_id="sex_trafficking",
            notes="third-party ad, same phone as known network",
        )
        queue.claim(s, REVIEWER, ids[1])
        decisions.decide(s, REVIEWER, ids[1], action_name="no_concern", reason_id="no_violation")
    with sessions() as s:
        d = decisions.require_decision(s, "post:pa")
        assert d.reviewer == "rita" and d.statement_category == "STATEMENT_CATEGORY_VIOLENCE"
        assert "KEYWORD_HUMAN_TRAFFICKING" in d.keywords
        with pytest.raises(DecisionRequired, match="no_concern"):
            decisions.require_decision(s, "post:pb")
        with pytest.raises(InvalidInput):
            decisions.require_decision(s, "nonsense")
    with sessions.begin() as s, pytest.raises(ClaimConflict, match="already decided"):
        decisions.decide(s, REVIEWER, ids[0], action_name="refer", reason_id="sex_trafficking")
    with sessions.begin() as s, pytest.raises(InvalidInput, match="unknown policy reason"):
        (c,) = queue.enqueue(s, [_post_item("pc")])
        queue.claim(s, REVIEWER, c.id)
        decisions.decide(s, REVIEWER, c.id, action_name="refer", reason_id="made_up")


def test_open_case_decision_and_case_lifecycle(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        (item,) = queue.enqueue(s, [_post_item("p-case", "high", 0.9)])
        queue.claim(s, REVIEWER, item.id)
        d = decisions.decide(
            s,
            REVIEWER,
            item.id,
            action_name="open_case",
            reason_id="labour_exploitation",
            team="north",
        )
        case_id = d.case_id
        assert case_id is not None
    with sessions() as s:
        assert decisions.require_decision(s, f"case:{case_id}").id == d.id
        case = cases.get_case(s, LEAD, case_id)
        data = cases.case_json(s, case, full=True)
        assert data["team"] == "north" and data["owner"] == "rita"
        assert [(i["kind"], i["ref"]) for i in data["items"]] == [("post", "p-case")]
    with sessions.begin() as s:
        with pytest.raises(Forbidden):
            cases.add_note(s, REVIEWER, case_id, "reviewers cannot write cases")
        cases.add_item(s, LEAD, case_id, kind="suspect", ref="handle instagram:someone")
        task = cases.add_task(s, LEAD, case_id, title="preservation request", assignee="lena")
        cases.complete_task(s, LEAD, case_id, task.id)
        cases.add_note(s, LEAD, case_id, "called the platform")
        cases.update_case(s, LEAD, case_id, status="active")
        cases.set_legal_hold(s, LEAD, case_id, on=True, reason="prosecutor's request 2026-11")
    with sessions.begin() as s, pytest.raises(LegalHold):
        cases.delete_case(s, LEAD, case_id)
    with sessions.begin() as s:
        events = cases.timeline(s, LEAD, case_id)
        actions = [e["action"] for e in events]
        assert actions == [
            "queue.claim",
            "queue.decide",
            "case.open",
            "case.add_item",
            "case.add_item",
            "case.add_task",
            "case.complete_task",
            "case.add_note",
            "case.update",
            "case.legal_hold",
        ]
        assert all(e["actor"] in ("user:rita", "user:lena") for e in events)
        cases.set_legal_hold(s, LEAD, case_id, on=False)
        cases.delete_case(s, LEAD, case_id)
        assert s.get(Case, case_id) is None
    with sessions() as s:
        assert verify_chain(s) > 10


def test_labels_export_reads_as_training_labels(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    choices = [
        ("p1", "refer", "sex_trafficking"),
        ("p2", "no_concern", "no_violation"),
        ("p3", "monitor", "demand"),
        ("p4", "preserve", "grooming"),
    ]
    with sessions.begin() as s:
        for post, act, why in choices:
            (item,) = queue.enqueue(s, [_post_item(post)])
            queue.claim(s, REVIEWER, item.id)
            decisions.decide(s, REVIEWER, item.id, action_name=act, reason_id=why)
        data = decisions.export_labels(s, LEAD)
    path = tmp_path / "labels.jsonl"
    path.write_bytes(data)
    labels = read_labels(path)
    assert labels.rejected == []
    assert labels.label == {"p1": True, "p2": False, "p4": True}  # monitor is uncertain
    assert labels.classes["p4"] == "grooming"


def test_qa_sampling_and_kappa(sessions: sessionmaker[Session]) -> None:
    first = ["refer", "no_concern", "refer", "no_concern", "monitor", "refer"]
    with sessions.begin() as s:
        for i, act in enumerate(first):
            (item,) = queue.enqueue(s, [_post_item(f"q{i}")])
            queue.claim(s, REVIEWER, item.id)
            why = "no_violation" if act == "no_concern" else "sex_trafficking"
            decisions.decide(s, REVIEWER, item.id, action_name=act, reason_id=why)
    with sessions.begin() as s, pytest.raises(Forbidden):
        decisions.qa_sample(s, REVIEWER, share=1.0)
    with sessions.begin() as s:
        sampled = decisions.qa_sample(s, LEAD, share=1.0, seed=1)
        assert len(sampled) == len(first)
        assert decisions.qa_sample(s, LEAD, share=1.0) == []  # each decision sampled once
    second: dict[str, str] = {}
    with sessions.begin() as s:
        qa_items = queue.list_items(s, LEAD, queue="qa")
        assert len(qa_items) == len(first)
        for n, item in enumerate(qa_items):
            original = s.get(Decision, item.subject_id)
            assert original is not None
            # the lead disagrees on every third item
            act = (
                original.action
                if n % 3
                else ("no_concern" if original.action != "no_concern" else "refer")
            )
            second[original.id] = act
            queue.claim(s, LEAD, item.id)
            why = "no_violation" if act == "no_concern" else "sex_trafficking"
            qa = decisions.qa_review(s, LEAD, item.id, action_name=act, reason_id=why)
            assert qa.qa_of == original.id and qa.subject_id == original.subject_id
    with sessions() as s:
        agreement = decisions.qa_agreement(s, LEAD)
        originals = {
            d.id: d.action for d in s.scalars(select(Decision).where(Decision.qa_of.is_(None)))
        }
        a = [originals[k] for k in sorted(second)]
        b = [second[k] for k in sorted(second)]
        assert agreement.pairs == len(first)
        assert agreement.action_kappa == pytest.approx(cohen_kappa_score(a, b))
        assert agreement.action_agreement == pytest.approx(
            sum(x == y for x, y in zip(a, b, strict=True)) / len(a), abs=1e-4
        )
        assert agreement.action_agreement is not None and agreement.action_agreement < 1
        # a re-review by the person who decided is refused
    with sessions.begin() as s:
        (item,) = queue.enqueue(s, [_post_item("self")])
        lead_decides = Actor.of("lena", ["investigator"])
        queue.claim(s, lead_decides, item.id)
        decisions.decide(s, lead_decides, item.id, action_name="refer", reason_id="demand")
        (qa_item,) = decisions.qa_sample(s, LEAD, share=1.0)
        queue.claim(s, LEAD, qa_item.id)
        with pytest.raises(Forbidden, match="someone else"):
            decisions.qa_review(s, LEAD, qa_item.id, action_name="refer", reason_id="demand")


def _form(**kw: str) -> dict[str, str]:
    base = {
        "what": "An ad offers jobs abroad, passport kept by the agent, call 212-555-0142.",
        "danger": "no",
        "country": "US",
    }
    return base | kw


def test_tip_is_scored_queued_and_answered_by_receipt(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        done = submit_tip(
            s, parse_tip_form(_form(danger="yes", url="https://ads.example.com/view/99"))
        )
        tip = s.get(Tip, done.tip_id)
        assert tip is not None
        assert any(i["kind"] == "phone" for i in tip.identifiers)
        item = s.get(QueueItem, done.queue_item)
        assert item is not None and (item.queue, item.priority) == ("urgent", 1)
        calm = submit_tip(s, parse_tip_form(_form()))
        calm_item = s.get(QueueItem, calm.queue_item)
        assert calm_item is not None and calm_item.queue == "tips"
    receipt = done.receipt
    with sessions.begin() as s:
        stored = s.execute(text("SELECT receipt_hash FROM wf_tips")).scalars().all()
        assert all(receipt.encode() not in bytes(h) for h in stored)
        view = view_by_receipt(s, receipt.lower().replace("-", " "))  # typed loosely
        assert view.status == "received" and view.messages == []
        add_information(s, receipt, "The agent also posts on another board.")
        reply(s, LEAD, done.tip_id, "Thank you, we are looking into it.")
        with pytest.raises(Forbidden):
            reply(s, AUDITOR, done.tip_id, "auditors cannot reply")
    with sessions.begin() as s:
        view = view_by_receipt(s, receipt)
        assert [m["from"] for m in view.messages] == ["you", "the team"]
        with pytest.raises(NotFound):
            view_by_receipt(s, "0000-0000-0000-0000-0000")
        with pytest.raises(InvalidInput, match="20 letters"):
            view_by_receipt(s, "short")
        assert get_tip(s, ANALYST, done.tip_id).id == done.tip_id
        with pytest.raises(Forbidden):
            get_tip(s, AUDITOR, done.tip_id)
        assert s.scalars(select(TipMessage)).all()
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "tip.read")).all()
        assert [e.actor for e in reads] == ["user:ana"]


def test_retention_removes_what_is_due_and_respects_legal_hold(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        old = submit_tip(s, parse_tip_form(_form()))
        held = submit_tip(s, parse_tip_form(_form(what="Another tip about the same agency ad.")))
        case = cases.open_case(s, LEAD, title="agency", team="north")
        cases.add_item(s, LEAD, case.id, kind="tip", ref=held.tip_id)
        cases.set_legal_hold(s, LEAD, case.id, on=True, reason="court order")
        (item,) = queue.enqueue(s, [_post_item("pr")])
        queue.claim(s, REVIEWER, item.id)
        decisions.decide(s, REVIEWER, item.id, action_name="no_concern", reason_id="no_violation")
    future = now() + timedelta(days=800)
    with sessions.begin() as s, pytest.raises(Forbidden):
        retention.run_retention(s, LEAD, at=future)
    with sessions.begin() as s:
        dry = retention.run_retention(s, ADMIN, at=future, dry_run=True)
        assert dry.removed["tips"] == [old.tip_id]
        assert s.get(Tip, old.tip_id) is not None  # a dry run removes nothing
    with sessions.begin() as s:
        report = retention.run_retention(s, ADMIN, at=future)
        assert report.removed["tips"] == [old.tip_id]
        assert item.id in report.removed["queue_items"]
    with sessions() as s:
        assert s.get(Tip, old.tip_id) is None
        assert s.get(Tip, held.tip_id) is not None  # grouped in a case under hold
        assert s.get(QueueItem, item.id) is None
        assert verify_chain(s) > 0
        runs = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.run")).all()
        assert [e.detail["removed"]["tips"] for e in runs] == [1, 1]


def test_concurrent_claims_never_share_an_item(sessions: sessionmaker[Session]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with sessions.begin() as s:
        queue.enqueue(s, [_post_item(f"race{i}") for i in range(6)])
    reviewers = [Actor.of(f"r{i}", ["reviewer"]) for i in range(8)]

    def grab(who: Actor) -> str | None:
        with sessions.begin() as s:
            item = queue.claim_next(s, who)
            return item.id if item else None

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(grab, reviewers))
    claimed = [g for g in got if g is not None]
    assert len(claimed) == len(set(claimed)) == 6  # six items, six distinct holders
    with sessions() as s:
        holders = {i.claimed_by for i in queue.list_items(s, REVIEWER)}
        assert len(holders) == 6
