"""`vigil scan`: run the whole pipeline and print the top of the explained worklist."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console, progress_bar
from vigil.cli._worklist import worklist_table
from vigil.cli.link_cmd import clusters_table
from vigil.ingest.readers import FORMATS, UnknownFormat

if TYPE_CHECKING:
    from vigil.spark.session import SparkConfig

__all__ = ["register"]


def scan(
    paths: list[Path] = typer.Argument(
        None,
        help="Input files to ingest first (none: rescan what the lake holds).",
        show_default=False,
    ),
    out: Path = typer.Option(..., "--out", help="Results directory (created if needed)."),
    fmt: str | None = typer.Option(
        None, "--format", help=f"Force the input format ({', '.join(FORMATS)})."
    ),
    output_format: list[str] = typer.Option(
        ["parquet"], "--output", help="Also write results as: jsonl (parquet is always written)."
    ),
    platform: str | None = typer.Option(None, "--platform", help="Platform for rows without one."),
    top: int = typer.Option(10, "--top", min=0, help="How many worklist rows to print."),
    clusters: int = typer.Option(3, "--clusters", min=0, help="How many clusters to print."),
    link: bool = typer.Option(True, "--link/--no-link", help="Link posts into networks."),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable summary."),
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
    engine: str = typer.Option(
        "duckdb", "--engine", help="Engine for scoring and linking: duckdb or spark."
    ),
    master: str = typer.Option(
        "local[2]", "--master", help="Spark master URL (with --engine spark)."
    ),
    shuffle_partitions: int = typer.Option(
        4, "--shuffle-partitions", min=1, help="spark.sql.shuffle.partitions (--engine spark)."
    ),
    checkpoint: str = typer.Option(
        "local",
        "--checkpoint",
        help="Spark checkpoints: local (executor storage) or reliable (files in the data home).",
    ),
    spark_conf: list[str] = typer.Option(
        [], "--spark-conf", help="Extra Spark setting KEY=VALUE (repeatable)."
    ),
) -> None:
    """Ingest, extract identifiers, evaluate indicators and score; write the results.

    Writes OUT/posts.parquet (each post with risk, band and the indicator hits that
    explain it), OUT/identifiers.parquet, with --output jsonl OUT/posts.jsonl, and
    (unless --no-link) the networks: OUT/clusters.parquet, OUT/edges.parquet, ...
    Results cover every post in the data home. With --engine spark, extraction, scoring
    and linking run on Apache Spark with the same answers (docs/scale.md), e.g.
    `vigil scan --engine spark --master 'local[2]' posts.jsonl --out results/`.
    Exit status as `vigil ingest`: 0, or 3
    when some input rows were quarantined, 2 on usage errors.
    """
    from vigil.pipeline.scan import scan as run_scan
    from vigil.pipeline.scan import worklist

    settings = load_settings(home=home)
    bad = sorted(set(output_format) - {"parquet", "jsonl"})
    if bad:
        err_console.print(f"[red]error:[/] --output {bad[0]!r}: choose parquet or jsonl")
        raise typer.Exit(2)
    spark = None
    if engine == "spark":
        spark = _spark_config(settings.home, master, shuffle_partitions, checkpoint, spark_conf)
    elif engine != "duckdb":
        err_console.print(f"[red]error:[/] --engine {engine!r}: choose duckdb or spark")
        raise typer.Exit(2)
    paths = paths or []
    total = sum(p.stat().st_size for p in paths if p.is_file())
    try:
        with progress_bar("ingest", total, enabled=settings.progress) as bar:
            task = bar.task_ids[0]
            result = run_scan(
                paths,
                settings,
                out,
                fmt=fmt,
                default_platform=platform,
                formats=output_format,
                on_bytes=lambda n: bar.advance(task, n),
                link=link,
                engine=engine,
                spark=spark,
            )
    except (UnknownFormat, FileNotFoundError, RuntimeError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        payload = {
            "posts": result.posts,
            "bands": result.bands,
            "out": str(result.out_dir),
            "ingest": result.ingest.as_json() if result.ingest else None,
            "clusters": result.links.run["clusters"] if result.links else None,
        }
        typer.echo(orjson.dumps(payload).decode())
        raise typer.Exit(result.exit_code)
    if result.ingest:
        i = result.ingest
        out_console.print(
            f"ingest: read {i.read:,}, stored {i.stored:,}, duplicates {i.duplicates:,}, "
            f"quarantined {i.quarantined:,}"
            + (f" (see {i.quarantine_file})" if i.quarantine_file else "")
        )
    bands = result.bands
    out_console.print(
        f"scored {result.posts:,} posts: high {bands.get('high', 0):,}, "
        f"review {bands.get('review', 0):,}, low {bands.get('low', 0):,}  →  {result.out_dir}"
    )
    if top:
        rows = worklist(result.out_dir, limit=top)
        if rows:
            out_console.print(worklist_table(rows, title=f"top {len(rows)} of the worklist"))
    if result.links is not None:
        run = result.links.run
        out_console.print(
            f"linked into {run['clusters']:,} clusters holding {run['clustered_posts']:,} posts"
        )
        if clusters and (top_clusters := result.links.top(clusters)):
            out_console.print(clusters_table(result.links, top_clusters))
    raise typer.Exit(result.exit_code)


def _spark_config(
    home: Path, master: str, partitions: int, checkpoint: str, conf: list[str]
) -> SparkConfig:
    from vigil.spark.session import SparkConfig

    if checkpoint not in ("local", "reliable"):
        err_console.print(f"[red]error:[/] --checkpoint {checkpoint!r}: choose local or reliable")
        raise typer.Exit(2)
    extra: dict[str, str] = {}
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            err_console.print(f"[red]error:[/] --spark-conf {item!r}: expected KEY=VALUE")
            raise typer.Exit(2)
        extra[key.strip()] = value.strip()
    return SparkConfig(
        master=master,
        shuffle_partitions=partitions,
        checkpoint=checkpoint,
        checkpoint_dir=home / "spark" / "checkpoints",
        extra=extra,
    )


def register(app: typer.Typer) -> None:
    app.command("scan")(scan)
