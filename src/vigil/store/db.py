"""Workbench database: engine factory, migrations and sessions.

SQLite (a file in the data home) by default; PostgreSQL when ``VIGIL_DATABASE_URL``
points at one. Migrations are applied with Alembic (:func:`upgrade`), never with
``create_all``, so a fresh database and an upgraded one have the same schema.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["alembic_config", "downgrade", "make_engine", "session_factory", "upgrade"]

_MIGRATIONS = Path(__file__).with_name("migrations")


class _NoResultRows(logging.Filter):
    """Drop SQLAlchemy's DEBUG records of result rows: they hold tips, names and other
    personal data. Statement parameters are hidden by ``hide_parameters`` instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith(("Row ", "Col ")))


logging.getLogger("sqlalchemy.engine.Engine").addFilter(_NoResultRows())


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout.

    Statement parameters are never logged or put in error messages (``hide_parameters``):
    they carry tip texts, names and other personal data.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply migrations up to ``revision`` (idempotent; default: every head)."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
