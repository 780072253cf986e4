"""Spark local vs DuckDB: the whole scan (extract, score, link) on the same lake.

A ``vigil synth`` corpus of N posts is ingested once into a data home. Then:

* **Spark** (``local[2]``, 4 shuffle partitions, local checkpoints, vigil's local
  defaults from :mod:`vigil.spark.session`): the session is started first (its
  start-up is reported apart), then extraction + indicators + scoring over Arrow
  batches (``mapInArrow``), the export, linking on the ``SparkEngine`` (MinHash on
  the executors) and the network indicators;
* **DuckDB** (the baseline, the default engine): ``vigil scan`` over the same lake
  (extraction and scoring with 2 worker processes, then linking).

Both write a results directory; the benchmark checks that posts, edges and cluster
memberships are identical, then prints both times and the ratio, per stage, the
peak RSS of each engine (the whole process tree: driver, JVM, Python workers), the
shuffle bytes of the band bucket join (star edges over all LSH band rows, from
Spark's status store) and the largest buckets.

    python benchmarks/bench_spark.py [--posts N] [--seed 7] [--driver-memory 4g]
                                     [--engines spark,duckdb] [--json FILE]

``run(posts)`` returns the figures for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Figure

CORES = 2
#: stages in the order the table prints them (link stages from ``link_run.json``)
STAGES = (
    "score_export",
    "read",
    "identifiers",
    "images",
    "minhash",
    "buckets",
    "images_near",
    "text_resolve",
    "edges",
    "components",
    "groups",
    "templates",
    "summaries",
    "write",
    "network",
)


def _children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (from /proc; empty where /proc is missing)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        kids = parents.get(todo.pop(), [])
        out.extend(kids)
        todo.extend(kids)
    return out


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class TreeRSS:
    """Peak resident memory of this process and all its descendants (the JVM, the
    Python workers of Spark, DuckDB's worker processes), sampled twice a second."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = sum(_rss_mb(p) for p in (me, *_children(me)))
            self.peak = max(self.peak, total)
            self._stop.wait(0.5)

    @contextmanager
    def running(self) -> Iterator[TreeRSS]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


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


def _band_join(engine: Any, out: Path) -> dict[str, Any]:
    """Shuffle bytes of the band bucket join, and the largest band buckets."""
    from vigil.linking.buckets import star_edges

    engine.register_parquet("bx_bands", str(out / "index" / "bands.parquet"))
    engine.materialise("bx_b", "SELECT band AS kind, hash AS value, post_id AS node FROM bx_bands")
    rows = engine.count("bx_b")
    before = _shuffle_bytes(engine.spark)
    star_edges(engine, "bx_b", "bx_star")
    after = _shuffle_bytes(engine.spark)
    sizes = engine.to_arrow(
        "SELECT kind < 1000 AS link_band, max(n) AS largest, count(*) AS buckets, "
        "sum(CASE WHEN n > 1 THEN 1 ELSE 0 END) AS shared FROM "
        "(SELECT kind, count(*) AS n FROM bx_b GROUP BY kind, value) t GROUP BY kind < 1000"
    ).to_pylist()
    for name in ("bx_bands", "bx_b", "bx_star"):
        engine.drop(name)
    by = {("link" if r["link_band"] else "group"): r for r in sizes}
    return {
        "band_rows": rows,
        "shuffle_bytes": None if before is None or after is None else after - before,
        "largest_link_band_bucket": by.get("link", {}).get("largest"),
        "largest_group_band_bucket": by.get("group", {}).get("largest"),
        "buckets": {k: {"buckets": v["buckets"], "shared": v["shared"]} for k, v in by.items()},
    }


def _spark(posts_glob: str, out_dir: Path, region: str, driver_memory: str) -> dict[str, Any]:
    from vigil.engine.spark import SparkEngine
    from vigil.indicators import default_catalogue
    from vigil.linking import link
    from vigil.pipeline.network import apply_network_indicators
    from vigil.spark.scan import export_tables
    from vigil.spark.session import SparkConfig, build_session

    with TreeRSS().running() as rss:
        t = time.perf_counter()
        session = build_session(
            SparkConfig(
                master=f"local[{CORES}]", shuffle_partitions=2 * CORES, driver_memory=driver_memory
            )
        )
        start = round(time.perf_counter() - t, 2)
        engine = SparkEngine(session)
        t0 = time.perf_counter()
        export_tables(engine, posts_glob, out_dir, region=region, model=None)
        t1 = time.perf_counter()
        result = link(out_dir, engine=engine, incremental=False)
        t2 = time.perf_counter()
        apply_network_indicators(out_dir, default_catalogue())
        t3 = time.perf_counter()
        peak = rss.peak
    stages = {"score_export": round(t1 - t0, 2), **result.run["stages"]}
    stages["network"] = round(t3 - t2, 2)
    band_join = _band_join(engine, out_dir)
    jobs = len(session.sparkContext.statusTracker().getJobIdsForGroup(None))
    engine.close()
    return {
        "start_s": start,
        "total_s": round(t3 - t0, 2),
        "link_s": round(t2 - t1, 2),
        "stages": stages,
        "peak_rss_mb": round(peak),
        "spark_jobs": jobs,
        "cc_rounds": [result.run["cc_rounds"], result.run["text_cc_rounds"]],
        "band_join": band_join,
    }


def _duckdb(settings: Any, out_dir: Path) -> dict[str, Any]:
    from vigil.pipeline.scan import scan

    with TreeRSS().running() as rss:
        t0 = time.perf_counter()
        scan([], settings, out_dir)
        t1 = time.perf_counter()
        peak = rss.peak
    run = json.loads((out_dir / "link_run.json").read_text())
    total = round(t1 - t0, 2)
    # the DuckDB scan folds the network indicators into its export; they are in
    # score_export here
    stages = {"score_export": round(total - run["seconds"], 2), **run["stages"]}
    return {
        "total_s": total,
        "link_s": run["seconds"],
        "stages": stages,
        "peak_rss_mb": round(peak),
    }


def _same(a: Path, b: Path) -> bool:
    """The same rows in the same order (column by column, to bound memory)."""
    ta, tb = pq.read_table(a), pq.read_table(b)
    if ta.column_names != tb.column_names or ta.num_rows != tb.num_rows:
        return False
    return all(ta.column(c).to_pylist() == tb.column(c).to_pylist() for c in ta.column_names)


def _partial(path: Path | None, out: dict[str, Any]) -> None:
    """Write what is measured so far (a long run keeps its first engine's figures)."""
    if path is not None:
        path.write_text(json.dumps(out, indent=2) + "\n")


def measure(
    posts: int,
    seed: int = 7,
    *,
    driver_memory: str = "4g",
    engines: tuple[str, ...] = ("spark", "duckdb"),
    partial_json: Path | None = None,
) -> dict[str, Any]:
    from vigil.ingest.service import ingest_files
    from vigil.lake import Lake
    from vigil.settings import get_settings
    from vigil.synth import generate

    work = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        generate(posts, seed, work / "corpus")
        settings = get_settings(home=work / "home", progress=False, workers=CORES)
        ingest_files([work / "corpus" / "posts.jsonl"], settings)
        with Lake(settings.lake_dir) as lake:
            glob = str(lake.posts_dir / "part-*.parquet")
        out: dict[str, Any] = {"posts": posts, "seed": seed, "cores": CORES}
        # DuckDB first: the JVM outlives the Spark session, so it would count in
        # DuckDB's memory otherwise
        if "duckdb" in engines:
            out["duckdb"] = _duckdb(settings, work / "duck")
            hubs = pq.read_table(work / "duck" / "identifier_hubs.parquet").column("posts")
            out["largest_identifier_bucket"] = max(hubs.to_pylist(), default=0)
            _partial(partial_json, out)
        if "spark" in engines:
            out["spark"] = _spark(glob, work / "spark", settings.default_region, driver_memory)
            _partial(partial_json, out)
        if "spark" in out and "duckdb" in out:
            out["identical"] = {
                name: _same(work / "duck" / name, work / "spark" / name)
                for name in ("posts.parquet", "edges.parquet", "post_clusters.parquet")
            }
            out["ratio_spark_over_duckdb"] = round(
                out["spark"]["total_s"] / out["duckdb"]["total_s"], 2
            )
        scale = 1e6 / posts * CORES
        out["core_s_per_million"] = {
            name: {k: round(v * scale, 1) for k, v in out[name]["stages"].items()}
            for name in ("spark", "duckdb")
            if name in out
        }
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(m: dict[str, Any]) -> str:
    """The per-stage comparison as aligned text."""
    spark, duck = m.get("spark", {}), m.get("duckdb", {})
    lines = [f"{m['posts']:,} posts, {m['cores']} cores", f"{'stage':14s} {'Spark s':>9s} "
             f"{'DuckDB s':>9s} {'ratio':>7s}"]  # fmt: skip
    for stage in STAGES:
        s = spark.get("stages", {}).get(stage)
        d = duck.get("stages", {}).get(stage)
        ratio = f"{s / d:7.1f}" if s is not None and d else "      -"
        lines.append(
            f"{stage:14s} {'-' if s is None else f'{s:.2f}':>9s} "
            f"{'-' if d is None else f'{d:.2f}':>9s} {ratio}"
        )
    st, dt = spark.get("total_s"), duck.get("total_s")
    lines.append(
        f"{'total':14s} {'-' if st is None else f'{st:.2f}':>9s} "
        f"{'-' if dt is None else f'{dt:.2f}':>9s} "
        f"{m.get('ratio_spark_over_duckdb', '-'):>7}"
    )
    if spark:
        lines.append(f"Spark start-up (not counted): {spark['start_s']} s")
    for name, data in (("Spark", spark), ("DuckDB", duck)):
        if data:
            lines.append(f"{name} peak RSS (process tree): {data['peak_rss_mb']} MB")
    return "\n".join(lines)


def run(posts: int) -> list[Figure]:
    m = measure(posts)
    return [
        Figure(
            f"whole scan on Spark local[{CORES}] ({posts:,} posts; start-up "
            f"{m['spark']['start_s']} s not counted)",
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
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--driver-memory", default="4g", help="spark.driver.memory (local mode).")
    ap.add_argument(
        "--engines", default="spark,duckdb", help="Comma-separated: spark, duckdb or both."
    )
    ap.add_argument("--json", type=Path, help="Also write the measurements to this file.")
    args = ap.parse_args()
    engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    if not engines or any(e not in ("spark", "duckdb") for e in engines):
        ap.error("--engines: a comma-separated list of spark and duckdb")
    m = measure(
        args.posts,
        args.seed,
        driver_memory=args.driver_memory,
        engines=engines,
        partial_json=args.json,
    )
    text = json.dumps(m, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    print(table(m))


if __name__ == "__main__":
    main()
