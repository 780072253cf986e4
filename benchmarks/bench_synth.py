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

from vigil.synth import generate


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
