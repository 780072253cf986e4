"""Small file-system and SQL-text helpers for writing the lake safely."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["RESULTS_PARQUET", "fsync_path", "sql_literal"]

#: DuckDB ``COPY`` options of the scan's results files. zstd level 1: 1M posts in
#: 7.2 s and 129 MB, against 8.7 s and 120 MB at DuckDB's default level 3.
RESULTS_PARQUET = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1"


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
