"""Every module that declares workbench tables, so ``Base.metadata`` is complete.

Alembic's environment and the model/migration agreement test import this; a domain that adds
tables lists its module here.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from vigil.store.tables import Base

__all__ = ["TABLE_MODULES", "all_metadata"]

TABLE_MODULES = (
    "vigil.store.tables",
    "vigil.audit.tables",
    "vigil.evidence.tables",
    "vigil.auth.tables",
    "vigil.workflow.tables",
    "vigil.sharing.tables",
    "vigil.reporting.tables",
)


def all_metadata() -> MetaData:
    """``Base.metadata`` with every domain's tables registered on it."""
    for name in TABLE_MODULES:
        importlib.import_module(name)
    return Base.metadata
