"""The RFC 6962/9162 Merkle core against the RFC's own recursive definitions."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.evidence import merkle
from vigil.evidence.merkle import (
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

# --- an independent, literal transcription of RFC 9162 2.1 -------------------------


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


_MTH_CACHE: dict[tuple[bytes, ...], bytes] = {}


def naive_mth(d: Sequence[bytes]) -> bytes:
    """MTH over leaf *data* (not leaf hashes), exactly as the RFC writes it (memoised)."""
    key = tuple(d)
    if key not in _MTH_CACHE:
        _MTH_CACHE[key] = _naive_mth(d)
    return _MTH_CACHE[key]


def _naive_mth(d: Sequence[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return _h(b"")
    if n == 1:
        return _h(b"\x00" + d[0])
    k = _k(n)
    return _h(b"\x01" + naive_mth(d[:k]) + naive_mth(d[k:]))


def naive_path(m: int, d: Sequence[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*naive_path(m, d[:k]), naive_mth(d[k:])]
    return [*naive_path(m - k, d[k:]), naive_mth(d[:k])]


def naive_subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [naive_mth(d)]
    k = _k(n)
    if m <= k:
        return [*naive_subproof(m, d[:k], b), naive_mth(d[k:])]
    return [*naive_subproof(m - k, d[k:], False), naive_mth(d[:k])]


def naive_proof(m: int, d: Sequence[bytes]) -> list[bytes]:
    return naive_subproof(m, d, True)


# --- the reference tree used by Certificate Transparency and transparency-dev -------

REF_LEAVES = [
    bytes.fromhex(x)
    for x in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
# Published roots (certificate-transparency / transparency-dev merkle test data).
PUBLISHED_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


def _hashes(leaves: Sequence[bytes]) -> list[bytes]:
    return [leaf_hash(x) for x in leaves]


def test_hash_primitives_use_the_domain_separation_prefixes() -> None:
    assert leaf_hash(b"abc") == _h(b"\x00abc")
    assert node_hash(b"a" * 32, b"b" * 32) == _h(b"\x01" + b"a" * 32 + b"b" * 32)
    assert root_from_leaf_hashes([]).hex() == EMPTY
    assert root_from_leaf_hashes([]) != leaf_hash(b"")


@pytest.mark.parametrize("size", range(1, 9))
def test_reference_tree_roots(size: int) -> None:
    got = root_from_leaf_hashes(_hashes(REF_LEAVES[:size]))
    assert got == naive_mth(REF_LEAVES[:size])
    assert got.hex() == PUBLISHED_ROOTS[size]


def test_reference_tree_published_proofs() -> None:
    # RFC 6962 reference vectors: inclusion of leaf 0 in the 8-leaf tree and the
    # consistency proof 1 -> 8 (certificate-transparency merkle_test vectors).
    hs = _hashes(REF_LEAVES)
    assert [p.hex() for p in inclusion_proof(hs, 0)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [p.hex() for p in consistency_proof(hs, 1)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [p.hex() for p in consistency_proof(hs, 6)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]


@pytest.mark.parametrize("size", range(1, 9))
def test_reference_tree_all_proofs_verify(size: int) -> None:
    hs = _hashes(REF_LEAVES[:size])
    root = bytes.fromhex(PUBLISHED_ROOTS[size])
    for i in range(size):
        proof = inclusion_proof(hs, i)
        assert proof == naive_path(i, REF_LEAVES[:size])
        verify_inclusion(hs[i], i, size, proof, root)
    for m in range(1, size + 1):
        proof = consistency_proof(hs, m)
        assert proof == naive_proof(m, REF_LEAVES[:size])
        verify_consistency(m, size, bytes.fromhex(PUBLISHED_ROOTS[m]), root, proof)


# --- all sizes up to 300 against the naive implementation ---------------------------

_LEAVES_300 = [i.to_bytes(4, "big") for i in range(300)]
_HASHES_300 = _hashes(_LEAVES_300)
_ROOTS = [naive_mth(_LEAVES_300[:n]) for n in range(301)]


def _points(n: int, rng: random.Random) -> list[int]:
    """Every point for small sizes; the borders plus a random sample for larger ones."""
    if n <= 40:
        return list(range(n))
    border = {0, 1, n // 2, n - 2, n - 1, _k(n) - 1, _k(n)}
    return sorted(border | set(rng.sample(range(n), 8)))


def test_roots_for_every_size_up_to_300() -> None:
    for n in range(301):
        assert root_from_leaf_hashes(_HASHES_300[:n]) == _ROOTS[n]


def test_inclusion_for_every_size_up_to_300() -> None:
    rng = random.Random(6962)
    for n in range(1, 301):
        for i in _points(n, rng):
            proof = inclusion_proof(_HASHES_300[:n], i)
            assert proof == naive_path(i, _LEAVES_300[:n]), (n, i)
            verify_inclusion(_HASHES_300[i], i, n, proof, _ROOTS[n])


def test_consistency_for_every_size_up_to_300() -> None:
    rng = random.Random(9162)
    for n in range(1, 301):
        for m in [x + 1 for x in _points(n, rng)]:
            proof = consistency_proof(_HASHES_300[:n], m)
            assert proof == naive_proof(m, _LEAVES_300[:n]), (m, n)
            verify_consistency(m, n, _ROOTS[m], _ROOTS[n], proof)


@given(st.integers(1, 300), st.data())
def test_random_proofs_match_the_naive_tree(n: int, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, n - 1))
    m = data.draw(st.integers(1, n))
    assert inclusion_proof(_HASHES_300[:n], i) == naive_path(i, _LEAVES_300[:n])
    assert consistency_proof(_HASHES_300[:n], m) == naive_proof(m, _LEAVES_300[:n])


# --- mutations: every changed input is rejected --------------------------------------


def _flips(proof: list[bytes]) -> list[list[bytes]]:
    out = []
    for j, p in enumerate(proof):
        for bit in (0, 7, 100, 255):
            q = bytearray(p)
            q[bit // 8] ^= 1 << (bit % 8)
            out.append([*proof[:j], bytes(q), *proof[j + 1 :]])
    return out


def _structural(proof: list[bytes], root: bytes) -> list[list[bytes]]:
    out = [[*proof, b"\x00" * 32], [root, *proof], [*proof, root]]
    if proof:
        out += [proof[:-1], proof[1:], [*proof[:1], b"\x07" * 32, *proof[1:]]]
        if len(proof) > 1:
            out.append(list(reversed(proof)))
    return [o for o in out if o != proof]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 13, 32, 33, 100])
def test_inclusion_mutations_are_rejected(n: int) -> None:
    hs, root = _HASHES_300[:n], _ROOTS[n]
    for i in range(n):
        proof = inclusion_proof(hs, i)
        for bad in [*_flips(proof), *_structural(proof, root)]:
            with pytest.raises(ProofError):
                verify_inclusion(hs[i], i, n, bad, root)
        for j in {i - 1, i + 1, i ^ 1, i ^ 2, -1, n, n + 1}:
            if j != i and 0 <= j < n and inclusion_proof(hs, j) == proof and hs[j] == hs[i]:
                continue
            with pytest.raises(ProofError):
                verify_inclusion(hs[i], j, n, proof, root)
        for size in {n * 2, n // 2, n + 1, n - 1, 0}:
            if size == 0 or len(naive_path(i, _LEAVES_300[:size]) if i < size else []) != len(
                proof
            ):
                with pytest.raises(ProofError):
                    verify_inclusion(hs[i], i, size, proof, root)
        wrong_leaves = [_HASHES_300[n], hs[i][:31], hs[i] + b"\x00"]
        if n > 1:
            wrong_leaves.append(root)
        for leaf in wrong_leaves:
            with pytest.raises(ProofError):
                verify_inclusion(leaf, i, n, proof, root)
        for bad_root in (merkle.EMPTY_ROOT, b"\x00" * 32, root[:31], _ROOTS[n - 1]):
            with pytest.raises(ProofError):
                verify_inclusion(hs[i], i, n, proof, bad_root)


def test_single_leaf_tree_needs_the_leaf_itself() -> None:
    h = leaf_hash(b"x")
    verify_inclusion(h, 0, 1, [], h)
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(b"y"), 0, 1, [], h)
    # passing the root as the leaf with an empty proof must fail for bigger trees
    with pytest.raises(ProofError):
        verify_inclusion(_ROOTS[4], 0, 4, [], _ROOTS[4])


@pytest.mark.parametrize("n", [2, 3, 5, 7, 8, 13, 32, 33, 100])
def test_consistency_mutations_are_rejected(n: int) -> None:
    hs = _HASHES_300[:n]
    for m in range(1, n):
        proof = consistency_proof(hs, m)
        r1, r2 = _ROOTS[m], _ROOTS[n]
        for bad in [*_flips(proof), *_structural(proof, r2), []]:
            with pytest.raises(ProofError):
                verify_consistency(m, n, r1, r2, bad)
        for m2, n2 in {(m - 1, n), (m + 1, n), (m, n - 1), (m, n + 1)}:
            # sizes with the same tree shape give the same hashing and cannot be told
            # apart; any size whose proof has another length must be refused
            if not 0 < m2 <= n2 <= 300 or len(naive_proof(m2, _LEAVES_300[:n2])) == len(proof):
                continue
            with pytest.raises(ProofError):
                verify_consistency(m2, n2, r1, r2, proof)
        with pytest.raises(ProofError):
            verify_consistency(m, n, r2, r1, proof)
        with pytest.raises(ProofError):
            verify_consistency(m, n, _ROOTS[m - 1] if m > 1 else _ROOTS[n], r2, proof)
        with pytest.raises(ProofError):
            verify_consistency(m, n, r1, _ROOTS[n - 1], proof)
        with pytest.raises(ProofError):
            verify_consistency(n, m, r2, r1, proof)


def test_consistency_edge_cases() -> None:
    r = _ROOTS[5]
    verify_consistency(5, 5, r, r, [])
    with pytest.raises(ProofError, match="empty"):
        verify_consistency(5, 5, r, r, [r])
    with pytest.raises(ProofError, match="different roots"):
        verify_consistency(5, 5, r, _ROOTS[4], [])
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])
    with pytest.raises(ProofError, match="empty tree"):
        verify_consistency(0, 5, merkle.EMPTY_ROOT, r, [])
    with pytest.raises(ProofError):
        verify_consistency(6, 5, _ROOTS[6], r, [])
    with pytest.raises(ProofError):
        consistency_proof(_HASHES_300[:5], 0)
    with pytest.raises(ProofError):
        consistency_proof(_HASHES_300[:5], 6)
    with pytest.raises(ProofError):
        inclusion_proof(_HASHES_300[:5], 5)
    with pytest.raises(ProofError):
        inclusion_proof([], 0)


@pytest.mark.parametrize(
    ("index", "size"),
    [(0, 10**9), (10**9 - 1, 10**9), (2**40 + 3, 2**41), (2**62, 2**63 - 1), (5, 2**63)],
)
def test_length_checks_at_production_scale(index: int, size: int) -> None:
    # no leaves needed: a proof of the wrong length is refused before any hashing
    inner = (index ^ (size - 1)).bit_length()
    need = inner + (index >> inner).bit_count()
    leaf = leaf_hash(b"x")
    for length in (need - 1, need + 1):
        with pytest.raises(ProofError, match="needs"):
            verify_inclusion(leaf, index, size, [leaf] * length, b"\x00" * 32)
    with pytest.raises(ProofError, match="does not lead"):
        verify_inclusion(leaf, index, size, [leaf] * need, b"\x00" * 32)
    with pytest.raises(ProofError, match="outside"):
        verify_inclusion(leaf, size, size, [leaf] * need, b"\x00" * 32)
