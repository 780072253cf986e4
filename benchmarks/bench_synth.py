"""Measure `vigil synth` throughput and peak memory.

Usage: .venv/bin/python benchmarks/bench_synth.py [--posts 100000] [--seed 1] [--out DIR]

Prints posts/s, MB written and the process's peak RSS. Memory should stay flat as
--posts grows: records are streamed to disk.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

from _harness import Figure, run_measured

from vigil.synth import generate

BASELINE = """
import json, sys
n, out = int(sys.argv[2]), sys.argv[3]
row = {"platform": "classifieds.example", "source_id": "ca-1", "title": "t" * 40,
       "body": "b" * 300, "location": "Houston, TX", "images": [], "language": "en"}
with open(out, "w") as fh:
    for i in range(n):
        row["source_id"] = f"ca-{i}"
        fh.write(json.dumps(row) + "\\n")
"""


def run(posts: int) -> list[Figure]:
    """Synth throughput and peak RSS against writing a constant record N times."""
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        vigil = run_measured(["vigil", "synth", "--posts", str(posts), "--seed", "1", "--out", tmp])
        base = run_measured(["-c", BASELINE, str(posts), str(Path(tmp) / "flat.jsonl")])
    label = "json.dumps of one constant record"
    return [
        Figure("synth throughput", "posts/s", posts / vigil.seconds, posts / base.seconds, label),
        Figure("synth peak RSS", "MB", vigil.peak_rss_mb, base.peak_rss_mb, label, False),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        out = args.out or Path(tmp)
        summary = generate(args.posts, args.seed, out)
        size = summary.posts_path.stat().st_size + summary.truth_path.stat().st_size
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    print(f"posts           {summary.posts:,}")
    print(f"seconds         {summary.seconds:.1f}")
    print(f"posts/s         {summary.posts_per_second:,.0f}")
    print(f"written         {size / 1e6:,.1f} MB")
    print(f"peak RSS        {peak_mb:,.0f} MB")
    print(f"networks        {summary.networks}")
    print(f"phones recycled {summary.phones_recycled}")


if __name__ == "__main__":
    main()
