"""`make bench`: run every benchmarks/bench_*.py and print each figure with its baseline.

Each module exposes ``run(posts: int) -> list[Figure]``. Figures are measured in one
run, vigil and its baseline side by side, so their ratio is meaningful on any machine.
``--write`` also rewrites the generated table in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _harness import REPO, Figure  # noqa: E402

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def _num(x: float) -> str:
    return f"{x:,.1f}" if abs(x) >= 10 else f"{x:.4f}"


def table(figures: list[tuple[str, Figure]]) -> str:
    lines = [
        "| benchmark | figure | vigil | baseline | baseline is | ratio (>1 = vigil better) |",
        "|---|---|---:|---:|---|---:|",
    ]
    for module, f in figures:
        unit = f" ({f.unit})" if f.unit else ""
        lines.append(
            f"| {module} | {f.name}{unit} | {_num(f.value)} | {_num(f.baseline)} | "
            f"{f.baseline_label} | {f.ratio:.2f}x |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=100_000, help="corpus size (default 100k)")
    parser.add_argument("--only", action="append", help="run only bench_<name>.py")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if args.only:
        names = [n for n in names if n.removeprefix("bench_") in args.only]
    results: list[tuple[str, Figure]] = []
    for name in names:
        started = time.perf_counter()
        print(f"running {name} on {args.posts:,} posts ...", file=sys.stderr, flush=True)
        module = importlib.import_module(name)
        for fig in module.run(args.posts):
            results.append((name.removeprefix("bench_"), fig))
        print(f"  done in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    out = table(results)
    print(f"\n{args.posts:,} synthetic posts; {machine()}\n")
    print(out)
    if args.write:
        doc = REPO / "docs" / "benchmarks.md"
        text = doc.read_text()
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        stamp = time.strftime("%Y-%m-%d")
        doc.write_text(
            f"{head}{BEGIN}\nMeasured {stamp} with `make bench` on {args.posts:,} posts; "
            f"{machine()}.\n\n{out}\n{END}{tail}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
