"""Small file-system and SQL-text helpers for writing the lake safely."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["fsync_path", "sql_literal"]


def fsync_path(path: Path) -> None:
    """Flush a file, or a directory's entries, to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sql_literal(text: str) -> str:
    """Quote ``text`` as a SQL string literal (DDL statements cannot take parameters)."""
    return "'" + text.replace("'", "''") + "'"
