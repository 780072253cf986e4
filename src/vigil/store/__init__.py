"""The workbench store: what people do (runs, reviews, cases...), in SQLAlchemy."""

from vigil.store.db import make_engine, session_factory, upgrade
from vigil.store.tables import Base, IngestRun

__all__ = ["Base", "IngestRun", "make_engine", "session_factory", "upgrade"]
