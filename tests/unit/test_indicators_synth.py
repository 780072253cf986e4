"""Detection figures on a small synthetic corpus from ``vigil.synth``.

Recall on ``trafficking`` (band review or high) must be high and the false-positive
rate on ``independent_adult`` and ``benign_job`` low at the default thresholds.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

import vigil.synth as synth
from vigil.ingest.normalise import normalise_text
from vigil.model import Identifier, Post

N_POSTS = 3000


def _extract(text: str) -> list[Identifier]:
    try:
        from vigil.extract import extract
    except ImportError:  # extraction not available: identifier rules stay unknown
        return []
    return extract(text)


@pytest.fixture(scope="module")
def bands() -> dict[str, Counter[str]]:
    from vigil.indicators import score

    out: dict[str, Counter[str]] = defaultdict(Counter)
    for rec in synth.iter_records(N_POSTS, seed=20240601):
        p, truth = rec.post, rec.truth
        title, body = normalise_text(p["title"] or ""), normalise_text(p["body"] or "")
        post = Post(
            id=truth["post_id"],
            platform=p["platform"],
            source_id=p["source_id"],
            url=p["url"],
            posted_at=None,
            title=p["title"],
            body=p["body"],
            title_text=title,
            body_text=body,
            location=p["location"],
            author=p["author"],
            images=tuple(p["images"]),
            language=p["language"],
        )
        out[truth["class"]][score(post, _extract(post.text)).band] += 1
    return out


def _rate(counts: Counter[str], bands: tuple[str, ...]) -> float:
    total = sum(counts.values())
    assert total > 50, counts
    return sum(counts[b] for b in bands) / total


def test_trafficking_recall_is_high(bands: dict[str, Counter[str]]) -> None:
    assert _rate(bands["trafficking"], ("review", "high")) >= 0.85


@pytest.mark.parametrize("cls", ["independent_adult", "benign_job", "legit_recruitment"])
def test_false_positive_rate_is_low(bands: dict[str, Counter[str]], cls: str) -> None:
    assert _rate(bands[cls], ("review", "high")) <= 0.05
