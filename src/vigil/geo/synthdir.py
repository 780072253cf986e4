"""A *truth-linked* results directory from a ``vigil synth`` corpus (tests, docs, benchmarks).

Stands in for ``vigil scan`` + ``vigil link`` when what is measured is the geo step
itself: every post keeps its ``posted_at`` and ``location``; posts of a planted
network form one cluster (``cluster_id`` = the network id, risk 0.9); ``risk`` is
0.9 (band ``high``) for the classes of concern (trafficking, deceptive
recruitment, grooming, demand) and 0.1 (band ``low``) for the rest. Real scoring
and linking are noisier; docs/geo.md reports figures on real ``vigil scan`` output.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["CONCERN_CLASSES", "truth_scan_dir"]

CONCERN_CLASSES = frozenset({"trafficking", "deceptive_recruitment", "grooming", "demand"})

_POSTS = pa.schema(
    [
        ("post_id", pa.string()),
        ("posted_at", pa.timestamp("us", tz="UTC")),
        ("location", pa.string()),
        ("risk", pa.float64()),
        ("band", pa.string()),
    ]
)


def truth_scan_dir(corpus_dir: Path, out_dir: Path) -> Path:
    """Write posts/post_clusters/clusters Parquet files for ``corpus_dir`` into ``out_dir``."""
    posts: list[dict[str, object]] = []
    members: list[dict[str, str]] = []
    networks: set[str] = set()
    with (
        (corpus_dir / "posts.jsonl").open("rb") as pf,
        (corpus_dir / "truth.jsonl").open("rb") as tf,
    ):
        for pline, tline in zip(pf, tf, strict=True):
            post, truth = orjson.loads(pline), orjson.loads(tline)
            concern = truth["class"] in CONCERN_CLASSES
            posts.append(
                {
                    "post_id": truth["post_id"],
                    "posted_at": datetime.fromisoformat(post["posted_at"]),
                    "location": post["location"],
                    "risk": 0.9 if concern else 0.1,
                    "band": "high" if concern else "low",
                }
            )
            if truth["network_id"]:
                networks.add(truth["network_id"])
                members.append({"post_id": truth["post_id"], "cluster_id": truth["network_id"]})
    out_dir.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(posts, schema=_POSTS), out_dir / "posts.parquet")
    pq.write_table(
        pa.Table.from_pylist(
            members, schema=pa.schema([("post_id", pa.string()), ("cluster_id", pa.string())])
        ),
        out_dir / "post_clusters.parquet",
    )
    pq.write_table(
        pa.table({"cluster_id": sorted(networks), "risk": [0.9] * len(networks)}),
        out_dir / "clusters.parquet",
    )
    return out_dir
