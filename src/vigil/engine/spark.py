"""The Spark engine: the same portable linking SQL, run by Spark SQL.

Tables are temporary views over DataFrames. :meth:`SparkEngine.create_table`
*checkpoints* each one, which cuts its lineage: the iterative connected components
(one table per step, several steps per round) then plan and run in constant time
per round instead of replaying every earlier round. ``checkpoint="reliable"``
writes checkpoints to the session's checkpoint directory (a cluster, where an
executor can be lost); ``"local"`` keeps them in executor storage (one machine).

:meth:`SparkEngine.map_arrow` runs a Python function over Arrow batches on the
executors (``DataFrame.mapInArrow``), which is how MinHash runs distributed.

pyspark is imported only when an engine is built, so ``vigil.engine`` stays
importable without it.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from vigil.engine.base import EngineAPI, check_identifier
from vigil.spark.arrow import map_in_arrow, spark_schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["CHECKPOINT_MODES", "SparkEngine", "merge_parquet_parts", "spark_schema"]

CHECKPOINT_MODES = ("local", "reliable")


def merge_parquet_parts(parts_dir: Path, target: Path) -> int:
    """Concatenate the Parquet parts Spark wrote into ``parts_dir`` into one file.

    Parts are read in name order (Spark numbers them by partition, so a globally
    sorted result stays sorted), one batch at a time; returns the rows written.
    The file is written under a temporary name and renamed.
    """
    parts = sorted(parts_dir.glob("part-*.parquet"))
    tmp = target.with_name(f".tmp-{target.name}")
    rows = 0
    schema = pq.read_schema(parts[0]) if parts else None
    if schema is None:
        raise RuntimeError(f"{parts_dir}: Spark wrote no Parquet part")
    with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for part in parts:
            pf = pq.ParquetFile(part)
            for batch in pf.iter_batches(batch_size=65_536):
                writer.write_batch(batch)
                rows += batch.num_rows
    tmp.replace(target)
    return rows


class SparkEngine(EngineAPI):
    """Runs linking SQL on a SparkSession (see :func:`vigil.spark.build_session`).

    ``checkpoint`` is ``local`` (default) or ``reliable`` (needs a checkpoint
    directory on the session). Caching without a checkpoint is not offered: the
    plans of the iterative components then grow round after round until the
    driver runs out of memory.

    ``map_partitions``: how many partitions :meth:`map_arrow` spreads its rows over
    (default ``spark.default.parallelism``: the cores, or what ``SparkConfig``'s
    ``shuffle_partitions`` set it to).

    ``parts_writer``: whether :meth:`write_parquet` lets the executors write Parquet
    parts (then joined into one file); the default is yes unless the master is
    ``local``, where collecting the result through the driver is twice as fast.
    """

    name = "spark"
    distributed = True

    def __init__(
        self,
        session: SparkSession,
        *,
        checkpoint: str = "local",
        parts_writer: bool | None = None,
        map_partitions: int | None = None,
    ) -> None:
        if checkpoint not in CHECKPOINT_MODES:
            raise ValueError(f"checkpoint must be one of {', '.join(CHECKPOINT_MODES)}")
        if checkpoint == "reliable" and not session.sparkContext.getCheckpointDir():
            raise ValueError("checkpoint='reliable' needs a checkpoint directory on the session")
        self.spark = session
        self.checkpoint = checkpoint
        master = str(session.sparkContext.master)
        self.parts_writer = not master.startswith("local") if parts_writer is None else parts_writer
        #: partitions :meth:`map_arrow` deals its rows into
        self.map_partitions = map_partitions or max(1, session.sparkContext.defaultParallelism)
        self._frames: dict[str, DataFrame] = {}

    # -- the five primitives ---------------------------------------------------------
    def register(self, name: str, table: pa.Table) -> None:
        check_identifier(name)
        self.drop(name)
        frame = self.spark.createDataFrame(table, schema=spark_schema(table.schema))
        self._view(name, frame)

    def execute(self, sql: str) -> None:
        self.spark.sql(sql)

    def table_exists(self, name: str) -> bool:
        return name in self._frames or bool(self.spark.catalog.tableExists(name))

    def drop(self, name: str) -> None:
        check_identifier(name)
        frame = self._frames.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.spark.catalog.dropTempView(name)

    def to_arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    # -- overrides ----------------------------------------------------------------------
    def create_table(self, name: str, sql: str) -> None:
        self._view(name, self._persist(self.spark.sql(sql)))

    def insert(self, name: str, sql: str) -> None:
        check_identifier(name)
        old = self._frames.get(name)
        if old is None:
            raise ValueError(f"no table {name!r} to insert into")
        new = old.union(self.spark.sql(sql))  # by position, as INSERT INTO
        self._view(name, self._persist(new))
        old.unpersist()

    def map_arrow(
        self,
        name: str,
        sql: str,
        fn: Callable[[pa.RecordBatch], pa.Table],
        schema: pa.Schema,
        *,
        batch_rows: int = 100_000,
    ) -> str:
        """``mapInArrow``: ``fn`` runs on the executors, one Arrow batch at a time
        (``spark.sql.execution.arrow.maxRecordsPerBatch`` rows)."""
        check_identifier(name)
        self.drop(name)

        def per_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for batch in batches:
                yield from fn(batch).cast(schema).to_batches()

        # Spread the rows over every core first: a small lake file is one row group
        # (one partition) and AQE coalesces a small join into one partition, either
        # of which leaves the Python work on a single core. An explicit count is
        # kept by AQE; rows are independent, so how they are dealt changes nothing.
        source = self.spark.sql(sql).repartition(self.map_partitions)
        frame = map_in_arrow(source, per_partition, schema)
        self._view(name, self._persist(frame))
        return name

    def register_parquet(self, name: str, path: str) -> None:
        """A view over the Parquet file (or directory of parts) at ``path``."""
        check_identifier(name)
        self.drop(name)
        self._view(name, self.spark.read.parquet(path))

    def write_parquet(self, sql: str, path: str) -> None:
        """Spark writes the parts (in parallel, in order); they are joined into ``path``.

        The single file keeps the layout of the DuckDB engine's results directory.
        """
        target = Path(path)
        if not self.parts_writer:
            tmp = target.with_name(f".tmp-{target.name}")
            pq.write_table(self.to_arrow(sql), tmp, compression="zstd")
            tmp.replace(target)
            return
        parts = target.with_name(f".spark-{uuid.uuid4().hex[:8]}-{target.name}")
        try:
            self.spark.sql(sql).write.mode("overwrite").parquet(str(parts))
            if not any(parts.glob("part-*.parquet")):  # an empty result: no part at all
                pq.write_table(self.to_arrow(sql), target)
            else:
                merge_parquet_parts(parts, target)
        finally:
            shutil.rmtree(parts, ignore_errors=True)

    def version(self) -> str:
        return f"spark {self.spark.version}"

    def close(self) -> None:
        for name in list(self._frames):
            self.drop(name)

    # -- helpers ------------------------------------------------------------------------
    def _persist(self, frame: DataFrame) -> DataFrame:
        if self.checkpoint == "reliable":
            return frame.checkpoint(eager=True)
        return frame.localCheckpoint(eager=True)

    def _view(self, name: str, frame: DataFrame) -> None:
        frame.createOrReplaceTempView(name)
        self._frames[name] = frame
