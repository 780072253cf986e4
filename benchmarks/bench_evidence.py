"""Measure the evidence log and bundles: appends/s, proof times on a big log, bundle checks.

Usage: .venv/bin/python benchmarks/bench_evidence.py [--posts 100000]

Sizes (``posts`` is a loose scale): appends = min(posts, 200,000) entries in batches of
1,000; the big log has 10,000,000 entries when posts >= 100,000 (else posts * 100); the
bundle has min(10,000, max(100, posts // 10)) items. All on SQLite in a temporary data home.

- appends: ``vigil.evidence.log.append_entries`` (leaves + perfect-subtree hashes, one
  transaction per batch) beside a naive log that stores leaves only and recomputes the
  root from every stored leaf after each batch.
- proofs: the big log is built in bulk (leaf hashes and every perfect-subtree hash
  inserted directly with sqlite3, which is what appends would have stored), then
  inclusion and consistency proofs go through the real log code (``log.inclusion_proof``,
  ``log.consistency_proof``), each checked with the verifier. The baseline is the pure
  recomputation (``merkle.inclusion_proof``/``consistency_proof`` over the leaf hashes
  in memory) on a tree ten times smaller, 1,000,000 leaves: naive recomputation at 10M
  does not fit the time of a benchmark run.
- bundle: ``vigil.evidence.verify.verify_bundle`` of an exported bundle (each item with
  a 'captured' and an 'exported' event, so 2 inclusion proofs per item) beside hashing
  the same items and recomputing the root from every leaf of the log (what a checker
  holding the whole log, rather than proofs, must do at least).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sqlite3
import tempfile
import time
from pathlib import Path

from _harness import Figure

from vigil.evidence import log, merkle
from vigil.settings import get_settings
from vigil.store import make_engine, session_factory, upgrade


def _entry(i: int) -> bytes:
    return (
        b'vigil-evidence-log/v1\n{"commit":"'
        + hashlib.sha256(i.to_bytes(8, "big")).hexdigest().encode()
        + b'"}'
    )


def bench_appends(tmp: Path, n: int, batch: int = 1000) -> tuple[float, float]:
    url = f"sqlite:///{tmp / 'append.db'}"
    upgrade(url)
    factory = session_factory(make_engine(url))
    entries = [_entry(i) for i in range(n)]
    t = time.perf_counter()
    for k in range(0, n, batch):
        with factory() as s, s.begin():
            log.append_entries(s, entries[k : k + batch])
    ours = n / (time.perf_counter() - t)
    with factory() as s:
        assert log.verify_log(s) == merkle.root_from_leaf_hashes(
            [merkle.leaf_hash(e) for e in entries]
        )
    # naive: leaves only, root recomputed from all leaves after each batch
    con = sqlite3.connect(tmp / "naive.db")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("CREATE TABLE leaves (idx INTEGER PRIMARY KEY, leaf_hash BLOB, data BLOB)")
    t = time.perf_counter()
    for k in range(0, n, batch):
        with con:
            con.executemany(
                "INSERT INTO leaves VALUES (?, ?, ?)",
                [(k + j, merkle.leaf_hash(e), e) for j, e in enumerate(entries[k : k + batch])],
            )
            hashes = [r[0] for r in con.execute("SELECT leaf_hash FROM leaves ORDER BY idx")]
            merkle.root_from_leaf_hashes(hashes)
    naive = n / (time.perf_counter() - t)
    con.close()
    return ours, naive


def build_big_log(url_path: Path, n: int) -> None:
    """Bulk-insert n leaf hashes and every perfect-subtree hash (what appends store)."""
    url = f"sqlite:///{url_path}"
    upgrade(url)
    con = sqlite3.connect(url_path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    sha = hashlib.sha256
    chunk = 1 << 16  # a multiple of every level's width up to 2**16
    stack: list[tuple[int, bytes]] = []
    for start in range(0, n, chunk):
        leaves = [
            sha(b"\x00" + i.to_bytes(8, "big")).digest()
            for i in range(start, min(n, start + chunk))
        ]
        con.executemany(
            "INSERT INTO evidence_log_entries (idx, leaf_hash, data) VALUES (?, ?, NULL)",
            zip(range(start, start + len(leaves)), leaves, strict=True),
        )
        nodes = []
        for offset, h in enumerate(leaves):
            i, level, node = start + offset, 0, h
            while stack and stack[-1][0] == level:
                _, left = stack.pop()
                node = sha(b"\x01" + left + node).digest()
                level += 1
                i >>= 1
                nodes.append((level, i, node))
            stack.append((level, node))
        con.executemany("INSERT INTO evidence_log_nodes (level, idx, hash) VALUES (?, ?, ?)", nodes)
        con.commit()
    con.execute("UPDATE evidence_log_state SET size = ? WHERE id = 1", (n,))
    con.commit()
    con.close()


def bench_proofs(tmp: Path, n: int, rounds: int = 500) -> tuple[float, float, float, float]:
    path = tmp / "big.db"
    build_big_log(path, n)
    factory = session_factory(make_engine(f"sqlite:///{path}"))
    rng = random.Random(6962)
    with factory() as s:
        root = log.root_at(s, n)
        indices = [rng.randrange(n) for _ in range(rounds)]
        olds = [rng.randrange(1, n) for _ in range(rounds)]
        log.inclusion_proof(s, indices[0], n)  # warm caches
        t = time.perf_counter()
        incl = [log.inclusion_proof(s, i, n) for i in indices]
        t_incl = (time.perf_counter() - t) / rounds * 1000
        t = time.perf_counter()
        cons = [log.consistency_proof(s, m, n) for m in olds]
        t_cons = (time.perf_counter() - t) / rounds * 1000
        for i, p in list(zip(indices, incl, strict=True))[:20]:
            leaf = hashlib.sha256(b"\x00" + i.to_bytes(8, "big")).digest()
            merkle.verify_inclusion(leaf, i, n, p, root)
        for m, p in list(zip(olds, cons, strict=True))[:20]:
            merkle.verify_consistency(m, n, log.root_at(s, m), root, p)
    # baseline: pure recomputation over leaf hashes in memory, on a 1M-leaf tree
    small = min(n, 1_000_000)
    hashes = [hashlib.sha256(b"\x00" + i.to_bytes(8, "big")).digest() for i in range(small)]
    t = time.perf_counter()
    for i in indices[:3]:
        merkle.inclusion_proof(hashes, i % small)
    b_incl = (time.perf_counter() - t) / 3 * 1000
    t = time.perf_counter()
    for m in olds[:3]:
        merkle.consistency_proof(hashes, 1 + m % (small - 1))
    b_cons = (time.perf_counter() - t) / 3 * 1000
    return t_incl, b_incl, t_cons, b_cons


def bench_bundle(tmp: Path, items: int) -> tuple[float, float]:
    from vigil.evidence.bundle import export_items
    from vigil.evidence.keys import load_log_signer
    from vigil.evidence.vault import Vault
    from vigil.evidence.verify import verify_bundle

    settings = get_settings(home=tmp / "home", progress=False)
    upgrade(settings.workbench_url)
    factory = session_factory(make_engine(settings.workbench_url))
    signer = load_log_signer(settings, origin="bench.example.org/evidence")
    ids = []
    with factory() as s, s.begin():
        vault = Vault(s, settings)
        for i in range(items):
            data = f"synthetic exhibit {i}\n".encode() * 20
            item = vault.capture_bytes(
                data, filename=f"exhibit-{i}.txt", media_type="text/plain",
                source_kind="file", source_ref=f"exhibit-{i}.txt", actor="bench", reason="bench",
            )  # fmt: skip
            ids.append(item.id)
    out = tmp / "bundle.zip"
    with factory() as s, s.begin():
        export_items(s, Vault(s, settings), ids, out, actor="bench", reason="bench", signer=signer)
    t = time.perf_counter()
    verdict = verify_bundle(out, trusted_key=signer.verifier)
    ours = time.perf_counter() - t
    assert verdict.ok and verdict.items == items, verdict.failures[:3]
    # baseline: hash every item + recompute the root from every leaf of the whole log
    import zipfile

    t = time.perf_counter()
    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("items/"):
                hashlib.sha256(zf.read(name)).hexdigest()
    with factory() as s:
        leaves = log.leaf_range(s, 0, log.log_size(s))
    merkle.root_from_leaf_hashes([merkle.leaf_hash(d or b"") for _, _, d in leaves])
    base = time.perf_counter() - t
    return ours, base


def sizes(posts: int) -> tuple[int, int, int]:
    appends = min(posts, 200_000)
    big = 10_000_000 if posts >= 100_000 else max(posts * 100, 10_000)
    items = min(10_000, max(100, posts // 10))
    return appends, big, items


def run(posts: int) -> list[Figure]:
    appends, big, items = sizes(posts)
    with tempfile.TemporaryDirectory(prefix="bench-evidence-") as tmp_name:
        tmp = Path(tmp_name)
        a_ours, a_naive = bench_appends(tmp, appends)
        p = bench_proofs(tmp, big)
        (tmp / "big.db").unlink()
        v_ours, v_base = bench_bundle(tmp, items)
    n = f"{big / 1e6:g}M"
    return [
        Figure(
            f"log appends ({appends:,}, batches of 1,000)", "entries/s", a_ours, a_naive,
            "leaves only, root recomputed from all leaves per batch",
        ),
        Figure(
            f"inclusion proof, {n}-entry log", "ms", p[0], p[1],
            "pure recomputation over 1M leaf hashes in memory", higher_is_better=False,
        ),
        Figure(
            f"consistency proof, {n}-entry log", "ms", p[2], p[3],
            "pure recomputation over 1M leaf hashes in memory", higher_is_better=False,
        ),
        Figure(
            f"verify a {items:,}-item bundle ({2 * items:,} proofs)", "s", v_ours, v_base,
            "hash items + recompute the root from the whole log", higher_is_better=False,
        ),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=100_000)
    args = parser.parse_args()
    os.environ.setdefault("VIGIL_PROGRESS", "false")
    for f in run(args.posts):
        base = f"baseline {f.baseline:>12,.3f}  ({f.baseline_label})"
        print(f"{f.name:<55} {f.value:>12,.3f} {f.unit:<10} {base}")


if __name__ == "__main__":
    main()
