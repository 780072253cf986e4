"""The persistent transparency log on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from vigil.evidence import log, merkle
from vigil.evidence.checkpoints import add_cosignature, audit_log, issue_checkpoint
from vigil.evidence.note import (
    ALG_COSIGNATURE,
    Signer,
    cosign,
    format_checkpoint,
    open_checkpoint,
    sign_note,
)
from vigil.evidence.tables import LogEntry, LogNode
from vigil.store import make_engine, session_factory, upgrade


@pytest.fixture
def factory(workbench_url: str) -> Iterator[sessionmaker[Session]]:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield session_factory(engine)
    engine.dispose()


def _data(i: int) -> bytes:
    return b"entry-" + i.to_bytes(4, "big")


def test_batched_appends_match_the_pure_tree(factory: sessionmaker[Session]) -> None:
    data = [_data(i) for i in range(77)]
    hashes = [merkle.leaf_hash(d) for d in data]
    with factory() as s, s.begin():
        got: list[int] = []
        # uneven batches, including single leaves, cross every power-of-two border
        for lo, hi in [(0, 1), (1, 2), (2, 7), (7, 8), (8, 40), (40, 41), (41, 77)]:
            got += log.append_entries(s, data[lo:hi])
        assert got == list(range(77))
    with factory() as s:
        assert log.log_size(s) == 77
        for size in range(1, 78):
            root = log.root_at(s, size)
            assert root == merkle.root_from_leaf_hashes(hashes[:size])
            for i in {0, size - 1}:
                proof = log.inclusion_proof(s, i, size)
                assert proof == merkle.inclusion_proof(hashes[:size], i)
                merkle.verify_inclusion(hashes[i], i, size, proof, root)
            for m in {size // 2 or 1, size}:
                proof = log.consistency_proof(s, m, size)
                assert proof == merkle.consistency_proof(hashes[:size], m)
        assert log.verify_log(s) == merkle.root_from_leaf_hashes(hashes)
        assert log.root_at(s, 0) == merkle.EMPTY_ROOT
        with pytest.raises(log.LogError, match="beyond"):
            log.inclusion_proof(s, 0, 78)
        with pytest.raises(merkle.ProofError):
            log.inclusion_proof(s, 77, 77)
        with pytest.raises(merkle.ProofError):
            log.consistency_proof(s, 0, 77)


def test_log_verification_names_a_tampered_leaf_or_node(factory: sessionmaker[Session]) -> None:
    with factory() as s, s.begin():
        log.append_entries(s, [_data(i) for i in range(20)])
    with factory() as s, s.begin():
        s.execute(update(LogEntry).where(LogEntry.idx == 13).values(data=b"forged"))
    with factory() as s, pytest.raises(log.LogError, match="leaf 13"):
        log.verify_log(s)
    with factory() as s, s.begin():
        s.execute(update(LogEntry).where(LogEntry.idx == 13).values(data=_data(13)))
        s.execute(
            update(LogNode).where(LogNode.level == 2, LogNode.idx == 1).values(hash=b"\x00" * 32)
        )
    with factory() as s, pytest.raises(log.LogError, match="level 2, index 1"):
        log.verify_log(s)


def test_concurrent_writers_never_share_an_index(factory: sessionmaker[Session]) -> None:
    results: list[list[int]] = []
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for b in range(5):
                with factory() as s, s.begin():
                    results.append(
                        log.append_entries(s, [_data(w * 100 + b * 10 + k) for k in range(7)])
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    indices = sorted(i for r in results for i in r)
    assert indices == list(range(4 * 5 * 7))
    with factory() as s:
        assert log.log_size(s) == 140
        log.verify_log(s)


def test_checkpoints_cosignatures_and_log_audit(factory: sessionmaker[Session]) -> None:
    signer = Signer.generate("vigil.example.org/log")
    witness = Signer.generate("witness.example.net", ALG_COSIGNATURE)
    with factory() as s, s.begin():
        log.append_entries(s, [_data(i) for i in range(10)])
        first = issue_checkpoint(s, signer).note
        assert issue_checkpoint(s, signer).note == first  # nothing new: same checkpoint
    with factory() as s, s.begin():
        log.append_entries(s, [_data(i) for i in range(10, 25)])
        latest = issue_checkpoint(s, signer)
        add_cosignature(s, cosign(latest.note, witness, 1_790_000_000), signer.verifier)
    with factory() as s:
        audit = audit_log(
            s,
            signer.verifier,
            [("kept.txt", first)],
            witnesses=[witness.verifier],
            required_witnesses=1,
        )
        assert audit.ok, audit.problems
        assert audit.checkpoint is not None and audit.checkpoint.size == 25
        assert audit.checkpoint.cosigned_by == ("witness.example.net",)
        cp = open_checkpoint(latest.note, signer.verifier)
        assert cp.root == log.root_at(s, 25)
        # a checkpoint from a forked history is caught
        fake_root = merkle.leaf_hash(b"fork")
        fork = sign_note(format_checkpoint(signer.name, 10, fake_root), [signer])
        audit = audit_log(s, signer.verifier, [("fork.txt", fork)])
        assert not audit.ok and "fork.txt" in audit.problems[0]
        assert "not consistent" in audit.problems[0]
        bigger = sign_note(format_checkpoint(signer.name, 99, fake_root), [signer])
        audit = audit_log(s, signer.verifier, [("big.txt", bigger)])
        assert "truncated" in audit.problems[0]
        other = Signer.generate(signer.name)
        audit = audit_log(s, other.verifier, [])
        assert "latest checkpoint" in audit.problems[0]


def test_evidence_models_match_the_migration(workbench_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from vigil.evidence import tables
    from vigil.store.registry import all_metadata

    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    metadata = all_metadata()
    assert "evidence_log_nodes" in tables.Base.metadata.tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    ours = [d for d in diff if "evidence_" in repr(d)]
    assert ours == [], f"evidence models and migration 0003 disagree: {ours}"
