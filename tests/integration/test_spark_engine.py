"""The Spark engine's primitives, Arrow batch functions and session settings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigil.engine import DuckDBEngine
from vigil.linking.params import LinkParams
from vigil.linking.text import masked_text
from vigil.linking.textlink import BAND_ROWS_SCHEMA, band_rows, masked_band_rows
from vigil.spark.session import SparkConfig, build_session, spark_available

if not spark_available():  # make test installs both; a missing one is a broken setup
    raise RuntimeError("pyspark and a Java runtime are needed: run the suite with `make test`")

TEXTS = [
    ("Sweet Anna new in town", "call me 555-0142 anytime, real photos, no rush, incall outcall"),
    ("Sweet Lola new in town", "call me 555-0199 anytime, real photos, no rush, incall outcall"),
    ("Room for rent", "bright room near the station, bills included, no pets please thanks"),
    ("", "too short"),
]


def _batch() -> pa.RecordBatch:
    spans: list[list[str | None]] = [["body"], ["body"], [None], [None]]
    return pa.RecordBatch.from_pydict(
        {
            "node": pa.array([0, 1, 2, 3], pa.int64()),
            "title_text": [t for t, _ in TEXTS],
            "body_text": [b for _, b in TEXTS],
            "fields": spans,
            "starts": [[8], [8], [None], [None]],
            "ends": [[16], [16], [None], [None]],
        }
    )


def _sorted(table: pa.Table) -> list[tuple[int, int, int]]:
    cols = [table.column(c).to_pylist() for c in ("node", "kind", "value")]
    return sorted(zip(*cols, strict=True))


def test_batch_band_rows_match_the_streaming_path() -> None:
    params = LinkParams()
    nodes = np.arange(4, dtype=np.int64)
    spans = {0: [("body", 8, 16)], 1: [("body", 8, 16)]}
    texts = masked_text(nodes.tolist(), [t for t, _ in TEXTS], [b for _, b in TEXTS], spans)
    streamed = band_rows([(nodes, texts)], params)
    assert streamed.num_rows == 3 * (params.bands + params.group_bands)  # the short text has none
    assert _sorted(masked_band_rows(_batch(), params)) == _sorted(streamed)


def test_default_map_arrow_runs_batch_functions_in_the_engine() -> None:
    from functools import partial

    with DuckDBEngine() as eng:
        eng.register("src", pa.Table.from_batches([_batch()]))
        eng.map_arrow(
            "bands",
            "SELECT * FROM src",
            partial(masked_band_rows, params=LinkParams()),
            BAND_ROWS_SCHEMA,
            batch_rows=2,  # batches of 2 posts give the same rows as one of 4
        )
        got = eng.to_arrow("SELECT node, kind, value FROM bands")
    assert _sorted(got) == _sorted(masked_band_rows(_batch(), LinkParams()))


@pytest.fixture(scope="module")
def spark_engine(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from vigil.engine.spark import SparkEngine

    session = build_session(SparkConfig(shuffle_partitions=2))
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("checkpoints")))
    with SparkEngine(session) as engine:
        yield engine


def test_session_settings_that_answers_depend_on(spark_engine) -> None:  # type: ignore[no-untyped-def]
    conf = spark_engine.spark.conf
    assert conf.get("spark.sql.session.timeZone") == "UTC"
    assert conf.get("spark.sql.ansi.doubleQuotedIdentifiers") == "true"
    assert spark_engine.spark.sparkContext.getConf().get("spark.ui.enabled") == "false"
    # local speed defaults (they change no answer): interpreted plans, adaptive shuffles
    assert conf.get("spark.sql.codegen.wholeStage") == "false"
    assert conf.get("spark.sql.adaptive.enabled") == "true"


def test_local_defaults_stay_off_clusters_and_yield_to_extra() -> None:
    local = SparkConfig().conf()
    assert local["spark.driver.maxResultSize"] == "0"  # the driver is the executor's JVM
    cluster = SparkConfig(master="yarn").conf()
    assert "spark.sql.codegen.wholeStage" not in cluster
    assert "spark.driver.maxResultSize" not in cluster
    assert cluster["spark.sql.session.timeZone"] == "UTC"
    mine = SparkConfig(extra={"spark.sql.codegen.wholeStage": "true"}).conf()
    assert mine["spark.sql.codegen.wholeStage"] == "true"


def test_tables_round_trip_through_arrow(spark_engine) -> None:  # type: ignore[no-untyped-def]
    table = pa.table(
        {
            "node": pa.array([3, 1, 2], pa.int64()),
            "post_id": ["c", "a", "b"],
            "posted_at": pa.array([0, 86_400_000_000, None], pa.timestamp("us", tz="UTC")),
            "end": pa.array([5, 6, 7], pa.int64()),
        }
    )
    spark_engine.register("t_in", table)
    spark_engine.materialise("t", 'SELECT node, post_id, posted_at, "end" FROM t_in')
    assert spark_engine.table_exists("t") and spark_engine.count("t") == 3
    got = spark_engine.to_arrow('SELECT node, post_id, posted_at, "end" FROM t ORDER BY node')
    assert got.column("post_id").to_pylist() == ["a", "b", "c"]
    assert got.column("posted_at").type == pa.timestamp("us", tz="UTC")
    assert (
        got.column("posted_at").to_pylist() == table.sort_by("node").column("posted_at").to_pylist()
    )
    spark_engine.insert("t", 'SELECT node + 10, post_id, posted_at, "end" FROM t_in')
    assert spark_engine.count("t") == 6
    spark_engine.drop("t")
    assert not spark_engine.table_exists("t")


def test_write_parquet_gives_one_ordered_file_either_way(spark_engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    spark_engine.register("w", pa.table({"a": rng.integers(0, 50, 500), "b": rng.random(500)}))
    sql = "SELECT a, b FROM w ORDER BY a, b"
    try:
        for parts in (False, True):
            spark_engine.parts_writer = parts
            spark_engine.write_parquet(sql, str(tmp_path / f"w{parts}.parquet"))
    finally:
        spark_engine.parts_writer = False
    one = pq.read_table(tmp_path / "wFalse.parquet")
    assert one.to_pylist() == pq.read_table(tmp_path / "wTrue.parquet").to_pylist()
    assert one.column("a").to_pylist() == sorted(one.column("a").to_pylist())
    # no temporary files or Spark part folders are left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wFalse.parquet", "wTrue.parquet"]


def test_map_arrow_runs_minhash_on_executors_without_pandas(spark_engine) -> None:  # type: ignore[no-untyped-def]
    from functools import partial

    spark_engine.register("src", pa.Table.from_batches([_batch()]))
    spark_engine.map_arrow(
        "bands",
        "SELECT /*+ COALESCE(1) */ * FROM src",  # one partition, as a small lake file
        partial(masked_band_rows, params=LinkParams()),
        BAND_ROWS_SCHEMA,
    )
    got = spark_engine.to_arrow("SELECT node, kind, value FROM bands")
    assert _sorted(got) == _sorted(masked_band_rows(_batch(), LinkParams()))
    # the one-partition source was dealt over every core before the Python work
    assert spark_engine.spark.table("bands").rdd.getNumPartitions() == spark_engine.map_partitions
    assert spark_engine.map_partitions > 1


def test_reliable_checkpoints_and_components(spark_engine) -> None:  # type: ignore[no-untyped-def]
    from vigil.engine.spark import SparkEngine
    from vigil.linking.components import connected_components

    path = pa.table({"a": pa.array(range(1, 12), pa.int64()), "b": pa.array(range(11), pa.int64())})
    reliable = SparkEngine(spark_engine.spark, checkpoint="reliable")
    reliable.register("g", path.append_column("x", pa.array([0] * 11)).select(["a", "b"]))
    reliable.register(
        "g2", pa.table({"a": pa.array([20], pa.int64()), "b": pa.array([21], pa.int64())})
    )
    reliable.materialise("gall", "SELECT a, b FROM g UNION ALL SELECT a, b FROM g2")
    connected_components(reliable, "gall", "labels")
    got = dict(
        (r["node"], r["label"])
        for r in reliable.to_arrow("SELECT node, label FROM labels").to_pylist()
    )
    assert got == {**{n: 0 for n in range(12)}, 20: 20, 21: 20}
    reliable.close()


def test_engine_rejects_unknown_checkpoint_mode(spark_engine) -> None:  # type: ignore[no-untyped-def]
    from vigil.engine.spark import SparkEngine

    with pytest.raises(ValueError, match="checkpoint"):
        SparkEngine(spark_engine.spark, checkpoint="cache")
