"""The corpus lake: Parquet part files under the data home, queried with DuckDB."""

from vigil.lake.schema import POSTS_SCHEMA
from vigil.lake.store import AppendResult, Lake, LakeBusyError

__all__ = ["POSTS_SCHEMA", "AppendResult", "Lake", "LakeBusyError"]
