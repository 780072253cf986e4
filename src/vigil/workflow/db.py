"""Opening the workbench for the workflow services (migrated on first use)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from vigil.settings import Settings
from vigil.store import make_engine, session_factory, upgrade

__all__ = ["workbench"]

_MIGRATED: set[str] = set()  # workbench URLs this process has already brought up to date


@contextmanager
def workbench(settings: Settings) -> Iterator[Session]:
    """A session on the migrated workbench; commits on success, rolls back on error."""
    url = settings.workbench_url
    if url not in _MIGRATED:
        upgrade(url)
        _MIGRATED.add(url)
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        engine.dispose()
