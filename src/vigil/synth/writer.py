"""Streams a generated corpus to ``posts.jsonl`` and ``truth.jsonl`` (+ ``plan.json``)."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import orjson

from vigil.synth.generator import SynthRun
from vigil.synth.planfile import PLAN_FILE, plan_record
from vigil.synth.shares import DEFAULT_START_DATE

__all__ = ["PLAN_FILE", "POSTS_FILE", "TRUTH_FILE", "SynthSummary", "generate"]

POSTS_FILE = "posts.jsonl"
TRUTH_FILE = "truth.jsonl"
_BUFFER = 1 << 20


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What :func:`generate` wrote."""

    posts: int
    seed: int
    posts_path: Path
    truth_path: Path
    networks: int
    seconds: float
    classes: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    phones_recycled: int = 0
    plan_path: Path | None = None

    @property
    def posts_per_second(self) -> float:
        return self.posts / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """A one-line human summary."""
        concern = sum(self.classes.get(c, 0) for c in ("trafficking", "deceptive_recruitment",
                                                       "grooming", "demand"))  # fmt: skip
        return (
            f"wrote {self.posts:,} posts ({concern:,} of concern, {self.networks} network"
            f"{'' if self.networks == 1 else 's'}, "
            f"{self.languages.get('es', 0):,} in Spanish) to {self.posts_path.parent} "
            f"in {self.seconds:.1f}s ({self.posts_per_second:,.0f} posts/s)"
        )


def generate(
    n_posts: int,
    seed: int,
    out_dir: Path | str,
    start_date: date = DEFAULT_START_DATE,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> SynthSummary:
    """Write ``n_posts`` synthetic posts and their truth to ``out_dir``.

    Also writes ``plan.json``: every network's route and the planted hotspot
    (:mod:`vigil.synth.planfile`).

    Memory stays flat: records are written as they are made. ``progress`` is
    called with the number of posts written so far every ``progress_every`` posts
    and once at the end. Same ``(n_posts, seed, start_date)``, byte-identical files.
    """
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = SynthRun(n_posts, seed, start_date)
    classes: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    posts_path, truth_path = out / POSTS_FILE, out / TRUTH_FILE
    dumps = orjson.dumps
    done = 0
    with (
        posts_path.open("wb", buffering=_BUFFER) as posts_file,
        truth_path.open("wb", buffering=_BUFFER) as truth_file,
    ):
        for record in run:
            posts_file.write(dumps(record.post) + b"\n")
            truth_file.write(dumps(record.truth) + b"\n")
            classes[record.truth["class"]] += 1
            languages[record.truth["language"]] += 1
            done += 1
            if progress is not None and done % progress_every == 0:
                progress(done)
    if progress is not None:
        progress(done)
    plan_path = out / PLAN_FILE
    plan = plan_record(run.plan, seed=seed, posts=done, start=start_date)
    plan_path.write_bytes(orjson.dumps(plan, option=orjson.OPT_INDENT_2) + b"\n")
    return SynthSummary(
        posts=done,
        seed=seed,
        posts_path=posts_path,
        truth_path=truth_path,
        networks=len(run.plan.networks),
        seconds=time.perf_counter() - started,
        classes=dict(sorted(classes.items())),
        languages=dict(sorted(languages.items())),
        phones_recycled=run.phones_recycled,
        plan_path=plan_path,
    )
