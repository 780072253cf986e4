"""Sharing a case's identifiers needs a recorded human decision (the workflow's gate)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from vigil.ingest.service import ingest_files
from vigil.lake import Lake
from vigil.pipeline.stages import run_pipeline
from vigil.settings import get_settings
from vigil.sharing.from_case import share_case
from vigil.sharing.model import Opinion, SignalCategory
from vigil.sharing.tables import ShareSignal
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow import cases, decisions, queue
from vigil.workflow.actor import Actor
from vigil.workflow.errors import DecisionRequired
from vigil.workflow.queue import NewItem
from vigil.workflow.routing import Candidate

LEAD = Actor.of("lena", ["investigator"], ["north"])


def test_case_identifiers_are_shared_only_after_a_decision(tmp_path: Path) -> None:
    settings = get_settings(home=tmp_path / "home", progress=False, batch_size=100, workers=1)
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps(r) + "\n" for r in [
        {"platform": "jobs.example", "source_id": "1", "title": "work abroad",
         "body": "call 206-555-0171 or mail hr@example.com"},
        {"platform": "jobs.example", "source_id": "2", "title": "work abroad",
         "body": "call 206-555-0172"},
    ]))  # fmt: skip
    ingest_files([posts], settings)
    run_pipeline(settings)
    with Lake(settings.lake_dir) as lake, lake.query() as con:
        ids = [r[0] for r in con.execute("SELECT id FROM posts ORDER BY source_id").fetchall()]
    upgrade(settings.workbench_url)
    sessions = session_factory(make_engine(settings.workbench_url))
    args = {"group": "g", "category": SignalCategory.LABOUR_EXPLOITATION,
            "opinion": Opinion.CONFIRMED}  # fmt: skip
    with sessions.begin() as s:
        by_hand = cases.open_case(s, LEAD, title="no decision yet", team="north")
        cases.add_item(s, LEAD, by_hand.id, kind="post", ref=ids[0])
        with pytest.raises(DecisionRequired):
            share_case(s, settings, LEAD, by_hand.id, **args)  # type: ignore[arg-type]
        item = queue.enqueue(s, [NewItem("p", "post", ids[0], Candidate("post", 0.8, "high"), {})])
        queue.claim(s, LEAD, item[0].id)
        d = decisions.decide(s, LEAD, item[0].id, action_name="open_case",
                             reason_id="labour_exploitation", team="north")  # fmt: skip
        assert d.case_id
        cases.add_item(s, LEAD, d.case_id, kind="post", ref=ids[1])
        rows = share_case(s, settings, LEAD, d.case_id, **args)  # type: ignore[arg-type]
        assert {(r.type, r.value) for r in rows} == {
            ("phone", "+12065550171"),
            ("phone", "+12065550172"),
            ("email", "hr@example.com"),
        }
        assert all(r.ref_type == "case" and r.ref_id == f"{d.case_id}#{d.id}" for r in rows)
    with sessions() as s:
        assert len(s.scalars(select(ShareSignal)).all()) == 3
