"""Derived tables: one Parquet part per lake part, computed once per stage version.

A stage (extraction now; indicators and scoring later) maps a posts part to a derived
table. Its output lives in ``lake/<stage>/`` with the same part names, so re-running
computes only the parts that are new; a version change recomputes everything. Each
output is written under a temporary name and renamed, so a crash leaves no half part.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
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


def _compute_part(stage: Stage, root: Path, part: Path) -> tuple[int, int]:
    """Compute one part of ``stage`` and write it atomically; returns (posts, rows)."""
    posts = pq.read_table(part, columns=list(stage.columns))
    inputs = {name: pq.read_table(root / name / part.name) for name in stage.requires}
    table = stage.fn(posts, inputs).cast(stage.schema)
    out_dir = root / stage.name
    tmp = out_dir / f".tmp-{part.name}"
    pq.write_table(table, tmp, compression="zstd")
    fsync_path(tmp)
    tmp.replace(out_dir / part.name)
    return posts.num_rows, table.num_rows


_WORKER_STAGE: Stage | None = None


def _init_worker(factory: Callable[[], Stage]) -> None:
    global _WORKER_STAGE  # one stage per worker process, built once
    _WORKER_STAGE = factory()


def _worker_compute(root: str, part: str) -> tuple[int, int]:
    assert _WORKER_STAGE is not None
    return _compute_part(_WORKER_STAGE, Path(root), Path(part))


def run_stage(
    lake: Lake,
    stage: Stage,
    *,
    on_part: Callable[[int], None] | None = None,
    factory: Callable[[], Stage] | None = None,
    workers: int = 1,
) -> StageResult:
    """Compute ``stage`` for every lake part that does not have it yet.

    With ``workers`` > 1 and a picklable ``factory`` that rebuilds the stage (e.g. a
    ``functools.partial`` of a module-level function), parts are computed in that
    many processes. Each part is written atomically either way, so a crash or a kill
    loses at most the parts in flight, and a re-run computes exactly what is missing.
    """
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
    parts = lake.part_files()
    todo = [p for p in parts if not (out_dir / p.name).exists()]
    rows = 0
    if workers > 1 and factory is not None and len(todo) > 1:
        context = multiprocessing.get_context("spawn")  # no fork: DuckDB handles are open
        with ProcessPoolExecutor(
            max_workers=min(workers, len(todo)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(factory,),
        ) as pool:
            futures = [pool.submit(_worker_compute, str(lake.root), str(p)) for p in todo]
            for future in as_completed(futures):
                n_posts, n_rows = future.result()
                rows += n_rows
                if on_part:
                    on_part(n_posts)
    else:
        for part in todo:
            n_posts, n_rows = _compute_part(stage, lake.root, part)
            rows += n_rows
            if on_part:
                on_part(n_posts)
    fsync_path(out_dir)
    return StageResult(len(todo), len(parts) - len(todo), rows)


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
