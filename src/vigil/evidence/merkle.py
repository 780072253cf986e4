"""RFC 6962 / RFC 9162 section 2.1 Merkle trees, as pure functions.

Hashing (RFC 9162 2.1.1): ``MTH({}) = SHA-256()``, a leaf is ``SHA-256(0x00 || d)``,
an interior node is ``SHA-256(0x01 || left || right)``, and a tree of ``n`` leaves
splits at ``k``, the largest power of two strictly below ``n``.

Proof generation follows PATH (2.1.3.1) and SUBPROOF (2.1.4.1); verification follows
the algorithms of 2.1.3.2 and 2.1.4.2 with the edge-case policy of the Go reference
verifier (transparency-dev/merkle ``proof/verify.go``): index out of range, a wrong
proof length, consistency from size 0, and ``size1 == size2`` needing an empty proof
and identical roots are all errors. Hand-written (about 200 lines) because no vetted
Python library binds proofs to an index and a tree size (see the research notes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "ProofError",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "split_point",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof, an index or a tree size that does not verify."""


def leaf_hash(data: bytes) -> bytes:
    """``SHA-256(0x00 || data)``."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly less than ``n`` (``n >= 2``)."""
    if n < 2:
        raise ValueError(f"split_point needs n >= 2, got {n}")
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of a list of leaf hashes (``SHA-256()`` for none).

    Iterative and linear: it folds perfect subtrees from the left as a compact range,
    which gives the same tree as the recursive definition.
    """
    if not leaf_hashes:
        return EMPTY_ROOT
    # stack of (height, hash) of perfect subtrees, heights strictly decreasing
    stack: list[tuple[int, bytes]] = []
    for h in leaf_hashes:
        height, node = 0, h
        while stack and stack[-1][0] == height:
            _, left = stack.pop()
            node = node_hash(left, node)
            height += 1
        stack.append((height, node))
    _, root = stack.pop()
    while stack:
        _, left = stack.pop()
        root = node_hash(left, root)
    return root


def _subtree(leaf_hashes: Sequence[bytes], lo: int, hi: int) -> bytes:
    return root_from_leaf_hashes(leaf_hashes[lo:hi])


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path PATH(index, D[n]) (RFC 9162 2.1.3.1), ordered leaf to root."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ProofError(f"index {index} is outside a tree of size {n}")
    proof: list[bytes] = []
    lo, hi = 0, n
    # walk down from the root, collecting siblings, then reverse to leaf-to-root order
    while hi - lo > 1:
        k = split_point(hi - lo)
        if index < lo + k:
            proof.append(_subtree(leaf_hashes, lo + k, hi))
            hi = lo + k
        else:
            proof.append(_subtree(leaf_hashes, lo, lo + k))
            lo = lo + k
    proof.reverse()
    return proof


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """PROOF(old_size, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 2.1.4.1)."""
    n = len(leaf_hashes)
    if not 0 < old_size <= n:
        raise ProofError(f"no consistency proof from size {old_size} to size {n}")
    proof: list[bytes] = []
    lo, hi, m, complete = 0, n, old_size, True
    while m != hi - lo:
        k = split_point(hi - lo)
        if m <= k:
            proof.append(_subtree(leaf_hashes, lo + k, hi))
            hi = lo + k
        else:
            proof.append(_subtree(leaf_hashes, lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        proof.append(_subtree(leaf_hashes, lo, hi))
    proof.reverse()
    return proof


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes")


def _inclusion_lengths(index: int, size: int) -> tuple[int, int]:
    inner = (index ^ (size - 1)).bit_length()
    border = (index >> inner).bit_count()
    return inner, border


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes:
    """The root implied by an inclusion proof (RFC 9162 2.1.3.2), with strict checks."""
    if tree_size <= 0 or index < 0:
        raise ProofError(f"index {index} is outside a tree of size {tree_size}")
    if index >= tree_size:
        raise ProofError(f"index {index} is outside a tree of size {tree_size}")
    _check_hash(leaf_hash, "leaf hash")
    inner, border = _inclusion_lengths(index, tree_size)
    if len(proof) != inner + border:
        raise ProofError(
            f"inclusion proof has {len(proof)} hashes, a tree of size {tree_size} "
            f"at index {index} needs {inner + border}"
        )
    for i, p in enumerate(proof):
        if type(p) is not bytes or len(p) != HASH_SIZE:
            _check_hash(p, f"proof hash {i}")
    fn, sn, r = index, tree_size - 1, bytes(leaf_hash)
    for p in proof:
        if sn == 0:  # unreachable given the length check; kept as in the RFC
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` puts ``leaf_hash`` at ``index`` of ``root``."""
    _check_hash(root, "root hash")
    if root_from_inclusion_proof(leaf_hash, index, tree_size, proof) != root:
        raise ProofError(
            f"inclusion proof for index {index} does not lead to the root of size {tree_size}"
        )


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`ProofError` unless the tree of ``new_size`` extends ``old_size``.

    RFC 9162 2.1.4.2 with the reference policy: ``new_size < old_size`` and
    ``old_size == 0`` are errors; equal sizes need an empty proof and equal roots.
    """
    _check_hash(old_root, "old root hash")
    _check_hash(new_root, "new root hash")
    if old_size < 0 or new_size < old_size:
        raise ProofError(f"tree size {new_size} cannot extend tree size {old_size}")
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree is meaningless")
    if old_size == new_size:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same tree size {old_size}")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
    # expected length, as in the reference verifier
    shift = (old_size & -old_size).bit_length() - 1  # trailing zeros
    inner = ((old_size - 1) ^ (new_size - 1)).bit_length()
    # when old_size is a power of two (and its subtree is complete) the seed is old_root
    inner_after = inner - shift
    seed_from_proof = old_size != 1 << shift
    border = ((old_size - 1) >> inner).bit_count()
    expected = (1 if seed_from_proof else 0) + inner_after + border
    if inner < shift:  # cannot happen for old_size < new_size
        raise ProofError("consistency proof sizes are inconsistent")
    if len(proof) != expected:
        raise ProofError(
            f"consistency proof has {len(proof)} hashes, {old_size} -> {new_size} needs {expected}"
        )
    path = list(proof)
    if not seed_from_proof:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the old root of size {old_size}")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the new root of size {new_size}")
