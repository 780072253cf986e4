"""The engine interface every SQL backend implements."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any, Final, final

import pyarrow as pa

__all__ = ["EngineAPI", "check_identifier"]

_IDENT: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def check_identifier(name: str) -> str:
    """Return ``name`` if it is a plain SQL identifier, else raise ``ValueError``.

    Table names are interpolated into SQL text, so only ``[A-Za-z_][A-Za-z0-9_]*``
    is accepted; values always travel as registered tables, never as SQL text.
    """
    if not _IDENT.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


class EngineAPI(ABC):
    """Runs portable SQL (the subset DuckDB and Spark SQL share).

    Subclasses implement five primitives; the helpers built on them are final so
    that every engine materialises tables the same way.
    """

    name: str = "abstract"

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Make ``table`` queryable as ``name`` (replacing any earlier one)."""

    @abstractmethod
    def execute(self, sql: str) -> None:
        """Run a statement that returns nothing (DDL, ``CREATE TABLE AS``)."""

    @abstractmethod
    def table_exists(self, name: str) -> bool:
        """Whether a table or view called ``name`` exists."""

    @abstractmethod
    def drop(self, name: str) -> None:
        """Drop the table, view or registration ``name`` if it exists."""

    @abstractmethod
    def to_arrow(self, sql: str) -> pa.Table:
        """Run a query and return its result as an Arrow table."""

    def register_parquet(self, name: str, path: str) -> None:
        """Make the Parquet file ``path`` queryable as ``name``.

        The default reads it into Arrow; engines override it to scan the file
        directly, so that it is never held in Python.
        """
        import pyarrow.parquet as pq

        self.register(name, pq.read_table(path))

    def write_parquet(self, sql: str, path: str) -> None:
        """Write the result of ``sql`` to the Parquet file ``path``.

        The default goes through Arrow; engines override it to stream to disk.
        """
        import pyarrow.parquet as pq

        pq.write_table(self.to_arrow(sql), path)

    def version(self) -> str:
        """The engine's version string (recorded with every link run)."""
        return "unknown"

    def close(self) -> None:  # noqa: B027 - optional hook, most engines need it
        """Release the engine's resources."""

    @final
    def materialise(self, name: str, sql: str) -> str:
        """``CREATE TABLE name AS sql`` (replacing an old one); returns ``name``."""
        check_identifier(name)
        self.drop(name)
        self.execute(f"CREATE TABLE {name} AS {sql}")
        return name

    @final
    def scalar(self, sql: str) -> Any:
        """The first column of the first row of ``sql`` (None for no rows)."""
        table = self.to_arrow(sql)
        if table.num_rows == 0:
            return None
        return table.column(0)[0].as_py()

    @final
    def count(self, name: str) -> int:
        """Rows in table ``name``."""
        return int(self.scalar(f"SELECT count(*) FROM {check_identifier(name)}") or 0)

    def __enter__(self) -> EngineAPI:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
