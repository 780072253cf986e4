"""Hotspot detection scored against the hotspot planted by ``vigil synth`` (``plan.json``).

* **detection delay**: days from the planted start to the end of the first flagged
  window of the hotspot's place that ends after the start (a window's flag can only
  be raised once the window is over). None when never flagged.
* **false alarms**: flags anywhere else, plus flags at the hotspot place in
  windows that ended before it started; ``false_alarm_rate`` divides them by the
  place-windows tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson

from vigil.geo.gazetteer import geocode
from vigil.geo.hotspots import HotspotReport

__all__ = ["HotspotScore", "score_hotspots"]


@dataclass(frozen=True, slots=True)
class HotspotScore:
    place: str
    start: date
    detected: bool
    delay_days: int | None
    hits: int
    false_alarms: int
    false_alarm_rate: float
    false_alarm_places: tuple[str, ...]


def score_hotspots(report: HotspotReport, plan_path: Path) -> list[HotspotScore]:
    """One score per hotspot planted in ``plan_path``."""
    plan = orjson.loads(plan_path.read_bytes())
    out = []
    planted = []
    for h in plan.get("hotspots", []):
        city = geocode(h["location"])
        planted.append((city.label if city else h["location"], date.fromisoformat(h["start"])))
    planted_places = {p for p, _ in planted}
    for place, start in planted:
        hits = [f for f in report.flags if f.place == place and f.window_end > start]
        early = [f for f in report.flags if f.place == place and f.window_end <= start]
        others = [f for f in report.flags if f.place not in planted_places]
        false = len(others) + len(early)
        first = min(hits, key=lambda f: f.window_end, default=None)
        out.append(
            HotspotScore(
                place=place,
                start=start,
                detected=first is not None,
                delay_days=(first.window_end - start).days if first else None,
                hits=len(hits),
                false_alarms=false,
                false_alarm_rate=false / report.tests if report.tests else 0.0,
                false_alarm_places=tuple(sorted({f.place for f in others + early})),
            )
        )
    return out
