"""The workbench store on both backends: SQLite (default) and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from vigil.store import IngestRun, make_engine, session_factory, upgrade
from vigil.store.db import alembic_config, downgrade
from vigil.store.registry import all_metadata


def test_migrations_create_the_model_schema(workbench_url: str) -> None:
    upgrade(workbench_url)
    upgrade(workbench_url)  # idempotent
    engine = make_engine(workbench_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), all_metadata())
        versions = set(conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert versions == set(ScriptDirectory.from_config(alembic_config(workbench_url)).get_heads())


def test_downgrade_removes_tables(workbench_url: str) -> None:
    upgrade(workbench_url)
    downgrade(workbench_url, "base")
    engine = make_engine(workbench_url)
    names = set(sa.inspect(engine).get_table_names())
    engine.dispose()
    assert "ingest_runs" not in names


def test_ingest_run_round_trip(workbench_url: str) -> None:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    sessions = session_factory(engine)
    started = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    with sessions.begin() as s:
        s.add(
            IngestRun(
                id="r1",
                started_at=started,
                status="running",
                sources=["a.jsonl", "b.csv"],
                read=0,
                stored=0,
                duplicates=0,
                quarantined=0,
                parts=0,
                tool_version="0.1.0",
            )
        )
    with sessions.begin() as s:
        run = s.get(IngestRun, "r1")
        assert run is not None
        run.read, run.stored, run.status = 10_000_000_000, 9, "done"
    with sessions() as s:
        run = s.get(IngestRun, "r1")
        assert run is not None
        assert run.sources == ["a.jsonl", "b.csv"]
        assert run.read == 10_000_000_000  # BIGINT on both backends
        assert run.started_at.replace(tzinfo=run.started_at.tzinfo or UTC) == started
    engine.dispose()


def test_rollback_leaves_nothing(workbench_url: str) -> None:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    sessions = session_factory(engine)
    try:
        with sessions.begin() as s:
            s.add(
                IngestRun(
                    id="r2",
                    started_at=datetime.now(UTC),
                    status="running",
                    sources=[],
                    read=0,
                    stored=0,
                    duplicates=0,
                    quarantined=0,
                    parts=0,
                    tool_version="x",
                )
            )
            s.flush()
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    with sessions() as s:
        assert s.get(IngestRun, "r2") is None
    engine.dispose()
