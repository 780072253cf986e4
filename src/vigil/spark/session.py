"""Build the SparkSession vigil runs on, with the configuration that matters.

Defaults suit a laptop or CI (``local[2]``, UI off, few shuffle partitions); on a
cluster, ``spark-submit`` supplies the master and resources and the builder only
fills in what vigil needs to give the same answers as DuckDB:

* ``spark.sql.session.timeZone=UTC``: timestamps travel as UTC instants;
* ``spark.sql.ansi.doubleQuotedIdentifiers=true``: the portable SQL quotes the
  column ``"end"`` as standard SQL does;
* ``spark.sql.parquet.outputTimestampType=TIMESTAMP_MICROS``: Parquet timestamps as
  DuckDB and pyarrow write them (not INT96);
* ``spark.sql.execution.arrow.maxRecordsPerBatch``: rows per Arrow batch handed to
  the vectorised stages (extraction, scoring, MinHash).

On a ``local[N]`` master the builder also sets what makes one machine fast (none of
it changes an answer; each can be overridden through ``SparkConfig.extra``):

* ``spark.sql.codegen.wholeStage=false``: linking issues a few hundred small, mostly
  distinct queries; compiling each one's generated Java (Janino, then the JIT) cost
  more than running it interpreted (3-4x per query measured on 2 cores);
* adaptive query execution on, with partition coalescing, so that the shuffle
  partitions of a small run collapse to what the data needs.

No JAR is fetched at run time: nothing here sets ``spark.jars.packages``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["LOCAL_CONF", "SparkConfig", "build_session", "spark_available"]

#: what vigil always sets (the answers depend on these)
REQUIRED_CONF: dict[str, str] = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.doubleQuotedIdentifiers": "true",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}

#: what a ``local[N]`` master gets on top (speed only; see the module docstring)
LOCAL_CONF: dict[str, str] = {
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.enabled": "true",
    # results are collected through the driver, which is the executor's own JVM: the
    # 1 GiB default stopped the export of 1M posts (1.1 GiB); the heap bounds it
    "spark.driver.maxResultSize": "0",
}


@dataclass(frozen=True, slots=True)
class SparkConfig:
    """How to start (or join) a Spark application.

    ``master`` None leaves it to ``spark-submit`` (or ``local[2]`` when nothing set
    one). ``checkpoint_dir`` holds the checkpoints that cut the lineage of the
    iterative connected components (``reliable`` mode); ``checkpoint`` is
    ``local`` (executor storage, fastest, lost with an executor) or ``reliable``
    (files under ``checkpoint_dir``; use it on a cluster).
    """

    master: str | None = "local[2]"
    app_name: str = "vigil"
    shuffle_partitions: int | None = 4
    arrow_batch_rows: int | None = 10_000
    driver_memory: str | None = None
    checkpoint_dir: Path | str | None = None
    checkpoint: str = "local"
    ui: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def local(self) -> bool:
        return (self.master or "").startswith("local")

    def conf(self) -> dict[str, str]:
        """Every Spark setting this config applies (besides the master).

        Fields left at None are not set, so ``spark-submit --conf`` decides them.
        """
        out = {
            "spark.app.name": self.app_name,
            "spark.ui.enabled": "true" if self.ui else "false",
            "spark.ui.showConsoleProgress": "false",
            **REQUIRED_CONF,
        }
        if self.shuffle_partitions is not None:
            out["spark.sql.shuffle.partitions"] = str(int(self.shuffle_partitions))
            out["spark.default.parallelism"] = str(int(self.shuffle_partitions))
        if self.arrow_batch_rows is not None:
            out["spark.sql.execution.arrow.maxRecordsPerBatch"] = str(int(self.arrow_batch_rows))
        if self.driver_memory:
            out["spark.driver.memory"] = self.driver_memory
        if self.local:
            out.update(LOCAL_CONF)
            # one machine: no host name look-up, nothing listening beyond loopback
            out["spark.driver.host"] = "127.0.0.1"
            out["spark.driver.bindAddress"] = "127.0.0.1"
        out.update(self.extra)
        return out


def spark_available() -> bool:
    """Whether pyspark is importable and a Java runtime is on PATH (or JAVA_HOME)."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    import shutil

    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and (Path(home) / "bin" / "java").exists()))


def build_session(config: SparkConfig | None = None) -> SparkSession:
    """Start a SparkSession (or return the active one, with vigil's settings applied).

    Raises ``RuntimeError`` with a readable message when pyspark or Java is missing.
    """
    config = config or SparkConfig()
    if not spark_available():
        raise RuntimeError(
            "Spark needs pyspark (pip install 'vigil[spark]') and a Java 17+ runtime "
            "(Debian: apt-get install -y default-jre-headless)"
        )
    # the workers must run the same interpreter (and so the same numpy) as the driver
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if config.master:
        builder = builder.master(config.master)
    for key, value in config.conf().items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key, value in config.conf().items():
        if key.startswith("spark.sql."):
            session.conf.set(key, value)  # also when the session already existed
    if config.checkpoint_dir is not None:
        where = str(config.checkpoint_dir)
        if "://" not in where:  # a local path (hdfs://, s3a://, dbfs:/ are Spark's to make)
            Path(where).mkdir(parents=True, exist_ok=True)
        session.sparkContext.setCheckpointDir(where)
    session.sparkContext.setLogLevel("ERROR")
    return session
