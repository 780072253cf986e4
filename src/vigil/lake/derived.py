"""Derived tables: one Parquet part per lake part, computed once per stage version.

A stage (extraction now; indicators and scoring later) maps a posts part to a derived
table. Its output lives in ``lake/<stage>/`` with the same part names, so re-running
computes only the parts that are new; a version change recomputes everything. Each
output is written under a temporary name (the writer's own) and renamed, so a crash
leaves no half part.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from vigil.lake.files import fsync_path, sql_literal
from vigil.lake.store import Lake
from vigil.procpool import worker_pool

__all__ = ["FusedStages", "Stage", "StageResult", "query_stage", "run_fused", "run_stage"]

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


@dataclass(frozen=True, slots=True)
class FusedStages:
    """Several stages computed in one pass over a part, e.g. extraction and scoring.

    ``fn(posts)`` returns one table per stage of ``stages`` (in order), the same
    tables the stages would give one after the other; ``columns`` are the posts
    columns it reads.
    """

    stages: tuple[Stage, ...]
    columns: tuple[str, ...]
    fn: Callable[[pa.Table], tuple[pa.Table, ...]]


def _prepare(lake: Lake, stage: Stage) -> Path:
    """The stage's folder, emptied if it holds another version, with no temporary files."""
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
    return out_dir


def _write_part(table: pa.Table, stage: Stage, root: Path, part: Path) -> int:
    out_dir = root / stage.name
    # The temporary name is this process's own: a worker orphaned by a killed run can
    # still be finishing the same part, and must never rename this writer's file.
    tmp = out_dir / f".tmp-{os.getpid()}-{part.name}"
    pq.write_table(table.cast(stage.schema), tmp, compression="zstd")
    fsync_path(tmp)
    tmp.replace(out_dir / part.name)
    return int(table.num_rows)


def _compute_part(stage: Stage | FusedStages, root: Path, part: Path) -> tuple[int, int]:
    """Compute one part of ``stage`` and write it atomically; returns (posts, rows).

    Fused stages are written one after the other, each atomically: a crash between
    two leaves the later ones missing, and run_stage computes them alone next time.
    """
    posts = pq.read_table(part, columns=list(stage.columns))
    if isinstance(stage, FusedStages):
        tables = stage.fn(posts)
        rows = [_write_part(t, s, root, part) for s, t in zip(stage.stages, tables, strict=True)]
        return posts.num_rows, rows[0]
    inputs = {name: pq.read_table(root / name / part.name) for name in stage.requires}
    return posts.num_rows, _write_part(stage.fn(posts, inputs), stage, root, part)


_WORKER_STAGE: Stage | FusedStages | None = None


def _init_worker(factory: Callable[[], Stage | FusedStages]) -> None:
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
    out_dir = _prepare(lake, stage)
    parts = lake.part_files()
    todo = [p for p in parts if not (out_dir / p.name).exists()]
    rows = _compute_parts(lake, stage, todo, on_part=on_part, factory=factory, workers=workers)
    fsync_path(out_dir)
    return StageResult(len(todo), len(parts) - len(todo), rows)


def _compute_parts(
    lake: Lake,
    stage: Stage | FusedStages,
    todo: list[Path],
    *,
    on_part: Callable[[int], None] | None,
    factory: Callable[[], Stage | FusedStages] | None,
    workers: int,
) -> int:
    rows = 0
    if workers > 1 and factory is not None and len(todo) > 1:
        with worker_pool(
            min(workers, len(todo)), initializer=_init_worker, initargs=(factory,)
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
    return rows


def run_fused(
    lake: Lake,
    fused: FusedStages,
    *,
    on_part: Callable[[int], None] | None = None,
    factory: Callable[[], FusedStages] | None = None,
    workers: int = 1,
) -> list[StageResult]:
    """Run the stages of ``fused``, in one pass for each part that has none of them.

    Parts that already have some of the stages (after a crash, or when only a later
    stage's version changed) are completed stage by stage with :func:`run_stage`.
    Results are as if each stage had run alone, in order.
    """
    dirs = [_prepare(lake, stage) for stage in fused.stages]
    parts = lake.part_files()
    todo = [p for p in parts if not any((d / p.name).exists() for d in dirs)]
    first_rows = _compute_parts(
        lake, fused, todo, on_part=on_part, factory=factory, workers=workers
    )
    for d in dirs:
        fsync_path(d)
    results = []
    for k, stage in enumerate(fused.stages):
        rest = run_stage(
            lake,
            stage,
            on_part=on_part if k == 0 else None,
            factory=_StageOf(factory, k) if factory is not None else None,
            workers=workers,
        )
        results.append(
            StageResult(
                rest.parts_done + len(todo),
                rest.parts_skipped - len(todo),
                rest.rows + (first_rows if k == 0 else 0),
            )
        )
    return results


@dataclass(frozen=True, slots=True)
class _StageOf:
    """A picklable factory of stage ``index`` of what ``factory`` builds."""

    factory: Callable[[], FusedStages]
    index: int

    def __call__(self) -> Stage:
        return self.factory().stages[self.index]


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
