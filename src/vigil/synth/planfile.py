"""``plan.json``: the planted movement of every network and the emerging hotspot.

``truth.jsonl`` says which post belongs to which network; ``plan.json`` says where
each network was on which days and where and when the hotspot started, so movement
and hotspot detection can be scored against what was planted::

    {"seed": 7, "posts": 20000, "start_date": "2026-01-05", "window_days": 182,
     "hotspots": [{"location": "Tampa, FL", "city": "Tampa", "region": "FL",
                   "country": "US", "start_day": 101, "start": "2026-04-16",
                   "networks": ["net-0021", "net-0022", "net-0023"]}],
     "networks": [{"id": "net-0001", "lang": "en", "circuit": false, "hotspot": false,
                   "route": [{"location": "Houston, TX", "start": "2026-02-01",
                              "end": "2026-02-09"}, ...]}, ...]}

A stop's ``end`` is exclusive (the day the network moves on).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from vigil.synth.networks import NetworkPlan
from vigil.synth.world import WINDOW_DAYS

__all__ = ["PLAN_FILE", "plan_record"]

PLAN_FILE = "plan.json"


def plan_record(plan: NetworkPlan, *, seed: int, posts: int, start: date) -> dict[str, Any]:
    """The JSON-ready description of ``plan`` (see the module docstring)."""

    def day(d: int) -> str:
        return (start + timedelta(days=d)).isoformat()

    return {
        "seed": seed,
        "posts": posts,
        "start_date": start.isoformat(),
        "window_days": WINDOW_DAYS,
        "hotspots": [
            {
                "location": h.city.location,
                "city": h.city.name,
                "region": h.city.region,
                "country": h.city.country,
                "start_day": h.start,
                "start": day(h.start),
                "networks": list(h.networks),
            }
            for h in plan.hotspots
        ],
        "networks": [
            {
                "id": n.id,
                "lang": n.lang,
                "circuit": n.circuit,
                "hotspot": n.hotspot,
                "route": [
                    {"location": s.city.location, "start": day(s.start), "end": day(s.end)}
                    for s in n.route
                ],
            }
            for n in plan.networks
        ],
    }
