"""Ingest: read posts from files, validate, normalise, dedupe, quarantine, store."""

from vigil.ingest.normalise import normalise_text
from vigil.ingest.schema import InvalidRow, validate_row
from vigil.ingest.service import IngestSummary, ingest_files

__all__ = ["IngestSummary", "InvalidRow", "ingest_files", "normalise_text", "validate_row"]
