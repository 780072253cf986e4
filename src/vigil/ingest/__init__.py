"""Ingest: read posts from files, validate, normalise, dedupe, quarantine, store.

The public names are imported lazily so that light users (the CLI's option parsing,
the readers) do not pay for the stores' imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.ingest.normalise import normalise_text
    from vigil.ingest.schema import InvalidRow, validate_row
    from vigil.ingest.service import IngestSummary, ingest_files

__all__ = ["IngestSummary", "InvalidRow", "ingest_files", "normalise_text", "validate_row"]

_WHERE = {
    "normalise_text": "vigil.ingest.normalise",
    "InvalidRow": "vigil.ingest.schema",
    "validate_row": "vigil.ingest.schema",
    "IngestSummary": "vigil.ingest.service",
    "ingest_files": "vigil.ingest.service",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'vigil.ingest' has no attribute {name!r}")
