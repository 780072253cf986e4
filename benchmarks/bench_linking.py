"""Network linking: wall time, peak RSS and quality on N synthetic posts.

vigil: ``vigil.linking.link`` over a scan directory built from ``vigil synth`` output
(identifiers = the planted ones), DuckDB on 2 threads, full run (no index).

Baseline, measured in the same run on the same corpus: datasketch ``MinHashLSH``
(num_perm=128, 2 x 64 bands: datasketch needs b >= 2; vigil uses 1 x 64) fed
the very same masked 3-word shingles,
with batched insertion, then one query per post to collect candidate pairs. It
does the near-duplicate step only (no identifiers, images, components, templates
or clusters), so the "near-duplicate stage" figure compares like with like and the
"link" figure compares all of vigil's linking with that one step.

Usage: ``python benchmarks/bench_linking.py [POSTS ...]`` (default 100000).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from _harness import Figure, run_measured

PREPARE = """
import sys
from pathlib import Path
from vigil.synth import generate
from vigil.linking.scandir import scan_dir_from_synth
n, out = int(sys.argv[2]), Path(sys.argv[3])  # argv: -c CODE ARGS...
s = generate(n, 1, out / "corpus")
scan_dir_from_synth(s.posts_path, s.truth_path, out / "scan")
"""

VIGIL = """
import json, sys
from pathlib import Path
from vigil.linking import LinkParams, link
out = Path(sys.argv[2])
r = link(out / "scan", LinkParams(threads=2), incremental=False)
print(json.dumps({"stages": r.run["stages"], "seconds": r.run["seconds"]}))
"""

BASELINE = """
import sys
from pathlib import Path
import pyarrow.parquet as pq
from datasketch import MinHash, MinHashLSH
from vigil.linking.text import masked_text, spans_by_post, tokenise
out = Path(sys.argv[2])
posts = pq.read_table(out / "scan" / "posts.parquet")
idents = pq.read_table(out / "scan" / "identifiers.parquet")
ids = posts["id"].to_pylist()
texts = masked_text(ids, posts["title_text"].to_pylist(), posts["body_text"].to_pylist(),
                    spans_by_post(idents))
lsh = MinHashLSH(num_perm=128, params=(2, 64))
hashes = {}
with lsh.insertion_session() as session:
    for pid, toks in zip(ids, tokenise(texts).to_pylist()):
        if len(toks) < 8:
            continue
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([" ".join(toks[i:i + 3]).encode() for i in range(len(toks) - 2)])
        hashes[pid] = m
        session.insert(pid, m)
pairs = sum(len(lsh.query(m)) - 1 for m in hashes.values()) // 2
print(pairs)
"""


def run(posts: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run_measured(["-c", PREPARE, str(posts), str(out)])
        vigil = run_measured(["-c", VIGIL, str(out)], env={"OMP_NUM_THREADS": "2"})
        stages = json.loads(vigil.stdout.strip().splitlines()[-1])["stages"]
        base = run_measured(["-c", BASELINE, str(out)])
        from vigil.linking.evaluate import cluster_metrics

        quality = cluster_metrics(out / "corpus" / "truth.jsonl", out / "scan")
    near_dup = stages["minhash"] + stages["buckets"]
    label = "datasketch MinHashLSH (near-dup only)"
    return [
        Figure(f"link {posts:,} posts", "s", vigil.seconds, base.seconds, label, False),
        Figure("link throughput", "posts/s", posts / vigil.seconds, posts / base.seconds, label),
        Figure("near-duplicate stage", "s", near_dup, base.seconds, label, False),
        Figure("link peak RSS", "MB", vigil.peak_rss_mb, base.peak_rss_mb, label, False),
        Figure("network pairwise F1", "", quality["networks"]["f1"], 0.95, "goal", True),
        Figure(
            "independent false-link rate",
            "%",
            100 * quality["false_link_rate"],
            1.0,
            "goal",
            False,
        ),
    ]


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [100_000]
    for n in sizes:
        for fig in run(n):
            print(fig)
