"""The persistent append-only transparency log in the workbench database.

Besides each leaf, the log stores the hash of every *perfect* subtree (``2**level``
leaves starting at a multiple of ``2**level``), keyed by ``(level, idx)``. Any subtree
the RFC's recursion visits is either perfect or the ragged right edge of the tree, which
splits into at most ``log2(n)`` perfect ones. So:

- an append of ``b`` leaves reads the ``<= log2(n)`` perfect subtrees of the current
  right edge once and writes ``b`` leaves and ``< b`` new nodes: O(b + log n);
- a root, an inclusion proof or a consistency proof for *any* size up to the current
  one (a checkpoint's size, not only the latest) reads O(log n) node rows in two queries.

Appends lock the one ``evidence_log_state`` row first (``SELECT ... FOR UPDATE`` on
PostgreSQL; on SQLite the first write takes the database write lock), so concurrent
writers are serialised and never race for an index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vigil.evidence import merkle
from vigil.evidence.tables import LogEntry, LogState

__all__ = [
    "LogError",
    "append_entries",
    "append_leaf_hashes",
    "consistency_proof",
    "inclusion_proof",
    "inclusion_proofs",
    "leaf_range",
    "log_size",
    "root_at",
    "verify_log",
]

_CHUNK = 5000


class LogError(RuntimeError):
    """The stored log is inconsistent, or a request falls outside it."""


# a perfect subtree: (level, idx) covers leaves [idx * 2**level, (idx + 1) * 2**level)
_Node = tuple[int, int]


def _perfect_cover(lo: int, hi: int) -> list[_Node]:
    """Split ``[lo, hi)`` into aligned perfect subtrees, left to right.

    Every range the RFC recursion visits starts at a multiple of a power of two at least
    as large as the range, so the pieces shrink from left to right and the range's hash
    is the right fold ``H(p0, H(p1, ... pk))``.
    """
    out: list[_Node] = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        while lo & ((1 << level) - 1):
            level -= 1
        out.append((level, lo >> level))
        lo += 1 << level
    return out


def _fold(hashes: Sequence[bytes]) -> bytes:
    acc = hashes[-1]
    for h in reversed(hashes[:-1]):
        acc = merkle.node_hash(h, acc)
    return acc


def _in_list(values: Iterable[int]) -> str:
    return ",".join(str(int(v)) for v in values)


def _fetch_sql(leaves: Sequence[int], inner: Sequence[tuple[int, int]], with_size: bool) -> str:
    """One statement for leaf hashes, node hashes and (optionally) the log size.

    Integers are inlined (they are computed here, never user input). Nodes are looked
    up by joining a ``VALUES`` list on the primary key, which both SQLite and PostgreSQL
    answer with index lookups (SQLite scans the whole table for a row-value ``IN``
    list), and the text is built by hand because building a SQLAlchemy expression of
    a different shape for every proof costs more than the query itself.
    """
    parts, prefix = [], ""
    if with_size:
        parts.append("SELECT -1, size, NULL FROM evidence_log_state WHERE id = 1")
    if leaves:
        parts.append(
            f"SELECT 0, idx, leaf_hash FROM evidence_log_entries WHERE idx IN ({_in_list(leaves)})"
        )
    if inner:
        values = ",".join(f"({int(level)},{int(idx)})" for level, idx in inner)
        prefix = f"WITH k (l, i) AS (VALUES {values}) "
        parts.append(
            "SELECT n.level, n.idx, n.hash FROM k "
            "JOIN evidence_log_nodes n ON n.level = k.l AND n.idx = k.i"
        )
    return prefix + " UNION ALL ".join(parts)


class _Reader:
    """Collects the perfect subtrees a computation needs, then fetches them at once."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(
        self, leaves: Sequence[int], inner: Sequence[tuple[int, int]], with_size: bool = False
    ) -> list[Any]:
        if not leaves and not inner and not with_size:
            return []
        # the raw DB-API cursor of this session's connection (same transaction): the
        # result machinery of SQLAlchemy costs more than these point lookups
        dbapi = self.session.connection().connection.driver_connection
        if dbapi is None:  # pragma: no cover - a pooled connection always has one
            raise LogError("no database connection")
        cursor = dbapi.cursor()
        try:
            cursor.execute(_fetch_sql(leaves, inner, with_size))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def fetch(self, nodes: Iterable[_Node], within: int | None = None) -> dict[_Node, bytes]:
        """Hashes of ``nodes``; with ``within``, also check the log holds that many leaves."""
        wanted = set(nodes)
        got: dict[_Node, bytes] = {}
        leaves = sorted(idx for level, idx in wanted if level == 0)
        inner = sorted(n for n in wanted if n[0] > 0)
        size: int | None = None
        for i in range(0, max(len(leaves), len(inner), 1), _CHUNK):
            first = within is not None and i == 0
            for r in self.rows(leaves[i : i + _CHUNK], inner[i : i + _CHUNK], first):
                if r[0] == -1:
                    size = int(r[1])
                else:
                    got[(int(r[0]), int(r[1]))] = bytes(r[2])
        if within is not None:
            if size is None:
                raise LogError("the evidence log is not initialised (run the workbench migrations)")
            if within > size:
                raise LogError(f"tree size {within} is beyond the log's size {size}")
        if len(got) < len(wanted):
            level, idx = min(wanted - got.keys())
            raise LogError(f"the log is missing the subtree hash at level {level}, {idx}")
        return got


def log_size(session: Session) -> int:
    """The number of leaves in the log."""
    row = (
        session.connection()
        .exec_driver_sql("SELECT size FROM evidence_log_state WHERE id = 1")
        .first()
    )
    size = None if row is None else row[0]
    if size is None:
        raise LogError("the evidence log is not initialised (run the workbench migrations)")
    return int(size)


def _check_size(session: Session, size: int) -> None:
    current = log_size(session)
    if not 0 <= size <= current:
        raise LogError(f"tree size {size} is beyond the log's size {current}")


def root_at(session: Session, size: int) -> bytes:
    """The Merkle root of the first ``size`` leaves."""
    if size <= 0:
        _check_size(session, size)
        return merkle.EMPTY_ROOT
    cover = _perfect_cover(0, size)
    got = _Reader(session).fetch(cover, within=size)
    return _fold([got[n] for n in cover])


def _path_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The sibling ranges of PATH(index, D[size]), leaf to root."""
    out: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = merkle.split_point(hi - lo)
        if index < lo + k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo += k
    out.reverse()
    return out


def _subproof_ranges(old_size: int, size: int) -> list[tuple[int, int]]:
    """The ranges of PROOF(old_size, D[size]) (SUBPROOF with b = true), leaf to root."""
    out: list[tuple[int, int]] = []
    lo, hi, m, complete = 0, size, old_size, True
    while m != hi - lo:
        k = merkle.split_point(hi - lo)
        if m <= k:
            out.append((lo + k, hi))
            hi = lo + k
        else:
            out.append((lo, lo + k))
            lo, m, complete = lo + k, m - k, False
    if not complete:
        out.append((lo, hi))
    out.reverse()
    return out


def _hash_ranges(session: Session, ranges: Sequence[tuple[int, int]], within: int) -> list[bytes]:
    covers = [_perfect_cover(lo, hi) for lo, hi in ranges]
    got = _Reader(session).fetch((n for c in covers for n in c), within)
    return [_fold([got[n] for n in c]) for c in covers]


def inclusion_proof(session: Session, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) from stored subtree hashes, for any size up to the log's."""
    if not 0 <= index < size:
        raise merkle.ProofError(f"index {index} is outside a tree of size {size}")
    return _hash_ranges(session, _path_ranges(index, size), size)


def inclusion_proofs(session: Session, indices: Sequence[int], size: int) -> list[list[bytes]]:
    """Inclusion proofs for many leaves at once (one round of queries for all of them)."""
    for index in indices:
        if not 0 <= index < size:
            raise merkle.ProofError(f"index {index} is outside a tree of size {size}")
    per = [_path_ranges(i, size) for i in indices]
    flat = _hash_ranges(session, [r for ranges in per for r in ranges], size)
    out: list[list[bytes]] = []
    pos = 0
    for ranges in per:
        out.append(flat[pos : pos + len(ranges)])
        pos += len(ranges)
    return out


def consistency_proof(session: Session, old_size: int, size: int) -> list[bytes]:
    """PROOF(old_size, D[size]) from stored subtree hashes."""
    if not 0 < old_size <= size:
        raise merkle.ProofError(f"no consistency proof from size {old_size} to size {size}")
    return _hash_ranges(session, _subproof_ranges(old_size, size), size)


def _lock(session: Session) -> int:
    """Take the log's write lock and return its size."""
    if session.get_bind().dialect.name == "postgresql":
        size = session.scalar(select(LogState.size).where(LogState.id == 1).with_for_update())
    else:
        # a no-op UPDATE makes SQLite take its write lock before we read the size
        session.execute(update(LogState).where(LogState.id == 1).values(size=LogState.size))
        size = session.scalar(select(LogState.size).where(LogState.id == 1))
    if size is None:
        raise LogError("the evidence log is not initialised (run the workbench migrations)")
    return int(size)


def append_leaf_hashes(
    session: Session, leaf_hashes: Sequence[bytes], data: Sequence[bytes | None] | None = None
) -> list[int]:
    """Append leaves given by their leaf hashes (and optional leaf data); return indices.

    Runs in the caller's transaction: the indices are final once the caller commits.
    """
    if data is not None and len(data) != len(leaf_hashes):
        raise ValueError("leaf_hashes and data differ in length")
    for h in leaf_hashes:
        if len(h) != merkle.HASH_SIZE:
            raise ValueError("a leaf hash must be 32 bytes")
    if not leaf_hashes:
        return []
    start = _lock(session)
    frontier = _perfect_cover(0, start)
    known = _Reader(session).fetch(frontier)
    # level -> idx -> hash, for the right edge and everything computed in this batch
    hashes: dict[tuple[int, int], bytes] = dict(known)
    new_nodes: list[tuple[int, int, bytes]] = []
    for offset, h in enumerate(leaf_hashes):
        i, level, node = start + offset, 0, h
        hashes[(0, i)] = node
        while i & 1:  # a right child: its left sibling is complete, so is the parent
            node = merkle.node_hash(hashes[(level, i - 1)], node)
            i >>= 1
            level += 1
            hashes[(level, i)] = node
            new_nodes.append((level, i, node))
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    entries = [(start + k, h, None if data is None else data[k]) for k, h in enumerate(leaf_hashes)]
    # driver-level executemany: the ORM's per-row bookkeeping costs more than SQLite itself
    values = f"VALUES ({mark}, {mark}, {mark})"
    for k in range(0, len(entries), _CHUNK):
        conn.exec_driver_sql(
            f"INSERT INTO evidence_log_entries (idx, leaf_hash, data) {values}",
            entries[k : k + _CHUNK],
        )
    for k in range(0, len(new_nodes), _CHUNK):
        conn.exec_driver_sql(
            f"INSERT INTO evidence_log_nodes (level, idx, hash) {values}",
            new_nodes[k : k + _CHUNK],
        )
    new_size = start + len(leaf_hashes)
    session.execute(update(LogState).where(LogState.id == 1).values(size=new_size))
    return list(range(start, new_size))


def append_entries(session: Session, entries: Sequence[bytes]) -> list[int]:
    """Append leaf data (commitments only, never personal data in clear).

    Each entry's leaf hash is ``SHA-256(0x00 || entry)``; the entry bytes are stored so
    anyone holding them can recompute the leaf. Returns the leaf indices, in order.
    """
    return append_leaf_hashes(session, [merkle.leaf_hash(e) for e in entries], list(entries))


def leaf_range(session: Session, start: int, end: int) -> list[tuple[int, bytes, bytes | None]]:
    """Leaves ``[start, end)`` as (index, leaf hash, data)."""
    rows = session.execute(
        select(LogEntry.idx, LogEntry.leaf_hash, LogEntry.data)
        .where(LogEntry.idx >= start, LogEntry.idx < end)
        .order_by(LogEntry.idx)
    )
    return [(int(r[0]), bytes(r[1]), None if r[2] is None else bytes(r[2])) for r in rows]


def verify_log(session: Session, size: int | None = None, batch: int = 50_000) -> bytes:
    """Recompute the whole tree from the leaves and check every stored node; return the root.

    Raises :class:`LogError` naming the first leaf or node that does not match. Memory is
    O(log n): leaves stream in batches through a compact range.
    """
    size = log_size(session) if size is None else size
    _check_size(session, size)
    stack: list[tuple[int, bytes]] = []  # (level, hash) of the right edge, as we go
    expected = 0
    for start in range(0, size, batch):
        rows = leaf_range(session, start, min(size, start + batch))
        computed: list[tuple[int, int, bytes]] = []
        for idx, h, data in rows:
            if idx != expected:
                raise LogError(f"leaf {expected} is missing from the log")
            if data is not None and merkle.leaf_hash(data) != h:
                raise LogError(f"leaf {idx}: its data does not hash to its stored leaf hash")
            expected += 1
            level, node, i = 0, h, idx
            while stack and stack[-1][0] == level:
                _, left = stack.pop()
                node = merkle.node_hash(left, node)
                level += 1
                i >>= 1
                computed.append((level, i, node))
            stack.append((level, node))
        stored: dict[tuple[int, int], bytes] = {}
        keys = [(lv, i) for lv, i, _ in computed]
        for k in range(0, len(keys), _CHUNK):
            for r in _Reader(session).rows([], keys[k : k + _CHUNK]):
                stored[(int(r[0]), int(r[1]))] = bytes(r[2])
        for lv, i, node in computed:
            if stored.get((lv, i)) != node:
                raise LogError(
                    f"stored subtree hash at level {lv}, index {i} "
                    f"(leaves {i << lv}..{((i + 1) << lv) - 1}) does not match its leaves"
                )
    if expected != size:
        raise LogError(f"leaf {expected} is missing from the log")
    if not stack:
        return merkle.EMPTY_ROOT
    return _fold([h for _, h in stack])
