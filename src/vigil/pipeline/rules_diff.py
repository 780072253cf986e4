"""Run a catalogue diff over every post of the lake (the service behind `vigil rules diff`)."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow.parquet as pq

from vigil.indicators import Catalogue, DiffReport, diff
from vigil.lake import Lake
from vigil.lake.derived import stage_dir
from vigil.model import Identifier, Post
from vigil.pipeline.inputs import iter_post_inputs
from vigil.settings import Settings

__all__ = ["diff_over_lake"]


def _lake_posts(lake: Lake) -> Iterator[tuple[Post, tuple[Identifier, ...]]]:
    id_dir = stage_dir(lake, "identifiers")
    for part in lake.part_files():
        ident_path = id_dir / part.name
        if not ident_path.exists():
            raise RuntimeError("identifiers are missing for some posts: run `vigil scan` first")
        posts = pq.read_table(
            part, columns=["id", "title_text", "body_text", "meta_json", "language"]
        )
        for p in iter_post_inputs(posts, pq.read_table(ident_path)):
            post = Post(id=p.id, platform="", source_id=None, url=None, posted_at=None, title="",
                        body=p.text, title_text="", body_text=p.text, location=None, author=None,
                        images=(), language=p.language, meta=p.meta)  # fmt: skip
            yield post, p.identifiers


def diff_over_lake(
    settings: Settings, catalogue_a: Catalogue, catalogue_b: Catalogue
) -> DiffReport:
    with Lake(settings.lake_dir) as lake:
        return diff(catalogue_a, catalogue_b, _lake_posts(lake))
