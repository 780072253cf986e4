"""The default engine: an in-process DuckDB connection."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from vigil.engine.base import EngineAPI, check_identifier

__all__ = ["DuckDBEngine"]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class DuckDBEngine(EngineAPI):
    """Runs linking SQL on DuckDB (in memory unless ``database`` is a path).

    ``threads`` and ``memory_limit`` (e.g. ``"2GB"``) are passed to DuckDB; DuckDB
    spills to ``temp_directory`` beyond the memory limit.
    """

    name = "duckdb"

    def __init__(
        self,
        database: str = ":memory:",
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
    ) -> None:
        self.con = duckdb.connect(database)
        if threads is not None:
            self.con.execute(f"SET threads = {int(threads)}")
        if memory_limit is not None:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        if temp_directory is not None:
            self.con.execute("SET temp_directory = ?", [temp_directory])
        self.con.execute("SET preserve_insertion_order = false")
        self._registered: set[str] = set()

    def register(self, name: str, table: pa.Table) -> None:
        check_identifier(name)
        self.drop(name)
        self.con.register(name, table)
        self._registered.add(name)

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def table_exists(self, name: str) -> bool:
        if name in self._registered:
            return True
        row = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        return bool(row and row[0])

    def drop(self, name: str) -> None:
        check_identifier(name)
        if name in self._registered:
            self.con.unregister(name)
            self._registered.discard(name)
            return
        row = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchone()
        if row is None:
            return
        kind = "VIEW" if row[0] == "VIEW" else "TABLE"
        self.con.execute(f"DROP {kind} IF EXISTS {name}")

    def to_arrow(self, sql: str) -> pa.Table:
        result = self.con.sql(sql).to_arrow_table()
        assert isinstance(result, pa.Table)
        return result

    def register_parquet(self, name: str, path: str) -> None:
        """A view over ``read_parquet(path)``: DuckDB scans the file, Python holds nothing."""
        check_identifier(name)
        self.drop(name)
        self.con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quote(path)})")

    def write_parquet(self, sql: str, path: str) -> None:
        """``COPY (sql) TO path``: streamed by DuckDB, never held in Python."""
        self.con.execute(f"COPY ({sql}) TO {_quote(path)} (FORMAT parquet)")

    def version(self) -> str:
        return f"duckdb {duckdb.__version__}"

    def close(self) -> None:
        self.con.close()
