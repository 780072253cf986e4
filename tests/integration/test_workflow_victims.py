"""Victims' records on SQLite and PostgreSQL: team-only reads, audit, shredding, tampering."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from vigil.audit import AuditEvent, verify_chain
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow import cases
from vigil.workflow.actor import Actor
from vigil.workflow.errors import ConsentRequired, Forbidden, LegalHold, NotFound, Shredded
from vigil.workflow.facts import case_facts
from vigil.workflow.tables import Victim, VictimField
from vigil.workflow.victims.crypto import TamperedData, decrypt_field
from vigil.workflow.victims.keys import FileKeyProvider
from vigil.workflow.victims.service import (
    create_victim,
    read_victim,
    refer_victim,
    shred_victim,
    update_victim,
)

ON_TEAM = Actor.of("ines", ["investigator"], ["north"])
OTHER_TEAM = Actor.of("otto", ["investigator"], ["south"])
REVIEWER_ON_TEAM = Actor.of("rita", ["reviewer"], ["north"])
ADMIN = Actor.of("adam", ["admin"], ["north"])

FIELDS: dict[str, str | None] = {
    "name": "Mara Testperson",
    "contact": "+1 212-555-0142",
    "date_of_birth": "2004-03-01",
    "nationality": "ro",
    "needs": "shelter, interpreter",
    "consent": "services: yes; police: not yet",
}


@pytest.fixture
def sessions(workbench_url: str) -> Iterator[sessionmaker[Session]]:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def keys(tmp_path: Path) -> FileKeyProvider:
    return FileKeyProvider(tmp_path / "keys" / "master.key")


@pytest.fixture
def victim_id(sessions: sessionmaker[Session], keys: FileKeyProvider) -> str:
    with sessions.begin() as s:
        case = cases.open_case(s, ON_TEAM, title="network A", team="north")
        return create_victim(s, ON_TEAM, keys, case.id, FIELDS).id


def test_only_the_case_team_reads_and_every_read_is_audited(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    with sessions.begin() as s:
        rec = read_victim(s, ON_TEAM, keys, victim_id, purpose="referral call")
        assert rec.fields["name"] == "Mara Testperson"
        assert rec.fields["nationality"] == "RO"
        assert rec.pseudonym.startswith("V-")
    for who in (OTHER_TEAM, REVIEWER_ON_TEAM, ADMIN):  # wrong team, or role without access
        with sessions.begin() as s, pytest.raises(Forbidden):
            read_victim(s, who, keys, victim_id)
    with sessions() as s:
        # nothing is stored in clear
        rows = s.scalars(select(VictimField).where(VictimField.victim_id == victim_id)).all()
        assert {r.field for r in rows} == {k for k, v in FIELDS.items() if v}
        assert all(b"Mara" not in bytes(r.ciphertext) for r in rows)
        reads = s.scalars(select(AuditEvent).where(AuditEvent.action == "victim.read")).all()
        assert [(e.actor, e.detail["purpose"]) for e in reads] == [("user:ines", "referral call")]
        assert "Mara" not in str([e.detail for e in reads])
        assert verify_chain(s) >= 3


def test_tampered_or_moved_ciphertext_is_rejected(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    with sessions.begin() as s:
        row = s.get(VictimField, (victim_id, "name"))
        assert row is not None
        flipped = bytearray(row.ciphertext)
        flipped[0] ^= 1
        row.ciphertext = bytes(flipped)
    with sessions.begin() as s, pytest.raises(TamperedData, match="name"):
        read_victim(s, ON_TEAM, keys, victim_id)
    # a valid ciphertext moved into another field fails too (the AAD names the field)
    with sessions.begin() as s:
        victim = s.get(Victim, victim_id)
        needs = s.get(VictimField, (victim_id, "needs"))
        assert victim is not None and victim.wrapped_key is not None and needs is not None
        key = keys.unwrap(victim.wrapped_key, victim.key_id)
        with pytest.raises(TamperedData):
            decrypt_field(key, victim_id, "contact", needs.nonce, needs.ciphertext)
        assert decrypt_field(key, victim_id, "needs", needs.nonce, needs.ciphertext)


def test_shredding_makes_the_record_unreadable_even_with_the_master_key(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    with sessions.begin() as s:
        victim = s.get(Victim, victim_id)
        assert victim is not None and victim.wrapped_key is not None
        case_id, wrapped = victim.case_id, bytes(victim.wrapped_key)
        cases.set_legal_hold(s, ON_TEAM, case_id, on=True, reason="trial pending")
    with sessions.begin() as s, pytest.raises(LegalHold):
        shred_victim(s, ON_TEAM, victim_id, reason="person asked")
    with sessions.begin() as s:
        cases.set_legal_hold(s, ON_TEAM, case_id, on=False)
    with sessions.begin() as s, pytest.raises(Forbidden):
        shred_victim(s, OTHER_TEAM, victim_id, reason="wrong team")
    with sessions.begin() as s:
        shred_victim(s, ON_TEAM, victim_id, reason="person asked")
    with sessions.begin() as s, pytest.raises(Shredded):
        read_victim(s, ON_TEAM, keys, victim_id)
    with sessions() as s:
        # the ciphertext remains; no stored bytes plus the master key decrypt it
        victim = s.get(Victim, victim_id)
        assert victim is not None and victim.wrapped_key is None
        row = s.get(VictimField, (victim_id, "name"))
        assert row is not None
        assert s.execute(text("SELECT wrapped_key FROM wf_victims")).scalars().all() == [None]
        url = s.get_bind().engine.url
        assert verify_chain(s) > 0
        shreds = s.scalars(select(AuditEvent).where(AuditEvent.action == "victim.shred")).all()
        assert len(shreds) == 1 and "Mara" not in str(shreds[0].detail)
    if url.get_backend_name() == "sqlite":
        # secure_delete + a checkpoint: the destroyed key is nowhere in the database files
        with sessions() as s:
            s.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db = Path(str(url.database))
        for path in (db, db.with_name(db.name + "-wal")):
            if path.exists():
                assert wrapped not in path.read_bytes()


def test_update_and_referral_need_consent(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    with sessions.begin() as s:
        update_victim(s, ON_TEAM, keys, victim_id, {"needs": "legal aid", "contact": ""})
        with pytest.raises(ConsentRequired):
            refer_victim(s, ON_TEAM, keys, victim_id, service_id="us-nhth", consent=False)
        with pytest.raises(NotFound):
            refer_victim(s, ON_TEAM, keys, victim_id, service_id="nowhere", consent=True)
        refer_victim(
            s, ON_TEAM, keys, victim_id, service_id="us-nhth", consent=True, note="warm hand-over"
        )
    with sessions.begin() as s:
        rec = read_victim(s, ON_TEAM, keys, victim_id)
        assert rec.fields["needs"] == "legal aid" and "contact" not in rec.fields
        (ref,) = rec.referrals
        assert ref["service_id"] == "us-nhth" and ref["consent"] is True
        assert ref["consent_recorded_by"] == "ines"


def test_case_facts_maps_to_the_legal_model(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    with sessions.begin() as s:
        victim = s.get(Victim, victim_id)
        assert victim is not None
        cases.add_item(s, ON_TEAM, victim.case_id, kind="post", ref="p123", label="the ad")
        cases.add_item(s, ON_TEAM, victim.case_id, kind="suspect", ref="S1")
        facts = case_facts(s, victim.case_id)
        assert [e.id for e in facts.evidence] == ["post:p123"]
        assert [x.id for x in facts.suspects] == ["S1"]
        assert facts.victims[0].id == victim.pseudonym and facts.victims[0].age is None
        full = case_facts(s, victim.case_id, actor=ON_TEAM, keys=keys)
        assert full.victims[0].nationalities == ["RO"]
        assert full.victims[0].age is not None and full.victims[0].age >= 18
        with pytest.raises(Forbidden):
            case_facts(s, victim.case_id, actor=OTHER_TEAM, keys=keys)


def test_case_and_victim_events_are_in_the_transparency_log(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    from vigil.evidence import merkle
    from vigil.evidence.log import inclusion_proof, leaf_range, log_size, root_at
    from vigil.workflow.transparency import PREFIX

    with sessions.begin() as s:
        read_victim(s, ON_TEAM, keys, victim_id)
        shred_victim(s, ON_TEAM, victim_id, reason="person asked")
    with sessions() as s:
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type.in_(("case", "victim")))
            .order_by(AuditEvent.seq)
        ).all()
        size = log_size(s)
        assert size == len(events)  # case.open, victim.create, victim.read, victim.shred
        leaves = leaf_range(s, 0, size)
        assert [data for _, _, data in leaves] == [PREFIX + e.hash for e in events]
        root = root_at(s, size)
        assert root == merkle.root_from_leaf_hashes([h for _, h, _ in leaves])
        shred_index = size - 1
        assert events[shred_index].action == "victim.shred"
        merkle.verify_inclusion(
            merkle.leaf_hash(PREFIX + events[shred_index].hash),
            shred_index,
            size,
            inclusion_proof(s, shred_index, size),
            root,
        )
        assert verify_chain(s) == len(s.scalars(select(AuditEvent)).all())


def test_retention_shreds_closed_cases_victims_unless_held(
    sessions: sessionmaker[Session], keys: FileKeyProvider, victim_id: str
) -> None:
    from datetime import timedelta

    from vigil.workflow.clock import now
    from vigil.workflow.retention import run_retention

    admin = Actor.of("adam", ["admin"])
    with sessions.begin() as s:
        held_case = cases.open_case(s, ON_TEAM, title="held", team="north")
        held = create_victim(s, ON_TEAM, keys, held_case.id, {"name": "Ana Heldperson"}).id
        victim = s.get(Victim, victim_id)
        assert victim is not None
        for case_id in (victim.case_id, held_case.id):
            cases.update_case(s, ON_TEAM, case_id, status="closed")
        cases.set_legal_hold(s, ON_TEAM, held_case.id, on=True, reason="appeal pending")
    year = now() + timedelta(days=400)
    with sessions.begin() as s:
        report = run_retention(s, admin, at=year)
        assert report.removed["victims_shredded"] == [victim_id]
        assert report.kept_for_legal_hold["victims"] == [held]
    with sessions.begin() as s, pytest.raises(Shredded):
        read_victim(s, ON_TEAM, keys, victim_id)
    with sessions.begin() as s:
        assert read_victim(s, ON_TEAM, keys, held).fields["name"] == "Ana Heldperson"
    with sessions.begin() as s:
        later = run_retention(s, admin, at=year + timedelta(days=31))
        assert later.removed["victims_deleted"] == [victim_id]
    with sessions() as s:
        assert s.get(Victim, victim_id) is None
        assert s.get(VictimField, (victim_id, "name")) is None
        assert verify_chain(s) > 0
