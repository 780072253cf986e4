"""Victims' records: create, read (audited), update, crypto-shred, refer with consent.

Only people with the victims permission who are **on the case's team** can touch a record:
the role alone is not enough. Each read is appended to the audit log (which fields, never
their content). Shredding destroys the wrapped data key: the ciphertext may remain (in
the database, in backups) but nobody, holder of the master key included, can decrypt it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from vigil.audit import record
from vigil.auth.permissions import Permission
from vigil.workflow.actor import Actor
from vigil.workflow.clock import aware, new_id, now
from vigil.workflow.directory import support_service
from vigil.workflow.errors import ConsentRequired, InvalidInput, LegalHold, NotFound, Shredded
from vigil.workflow.tables import Case, Referral, Victim, VictimField
from vigil.workflow.transparency import log_event
from vigil.workflow.victims.crypto import decrypt_field, encrypt_field, new_data_key
from vigil.workflow.victims.keys import KeyProvider

__all__ = [
    "VICTIM_FIELDS",
    "VictimRecord",
    "create_victim",
    "list_victims",
    "read_victim",
    "refer_victim",
    "shred_victim",
    "update_victim",
]

VICTIM_FIELDS = ("name", "contact", "date_of_birth", "nationality", "needs", "consent", "notes")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class VictimRecord:
    id: str
    case_id: str
    pseudonym: str
    fields: dict[str, str]
    referrals: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case_id": self.case_id,
            "pseudonym": self.pseudonym,
            "fields": self.fields,
            "referrals": self.referrals,
        }


def _clean_fields(values: dict[str, str | None]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in values.items():
        if name not in VICTIM_FIELDS:
            raise InvalidInput(f"unknown field (fields: {', '.join(VICTIM_FIELDS)})", name)
        if value is None or not str(value).strip():
            continue
        value = str(value).strip()
        if len(value) > 10_000:
            raise InvalidInput("at most 10000 characters", name)
        if name == "date_of_birth":
            try:
                if date.fromisoformat(value) > date.today():
                    raise InvalidInput("is in the future", name)
            except ValueError:
                raise InvalidInput("write the date as YYYY-MM-DD", name) from None
        if name == "nationality":
            value = value.upper()
            if not _COUNTRY.match(value):
                raise InvalidInput("an ISO 3166 two-letter country code, e.g. RO", name)
        out[name] = value
    return out


def _case_for(session: Session, actor: Actor, case_id: str, permission: Permission) -> Case:
    actor.require(permission)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("case", case_id)
    actor.require_team(case.team, f"case {case_id}")
    return case


def _victim(session: Session, actor: Actor, victim_id: str, permission: Permission) -> Victim:
    actor.require(permission)
    victim = session.get(Victim, victim_id)
    if victim is None:
        raise NotFound("victim record", victim_id)
    _case_for(session, actor, victim.case_id, permission)
    return victim


def _data_key(victim: Victim, keys: KeyProvider) -> bytes:
    if victim.wrapped_key is None or victim.shredded_at is not None:
        shredded = aware(victim.shredded_at).date() if victim.shredded_at else "?"
        raise Shredded(f"victim record {victim.id} was shredded on {shredded}: it is unreadable")
    return keys.unwrap(victim.wrapped_key, victim.key_id)


def _write_fields(session: Session, victim: Victim, key: bytes, values: dict[str, str]) -> None:
    for name, value in values.items():
        nonce, ct = encrypt_field(key, victim.id, name, value.encode("utf-8"))
        row = session.get(VictimField, (victim.id, name))
        if row is None:
            session.add(VictimField(victim_id=victim.id, field=name, nonce=nonce, ciphertext=ct))
        else:
            row.nonce, row.ciphertext = nonce, ct


def _audit(session: Session, actor: Actor, action: str, victim: Victim, **detail: Any) -> None:
    event = record(
        session,
        actor=actor.audit,
        action=f"victim.{action}",
        object_type="victim",
        object_id=victim.id,
        detail={"case": victim.case_id, **detail},
    )
    log_event(session, event)


def create_victim(
    session: Session, actor: Actor, keys: KeyProvider, case_id: str, values: dict[str, str | None]
) -> Victim:
    """Add an encrypted victim record to a case (``victims.write``, on the case's team)."""
    _case_for(session, actor, case_id, Permission.VICTIMS_WRITE)
    clean = _clean_fields(values)
    key = new_data_key()
    victim_id = new_id("v")
    victim = Victim(
        id=victim_id,
        case_id=case_id,
        pseudonym=f"V-{victim_id[-6:].upper()}",
        created_by=actor.name,
        created_at=now(),
        key_id=keys.key_id,
        wrapped_key=keys.wrap(key),
    )
    session.add(victim)
    session.flush()
    _write_fields(session, victim, key, clean)
    session.flush()
    _audit(session, actor, "create", victim, fields=sorted(clean))
    return victim


def update_victim(
    session: Session,
    actor: Actor,
    keys: KeyProvider,
    victim_id: str,
    values: dict[str, str | None],
) -> Victim:
    victim = _victim(session, actor, victim_id, Permission.VICTIMS_WRITE)
    key = _data_key(victim, keys)
    clean = _clean_fields(values)
    _write_fields(session, victim, key, clean)
    cleared = [n for n, v in values.items() if n in VICTIM_FIELDS and not (v or "").strip()]
    for name in cleared:
        row = session.get(VictimField, (victim.id, name))
        if row is not None:
            session.delete(row)
    session.flush()
    _audit(session, actor, "update", victim, fields=sorted(clean), cleared=sorted(cleared))
    return victim


def read_victim(
    session: Session, actor: Actor, keys: KeyProvider, victim_id: str, *, purpose: str = ""
) -> VictimRecord:
    """Decrypt a record for an investigator on the case's team; the read is audited."""
    victim = _victim(session, actor, victim_id, Permission.VICTIMS_READ)
    key = _data_key(victim, keys)
    rows = session.scalars(select(VictimField).where(VictimField.victim_id == victim.id))
    values = {
        r.field: decrypt_field(key, victim.id, r.field, r.nonce, r.ciphertext).decode("utf-8")
        for r in rows
    }
    referrals = []
    for ref in session.scalars(
        select(Referral).where(Referral.victim_id == victim.id).order_by(Referral.at)
    ):
        body = orjson.loads(
            decrypt_field(key, victim.id, f"referral:{ref.id}", ref.nonce, ref.ciphertext)
        )
        referrals.append(
            {
                "id": ref.id,
                "at": aware(ref.at).isoformat(timespec="seconds"),
                "recorded_by": ref.recorded_by,
                **body,
            }
        )
    _audit(session, actor, "read", victim, fields=sorted(values), purpose=purpose.strip()[:200])
    return VictimRecord(victim.id, victim.case_id, victim.pseudonym, values, referrals)


def list_victims(session: Session, actor: Actor, case_id: str) -> list[Victim]:
    """The case's victim records (pseudonyms only: nothing is decrypted)."""
    _case_for(session, actor, case_id, Permission.VICTIMS_READ)
    return list(session.scalars(select(Victim).where(Victim.case_id == case_id)))


def shred_victim(
    session: Session,
    actor: Actor,
    victim_id: str,
    *,
    reason: str,
    at: datetime | None = None,
    system: bool = False,
) -> Victim:
    """Destroy the record's data key (refused under legal hold). Irreversible.

    ``system`` is for retention runs, which act on schedules rather than for a person on
    the team; they still respect the legal hold.
    """
    if system:
        victim = session.get(Victim, victim_id)
        if victim is None:
            raise NotFound("victim record", victim_id)
    else:
        victim = _victim(session, actor, victim_id, Permission.VICTIMS_SHRED)
    case = session.get(Case, victim.case_id)
    if case is not None and case.legal_hold:
        raise LegalHold(
            f"case {case.id} is under legal hold ({case.legal_hold_reason}): "
            f"victim record {victim_id} cannot be shredded until the hold is lifted"
        )
    if victim.shredded_at is not None:
        return victim
    if not reason.strip():
        raise InvalidInput("say why the record is shredded", "reason")
    if session.get_bind().dialect.name == "sqlite":
        # Overwrite freed database pages, so the old wrapped key is not left on disk.
        session.execute(text("PRAGMA secure_delete = ON"))
    victim.wrapped_key = None
    victim.shredded_at = at or now()
    session.flush()
    _audit(session, actor, "shred", victim, reason=reason.strip()[:500], key_id=victim.key_id)
    return victim


def refer_victim(
    session: Session,
    actor: Actor,
    keys: KeyProvider,
    victim_id: str,
    *,
    service_id: str,
    consent: bool,
    note: str = "",
) -> Referral:
    """Record a referral to a support service; refused without the person's consent."""
    actor.require(Permission.REFERRALS_MAKE)
    victim = _victim(session, actor, victim_id, Permission.VICTIMS_WRITE)
    if not consent:
        raise ConsentRequired(
            "a referral needs the person's consent: ask them, and record it when given"
        )
    svc = support_service(service_id)
    key = _data_key(victim, keys)
    referral_id = new_id("r")
    at = now()
    body = {
        "service_id": svc.id,
        "service": svc.name,
        "country": svc.country,
        "consent": True,
        "consent_recorded_by": actor.name,
        "consent_at": at.isoformat(timespec="seconds"),
        "note": note.strip()[:2000],
    }
    nonce, ct = encrypt_field(key, victim.id, f"referral:{referral_id}", orjson.dumps(body))
    row = Referral(
        id=referral_id,
        victim_id=victim.id,
        at=at,
        recorded_by=actor.name,
        nonce=nonce,
        ciphertext=ct,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, "refer", victim, referral=referral_id)
    return row
