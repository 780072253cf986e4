"""`vigil scan`: ingest → extract → indicators → score → export → link.

Results cover every post in the data home's lake (so new posts are scored and linked
together with what was scanned before) and are written to an output directory:

    DIR/posts.parquet        post fields + risk, band, catalogue_risk, model_risk, hits
    DIR/identifiers.parquet  one row per identifier (offsets per field)
    DIR/posts.jsonl          with --format jsonl, the same rows as posts.parquet
    DIR/clusters.parquet, DIR/edges.parquet, ...   networks (see vigil.linking)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.ingest.service import IngestSummary, ProgressHook, ingest_files
from vigil.lake import Lake
from vigil.lake.derived import query_stage, stage_dir
from vigil.lake.files import RESULTS_PARQUET, sql_literal
from vigil.pipeline.stages import IDENTIFIERS_SCHEMA, PipelineResult, run_pipeline
from vigil.settings import Settings

if TYPE_CHECKING:
    from vigil.linking.result import LinkResult
    from vigil.spark.session import SparkConfig

__all__ = ["ScanResult", "export_results", "scan", "worklist"]

POST_COLUMNS = (
    "p.id AS post_id, p.platform, p.source_id, p.url, p.posted_at, p.title, p.body, "
    "p.title_text, p.body_text, p.location, p.author, p.images, p.language, p.meta_json"
)
SCORE_COLUMNS = (
    "s.risk, s.band, s.catalogue_risk, s.model_risk, s.hits, s.shadow_hits, s.unknown, "
    "s.catalogue_version"
)


@dataclass(frozen=True, slots=True)
class ScanResult:
    ingest: IngestSummary | None
    pipeline: PipelineResult
    out_dir: Path
    posts: int
    bands: dict[str, int]
    links: LinkResult | None = None

    @property
    def exit_code(self) -> int:
        return self.ingest.exit_code if self.ingest else 0


def scan(
    paths: Sequence[Path],
    settings: Settings,
    out_dir: Path,
    *,
    fmt: str | None = None,
    default_platform: str | None = None,
    formats: Sequence[str] = ("parquet",),
    on_bytes: ProgressHook | None = None,
    link: bool = True,
    engine: str = "duckdb",
    spark: SparkConfig | None = None,
) -> ScanResult:
    """Ingest ``paths`` into the lake, then score and link every post of the lake.

    ``engine="spark"`` runs extraction, scoring, export and linking on Spark
    (``spark`` configures the session; see docs/scale.md); the results directory
    has the same layout and the same answers.
    """
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"unknown engine {engine!r} (choose duckdb or spark)")
    summary = (
        ingest_files(paths, settings, fmt=fmt, default_platform=default_platform, on_bytes=on_bytes)
        if paths
        else None
    )
    if engine == "spark":
        return _spark_scan(summary, settings, out_dir, formats=formats, link=link, spark=spark)
    from vigil.linking import LinkParams

    params = LinkParams() if link else None
    # with linking, the pipeline's workers also hash each part's texts for it
    pipeline = run_pipeline(settings, link_params=params)
    posts, bands = export_results(settings, out_dir, formats=formats)
    links = None
    if params is not None:
        from vigil.indicators import default_catalogue
        from vigil.linking import link as run_link
        from vigil.linking.textlink import BandFiles, bands_key
        from vigil.pipeline.network import apply_network_indicators

        # the pipeline's bands stage, lake/bands/ (no need to open the lake for a path)
        band_glob = str(settings.lake_dir / "bands" / "part-*.parquet")
        links = run_link(
            out_dir,
            params,
            images_root=settings.images_root,
            bands=BandFiles(band_glob, bands_key(params)),
        )
        apply_network_indicators(out_dir, default_catalogue())
        bands = _bands(out_dir)
    return ScanResult(summary, pipeline, out_dir, posts, bands, links)


def _spark_scan(
    summary: IngestSummary | None,
    settings: Settings,
    out_dir: Path,
    *,
    formats: Sequence[str],
    link: bool,
    spark: SparkConfig | None,
) -> ScanResult:
    from vigil.indicators.ml import active_model
    from vigil.lake.derived import StageResult
    from vigil.spark.scan import spark_results

    with Lake(settings.lake_dir) as lake:
        parts = lake.part_files()
        posts_glob = str(lake.posts_dir / "part-*.parquet")
    if not parts:
        raise RuntimeError("no scored posts: the lake is empty (ingest some posts first)")
    config = spark or SparkConfig(checkpoint_dir=settings.home / "spark" / "checkpoints")
    done = spark_results(
        posts_glob,
        out_dir,
        config=config,
        region=settings.default_region,
        model=active_model(settings.models_dir),
        link=link,
        checkpoint=config.checkpoint,
        formats=tuple(formats),
        images_root=settings.images_root,
    )
    pipeline = PipelineResult(
        identifiers=StageResult(len(parts), 0, done.identifiers),
        scores=StageResult(len(parts), 0, done.posts),
    )
    return ScanResult(summary, pipeline, out_dir, done.posts, done.bands, done.links)


def export_results(
    settings: Settings, out_dir: Path, *, formats: Sequence[str] = ("parquet",)
) -> tuple[int, dict[str, int]]:
    """Write DIR/posts.parquet and DIR/identifiers.parquet (atomically, by rename)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        Lake(settings.lake_dir) as lake,
        query_stage(lake, "identifiers", IDENTIFIERS_SCHEMA) as con,
    ):
        scores_dir = stage_dir(lake, "scores")
        pattern = sql_literal(str(scores_dir / "part-*.parquet"))
        if not any(scores_dir.glob("part-*.parquet")):
            raise RuntimeError("no scored posts: the lake is empty (ingest some posts first)")
        con.execute(f"CREATE VIEW scores AS SELECT * FROM read_parquet({pattern})")
        select = (
            f"SELECT {POST_COLUMNS}, {SCORE_COLUMNS} FROM posts p "
            "JOIN scores s ON s.post_id = p.id ORDER BY s.risk DESC, p.id"
        )
        _copy(con, select, out_dir / "posts.parquet", "parquet")
        if "jsonl" in formats:
            _copy(con, select, out_dir / "posts.jsonl", "json")
        _copy(
            con,
            'SELECT * FROM identifiers ORDER BY post_id, field, start, "end", kind, value',
            out_dir / "identifiers.parquet",
            "parquet",
        )
        total = con.execute("SELECT count(*) FROM scores").fetchone()
        band_rows = con.execute("SELECT band, count(*) FROM scores GROUP BY band").fetchall()
    return (int(total[0]) if total else 0), {str(b): int(n) for b, n in band_rows}


def _copy(con: Any, select: str, target: Path, fmt: str) -> None:
    tmp = target.with_name(f".tmp-{target.name}")
    options = RESULTS_PARQUET if fmt == "parquet" else "FORMAT json"
    con.execute(f"COPY ({select}) TO {sql_literal(str(tmp))} ({options})")
    tmp.replace(target)


def _bands(out_dir: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    try:
        path = sql_literal(str(out_dir / "posts.parquet"))
        rows = con.execute(f"SELECT band, count(*) FROM read_parquet({path}) GROUP BY band")
        return {str(b): int(n) for b, n in rows.fetchall()}
    finally:
        con.close()


def worklist(out_dir: Path, *, limit: int = 10, min_band: str = "review") -> list[dict[str, Any]]:
    """The top of the worklist: highest-risk posts at or above ``min_band``."""
    import duckdb

    bands = {"low": ("low", "review", "high"), "review": ("review", "high"), "high": ("high",)}
    allowed = ", ".join(sql_literal(b) for b in bands[min_band])
    path = sql_literal(str(out_dir / "posts.parquet"))
    con = duckdb.connect()
    try:
        cur = con.execute(
            f"SELECT post_id, risk, band, title_text, body_text, location, posted_at, hits "
            f"FROM read_parquet({path}) WHERE band IN ({allowed}) "
            "ORDER BY risk DESC, post_id LIMIT ?",
            [limit],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
