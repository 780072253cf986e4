"""Turns drafts into ``posts.jsonl`` / ``truth.jsonl`` records, one post at a time."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from vigil.model import PostClass, post_id
from vigil.synth.classes.adult import make_independent, make_massage
from vigil.synth.classes.housing import make_rental
from vigil.synth.classes.social import make_dating, make_demand, make_grooming
from vigil.synth.classes.trafficking import N_SECTIONS, make_trafficking
from vigil.synth.classes.work import (
    make_benign_job,
    make_deceptive_recruitment,
    make_legit_recruitment,
)
from vigil.synth.networks import NetworkPlan, plan_networks
from vigil.synth.shares import CLASS_SHARES, DEFAULT_START_DATE, HTML_SHARE, SPANISH_SHARE
from vigil.synth.world import Draft, World

__all__ = ["Record", "SynthRun", "iter_records"]

Maker = Callable[[World, str], Draft]

_MAKERS: Final[dict[PostClass, Maker]] = {
    PostClass.INDEPENDENT_ADULT: make_independent,
    PostClass.MASSAGE_SPA: make_massage,
    PostClass.BENIGN_JOB: make_benign_job,
    PostClass.LEGIT_RECRUITMENT: make_legit_recruitment,
    PostClass.DECEPTIVE_RECRUITMENT: make_deceptive_recruitment,
    PostClass.BENIGN_RENTAL: make_rental,
    PostClass.DATING: make_dating,
    PostClass.GROOMING: make_grooming,
    PostClass.DEMAND: make_demand,
}

_PLATFORM_URLS: Final = {
    "classifieds.example": ("ca-", "https://classifieds.example/ad/"),
    "escortads.example": ("ea-", "https://escortads.example/listing/"),
    "jobsboard.example": ("jb-", "https://jobsboard.example/job/"),
    "social.example": ("so-", "https://social.example/p/"),
}


@dataclass(frozen=True, slots=True)
class Record:
    """One generated post (the ``posts.jsonl`` object) and its ground truth."""

    post: dict[str, Any]
    truth: dict[str, Any]


class SynthRun:
    """One generation run; iterate it for records, then read its statistics.

    ``networks`` (the planned trafficking networks) is available right after
    construction; ``phones_recycled`` is final once iteration has finished.
    """

    def __init__(self, n_posts: int, seed: int, start_date: date = DEFAULT_START_DATE) -> None:
        if n_posts < 0:
            raise ValueError("n_posts must be >= 0")
        self.n_posts = n_posts
        self.seed = seed
        self.world = World(seed, start_date)
        expected = round(n_posts * CLASS_SHARES[PostClass.TRAFFICKING])
        self.plan: NetworkPlan = plan_networks(self.world, expected, N_SECTIONS)
        self._classes = list(CLASS_SHARES)
        self._cum = list(itertools.accumulate(CLASS_SHARES.values()))

    @property
    def phones_recycled(self) -> int:
        return self.world.phones.recycled

    def __iter__(self) -> Iterator[Record]:
        world = self.world
        rng = world.rng
        plan = self.plan
        classes, cum = self._classes, self._cum
        counters = dict.fromkeys(_PLATFORM_URLS, 0)
        days = world.days
        for _ in range(self.n_posts):
            cls = rng.choices(classes, cum_weights=cum)[0]
            lang = "es" if rng.random() < SPANISH_SHARE else "en"
            if cls is PostClass.TRAFFICKING:
                draft = make_trafficking(world, plan)
            else:
                draft = _MAKERS[cls](world, lang)
            lang = draft.lang or lang
            prefix, url_base = _PLATFORM_URLS[draft.platform]
            counters[draft.platform] += 1
            # The seed is part of the id, so corpora of different seeds can share a lake.
            source_id = f"{prefix}s{self.seed}-{counters[draft.platform]:06d}"
            title, body = draft.doc.render(html=rng.random() < HTML_SHARE)
            posted_at = f"{days[draft.day]}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
            post = {
                "platform": draft.platform,
                "source_id": source_id,
                "url": url_base + source_id,
                "posted_at": posted_at,
                "title": title,
                "body": body,
                "location": draft.city.location,
                "author": draft.author,
                "images": draft.images,
                "language": lang,
                "meta": {"category": draft.category},
            }
            truth = {
                "post_id": post_id(draft.platform, source_id, ""),
                "source_id": source_id,
                "platform": draft.platform,
                "class": cls.value,
                "network_id": draft.network_id,
                "language": lang,
                "identifiers": draft.doc.idents,
                "indicators": draft.doc.indicators,
            }
            yield Record(post, truth)


def iter_records(
    n_posts: int, seed: int, start_date: date = DEFAULT_START_DATE
) -> Iterator[Record]:
    """Yield ``n_posts`` records for ``seed`` (same arguments, same records)."""
    return iter(SynthRun(n_posts, seed, start_date))
