"""The audit log: appends chain, tampering of any kind is found, concurrent writers serialise."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import delete, update

from vigil.audit import AuditChainError, AuditEvent, record, verify_chain
from vigil.store import make_engine, session_factory, upgrade


@pytest.fixture
def sessions(workbench_url: str):  # type: ignore[no-untyped-def]
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield session_factory(engine)
    engine.dispose()


def _fill(sessions, n: int = 5) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s, s.begin():
        for i in range(n):
            record(
                s,
                actor=f"user{i}",
                action="victim.read",
                object_type="victim",
                object_id=str(i),
                detail={"case": "c1", "n": i},
            )


def test_events_chain_and_verify(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        assert verify_chain(s) == 0
    _fill(sessions)
    with sessions() as s:
        assert verify_chain(s) == 5
        events = s.query(AuditEvent).order_by(AuditEvent.seq).all()
        assert [e.seq for e in events] == [1, 2, 3, 4, 5]
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))


@pytest.mark.parametrize(
    "tamper, reason",
    [
        (lambda s: s.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="x")), "3"),
        (lambda s: s.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(detail={})), "2"),
        (lambda s: s.execute(delete(AuditEvent).where(AuditEvent.seq == 4)), "4"),
        (lambda s: s.execute(delete(AuditEvent).where(AuditEvent.seq == 5)), "5"),
    ],
    ids=["edited-actor", "edited-detail", "deleted-middle", "deleted-last"],
)
def test_tampering_is_found(sessions, tamper, reason) -> None:  # type: ignore[no-untyped-def]
    _fill(sessions)
    with sessions() as s, s.begin():
        tamper(s)
    with sessions() as s, pytest.raises(AuditChainError) as err:
        verify_chain(s)
    assert err.value.seq == int(reason)


def test_rolled_back_event_leaves_no_trace(sessions) -> None:  # type: ignore[no-untyped-def]
    _fill(sessions, 2)
    with sessions() as s, pytest.raises(RuntimeError), s.begin():
        record(s, actor="a", action="x", object_type="t", object_id="1")
        raise RuntimeError("the caller's work failed")
    _fill(sessions, 1)
    with sessions() as s:
        assert verify_chain(s) == 3


def test_non_json_detail_is_refused(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s, pytest.raises(TypeError):
        record(s, actor="a", action="x", object_type="t", object_id="1", detail={"o": object()})


def test_concurrent_writers_never_fork_the_chain(sessions) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                with sessions() as s, s.begin():
                    record(s, actor=f"w{k}", action="a", object_type="t", object_id=str(i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with sessions() as s:
        assert verify_chain(s) == 40
