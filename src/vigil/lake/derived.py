"""Derived tables: one Parquet part per lake part, computed once per stage version.

A stage (extraction now; indicators and scoring later) maps a posts part to a derived
table. Its output lives in ``lake/<stage>/`` with the same part names, so re-running
computes only the parts that are new; a version change recomputes everything. Each
output is written under a temporary name and renamed, so a crash leaves no half part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vigil.lake.files import fsync_path, sql_literal
from vigil.lake.store import Lake

__all__ = ["Stage", "StageResult", "query_stage", "run_stage"]

_VERSION_FILE = "_version"


@dataclass(frozen=True, slots=True)
class Stage:
    """A derived table: ``name`` (its folder), a version, the input columns and the map.

    ``fn(posts, inputs)`` gets the part's posts (``columns`` only) and, in ``inputs``,
    the same part of every stage named in ``requires`` (which must have run first).
    """

    name: str
    version: str
    columns: tuple[str, ...]
    schema: pa.Schema
    fn: Callable[[pa.Table, dict[str, pa.Table]], pa.Table]
    requires: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StageResult:
    parts_done: int
    parts_skipped: int
    rows: int


def stage_dir(lake: Lake, stage_name: str) -> Path:
    return lake.root / stage_name


def run_stage(
    lake: Lake, stage: Stage, *, on_part: Callable[[int], None] | None = None
) -> StageResult:
    """Compute ``stage`` for every lake part that does not have it yet."""
    out_dir = stage_dir(lake, stage.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    version_file = out_dir / _VERSION_FILE
    # A stage's version includes the versions of the stages it reads, so an upstream
    # change recomputes everything downstream.
    if not version_file.exists() or version_file.read_text().strip() != stage.version:
        for old in out_dir.glob("*.parquet"):
            old.unlink()
        version_file.write_text(stage.version + "\n")
    for tmp in out_dir.glob(".tmp-*"):
        tmp.unlink()
    done = skipped = rows = 0
    for part in lake.part_files():
        target = out_dir / part.name
        if target.exists():
            skipped += 1
            continue
        posts = pq.read_table(part, columns=list(stage.columns))
        inputs = {name: pq.read_table(stage_dir(lake, name) / part.name) for name in stage.requires}
        table = stage.fn(posts, inputs).cast(stage.schema)
        tmp = out_dir / f".tmp-{part.name}"
        pq.write_table(table, tmp, compression="zstd")
        fsync_path(tmp)
        tmp.replace(target)
        done += 1
        rows += table.num_rows
        if on_part:
            on_part(posts.num_rows)
    fsync_path(out_dir)
    return StageResult(done, skipped, rows)


@contextmanager
def query_stage(
    lake: Lake, stage_name: str, schema: pa.Schema
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection with views ``posts`` and ``<stage_name>``."""
    with lake.query() as con:
        out_dir = stage_dir(lake, stage_name)
        if out_dir.exists() and any(out_dir.glob("part-*.parquet")):
            pattern = sql_literal(str(out_dir / "part-*.parquet"))
            con.execute(f"CREATE VIEW {stage_name} AS SELECT * FROM read_parquet({pattern})")
        else:
            con.register(f"_empty_{stage_name}", schema.empty_table())
            con.execute(f"CREATE VIEW {stage_name} AS SELECT * FROM _empty_{stage_name}")
        yield con
