"""Indicator evaluation and risk scoring speed: vigil vs a naive regex scorer.

Posts come from ``vigil.synth``, normalised as ingest does
(``vigil.ingest.normalise.normalise_text``) into the Arrow table the lake holds
(columns id, title_text, body_text, meta_json, language, location). Everything runs
in this process, on one core, timed in CPU time (``time.process_time``, the best of
3 runs for vigil and the baselines alike: ``_harness.best_cpu``).

Figure 1, "extract + indicators + score": the pipeline's own function,
``vigil.pipeline.scoring.extract_and_score`` (the identifiers and scores stages in one
pass, as ``vigil scan`` runs them; catalogue only, no trained model) on that table.
Its baseline is the naive extractor of ``bench_extract``
(``phonenumbers.PhoneNumberMatcher`` + plain regexes) followed by the naive scorer
below, over the same texts.

Figure 2, "indicators + score only": ``vigil.indicators.score_text`` on every
post's text (``title + "\\n\\n" + body``, as ``vigil.pipeline.inputs.post_text``)
with its identifiers extracted beforehand (not timed). Its baseline is the naive
scorer alone.

The naive scorer is what a first implementation would do: every catalogue pattern
and every term (as ``\\bterm\\b``) of every active indicator compiled with Python's
``re`` (case-insensitive), run over the lower-cased text; an indicator fires when
one of them matches and the risk is the sum of the weights of those that fired,
capped at 1. It does less than vigil (no accent folding, rules, identifiers, spans,
masking or categories), so the comparison flatters it. It is slow (hundreds of
searches per post), so both baselines are timed on the first ``BASELINE_POSTS``
posts only; a speed per post does not depend on how many are timed.

    python benchmarks/bench_score.py [--posts N] [--seed 7]

``run(posts)`` returns the figures for ``benchmarks/run.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Figure, best_cpu
from bench_extract import baseline as naive_extract

from vigil.extract import extract
from vigil.extract.regions import region_for_location
from vigil.indicators import Catalogue, default_catalogue, score_text
from vigil.indicators.schema import rule_leaves
from vigil.ingest.normalise import normalise_text
from vigil.pipeline.inputs import post_text
from vigil.pipeline.scoring import extract_and_score

BASELINE_SCORE = "every catalogue regex and term with Python re, weights summed"
BASELINE_FULL = "bench_extract's naive extractor + " + BASELINE_SCORE
BASELINE_POSTS = 2_000


class NaiveScorer:
    """Every pattern and term of every active indicator as a Python ``re``."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.indicators: list[tuple[float, list[re.Pattern[str]]]] = []
        self.skipped = 0  # patterns Python's re cannot compile (RE2-only syntax)
        for ind in catalogue.indicators:
            if ind.state != "active":
                continue
            term_ids, pattern_ids, _ = rule_leaves(ind.rule)
            sources = [
                r"\b" + re.escape(term.lower()) + r"\b"
                for list_id in sorted(term_ids)
                for terms in catalogue.spec.term_lists[list_id].values()
                for term in terms
            ] + [catalogue.spec.patterns[pid] for pid in sorted(pattern_ids)]
            regexes: list[re.Pattern[str]] = []
            for source in sources:
                try:
                    regexes.append(re.compile(source, re.IGNORECASE))
                except re.error:
                    self.skipped += 1
            if regexes:
                self.indicators.append((ind.weight, regexes))

    def score(self, text: str) -> float:
        low = text.lower()
        risk = 0.0
        for weight, regexes in self.indicators:
            if any(r.search(low) for r in regexes):
                risk += weight
        return min(1.0, risk)


def load(n: int, seed: int) -> pa.Table:
    """``n`` synthetic posts as the lake's posts table."""
    from vigil.synth import iter_records

    raw = [r.post for r in iter_records(n, seed)]
    return pa.table(
        {
            "id": [str(p.get("source_id", i)) for i, p in enumerate(raw)],
            "title_text": [normalise_text(p.get("title") or "") for p in raw],
            "body_text": [normalise_text(p.get("body") or "") for p in raw],
            "meta_json": [orjson.dumps(p.get("meta") or {}).decode() for p in raw],
            "language": [p.get("language") for p in raw],
            "location": [p.get("location") for p in raw],
        }
    )


def measure(posts: int, seed: int = 7, region: str = "US") -> dict[str, Any]:
    """Speeds (posts/s/core) of vigil and the naive baselines."""
    table = load(posts, seed)
    catalogue = default_catalogue()
    naive = NaiveScorer(catalogue)
    titles = table.column("title_text").to_pylist()
    bodies = table.column("body_text").to_pylist()
    regions = [region_for_location(loc, region) for loc in table.column("location").to_pylist()]
    texts = [post_text(t, b)[0] for t, b in zip(titles, bodies, strict=True)]

    warm = table.slice(0, min(200, posts))
    extract_and_score(warm, region=region, catalogue=catalogue)

    t_full, (_identifiers, scores) = best_cpu(
        lambda: extract_and_score(table, region=region, catalogue=catalogue)
    )

    nb = min(posts, BASELINE_POSTS)

    def full_base() -> None:
        for t, b, r in zip(titles[:nb], bodies[:nb], regions[:nb], strict=True):
            naive_extract(t, r)
            naive_extract(b, r)
            naive.score(post_text(t, b)[0])

    t_full_base, _ = best_cpu(full_base)

    found = [extract(text, region=r) for text, r in zip(texts, regions, strict=True)]

    def score_only() -> None:
        for text, idents in zip(texts, found, strict=True):
            score_text(text, idents, catalogue=catalogue)

    t_score, _ = best_cpu(score_only)

    def score_base() -> None:
        for text in texts[:nb]:
            naive.score(text)

    t_score_base, _ = best_cpu(score_base)

    bands = scores.column("band").to_pylist()
    return {
        "posts": posts,
        "flagged": sum(b != "low" for b in bands),
        "naive_skipped": naive.skipped,
        "speed_full": posts / t_full,
        "speed_full_base": nb / t_full_base,
        "speed_score": posts / t_score,
        "speed_score_base": nb / t_score_base,
    }


def run(posts: int) -> list[Figure]:
    """Figures for ``benchmarks/run.py``."""
    m = measure(posts)
    return [
        Figure("extract + indicators + score", "posts/s/core", m["speed_full"],
               m["speed_full_base"], BASELINE_FULL),
        Figure("indicators + score only", "posts/s/core", m["speed_score"],
               m["speed_score_base"], BASELINE_SCORE),
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--posts", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--region", default="US")
    args = ap.parse_args()
    m = measure(args.posts, args.seed, args.region)
    print(f"{m['posts']:,} synthetic posts, {m['flagged']:,} flagged (review or high); "
          f"{m['naive_skipped']} patterns Python's re cannot compile\n")  # fmt: skip
    print(f"{'posts/s/core':<40}{'vigil':>12}{'baseline':>12}{'ratio':>8}")
    rows = [
        ("extract + indicators + score", m["speed_full"], m["speed_full_base"]),
        ("indicators + score only", m["speed_score"], m["speed_score_base"]),
    ]
    for name, v, b in rows:
        print(f"{name:<40}{v:>12,.0f}{b:>12,.0f}{v / b:>8.2f}")


if __name__ == "__main__":
    main()
