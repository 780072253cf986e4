"""Spark local vs DuckDB: the whole scan (extract, score, link) on the same lake.

A ``vigil synth`` corpus of N posts is ingested once into a data home. Then:

* **Spark** (``local[2]``, 4 shuffle partitions, local checkpoints): the session is
  started first (its start-up is reported apart), then extraction + indicators +
  scoring over Arrow batches (``mapInArrow``), the export, linking on the
  ``SparkEngine`` (MinHash on the executors) and the network indicators;
* **DuckDB** (the baseline, the default engine): ``vigil scan`` over the same lake
  (extraction and scoring with ``VIGIL_WORKERS`` = 2 processes, then linking).

Both write a results directory; the benchmark checks that posts, edges and cluster
memberships are identical, then reports both times and the ratio, per-stage costs
per million posts per core, the shuffle bytes of the band bucket join (star edges
over all LSH band rows, measured from Spark's status store) and the largest buckets.

    python benchmarks/bench_spark.py [--posts N] [--seed 7] [--json FILE]

``run(posts)`` returns the figures for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Figure

CORES = 2


def _shuffle_bytes(session: Any) -> int | None:
    """Shuffle bytes written by every stage of the application so far (from Spark's
    status store, which is kept with the UI off); None if this Spark hides it."""
    sc = session.sparkContext
    jvm = sc._jvm
    try:
        stages = (
            sc._jsc.sc()
            .statusStore()
            .stageList(
                jvm.java.util.ArrayList(),
                False,
                False,
                sc._gateway.new_array(jvm.double, 0),
                jvm.java.util.ArrayList(),
            )
        )
        return int(sum(stages.apply(i).shuffleWriteBytes() for i in range(stages.size())))
    except Exception:  # a Spark release with another status store signature
        return None


def _band_join(engine: Any, out: Path) -> dict[str, int]:
    """Shuffle bytes of the band bucket join, and the largest band bucket."""
    from vigil.linking.buckets import star_edges

    engine.register_parquet("bx_bands", str(out / "index" / "bands.parquet"))
    engine.materialise("bx_b", "SELECT band AS kind, hash AS value, post_id AS node FROM bx_bands")
    rows = engine.count("bx_b")
    before = _shuffle_bytes(engine.spark)
    star_edges(engine, "bx_b", "bx_star")
    after = _shuffle_bytes(engine.spark)
    largest = engine.scalar(
        "SELECT max(n) FROM (SELECT count(*) AS n FROM bx_b GROUP BY kind, value) t"
    )
    for name in ("bx_bands", "bx_b", "bx_star"):
        engine.drop(name)
    return {
        "band_rows": rows,
        "shuffle_bytes": None if before is None or after is None else after - before,
        "largest_band_bucket": largest,
    }


def measure(posts: int, seed: int = 7) -> dict[str, Any]:
    from vigil.engine.spark import SparkEngine
    from vigil.indicators import default_catalogue
    from vigil.ingest.service import ingest_files
    from vigil.lake import Lake
    from vigil.linking import link
    from vigil.pipeline.network import apply_network_indicators
    from vigil.pipeline.scan import scan
    from vigil.settings import get_settings
    from vigil.spark.scan import export_tables
    from vigil.spark.session import SparkConfig, build_session
    from vigil.synth import generate

    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        generate(posts, seed, work / "corpus")
        settings = get_settings(home=work / "home", progress=False, workers=CORES)
        ingest_files([work / "corpus" / "posts.jsonl"], settings)
        with Lake(settings.lake_dir) as lake:
            glob = str(lake.posts_dir / "part-*.parquet")
        out: dict[str, Any] = {"posts": posts, "cores": CORES}

        t = time.perf_counter()
        session = build_session(SparkConfig(master=f"local[{CORES}]", shuffle_partitions=4))
        out["spark_start_s"] = round(time.perf_counter() - t, 2)
        spark_out = work / "spark"
        engine = SparkEngine(session)
        t0 = time.perf_counter()
        export_tables(engine, glob, spark_out, region=settings.default_region, model=None)
        t1 = time.perf_counter()
        spark_link = link(spark_out, engine=engine, incremental=False)
        t2 = time.perf_counter()
        apply_network_indicators(spark_out, default_catalogue())
        t3 = time.perf_counter()
        out["spark"] = {
            "score_export_s": round(t1 - t0, 2),
            "link_s": round(t2 - t1, 2),
            "network_s": round(t3 - t2, 2),
            "total_s": round(t3 - t0, 2),
            "link_stages": spark_link.run["stages"],
        }
        out["band_join"] = _band_join(engine, spark_out)
        engine.close()

        t0 = time.perf_counter()
        scan([], settings, work / "duck")
        t1 = time.perf_counter()
        duck_run = json.loads((work / "duck" / "link_run.json").read_text())
        out["duckdb"] = {
            "total_s": round(t1 - t0, 2),
            "link_s": duck_run["seconds"],
            "link_stages": duck_run["stages"],
        }
        out["duckdb"]["score_export_s"] = round(out["duckdb"]["total_s"] - duck_run["seconds"], 2)
        hubs = pq.read_table(work / "duck" / "identifier_hubs.parquet").column("posts")
        out["largest_identifier_bucket"] = max(hubs.to_pylist(), default=0)
        out["identical"] = {
            name: pq.read_table(work / "duck" / name).to_pylist()
            == pq.read_table(spark_out / name).to_pylist()
            for name in ("posts.parquet", "edges.parquet", "post_clusters.parquet")
        }
        out["ratio_spark_over_duckdb"] = round(
            out["spark"]["total_s"] / out["duckdb"]["total_s"], 2
        )
        scale = 1e6 / posts * CORES
        out["core_s_per_million"] = {
            engine_name: {
                "score_export": round(out[engine_name]["score_export_s"] * scale, 1),
                "minhash": round(out[engine_name]["link_stages"].get("minhash", 0.0) * scale, 1),
                "link": round(out[engine_name]["link_s"] * scale, 1),
            }
            for engine_name in ("spark", "duckdb")
        }
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(posts: int) -> list[Figure]:
    m = measure(posts)
    return [
        Figure(
            f"whole scan on Spark local[{CORES}] ({posts:,} posts; start-up "
            f"{m['spark_start_s']} s not counted)",
            "s",
            m["spark"]["total_s"],
            m["duckdb"]["total_s"],
            f"DuckDB scan, {CORES} workers",
            higher_is_better=False,
        ),
        Figure(
            f"linking on Spark local[{CORES}] ({posts:,} posts)",
            "s",
            m["spark"]["link_s"],
            m["duckdb"]["link_s"],
            "DuckDB linking, same SQL",
            higher_is_better=False,
        ),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", type=Path, help="Also write the measurements to this file.")
    args = ap.parse_args()
    m = measure(args.posts, args.seed)
    text = json.dumps(m, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
