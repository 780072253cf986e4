"""Shared fixtures: a data home per test, the workbench on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from vigil.settings import Settings, get_settings

REPO = Path(__file__).resolve().parents[1]

# Speed is measured in benchmarks, never in tests: no per-example deadline, so a busy
# 2-core CI machine cannot fail a property test by being slow.
hypothesis_settings.register_profile("vigil", deadline=None, print_blob=True)
hypothesis_settings.load_profile("vigil")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a fresh data home (SQLite workbench, small batches)."""
    return get_settings(home=tmp_path / "home", batch_size=100, progress=False)


def _postgres_url() -> str:
    url = os.environ.get("VIGIL_TEST_DATABASE_URL")
    if not url:
        raise RuntimeError(
            "VIGIL_TEST_DATABASE_URL is not set: run the suite with `make test`, which starts "
            "PostgreSQL on loopback (scripts/test-postgres.sh prints the URL)."
        )
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def workbench_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty workbench database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'wb.db'}"
        return
    with postgres_database() as url:
        yield url


@contextmanager
def postgres_database(prefix: str = "vigil_t") -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards; yields its URL."""
    base = make_url(_postgres_url())
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
