"""Near-duplicate text: masked text -> shingles -> MinHash -> LSH band rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from vigil.linking.minhash import band_hashes, shingle_hashes, signatures, token_hash
from vigil.linking.params import LinkParams
from vigil.linking.text import Span, masked_text, spans_by_post, tokenise

__all__ = [
    "BAND_ROWS_SCHEMA",
    "GROUP_BAND_OFFSET",
    "POST_BANDS_SCHEMA",
    "BandFiles",
    "band_rows",
    "bands_key",
    "batch_band_rows",
    "masked_band_rows",
    "post_band_rows",
]

#: group bands are numbered from here (link bands from 0) in the one band table
GROUP_BAND_OFFSET = 1000
#: the band table: ``kind`` = band number, ``value`` = band hash
BAND_ROWS_SCHEMA = pa.schema([("kind", pa.int64()), ("value", pa.int64()), ("node", pa.int64())])
#: band rows keyed by post id (the lake's ``bands`` stage, the index's ``bands.parquet``)
POST_BANDS_SCHEMA = pa.schema(
    [
        pa.field("band", pa.int64(), nullable=False),
        pa.field("hash", pa.int64(), nullable=False),
        pa.field("post_id", pa.string(), nullable=False),
    ]
)
#: the masking, shingling and hashing of this module; a change here must bump it
_BANDS_VERSION = "1"


def bands_key(params: LinkParams) -> str:
    """What band rows depend on: this module's version and the text parameters."""
    return (
        f"{_BANDS_VERSION}/k{params.shingle_size}/p{params.num_perm}/s{params.seed}/"
        f"{params.bands}x{params.rows}/{params.group_bands}x{params.group_rows}/"
        f"t{params.min_tokens}"
    )


@dataclass(frozen=True, slots=True)
class BandFiles:
    """Band rows computed ahead of a link run (``POST_BANDS_SCHEMA`` Parquet files).

    ``key`` is :func:`bands_key` of the parameters they were made with; a link run
    with other parameters refuses them. They must cover every post of the run.
    """

    glob: str
    key: str


def _hash_tokens(values: pa.Array, cache: dict[str, int]) -> npt.NDArray[np.uint64]:
    encoded = (
        pc.dictionary_encode(values).combine_chunks()
        if isinstance(values, pa.ChunkedArray)
        else pc.dictionary_encode(values)
    )
    vocab = encoded.dictionary.to_pylist()
    table = np.empty(len(vocab), dtype=np.uint64)
    for i, tok in enumerate(vocab):
        h = cache.get(tok)
        if h is None:
            h = cache[tok] = token_hash(tok)
        table[i] = h
    idx = encoded.indices.to_numpy(zero_copy_only=False)
    out: npt.NDArray[np.uint64] = table[idx]
    return out


def _batch_bands(
    texts: pa.Array, params: LinkParams, cache: dict[str, int]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(rows of ``texts`` with a signature, their band hashes ``n x bands``)."""
    encoded = pc.dictionary_encode(texts)
    uniq = encoded.dictionary
    tokens = tokenise(uniq)
    lengths = pc.list_value_length(tokens).to_numpy(zero_copy_only=False).astype(np.int64)
    need = max(params.min_tokens, params.shingle_size)
    ok = np.flatnonzero(lengths >= need)
    if len(ok) == 0:
        return np.empty(0, np.int64), np.empty((0, params.bands + params.group_bands), np.int64)
    kept = tokens.take(pa.array(ok))
    flat = pc.list_flatten(kept)
    offsets = np.zeros(len(ok) + 1, np.int64)
    np.cumsum(lengths[ok], out=offsets[1:])
    tok = _hash_tokens(flat, cache)
    sh, sh_off = shingle_hashes(tok, offsets, params.shingle_size)
    sig = signatures(sh, sh_off, params.num_perm, params.seed)
    link = band_hashes(sig, params.bands, params.rows)
    group = band_hashes(sig, params.group_bands, params.group_rows)
    bands_u = np.concatenate([link, group], axis=1)
    # back from unique texts to rows
    row_to_uniq = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    pos = np.full(len(uniq), -1, np.int64)
    pos[ok] = np.arange(len(ok))
    row_pos = pos[row_to_uniq]
    rows = np.flatnonzero(row_pos >= 0)
    return rows, bands_u[row_pos[rows]]


def batch_band_rows(
    nodes: npt.NDArray[np.int64],
    texts: pa.Array,
    params: LinkParams,
    cache: dict[str, int] | None = None,
) -> pa.Table:
    """Band rows ``(kind, value, node)`` of one batch of masked texts.

    A pure function of ``(nodes, texts)``: how posts are cut into batches changes
    nothing (``cache`` only remembers token hashes), which is what lets Spark run it
    over its own Arrow batches and get DuckDB's rows bit for bit.
    """
    band_ids = np.concatenate(
        [
            np.arange(params.bands, dtype=np.int64),
            GROUP_BAND_OFFSET + np.arange(params.group_bands, dtype=np.int64),
        ]
    )
    rows, bands = _batch_bands(texts, params, {} if cache is None else cache)
    return pa.table(
        {
            "kind": pa.array(np.tile(band_ids, len(rows)), pa.int64()),
            "value": pa.array(bands.reshape(-1), pa.int64()),
            "node": pa.array(np.repeat(nodes[rows], len(band_ids)), pa.int64()),
        }
    )


def band_rows(
    batches: Iterable[tuple[npt.NDArray[np.int64], pa.Array]],
    params: LinkParams,
    sink: Callable[[pa.Table], None] | None = None,
) -> pa.Table:
    """LSH bucket rows ``(kind=band, value=band hash, node)`` for every text post.

    ``batches`` yields ``(nodes, masked texts)`` (see :func:`vigil.linking.text.masked_text`).
    With ``sink``, each batch's rows are handed to it (and not kept), and the
    returned table is empty: memory stays bounded by one batch.

    Link bands are numbered ``0 .. bands-1``, group bands from ``GROUP_BAND_OFFSET``.
    """
    cache: dict[str, int] = {}
    parts: list[pa.Table] = []
    for nodes, texts in batches:
        part = batch_band_rows(nodes, texts, params, cache)
        if sink is not None:
            sink(part)
        else:
            parts.append(part)
    if not parts:
        return pa.table(
            {
                "kind": pa.array([], pa.int64()),
                "value": pa.array([], pa.int64()),
                "node": pa.array([], pa.int64()),
            }
        )
    return pa.concat_tables(parts)


def masked_band_rows(batch: pa.RecordBatch, params: LinkParams) -> pa.Table:
    """Band rows of a batch of posts ``(node, title_text, body_text, fields, starts, ends)``.

    ``fields``/``starts``/``ends`` are the post's identifier spans as parallel lists
    (null entries, from a post without identifiers, are ignored). Masking, shingling
    and MinHash are the same functions the streaming path uses, so the rows are the
    same whichever engine cut the batch.
    """
    nodes = batch.column("node").to_numpy(zero_copy_only=False).astype(np.int64)
    keys = nodes.tolist()
    spans: dict[int, list[Span]] = {}
    for node, fields, starts, ends in zip(
        keys,
        batch.column("fields").to_pylist(),
        batch.column("starts").to_pylist(),
        batch.column("ends").to_pylist(),
        strict=True,
    ):
        if fields:
            found = [
                (f, int(a), int(b))
                for f, a, b in zip(fields, starts, ends, strict=True)
                if f is not None
            ]
            if found:
                spans[node] = found
    texts = masked_text(
        keys,
        batch.column("title_text").to_pylist(),
        batch.column("body_text").to_pylist(),
        spans,
    )
    return batch_band_rows(nodes, texts, params)


def post_band_rows(posts: pa.Table, identifiers: pa.Table, params: LinkParams) -> pa.Table:
    """``POST_BANDS_SCHEMA`` rows of ``posts`` (``id, title_text, body_text``).

    ``identifiers`` are the posts' ``IDENTIFIERS_SCHEMA`` rows, whose spans are masked.
    The rows equal what a link run computes for the same posts (same functions), so
    the pipeline can hash each lake part once, in its workers, ahead of linking.
    """
    ids = posts.column("id")
    texts = masked_text(
        ids.to_pylist(),
        posts.column("title_text").to_pylist(),
        posts.column("body_text").to_pylist(),
        spans_by_post(identifiers),
    )
    rows = batch_band_rows(np.arange(posts.num_rows, dtype=np.int64), texts, params)
    return pa.table(
        {
            "band": rows.column("kind"),
            "hash": rows.column("value"),
            "post_id": pc.take(ids, rows.column("node")),
        },
        schema=POST_BANDS_SCHEMA,
    )
