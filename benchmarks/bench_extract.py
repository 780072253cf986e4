"""Extraction speed and obfuscated-phone recall: vigil vs a naive baseline.

The baseline is what most pipelines do: ``phonenumbers.PhoneNumberMatcher`` for
phones plus plain regexes for e-mails and @handles. Both run over the same
normalised posts (``vigil.ingest.normalise.normalise_text``) in the same process, on
one core, timed in CPU time (``time.process_time``, best of 3 runs, as every figure
here: see ``_harness.best_cpu``). vigil runs all its kinds the
way the pipeline does, through ``vigil.extract.stage.extract_table`` (which extracts
a text repeated within the table once, kind by kind over chunks of distinct texts),
and, as a second figure, once per field with ``extract`` (every text extracted, one
text at a time).

    python benchmarks/bench_extract.py [--posts N] [--seed 7] [--region US]

Posts come from ``vigil.synth`` (with its ground truth). ``run(posts)`` returns the
figures for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import phonenumbers
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Figure, best_cpu

from vigil.extract import extract
from vigil.extract.regions import region_for_location
from vigil.extract.stage import extract_table
from vigil.ingest.normalise import normalise_text

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_HANDLE = re.compile(r"@[A-Za-z0-9_.]{2,30}")
BASELINE = "phonenumbers.PhoneNumberMatcher + plain regexes"


def baseline(text: str, region: str) -> list[tuple[str, str]]:
    """The naive extractor: (kind, value) pairs."""
    out = []
    for m in phonenumbers.PhoneNumberMatcher(text, region):
        out.append(
            ("phone", phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164))
        )
    out += [("email", m.group().lower()) for m in _EMAIL.finditer(text)]
    out += [("handle", m.group()) for m in _HANDLE.finditer(text)]
    return out


def load(n: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from vigil.synth import iter_records

    records = list(iter_records(n, seed))
    return [r.post for r in records], [r.truth for r in records]


def measure(posts: int, seed: int = 7, region: str = "US") -> dict[str, Any]:
    """Speeds (posts/s/core) and phone recalls of vigil and the baseline."""
    raw, truth = load(posts, seed)
    titles = [normalise_text(p.get("title") or "") for p in raw]
    bodies = [normalise_text(p.get("body") or "") for p in raw]
    locations = [p.get("location") for p in raw]
    regions = [region_for_location(loc, region) for loc in locations]
    table = pa.table(
        {
            "id": [str(p.get("id", i)) for i, p in enumerate(raw)],
            "title_text": titles,
            "body_text": bodies,
            "location": locations,
        }
    )
    extract_table(table.slice(0, min(200, posts)), region=region)  # gazetteer, caches
    # the Arrow table the lake stores
    t_table, identifiers = best_cpu(lambda: extract_table(table, region=region), _clear_caches)
    rows = identifiers.to_pylist()  # for the recall below, not timed

    def each() -> None:
        for t, b, r in zip(titles, bodies, regions, strict=True):
            extract(t, region=r)
            extract(b, region=r)

    t_each, _ = best_cpu(each, _clear_caches)
    t_base, base = best_cpu(
        lambda: [
            baseline(t, r) + baseline(b, r) for t, b, r in zip(titles, bodies, regions, strict=True)
        ]
    )

    ours: list[set[str]] = [set() for _ in raw]
    index = {pid: i for i, pid in enumerate(table.column("id").to_pylist())}
    for row in rows:
        if row["kind"] == "phone":
            ours[index[row["post_id"]]].add(row["value"])
    planted = obf_planted = found = obf_found = b_found = b_obf_found = 0
    for tr, got, b in zip(truth, ours, base, strict=True):
        bgot = {v for k, v in b if k == "phone"}
        for ident in tr["identifiers"]:
            if ident["kind"] != "phone":
                continue
            obf = ident.get("style", "plain") != "plain"
            planted += 1
            obf_planted += obf
            found += ident["value"] in got
            b_found += ident["value"] in bgot
            obf_found += obf and ident["value"] in got
            b_obf_found += obf and ident["value"] in bgot
    return {
        "posts": posts,
        "planted": planted,
        "obfuscated": obf_planted,
        "speed_table": posts / t_table,
        "speed_each": posts / t_each,
        "speed_base": posts / t_base,
        "recall": found / max(planted, 1),
        "recall_base": b_found / max(planted, 1),
        "recall_obf": obf_found / max(obf_planted, 1),
        "recall_obf_base": b_obf_found / max(obf_planted, 1),
    }


def _clear_caches() -> None:
    from vigil.extract import phone

    phone._validate.cache_clear()


def run(posts: int) -> list[Figure]:
    """Figures for ``benchmarks/run.py``."""
    m = measure(posts)
    return [
        Figure("extraction, all kinds, extract_table", "posts/s/core", m["speed_table"],
               m["speed_base"], BASELINE),
        Figure("extraction, all kinds, every text", "posts/s/core", m["speed_each"],
               m["speed_base"], BASELINE),
        Figure("phone recall, all", "recall", m["recall"], m["recall_base"], BASELINE),
        Figure("phone recall, obfuscated", "recall", m["recall_obf"], m["recall_obf_base"],
               BASELINE),
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--region", default="US")
    args = ap.parse_args()
    m = measure(args.posts, args.seed, args.region)
    print(f"{m['posts']:,} synthetic posts, {m['planted']:,} planted phones "
          f"({m['obfuscated']:,} obfuscated)\n")  # fmt: skip
    print(f"{'figure':<40}{'vigil':>12}{'baseline':>12}{'ratio':>8}")
    rows = [
        ("posts/s/core, all kinds, extract_table", m["speed_table"], m["speed_base"], ",.0f"),
        ("posts/s/core, all kinds, every text", m["speed_each"], m["speed_base"], ",.0f"),
        ("phone recall, all", m["recall"], m["recall_base"], ".4f"),
        ("phone recall, obfuscated", m["recall_obf"], m["recall_obf_base"], ".4f"),
    ]
    for name, v, b, fmt in rows:
        ratio = v / b if b else float("inf")
        print(f"{name:<40}{v:>12{fmt}}{b:>12{fmt}}{ratio:>8.2f}")


if __name__ == "__main__":
    main()
