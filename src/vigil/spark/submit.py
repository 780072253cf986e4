"""The ``spark-submit`` entry point: score and link lake-schema posts on a cluster.

Run it as a module or as a file (its path: ``python -c "import vigil.spark.submit as m;
print(m.__file__)"``)::

    spark-submit --master yarn --deploy-mode client \\
        --conf spark.sql.shuffle.partitions=2048 \\
        "$(python -c 'import vigil.spark.submit as m; print(m.__file__)')" \\
        --posts 'hdfs:///vigil/lake/posts/part-*.parquet' --out /shared/vigil/results \\
        --checkpoint reliable --checkpoint-dir hdfs:///user/vigil/checkpoints

``--posts`` is read by Spark (any filesystem Spark reads); ``--out`` is written by
the driver and must be a local or mounted path (see docs/scale.md). Settings that
``spark-submit --conf`` gives win over this module's defaults, except the few vigil
needs for exact answers (UTC session time zone, standard quoted identifiers,
microsecond Parquet timestamps).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["main", "parser"]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="vigil.spark.submit",
        description="Score and link lake-schema posts on Spark; writes a vigil results directory.",
    )
    p.add_argument("--posts", required=True, help="Parquet path, directory or glob of posts.")
    p.add_argument("--out", required=True, type=Path, help="Results directory (driver path).")
    p.add_argument("--region", default="US", help="Default phone region (ISO 3166, e.g. US).")
    p.add_argument("--models-dir", type=Path, help="A vigil models directory (ACTIVE model).")
    p.add_argument("--no-link", action="store_true", help="Score only; do not link.")
    p.add_argument("--master", help="Spark master (default: what spark-submit set).")
    p.add_argument("--shuffle-partitions", type=int, help="spark.sql.shuffle.partitions.")
    p.add_argument(
        "--checkpoint",
        choices=("local", "reliable"),
        default="reliable",
        help="Lineage checkpoints: reliable (files, survive a lost executor) or local.",
    )
    p.add_argument("--checkpoint-dir", help="Checkpoint directory (needed for reliable).")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    region = str(args.region).strip().upper()
    if len(region) != 2 or not region.isalpha():
        print(f"error: --region {args.region!r}: expected a two-letter code", file=sys.stderr)
        return 2
    if args.checkpoint == "reliable" and not args.checkpoint_dir:
        print("error: --checkpoint reliable needs --checkpoint-dir", file=sys.stderr)
        return 2
    from vigil.spark.scan import spark_results
    from vigil.spark.session import SparkConfig

    model = None
    if args.models_dir is not None:
        from vigil.indicators.ml import active_model

        model = active_model(args.models_dir)
    config = SparkConfig(
        master=args.master,
        app_name="vigil-scan",
        shuffle_partitions=args.shuffle_partitions,
        arrow_batch_rows=None,
        checkpoint=args.checkpoint,
        checkpoint_dir=args.checkpoint_dir,
    )
    started = time.perf_counter()
    try:
        done = spark_results(
            args.posts,
            args.out,
            config=config,
            region=region,
            model=model,
            link=not args.no_link,
            checkpoint=args.checkpoint,
        )
    except (RuntimeError, ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary = {
        "posts": done.posts,
        "identifiers": done.identifiers,
        "bands": done.bands,
        "clusters": done.links.run["clusters"] if done.links else None,
        "out": str(args.out),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
