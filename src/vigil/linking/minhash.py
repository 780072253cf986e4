"""Pinned, vectorised MinHash and LSH band hashes (numpy only).

Signatures are a pure function of ``(tokens, shingle_size, num_perm, seed)`` so every
engine (and every machine) computes the same ones:

* token hash: the first 8 bytes of BLAKE2b(token, UTF-8), little-endian, as uint64;
* shingle hash (``k`` consecutive tokens ``t_0..t_{k-1}``):
  ``fmix64(sum_j th(t_j) * M_j mod 2**64) & 0xFFFFFFFF`` with the fixed odd
  multipliers ``M_j`` below (a 32-bit value, as datasketch's ``hashfunc`` returns);
* permutations: datasketch 2.0.0's default ``affine32`` scheme, bit for bit:
  ``h' = fmix32(h)``, ``phv_i = a_i * h' + b_i mod 2**32`` with ``a_i`` odd, ``a`` and
  ``b`` drawn from ``numpy.random.RandomState(seed)`` exactly as
  ``datasketch.MinHash._init_permutations`` draws them. A signature therefore equals
  ``datasketch.MinHash(num_perm, seed, hashfunc=identity)`` updated with the shingle
  hashes (tested).
* band hash (band ``i`` = signature values ``i*r .. i*r+r-1``):
  ``fmix64(sum_j v_j * M_j mod 2**64)`` as a signed 64-bit integer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "MULTIPLIERS",
    "band_hashes",
    "fmix32",
    "fmix64",
    "permutations",
    "shingle_hashes",
    "signatures",
    "token_hash",
    "token_hashes",
]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

#: odd 64-bit multipliers for combining token / signature values (golden-ratio
#: sequence, fixed forever: changing them changes every signature)
MULTIPLIERS: Final[tuple[int, ...]] = tuple(
    (((0x9E3779B97F4A7C15 * (2 * i + 1)) ^ (0xD6E8FEB86659FD93 >> i)) | 1) & 0xFFFFFFFFFFFFFFFF
    for i in range(64)
)
_M64: Final = np.array(MULTIPLIERS, dtype=np.uint64)
#: shingles per permutation block: 128 perms -> 512 KiB, which stays in the L2 cache
#: (3x faster than the 64 MiB blocks of 1 << 17 shingles; the result is the same)
_MAX_CHUNK: Final = 1 << 10


def fmix64(x: U64) -> U64:
    """MurmurHash3's 64-bit finaliser (wrapping uint64 arithmetic)."""
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xFF51AFD7ED558CCD)
    x = x ^ (x >> np.uint64(33))
    x = x * np.uint64(0xC4CEB9FE1A85EC53)
    return x ^ (x >> np.uint64(33))


def fmix32(x: U32) -> U32:
    """MurmurHash3's 32-bit finaliser, as datasketch applies it before permuting."""
    x = x ^ (x >> np.uint32(16))
    x = x * np.uint32(0x85EBCA6B)
    x = x ^ (x >> np.uint32(13))
    x = x * np.uint32(0xC2B2AE35)
    return x ^ (x >> np.uint32(16))


def token_hash(token: str) -> int:
    """The 64-bit hash of one token."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def token_hashes(tokens: Iterable[str]) -> U64:
    """Token hashes as a uint64 array."""
    return np.fromiter((token_hash(t) for t in tokens), dtype=np.uint64)


def shingle_hashes(
    tok: U64, offsets: npt.NDArray[np.int64], k: int
) -> tuple[U32, npt.NDArray[np.int64]]:
    """Hashes of every ``k``-word shingle of every document.

    ``tok`` holds the token hashes of all documents back to back and document ``d``
    owns ``tok[offsets[d]:offsets[d+1]]``. Every document must have at least ``k``
    tokens. Returns the shingle hashes and their offsets (same layout).
    """
    n_docs = len(offsets) - 1
    lengths = np.diff(offsets)
    if n_docs and int(lengths.min()) < k:
        raise ValueError("every document needs at least k tokens")
    total = len(tok)
    if total < k:
        return np.empty(0, np.uint32), np.zeros(n_docs + 1, np.int64)
    span = total - k + 1
    acc = np.zeros(span, dtype=np.uint64)
    for j in range(k):
        acc += tok[j : j + span] * _M64[j]
    mixed = (fmix64(acc) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    counts = lengths - k + 1
    doc = np.repeat(np.arange(n_docs), lengths)[:span]
    pos = np.arange(span, dtype=np.int64) - offsets[:-1][doc]
    keep = pos < counts[doc]
    sh_offsets = np.zeros(n_docs + 1, np.int64)
    np.cumsum(counts, out=sh_offsets[1:])
    return mixed[keep], sh_offsets


def permutations(num_perm: int, seed: int) -> tuple[U32, U32]:
    """``(a, b)`` of datasketch 2.0.0's ``affine32`` scheme for ``(num_perm, seed)``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a.astype(np.uint32), b.astype(np.uint32)


def signatures(sh: U32, sh_offsets: npt.NDArray[np.int64], num_perm: int, seed: int) -> U32:
    """MinHash signatures (``n_docs x num_perm`` uint32) of non-empty shingle sets."""
    a, b = permutations(num_perm, seed)
    n_docs = len(sh_offsets) - 1
    out = np.empty((n_docs, num_perm), dtype=np.uint32)
    if n_docs == 0:
        return out
    if int(np.diff(sh_offsets).min()) < 1:
        raise ValueError("every document needs at least one shingle")
    hv = fmix32(sh)
    d = 0
    while d < n_docs:
        # as many whole documents as fit in one block (at least one)
        limit = sh_offsets[d] + _MAX_CHUNK
        e = max(d + 1, int(np.searchsorted(sh_offsets, limit, side="right")) - 1)
        e = min(e, n_docs)
        lo, hi = int(sh_offsets[d]), int(sh_offsets[e])
        block = hv[lo:hi, None] * a[None, :]
        block += b[None, :]
        out[d:e] = np.minimum.reduceat(block, sh_offsets[d:e] - lo, axis=0)
        d = e
    return out


def band_hashes(sig: U32, bands: int, rows: int) -> npt.NDArray[np.int64]:
    """One signed 64-bit hash per (document, band): shape ``n_docs x bands``."""
    n_docs = sig.shape[0]
    out = np.empty((n_docs, bands), dtype=np.uint64)
    wide = sig.astype(np.uint64)
    for i in range(bands):
        acc = np.zeros(n_docs, dtype=np.uint64)
        for j in range(rows):
            acc += wide[:, i * rows + j] * _M64[j]
        out[:, i] = fmix64(acc)
    return out.view(np.int64)
