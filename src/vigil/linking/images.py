"""Image keys: exact (SHA-256 of the file bytes) and perceptual (PDQ) hashes.

Image refs are resolved under an *images root* (``ref`` relative to it; refs that
would escape the root are treated as unresolved). For a file that resolves:

* ``image_sha256``: SHA-256 of its bytes; equal digests link (star edges);
* ``image_pdq``: Meta's PDQ perceptual hash (256 bits, via ``pdqhash``); equal PDQ
  hashes link, and two PDQ hashes within Hamming distance ``image_distance``
  (default 31, PDQ's recommended match threshold) link as a near match.
  Candidates for near matches come from an exact match on any one of 16 chunks of
  16 bits (a SQL self-join); by the pigeonhole principle every pair within
  distance 15 is found, pairs at 16-31 are found when one chunk agrees (almost
  always for edited copies); each candidate is verified by its exact distance.
  Images whose PDQ quality is below ``MIN_QUALITY`` (flat or tiny pictures) get no
  PDQ key: their hashes are noise.

A ref that does not resolve to a file is linked by the ref string itself
(``image_ref``, exact equality only), unless ``link_unresolved_image_refs`` is off.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

__all__ = [
    "CHUNKS",
    "MIN_QUALITY",
    "ImageKeys",
    "hamming",
    "image_keys",
    "pdq_hex",
    "resolve",
]

CHUNKS: Final = 16
MIN_QUALITY: Final = 50


@dataclass(frozen=True, slots=True)
class ImageKeys:
    """Bucket rows ``(kind, value, node)`` and the distinct PDQ hashes seen."""

    members: pa.Table
    pdq: list[str]


def resolve(root: Path | None, ref: str) -> Path | None:
    """The file ``ref`` names under ``root``, or None (missing, or outside ``root``)."""
    if root is None or not ref:
        return None
    base = root.resolve()
    try:
        path = (base / ref).resolve()
    except (OSError, ValueError):
        return None
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


def pdq_hex(path: Path) -> tuple[str, int] | None:
    """``(hex PDQ hash, quality)`` of the image file, or None if unreadable."""
    import pdqhash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            rgb = np.asarray(img.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    bits, quality = pdqhash.compute(rgb)
    packed = np.packbits(np.asarray(bits, dtype=np.uint8))
    return packed.tobytes().hex(), int(quality)


def hamming(a: str, b: str) -> int:
    """Hamming distance of two hex hashes of the same length."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def chunk_table(hashes: Sequence[str]) -> pa.Table:
    """``(hid, chunk, val)`` rows: each hash cut into ``CHUNKS`` equal hex pieces."""
    hid: list[int] = []
    chunk: list[int] = []
    val: list[str] = []
    for i, h in enumerate(hashes):
        width = len(h) // CHUNKS
        for c in range(CHUNKS):
            hid.append(i)
            chunk.append(c)
            val.append(h[c * width : (c + 1) * width])
    return pa.table({"hid": hid, "chunk": chunk, "val": val})


def verified_pairs(
    hashes: Sequence[str], candidates: npt.NDArray[np.int64], max_distance: int
) -> list[tuple[int, int, int]]:
    """``(i, j, distance)`` for candidate index pairs within ``max_distance``."""
    out = []
    for i, j in candidates.tolist():
        d = hamming(hashes[i], hashes[j])
        if d <= max_distance:
            out.append((int(i), int(j), d))
    return out


def image_keys(
    nodes: Sequence[int],
    images: Sequence[Sequence[str] | None],
    root: Path | None,
    *,
    link_unresolved: bool = True,
) -> ImageKeys:
    """Bucket rows for every image ref of every post (files are hashed once)."""
    cache: dict[Path, tuple[str, str | None]] = {}
    kind: list[str] = []
    value: list[str] = []
    node: list[int] = []
    for n, refs in zip(nodes, images, strict=True):
        for ref in dict.fromkeys(refs or ()):
            path = resolve(root, ref)
            if path is None:
                if link_unresolved and ref:
                    kind.append("image_ref")
                    value.append(ref)
                    node.append(n)
                continue
            if path not in cache:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                pdq = pdq_hex(path)
                cache[path] = (digest, pdq[0] if pdq and pdq[1] >= MIN_QUALITY else None)
            digest, pdq_value = cache[path]
            kind.append("image_sha256")
            value.append(digest)
            node.append(n)
            if pdq_value is not None:
                kind.append("image_pdq")
                value.append(pdq_value)
                node.append(n)
    members = pa.table(
        {
            "kind": pa.array(kind, pa.string()),
            "value": pa.array(value, pa.string()),
            "node": pa.array(node, pa.int64()),
        }
    )
    pdqs = sorted({v for k, v in zip(kind, value, strict=True) if k == "image_pdq"})
    return ImageKeys(members, pdqs)
