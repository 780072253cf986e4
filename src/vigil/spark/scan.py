"""``vigil scan --engine spark``: the bulk stages and linking on Spark.

Results land in the same layout as the DuckDB scan (``OUT/posts.parquet``,
``OUT/identifiers.parquet``, then the linking outputs); see docs/scale.md.

1. the lake's posts are read by Spark (``lake/posts/part-*.parquet``, or any
   Parquet path of lake-schema posts given to :func:`spark_results`);
2. extraction, indicators and scoring run on the executors, one Arrow batch at a
   time (:class:`vigil.spark.stages.Analyser` through ``mapInArrow``);
3. the posts and identifiers tables are written sorted as the DuckDB export sorts
   them;
4. linking runs the one portable linking implementation on the
   :class:`~vigil.engine.spark.SparkEngine` (MinHash on the executors too);
5. the network indicators are folded into ``posts.parquet`` as in the DuckDB scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vigil.lake.files import sql_literal
from vigil.lake.schema import IDENTIFIERS_SCHEMA
from vigil.spark.session import SparkConfig, build_session
from vigil.spark.stages import ANALYSED_SCHEMA, INPUT_COLUMNS, Analyser

if TYPE_CHECKING:
    from vigil.engine.spark import SparkEngine
    from vigil.indicators.ml.model import RiskModel
    from vigil.linking.params import LinkParams
    from vigil.linking.result import LinkResult

__all__ = ["SparkScan", "spark_results"]

_IDENT_COLUMNS = ", ".join(f'i."{c}"' if c == "end" else f"i.{c}" for c in IDENTIFIERS_SCHEMA.names)


@dataclass(frozen=True, slots=True)
class SparkScan:
    """What a Spark scan wrote: posts scored, identifiers found, bands, the link run."""

    posts: int
    identifiers: int
    bands: dict[str, int]
    links: LinkResult | None


def export_tables(
    engine: SparkEngine,
    posts_path: str,
    out_dir: Path,
    *,
    region: str,
    model: RiskModel | None,
    formats: tuple[str, ...] = ("parquet",),
) -> tuple[int, int, dict[str, int]]:
    """Score ``posts_path`` (lake-schema posts) and write OUT/posts.parquet and
    OUT/identifiers.parquet; returns (posts, identifiers, posts per band)."""
    from vigil.pipeline.scan import POST_COLUMNS, SCORE_COLUMNS

    out_dir.mkdir(parents=True, exist_ok=True)
    engine.register_parquet("sp_posts", posts_path)
    cols = ", ".join(INPUT_COLUMNS)
    engine.map_arrow(
        "sp_analysed",
        f"SELECT {cols} FROM sp_posts",
        Analyser(region=region, model=model),
        ANALYSED_SCHEMA,
    )
    engine.write_parquet(
        f"SELECT {POST_COLUMNS}, {SCORE_COLUMNS} FROM sp_posts p "
        "JOIN sp_analysed s ON s.post_id = p.id ORDER BY s.risk DESC, p.id",
        str(out_dir / "posts.parquet"),
    )
    if "jsonl" in formats:
        _jsonl(out_dir)
    engine.materialise(
        "sp_idents", "SELECT inline(identifiers) FROM sp_analysed WHERE size(identifiers) > 0"
    )
    engine.write_parquet(
        f"SELECT {_IDENT_COLUMNS} FROM sp_idents i "
        'ORDER BY i.post_id, i.field, i.start, i."end", i.kind, i.value',
        str(out_dir / "identifiers.parquet"),
    )
    bands = {
        str(r["band"]): int(r["n"])
        for r in engine.to_arrow(
            "SELECT band, count(*) AS n FROM sp_analysed GROUP BY band"
        ).to_pylist()
    }
    n_idents = engine.count("sp_idents")
    for name in ("sp_idents", "sp_analysed", "sp_posts"):
        engine.drop(name)
    return sum(bands.values()), n_idents, bands


def _jsonl(out_dir: Path) -> None:
    """OUT/posts.jsonl from OUT/posts.parquet (the DuckDB scan's JSON writer)."""
    import duckdb

    con = duckdb.connect()
    try:
        tmp = out_dir / ".tmp-posts.jsonl"
        src = sql_literal(str(out_dir / "posts.parquet"))
        con.execute(
            f"COPY (SELECT * FROM read_parquet({src})) TO {sql_literal(str(tmp))} (FORMAT json)"
        )
        tmp.replace(out_dir / "posts.jsonl")
    finally:
        con.close()


def spark_results(
    posts_path: str,
    out_dir: Path,
    *,
    config: SparkConfig | None = None,
    region: str = "US",
    model: RiskModel | None = None,
    link: bool = True,
    params: LinkParams | None = None,
    checkpoint: str = "local",
    formats: tuple[str, ...] = ("parquet",),
    images_root: Path | None = None,
) -> SparkScan:
    """The Spark scan over ``posts_path`` (a Parquet file, directory or glob of
    lake-schema posts), writing the results directory ``out_dir``."""
    from vigil.engine.spark import SparkEngine

    session = build_session(config)
    engine = SparkEngine(session, checkpoint=checkpoint)
    try:
        posts, n_idents, bands = export_tables(
            engine, posts_path, out_dir, region=region, model=model, formats=formats
        )
        links = None
        if link:
            from vigil.indicators import default_catalogue
            from vigil.linking import link as run_link
            from vigil.pipeline.network import apply_network_indicators
            from vigil.pipeline.scan import _bands

            links = run_link(out_dir, params, engine=engine, images_root=images_root)
            apply_network_indicators(out_dir, default_catalogue())
            bands = _bands(out_dir)
    finally:
        engine.close()
    return SparkScan(posts, n_idents, bands, links)
