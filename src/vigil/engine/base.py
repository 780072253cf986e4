"""The engine interface every SQL backend implements."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable
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
    #: True for engines whose workers run :meth:`map_arrow` in parallel (Spark): the
    #: linking run then hands them the per-post Python steps instead of streaming
    #: the posts file through the driver.
    distributed: bool = False

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

    def create_table(self, name: str, sql: str) -> None:
        """Create table ``name`` from ``sql`` (``name`` does not exist).

        The default is ``CREATE TABLE name AS sql``; engines without writable
        tables (Spark temp views) override it.
        """
        self.execute(f"CREATE TABLE {name} AS {sql}")

    def insert(self, name: str, sql: str) -> None:
        """Append the rows of ``sql`` to table ``name`` (same columns, same order)."""
        self.execute(f"INSERT INTO {check_identifier(name)} {sql}")

    def map_arrow(
        self,
        name: str,
        sql: str,
        fn: Callable[[pa.RecordBatch], pa.Table],
        schema: pa.Schema,
        *,
        batch_rows: int = 100_000,
    ) -> str:
        """Materialise ``name`` as ``fn`` applied to each Arrow batch of ``sql``'s rows.

        ``fn`` must be a pure function of its batch (the result may not depend on
        how the rows are cut into batches) returning a table of ``schema``. The
        default runs it here, batch by batch; Spark runs it on its executors
        (``mapInArrow``).
        """
        check_identifier(name)
        self.drop(name)
        self.register(f"{name}_map", schema.empty_table())
        self.create_table(name, f"SELECT * FROM {name}_map")
        self.drop(f"{name}_map")
        for batch in self.to_arrow(sql).to_batches(max_chunksize=batch_rows):
            self.register(f"{name}_map", fn(batch).cast(schema))
            self.insert(name, f"SELECT * FROM {name}_map")
            self.drop(f"{name}_map")
        return name

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
        self.create_table(name, sql)
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
