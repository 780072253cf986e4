"""MinHash: pinned hashing, agreement with datasketch, LSH banding recall, masking."""

from __future__ import annotations

import hashlib

import datasketch
import numpy as np
import pyarrow as pa
import pytest

from vigil.linking.minhash import (
    MULTIPLIERS,
    band_hashes,
    fmix64,
    shingle_hashes,
    signatures,
    token_hash,
    token_hashes,
)
from vigil.linking.params import LinkParams
from vigil.linking.text import masked_text, tokenise


def _ref_shingle(tokens: list[str]) -> int:
    """Pure-Python reference of the documented shingle hash."""
    acc = 0
    for j, t in enumerate(tokens):
        acc = (acc + token_hash(t) * MULTIPLIERS[j]) & 0xFFFFFFFFFFFFFFFF
    return int(fmix64(np.array([acc], dtype=np.uint64))[0]) & 0xFFFFFFFF


def test_token_hash_is_blake2b() -> None:
    digest = hashlib.blake2b(b"anna", digest_size=8).digest()
    assert token_hash("anna") == int.from_bytes(digest, "little")


def test_shingle_hashes_match_reference_and_offsets() -> None:
    docs = [["a", "b", "c", "d"], ["x", "y", "z"], ["p", "q", "r", "s", "t"]]
    tok = token_hashes([t for d in docs for t in d])
    offsets = np.array([0, 4, 7, 12])
    sh, off = shingle_hashes(tok, offsets, 3)
    assert off.tolist() == [0, 2, 3, 6]
    expected = [_ref_shingle(d[i : i + 3]) for d in docs for i in range(len(d) - 2)]
    assert sh.tolist() == expected


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_signatures_identical_to_datasketch(seed: int) -> None:
    rng = np.random.default_rng(seed)
    sh = rng.integers(0, 2**32, 300, dtype=np.uint64).astype(np.uint32)
    offsets = np.array([0, 1, 40, 300])
    ours = signatures(sh, offsets, 128, seed)
    for d in range(3):
        m = datasketch.MinHash(num_perm=128, seed=seed, hashfunc=lambda x: x)
        m.update_batch([int(x) for x in sh[offsets[d] : offsets[d + 1]]])
        assert np.array_equal(m.hashvalues, ours[d])


def test_signatures_are_deterministic_and_order_free() -> None:
    rng = np.random.default_rng(0)
    sh = rng.integers(0, 2**32, 100, dtype=np.uint64).astype(np.uint32)
    a = signatures(sh, np.array([0, 100]), 64, 3)
    b = signatures(sh[::-1].copy(), np.array([0, 100]), 64, 3)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, signatures(sh, np.array([0, 100]), 64, 4))


def _pair_with_jaccard(rng: np.random.Generator, jaccard: float, n: int = 200) -> np.ndarray:
    shared = round(2 * n * jaccard / (1 + jaccard))
    base = rng.choice(2**32, 2 * n - shared, replace=False).astype(np.uint32)
    a = base[:n]
    b = np.concatenate([base[:shared], base[n:]])
    return np.concatenate([a, b])


@pytest.mark.parametrize("jaccard", [0.3, 0.6, 0.8, 0.95])
def test_lsh_banding_recall_follows_the_s_curve(jaccard: float) -> None:
    params = LinkParams(bands=16, rows=8)
    rng = np.random.default_rng(int(jaccard * 100))
    hits, trials = 0, 300
    for _ in range(trials):
        sh = _pair_with_jaccard(rng, jaccard)
        sig = signatures(sh, np.array([0, 200, 400]), 128, int(rng.integers(1 << 30)))
        bands = band_hashes(sig, params.bands, params.rows)
        hits += bool(np.any(bands[0] == bands[1]))
    expected = params.collision_probability(jaccard, group=False)
    assert abs(hits / trials - expected) < 0.08, (hits / trials, expected)


def test_masking_drops_identifiers_digits_and_symbols() -> None:
    text = masked_text(
        ["p1"],
        ["Hot Anna 💋"],
        ["Call 555-0123 or anna@example.com now!"],
        {"p1": [("body", 17, 33)]},
    )
    tokens = tokenise(text).to_pylist()[0]
    assert tokens == ["hot", "anna", "call", "or", "now"]
    assert isinstance(text, pa.Array)
