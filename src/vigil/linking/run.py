"""``link()``: the whole linking run, from a scan results directory to clusters.

Tables the run creates in the engine (all portable SQL; see ``docs/linking.md``):

* ``lk_posts(node, post_id, location, posted_at, risk)`` and ``lk_new(node)``;
* ``lk_members(kind, value, node)``: identifier and image buckets;
* ``lk_bands(kind, value, node)``: LSH band buckets (``kind`` = band number; link
  bands from 0, group bands from ``GROUP_BAND_OFFSET``);
* ``lk_strong``, ``lk_e_text``: strong components and the text edges kept by
  :mod:`vigil.linking.resolve` (text never joins two anchored components; dropped
  once ``lk_edges`` is built, as are the other intermediate tables);
* ``lk_spans(node, field, start, end, kind)``: identifier spans (``identifiers.parquet``
  is read by the engine, never held in Python); ``lk_posts_file``: the posts file;
* ``lk_edges(a, b, kind, evidence)``: every link, ``a > b``;
* ``lk_comp(node, label)``: components of all links (the clusters);
* ``lk_text(node, label)``: near-duplicate groups (group-band edges inside a cluster);
* ``lk_hubs``: per-identifier statistics; ``lk_cid(label, cluster_id)``.

Output tables are written by the engine (``EngineAPI.write_parquet``).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vigil import __version__
from vigil.engine import DuckDBEngine, EngineAPI
from vigil.linking.buckets import hub_stats, oversized_buckets, star_edges
from vigil.linking.clusters import cluster_id, summarise
from vigil.linking.components import connected_components
from vigil.linking.images import chunk_table, image_keys, verified_pairs
from vigil.linking.index import LinkIndex, index_tmp_path, load_index, save_index
from vigil.linking.inputs import IDENTIFIERS_SCHEMA, Inputs, iter_post_batches, read_inputs
from vigil.linking.params import LinkParams
from vigil.linking.resolve import resolve_text_links
from vigil.linking.result import (
    CLUSTERS_FILE,
    EDGES_FILE,
    HUBS_FILE,
    MEMBERSHIP_FILE,
    RUN_FILE,
    LinkResult,
)
from vigil.linking.templates import MemberText, template_blobs
from vigil.linking.text import masked_text
from vigil.linking.textlink import (
    BAND_ROWS_SCHEMA,
    GROUP_BAND_OFFSET,
    BandFiles,
    band_rows,
    bands_key,
    masked_band_rows,
)
from vigil.procpool import map_ahead, worker_pool

__all__ = ["link"]

#: posts per MinHash batch (identical masked texts are hashed once per batch)
TEXT_BATCH = 100_000
#: sampled group members whose texts are read (and tokenised) at a time for templates
TEMPLATE_CHUNK = 10_000
#: templates are extracted in a process pool (``threads`` processes) from this many
#: sampled members on; below it, starting the pool costs more than it saves
TEMPLATE_POOL_MIN = 40_000

#: DuckDB's spill directory under the results directory (removed after the run)
SPILL_DIR = ".tmp-link"

_IMPL = "vigil-minhash/1 (blake2b-64 tokens, fmix64 shingles, datasketch affine32)"


class _Timer:
    def __init__(self) -> None:
        self.stages: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        self.stages[name] = round(self.stages.get(name, 0.0) + time.perf_counter() - t, 3)


def _new_nodes(inputs: Inputs, index: LinkIndex | None) -> np.ndarray:
    if index is None:
        return inputs.nodes
    known = pc.is_in(inputs.posts.column("id"), value_set=index.posts.column("post_id"))
    return np.flatnonzero(~known.to_numpy(zero_copy_only=False)).astype(np.int64)


def _usable_index(inputs: Inputs, index: LinkIndex | None) -> LinkIndex | None:
    """The index, if every indexed post is still present (else a full run)."""
    if index is None:
        return None
    present = pc.is_in(index.posts.column("post_id"), value_set=inputs.posts.column("id"))
    return index if pc.all(present).as_py() is not False else None


def _register_posts(engine: EngineAPI, inputs: Inputs, new: np.ndarray) -> None:
    p = inputs.posts
    engine.register(
        "lk_posts_in",
        pa.table(
            {
                "node": p.column("node"),
                "post_id": p.column("id"),
                "location": p.column("location"),
                "posted_at": p.column("posted_at"),
                "risk": p.column("risk"),
            }
        ),
    )
    engine.materialise("lk_posts", "SELECT * FROM lk_posts_in")
    engine.drop("lk_posts_in")
    engine.register("lk_new_in", pa.table({"node": pa.array(new, pa.int64())}))
    engine.materialise("lk_new", "SELECT node FROM lk_new_in")
    engine.drop("lk_new_in")
    # the posts file itself, for the template texts (never held whole in Python)
    engine.register_parquet("lk_posts_file", str(inputs.posts_path))


def _identifier_members(engine: EngineAPI, inputs: Inputs, params: LinkParams) -> None:
    """Identifier buckets, ages and spans, read by the engine from the Parquet file."""
    if inputs.identifiers_path is None:
        engine.register("lk_idents", IDENTIFIERS_SCHEMA.empty_table())
    else:
        engine.register_parquet("lk_idents", str(inputs.identifiers_path))
    kinds = ", ".join(f"'{k}'" for k in params.link_kinds)
    engine.materialise(
        "lk_members_new",
        "SELECT DISTINCT i.kind, i.value, p.node FROM lk_idents i "
        "JOIN lk_posts p ON i.post_id = p.post_id JOIN lk_new n ON n.node = p.node "
        f"WHERE i.kind IN ({kinds}) AND i.confidence >= {float(params.min_confidence)}",
    )
    engine.materialise(
        "lk_ages",
        "SELECT DISTINCT i.value, p.node FROM lk_idents i JOIN lk_posts p "
        "ON i.post_id = p.post_id WHERE i.kind = 'age'",
    )
    engine.materialise(
        "lk_spans",
        'SELECT p.node, i.field, i.start, i."end", i.kind FROM lk_idents i '
        "JOIN lk_posts p ON i.post_id = p.post_id",
    )
    engine.drop("lk_idents")


def _batch_spans(engine: EngineAPI, nodes: np.ndarray) -> dict[int, list[tuple[str, int, int]]]:
    """Identifier spans ``(field, start, end)`` of the posts ``nodes``."""
    engine.register("lk_batch", pa.table({"node": pa.array(nodes, pa.int64())}))
    rows = engine.to_arrow(
        'SELECT s.node, s.field, s.start, s."end" FROM lk_spans s '
        "JOIN lk_batch b ON s.node = b.node"
    )
    engine.drop("lk_batch")
    out: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    cols = [rows.column(c).to_pylist() for c in ("node", "field", "start", "end")]
    for node, fld, start, end in zip(*cols, strict=True):
        out[node].append((fld, int(start), int(end)))
    return out


def _masked_batches(
    engine: EngineAPI, inputs: Inputs, is_new: np.ndarray
) -> Iterator[tuple[np.ndarray, pa.Array]]:
    """``(nodes, masked texts)`` of the new posts, batch by batch from the posts file."""
    for nodes, table in iter_post_batches(
        inputs, ("title_text", "body_text"), batch_size=TEXT_BATCH
    ):
        keep = np.flatnonzero(is_new[nodes])
        if len(keep) == 0:
            continue
        if len(keep) < len(nodes):
            nodes, table = nodes[keep], table.take(pa.array(keep))
        spans = _batch_spans(engine, nodes)
        keys = nodes.tolist()
        texts = masked_text(
            keys,
            table.column("title_text").to_pylist(),
            table.column("body_text").to_pylist(),
            spans,
        )
        yield nodes, texts


def _texts_sql(inputs: Inputs) -> str:
    """The new posts' texts and identifier spans (parallel lists), one row per post."""
    cols = ", ".join(
        f"CAST(f.{c} AS STRING) AS {c}" if c in inputs.columns else f"CAST(NULL AS STRING) AS {c}"
        for c in ("title_text", "body_text")
    )
    return (
        f"SELECT p.node, {cols}, s.fields, s.starts, s.ends FROM lk_posts_file f "
        f"JOIN lk_posts p ON CAST(f.{inputs.id_column} AS STRING) = p.post_id "
        "JOIN lk_new n ON n.node = p.node LEFT JOIN (SELECT node, array_agg(field) AS fields, "
        'array_agg(start) AS starts, array_agg("end") AS ends FROM lk_spans GROUP BY node) s '
        "ON s.node = p.node"
    )


def _old(engine: EngineAPI, name: str, path: Path, cols: str) -> None:
    """Register an index file with its post ids turned into nodes."""
    engine.register_parquet(f"{name}_in", str(path))
    engine.materialise(
        name,
        f"SELECT {cols}, p.node FROM {name}_in o JOIN lk_posts p ON o.post_id = p.post_id",
    )
    engine.drop(f"{name}_in")


def _precomputed_bands(engine: EngineAPI, name: str, glob: str) -> None:
    """Append to ``name(kind, value, node)`` the new posts' rows of precomputed band files."""
    engine.register_parquet("lk_bands_pre", glob)
    engine.insert(
        name,
        "SELECT o.band AS kind, o.hash AS value, p.node FROM lk_bands_pre o "
        "JOIN lk_posts p ON o.post_id = p.post_id JOIN lk_new n ON n.node = p.node",
    )
    engine.drop("lk_bands_pre")


def _anchor_kinds(params: LinkParams) -> tuple[str, ...]:
    """Member kinds that anchor a component (``image`` stands for every image key)."""
    out: list[str] = []
    for kind in params.text_anchor_kinds:
        out.extend(("image_sha256", "image_pdq", "image_ref") if kind == "image" else (kind,))
    return tuple(out)


def _pdq_edges(engine: EngineAPI, params: LinkParams) -> int:
    """Near-match edges between all distinct PDQ hashes."""
    hashes = [
        r["value"]
        for r in engine.to_arrow(
            "SELECT DISTINCT value FROM lk_members WHERE kind = 'image_pdq' ORDER BY value"
        ).to_pylist()
    ]
    empty = "SELECT CAST(0 AS BIGINT) AS a, CAST(0 AS BIGINT) AS b, 'x' AS kind, 'x' AS evidence"
    if not hashes:
        engine.materialise("lk_e_pdq", f"{empty} WHERE 1 = 0")
        return 0
    engine.register("lk_chunks", chunk_table(hashes))
    cand = engine.to_arrow(
        "SELECT DISTINCT x.hid AS i, y.hid AS j FROM lk_chunks x JOIN lk_chunks y "
        "ON x.chunk = y.chunk AND x.val = y.val AND x.hid < y.hid"
    )
    pairs = verified_pairs(
        hashes,
        np.column_stack([cand.column("i").to_numpy(), cand.column("j").to_numpy()]).astype(np.int64)
        if cand.num_rows
        else np.empty((0, 2), np.int64),
        params.image_distance,
    )
    engine.drop("lk_chunks")
    engine.register(
        "lk_pdq_pairs",
        pa.table(
            {
                "h1": pa.array([hashes[i] for i, _, _ in pairs], pa.string()),
                "h2": pa.array([hashes[j] for _, j, _ in pairs], pa.string()),
                "d": pa.array([d for _, _, d in pairs], pa.int64()),
            }
        ),
    )
    engine.materialise(
        "lk_e_pdq",
        "SELECT greatest(r1.node, r2.node) AS a, least(r1.node, r2.node) AS b, "
        "'image_pdq_near' AS kind, concat('pdq distance ', CAST(q.d AS STRING)) AS evidence "
        "FROM lk_pdq_pairs q "
        "JOIN (SELECT value, min(node) AS node FROM lk_members WHERE kind = 'image_pdq' "
        "GROUP BY value) r1 ON q.h1 = r1.value "
        "JOIN (SELECT value, min(node) AS node FROM lk_members WHERE kind = 'image_pdq' "
        "GROUP BY value) r2 ON q.h2 = r2.value WHERE r1.node <> r2.node",
    )
    engine.drop("lk_pdq_pairs")
    return len(pairs)


def _group_edges(engine: EngineAPI) -> None:
    """Near-duplicate group edges (group bands), kept inside one cluster.

    Star edges per (band bucket, cluster), so a bucket spread over clusters still
    connects the members that share a cluster.
    """
    engine.materialise(
        "lk_e_groups",
        "SELECT node AS a, root AS b FROM (SELECT b.node, min(b.node) OVER "
        "(PARTITION BY b.kind, b.value, c.label) AS root FROM lk_bands b JOIN lk_comp c "
        f"ON b.node = c.node WHERE b.kind >= {GROUP_BAND_OFFSET}) t WHERE node <> root",
    )


def _sampled_texts(engine: EngineAPI, inputs: Inputs, nodes: list[int]) -> None:
    """``lk_tmpl_texts(node, title_text, body_text)``: the texts of the sampled group
    members, read from the posts file in one scan (chunks then read this table)."""
    engine.register("lk_need_all", pa.table({"node": pa.array(sorted(nodes), pa.int64())}))
    cols = ", ".join(
        f"CAST(f.{c} AS STRING) AS {c}" if c in inputs.columns else f"CAST(NULL AS STRING) AS {c}"
        for c in ("title_text", "body_text")
    )
    engine.materialise(
        "lk_tmpl_texts",
        f"SELECT p.node, {cols} FROM lk_posts_file f "
        f"JOIN lk_posts p ON CAST(f.{inputs.id_column} AS STRING) = p.post_id "
        "JOIN lk_need_all n ON n.node = p.node",
    )
    engine.drop("lk_need_all")


def _template_texts(engine: EngineAPI, nodes: list[int]) -> dict[int, MemberText]:
    """Title, body and identifier spans of the posts ``nodes`` (from ``lk_tmpl_texts``;
    tokenised where the templates are extracted)."""
    spans: dict[int, list[tuple[int, int, str, str]]] = defaultdict(list)
    engine.register("lk_need", pa.table({"node": pa.array(sorted(nodes), pa.int64())}))
    rows = engine.to_arrow(
        'SELECT s.node, s.start, s."end", s.kind, s.field FROM lk_spans s '
        "JOIN lk_need n ON n.node = s.node"
    )
    cols = [rows.column(c).to_pylist() for c in ("node", "start", "end", "kind", "field")]
    for node, start, end, kind, fld in zip(*cols, strict=True):
        spans[node].append((start, end, kind, fld))
    del rows, cols
    texts = engine.to_arrow(
        "SELECT t.node, t.title_text, t.body_text FROM lk_tmpl_texts t "
        "JOIN lk_need n ON n.node = t.node"
    )
    engine.drop("lk_need")
    return {
        node: (str(title or ""), str(body or ""), spans.get(node, []))
        for node, title, body in zip(
            texts.column("node").to_pylist(),
            texts.column("title_text").to_pylist(),
            texts.column("body_text").to_pylist(),
            strict=True,
        )
    }


def _templates(
    engine: EngineAPI, inputs: Inputs, params: LinkParams, index: LinkIndex | None
) -> tuple[dict[int, list[dict[str, Any]]], pa.Table]:
    """Templates per cluster label, and the template cache for the index.

    Only the first ``template_sample`` members of each group are read: their texts
    from the posts file in one scan into an engine table, then a chunk of groups at
    a time into Python (a process pool extracts the templates of large runs).
    """
    sizes = engine.to_arrow(
        "SELECT t.label, count(*) AS n, min(c.label) AS owner FROM lk_text t "
        "JOIN lk_comp c ON c.node = t.label GROUP BY t.label ORDER BY t.label"
    )
    sample = engine.to_arrow(
        "SELECT label, node FROM (SELECT label, node, row_number() OVER "
        "(PARTITION BY label ORDER BY node) AS rk FROM lk_text) t "
        f"WHERE rk <= {int(params.template_sample)} ORDER BY label, node"
    )
    members: dict[int, list[int]] = defaultdict(list)
    for label, node in zip(
        sample.column("label").to_pylist(), sample.column("node").to_pylist(), strict=True
    ):
        members[label].append(node)
    del sample
    ids = inputs.posts.column("id")
    cache: dict[tuple[str, int], str] = {}
    if index is not None:
        for r in index.templates.to_pylist():
            cache[(r["text_root"], int(r["size"]))] = r["template_json"]
    cities = frozenset(
        str(loc).split(",")[0].strip().lower()
        for loc in pc.unique(inputs.posts.column("location")).to_pylist()
        if loc
    )
    groups = list(
        zip(
            sizes.column("label").to_pylist(),
            sizes.column("n").to_pylist(),
            sizes.column("owner").to_pylist(),
            strict=True,
        )
    )
    todo = [g for g in groups if (str(ids[g[0]]), g[1]) not in cache]

    def chunks() -> Iterator[list[tuple[int, list[MemberText]]]]:
        """Groups with their sampled members' texts, read a chunk of groups at a time."""
        start = 0
        while start < len(todo):
            end, need = start, 0
            while end < len(todo) and (end == start or need < TEMPLATE_CHUNK):
                need += len(members[todo[end][0]])
                end += 1
            chunk = todo[start:end]
            texts = _template_texts(engine, [n for g in chunk for n in members[g[0]]])
            yield [(label, [texts[n] for n in members[label]]) for label, _, _ in chunk]
            start = end

    sampled = [n for g in todo for n in members[g[0]]]
    workers = (params.threads or os.cpu_count() or 1) if len(sampled) >= TEMPLATE_POOL_MIN else 1
    _sampled_texts(engine, inputs, sampled)
    del sampled
    blobs = _template_blobs(chunks(), cities, params.slot_min_share, workers)
    engine.drop("lk_tmpl_texts")
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    new_cache: list[dict[str, Any]] = []
    for label, size, owner in groups:
        root = str(ids[label])
        blob = blobs.get(label) or cache[(root, size)]
        new_cache.append({"text_root": root, "size": size, "template_json": blob})
        data = json.loads(blob)
        out[owner].append(
            {
                "group": root,
                "posts": size,
                "aligned": data["aligned"],
                "template": data["template"],
                "summary": data["summary"],
                "slots": data["slots"],
            }
        )
    for items in out.values():
        items.sort(key=lambda t: (-t["posts"], t["group"]))
    cache_table = pa.Table.from_pylist(
        new_cache,
        schema=pa.schema(
            [("text_root", pa.string()), ("size", pa.int64()), ("template_json", pa.string())]
        ),
    )
    return out, cache_table


def _template_blobs(
    chunks: Iterator[list[tuple[int, list[MemberText]]]],
    cities: frozenset[str],
    min_share: float,
    workers: int,
) -> dict[int, str]:
    """Template JSON per group label; with ``workers`` > 1, chunks go to a process
    pool (a few in flight, so memory stays bounded) while the next ones are read."""
    blobs: dict[int, str] = {}
    if workers <= 1:
        for chunk in chunks:
            blobs.update(template_blobs(chunk, cities, min_share))
        return blobs
    build = partial(template_blobs, cities=cities, min_share=min_share)
    with worker_pool(workers) as pool:
        for done in map_ahead(pool, build, chunks, 2 * workers):
            blobs.update(done)
    return blobs


def _cluster_ids(engine: EngineAPI) -> None:
    """``lk_cid(label, cluster_id)``: the stable id of every cluster (hashed in Python,
    one row per cluster, so no engine hash function is needed)."""
    roots = engine.to_arrow(
        "SELECT DISTINCT c.label, p.post_id FROM lk_comp c JOIN lk_posts p ON p.node = c.label"
    )
    engine.register(
        "lk_cid_in",
        pa.table(
            {
                "label": roots.column("label"),
                "cluster_id": pa.array(
                    [cluster_id(r) for r in roots.column("post_id").to_pylist()], pa.string()
                ),
            }
        ),
    )
    engine.materialise("lk_cid", "SELECT label, cluster_id FROM lk_cid_in")
    engine.drop("lk_cid_in")


def _write_outputs(engine: EngineAPI, out_dir: Path) -> None:
    """Edges, memberships, hubs and the index's partition, written by the engine."""
    _cluster_ids(engine)
    engine.write_parquet(
        "SELECT pa.post_id AS post_a, pb.post_id AS post_b, e.kind, e.evidence, k.cluster_id "
        "FROM lk_edges e JOIN lk_posts pa ON e.a = pa.node "
        "JOIN lk_posts pb ON e.b = pb.node JOIN lk_comp c ON c.node = e.a "
        "JOIN lk_cid k ON k.label = c.label "
        "ORDER BY c.label, post_a, post_b, e.kind, e.evidence",
        str(out_dir / EDGES_FILE),
    )
    membership = (
        "FROM lk_comp c JOIN lk_posts p ON p.node = c.node JOIN lk_posts r ON r.node = c.label "
        "JOIN lk_cid k ON k.label = c.label "
        "LEFT JOIN lk_text t ON t.node = c.node LEFT JOIN lk_posts tr ON tr.node = t.label "
        "ORDER BY p.post_id"
    )
    engine.write_parquet(
        f"SELECT p.post_id, k.cluster_id, tr.post_id AS text_group {membership}",
        str(out_dir / MEMBERSHIP_FILE),
    )
    engine.write_parquet(
        f"SELECT p.post_id, r.post_id AS root, tr.post_id AS text_root {membership}",
        str(index_tmp_path(out_dir, "partition")),
    )
    engine.write_parquet(
        "SELECT kind, value, posts, cities, first_seen, last_seen FROM lk_hubs "
        "ORDER BY posts DESC, kind, value",
        str(out_dir / HUBS_FILE),
    )


def link(
    in_dir: Path,
    params: LinkParams | None = None,
    *,
    engine: EngineAPI | None = None,
    images_root: Path | None = None,
    incremental: bool = True,
    bands: BandFiles | None = None,
) -> LinkResult:
    """Link the posts of a scan results directory into clusters.

    Reads ``in_dir/posts.parquet`` and ``in_dir/identifiers.parquet``; writes
    ``clusters.parquet``, ``edges.parquet``, ``post_clusters.parquet``,
    ``identifier_hubs.parquet``, ``link_run.json`` and the incremental index
    ``index/``. With ``incremental`` (the default) and an index from an earlier run
    whose posts are all still present (and the same parameters), only the new posts
    are hashed and joined; the partition is the same as a full run's.

    ``bands``: band rows hashed ahead of the run (``vigil scan`` hashes them in its
    pipeline workers, part by part) instead of hashing the texts here; same result.
    """
    params = params or LinkParams()
    if bands is not None and bands.key != bands_key(params):
        raise ValueError(
            f"band rows made with {bands.key!r} cannot serve a run with {bands_key(params)!r}"
        )
    own = engine is None
    eng: EngineAPI = (
        engine
        if engine is not None
        else DuckDBEngine(
            threads=params.threads,
            memory_limit=params.memory_limit,
            # beyond memory_limit DuckDB spills here, not to ./.tmp of the caller
            temp_directory=str(in_dir / SPILL_DIR),
        )
    )
    timer = _Timer()
    started = time.perf_counter()
    try:
        with timer("read"):
            inputs = read_inputs(in_dir)
            index = load_index(in_dir) if incremental else None
            run_path = in_dir / RUN_FILE
            if index is not None and run_path.is_file():
                previous = json.loads(run_path.read_text("utf-8"))
                if previous.get("params") != params.to_json():
                    index = None
            index = _usable_index(inputs, index)
            new = _new_nodes(inputs, index)
            _register_posts(eng, inputs, new)
        is_incr = index is not None
        with timer("identifiers"):
            _identifier_members(eng, inputs, params)
        with timer("images"):
            is_new = np.zeros(inputs.posts.num_rows, dtype=bool)
            is_new[new] = True
            for nodes, table in iter_post_batches(inputs, ("images",)):
                keep = np.flatnonzero(is_new[nodes])
                if len(keep) == 0:
                    continue
                img = image_keys(
                    nodes[keep].tolist(),
                    table.column("images").take(pa.array(keep)).to_pylist(),
                    images_root,
                    link_unresolved=params.link_unresolved_image_refs,
                )
                eng.register("lk_img_new", img.members)
                eng.insert("lk_members_new", "SELECT kind, value, node FROM lk_img_new")
                eng.drop("lk_img_new")
                del img
        with timer("minhash"):
            eng.materialise(
                "lk_bands_new",
                "SELECT CAST(0 AS BIGINT) AS kind, CAST(0 AS BIGINT) AS value, "
                "CAST(0 AS BIGINT) AS node WHERE 1 = 0",
            )

            def _sink(part: pa.Table) -> None:
                eng.register("lk_bands_in", part)
                eng.insert("lk_bands_new", "SELECT kind, value, node FROM lk_bands_in")
                eng.drop("lk_bands_in")

            if params.text_links and len(new) and bands is not None:
                _precomputed_bands(eng, "lk_bands_new", bands.glob)
            elif params.text_links and len(new) and eng.distributed:
                # the engine's workers mask and hash their own batches (Spark mapInArrow)
                eng.map_arrow(
                    "lk_bands_new",
                    _texts_sql(inputs),
                    partial(masked_band_rows, params=params),
                    BAND_ROWS_SCHEMA,
                    batch_rows=TEXT_BATCH,
                )
            elif params.text_links and len(new):
                band_rows(_masked_batches(eng, inputs, is_new), params, sink=_sink)
        with timer("buckets"):
            if index is not None:
                _old(eng, "lk_members_old", index.members, "o.kind, o.value")
                _old(eng, "lk_bands_old", index.bands, "o.band AS kind, o.hash AS value")
                eng.materialise(
                    "lk_members",
                    "SELECT kind, value, node FROM lk_members_new UNION ALL "
                    "SELECT kind, value, node FROM lk_members_old",
                )
                eng.materialise(
                    "lk_bands",
                    "SELECT kind, value, node FROM lk_bands_new UNION ALL "
                    "SELECT kind, value, node FROM lk_bands_old",
                )
            else:
                eng.materialise("lk_members", "SELECT kind, value, node FROM lk_members_new")
                eng.materialise("lk_bands", "SELECT kind, value, node FROM lk_bands_new")
            text_posts = int(eng.scalar("SELECT count(DISTINCT node) FROM lk_bands_new") or 0)
            for name in ("lk_members_new", "lk_bands_new", "lk_members_old", "lk_bands_old"):
                eng.drop(name)
            eng.materialise("lk_lbands", f"SELECT * FROM lk_bands WHERE kind < {GROUP_BAND_OFFSET}")
            # Every bucket is redone (SQL, cheap): an incremental run saves the hashing
            # and extraction of indexed posts, and its partition equals a full run's.
            star_edges(eng, "lk_members", "lk_e_ids", max_posts=params.max_bucket_posts)
            skipped = oversized_buckets(eng, "lk_members", params.max_bucket_posts)
            skipped_bands = len(oversized_buckets(eng, "lk_lbands", params.max_bucket_posts))
            hub_stats(eng, "lk_members", "lk_posts", "lk_hubs")
        with timer("images_near"):
            pdq_pairs = _pdq_edges(eng, params)
        with timer("text_resolve"):
            eng.materialise(
                "lk_strong_in",
                "SELECT DISTINCT a, b FROM (SELECT a, b FROM lk_e_ids UNION ALL "
                "SELECT a, b FROM lk_e_pdq) t",
            )
            blocked = resolve_text_links(
                eng,
                strong="lk_strong_in",
                bands="lk_lbands",
                members="lk_members",
                anchor_kinds=_anchor_kinds(params),
                n_bands=params.bands,
                max_posts=params.max_bucket_posts,
            )
        with timer("edges"):
            eng.materialise(
                "lk_edges",
                "SELECT a, b, kind, value AS evidence FROM lk_e_ids UNION ALL "
                "SELECT a, b, kind, evidence FROM lk_e_text "
                "UNION ALL SELECT a, b, kind, evidence FROM lk_e_pdq",
            )
            eng.materialise("lk_cc_in", "SELECT DISTINCT a, b FROM lk_edges")
            for name in ("lk_e_ids", "lk_e_text", "lk_strong_in", "lk_lbands", "lk_tb"):
                eng.drop(name)
            for name in ("lk_strong", "lk_anchor", "lk_bare_cc", "lk_tb_anc"):
                eng.drop(name)
        with timer("components"):
            rounds = connected_components(eng, "lk_cc_in", "lk_comp", prefix="cc")
        with timer("groups"):
            _group_edges(eng)
            eng.drop("lk_cc_in")
            eng.materialise("lk_cc_text", "SELECT DISTINCT a, b FROM lk_e_groups")
            eng.drop("lk_e_groups")
            text_rounds = connected_components(eng, "lk_cc_text", "lk_text", prefix="cct")
            eng.drop("lk_cc_text")
        with timer("templates"):
            templates, template_cache = _templates(eng, inputs, params, index)
        with timer("summaries"):
            clusters = summarise(eng, templates, params)
        with timer("write"):
            pq.write_table(clusters, in_dir / CLUSTERS_FILE)
            _write_outputs(eng, in_dir)
            eng.write_parquet(
                "SELECT m.kind, m.value, p.post_id FROM lk_members m "
                "JOIN lk_posts p ON m.node = p.node",
                str(index_tmp_path(in_dir, "members")),
            )
            eng.write_parquet(
                "SELECT b.kind AS band, b.value AS hash, p.post_id FROM lk_bands b "
                "JOIN lk_posts p ON b.node = p.node",
                str(index_tmp_path(in_dir, "bands")),
            )
            save_index(
                in_dir,
                {
                    "posts": pa.table({"post_id": inputs.posts.column("id")}),
                    "members": None,
                    "bands": None,
                    "partition": None,
                    "templates": template_cache,
                },
            )
        edge_counts = {
            r["kind"]: int(r["n"])
            for r in eng.to_arrow(
                "SELECT kind, count(*) AS n FROM lk_edges GROUP BY kind ORDER BY kind"
            ).to_pylist()
        }
        run: dict[str, Any] = {
            "vigil": __version__,
            "engine": eng.version(),
            "python": platform.python_version(),
            "minhash": _IMPL,
            "params": params.to_json(),
            "images_root": str(images_root) if images_root else None,
            "incremental": is_incr,
            "posts": inputs.posts.num_rows,
            "new_posts": len(new),
            "text_posts": text_posts,
            "new_edges": edge_counts,
            "pdq_near_pairs": pdq_pairs,
            "skipped_hubs": skipped,
            "skipped_band_buckets": skipped_bands,
            "text_buckets_blocked": blocked,
            "clusters": clusters.num_rows,
            "clustered_posts": int(pc.sum(clusters.column("size")).as_py() or 0),
            "largest_cluster": int(pc.max(clusters.column("size")).as_py() or 0),
            "cc_rounds": rounds,
            "text_cc_rounds": text_rounds,
            "seconds": round(time.perf_counter() - started, 3),
            "stages": timer.stages,
        }
        (in_dir / RUN_FILE).write_text(json.dumps(run, indent=2, default=str) + "\n", "utf-8")
        return LinkResult(in_dir, clusters, run)
    finally:
        if own:
            eng.close()
            shutil.rmtree(in_dir / SPILL_DIR, ignore_errors=True)
