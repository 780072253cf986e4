"""The corpus lake: posts as Parquet part files under the data home, read with DuckDB.

Layout::

    lake/
      posts/part-<run>-<n>.parquet   one file per committed batch
      catalog.duckdb                 post ids already stored, and the committed parts

Appending a batch is atomic and idempotent:

1. rows whose id is already in the catalog (or earlier in the batch) are dropped;
2. the part is written to ``posts/.tmp-<name>`` and fsynced;
3. one DuckDB transaction records the part and its post ids;
4. the temporary file is renamed into place.

A crash before step 3 leaves only a ``.tmp-`` file, which the next open deletes; a
crash between 3 and 4 leaves a committed part still under its temporary name, which
the next open renames. Readers only ever see ``part-*.parquet`` files, so a half-run
never shows half a batch, and re-running stores exactly what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vigil.lake.files import fsync_path, sql_literal
from vigil.lake.schema import POSTS_SCHEMA

__all__ = ["AppendResult", "Lake", "LakeBusyError"]

_TMP = ".tmp-"


class LakeBusyError(RuntimeError):
    """The lake's catalog is locked by another process."""


@dataclass(frozen=True, slots=True)
class AppendResult:
    stored: int
    duplicates: int
    part: str | None


class Lake:
    """The corpus lake rooted at ``root`` (usually ``<VIGIL_HOME>/lake``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.posts_dir = root / "posts"
        self.posts_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._con = duckdb.connect(str(root / "catalog.duckdb"))
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise LakeBusyError(
                    f"{root}: another vigil process is writing to this lake; "
                    "wait for it to finish (or use another VIGIL_HOME)"
                ) from None
            raise
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS post_keys (id VARCHAR PRIMARY KEY, part VARCHAR NOT NULL)"
        )
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS parts (name VARCHAR PRIMARY KEY, run_id VARCHAR NOT NULL,"
            " rows BIGINT NOT NULL, committed_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        self.recover()

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Lake:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def recover(self) -> list[str]:
        """Finish or discard what a crashed run left behind. Returns what was done."""
        committed = {row[0] for row in self._con.execute("SELECT name FROM parts").fetchall()}
        actions: list[str] = []
        for tmp in sorted(self.posts_dir.glob(f"{_TMP}*")):
            name = tmp.name[len(_TMP) :]
            if name in committed:
                tmp.replace(self.posts_dir / name)
                actions.append(f"completed {name}")
            else:
                tmp.unlink()
                actions.append(f"discarded uncommitted {name}")
        for part in self.posts_dir.glob("part-*.parquet"):
            if part.name not in committed:  # cannot happen by construction; keep it visible
                part.rename(part.with_name(f"orphan-{part.name}.bak"))
                actions.append(f"set aside orphan {part.name}")
        if actions:
            fsync_path(self.posts_dir)
        return actions

    # -- writing -----------------------------------------------------------------
    def new_ids(self, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` not yet stored."""
        if not ids:
            return set()
        batch = pa.table({"id": pa.array(ids, pa.string())})
        self._con.register("_ids", batch)
        try:
            rows = self._con.execute(
                "SELECT b.id FROM _ids b ANTI JOIN post_keys k ON b.id = k.id"
            ).fetchall()
        finally:
            self._con.unregister("_ids")
        return {r[0] for r in rows}

    def append(self, rows: Sequence[dict[str, Any]], *, run_id: str, part_no: int) -> AppendResult:
        """Store the rows (dicts shaped like POSTS_SCHEMA) not already in the lake."""
        return self.append_table(
            pa.Table.from_pylist(list(rows), schema=POSTS_SCHEMA), run_id=run_id, part_no=part_no
        )

    def append_table(self, rows: pa.Table, *, run_id: str, part_no: int) -> AppendResult:
        """Store the rows of ``rows`` (POSTS_SCHEMA) whose ids are not yet in the lake.

        Within ``rows`` the first row of each id wins, as with :meth:`append`.
        """
        ids = rows.column("id").to_pylist()
        fresh = self.new_ids(ids)
        keep_at: list[int] = []
        for i, pid in enumerate(ids):
            if pid in fresh:
                keep_at.append(i)
                fresh.discard(pid)
        duplicates = len(ids) - len(keep_at)
        if not keep_at:
            return AppendResult(0, duplicates, None)
        name = f"part-{run_id}-{part_no:05d}.parquet"
        tmp = self.posts_dir / f"{_TMP}{name}"
        table = rows if len(keep_at) == len(ids) else rows.take(keep_at)
        table = table.select(POSTS_SCHEMA.names).cast(POSTS_SCHEMA)
        pq.write_table(table, tmp, compression="zstd")
        fsync_path(tmp)
        ids_table = pa.table(
            {"id": table.column("id"), "part": pa.array([name] * len(keep_at), pa.string())}
        )
        self._con.register("_new", ids_table)
        try:
            self._con.execute("BEGIN TRANSACTION")
            try:
                self._con.execute("INSERT INTO post_keys SELECT id, part FROM _new")
                self._con.execute(
                    "INSERT INTO parts (name, run_id, rows) VALUES (?, ?, ?)",
                    [name, run_id, len(keep_at)],
                )
                self._con.execute("COMMIT")
            except BaseException:
                self._con.execute("ROLLBACK")
                tmp.unlink(missing_ok=True)
                raise
        finally:
            self._con.unregister("_new")
        self._con.execute("CHECKPOINT")
        tmp.replace(self.posts_dir / name)
        fsync_path(self.posts_dir)
        return AppendResult(len(keep_at), duplicates, name)

    # -- reading -----------------------------------------------------------------
    def part_files(self) -> list[Path]:
        return sorted(self.posts_dir.glob("part-*.parquet"))

    def count(self) -> int:
        row = self._con.execute("SELECT count(*) FROM post_keys").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def query(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB connection with a ``posts`` view over the committed parts."""
        con = duckdb.connect()
        try:
            if self.part_files():
                pattern = sql_literal(str(self.posts_dir / "part-*.parquet"))
                con.execute(
                    "CREATE VIEW posts AS SELECT * FROM "
                    f"read_parquet({pattern}, union_by_name = true)"
                )
            else:
                con.register("_empty", POSTS_SCHEMA.empty_table())
                con.execute("CREATE VIEW posts AS SELECT * FROM _empty")
            yield con
        finally:
            con.close()

    def iter_posts(
        self, columns: Iterable[str] | None = None, batch_size: int = 50_000
    ) -> Iterator[pa.RecordBatch]:
        """Stream the posts table as Arrow record batches."""
        cols = list(columns) if columns else None
        for path in self.part_files():
            yield from pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=cols)
