"""Emerging hotspot detection: the test, FDR control, and the hotspot planted by synth."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from vigil.geo.evaluate import score_hotspots
from vigil.geo.gazetteer import City
from vigil.geo.hotspots import HotspotParams, benjamini_hochberg, detect, hotspots
from vigil.geo.results import GeoPost, ScanData
from vigil.geo.synthdir import truth_scan_dir
from vigil.synth import generate


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=60))
def test_benjamini_hochberg_matches_scipy(p: list[float]) -> None:
    ours = benjamini_hochberg(p)
    assert np.allclose(ours, stats.false_discovery_control(p, method="bh"))
    assert all(q >= v - 1e-12 for q, v in zip(ours, p, strict=True))


START = datetime(2026, 1, 5, 10, tzinfo=UTC)  # a Monday


def _places(n: int) -> list[City]:
    return [
        City(f"Town{i}", "US", "TX", 30.0 + i * 0.1, -95.0 - i * 0.1, 50_000, i) for i in range(n)
    ]


def _data(counts: dict[int, list[int]], places: list[City]) -> ScanData:
    """High-risk posts: ``counts[place][week]`` posts in that place and week."""
    posts = []
    for i, weekly in counts.items():
        for w, n in enumerate(weekly):
            for k in range(n):
                when = START + timedelta(days=7 * w + k % 7)
                posts.append(GeoPost(f"p{i}-{w}-{k}", when, places[i], 0.9, "high", None))
    return ScanData(Path("."), posts, {}, len(posts), 0, 0, {})


def _poisson_counts(rng: np.random.Generator, n_places: int, weeks: int) -> dict[int, list[int]]:
    rates = rng.uniform(1.0, 8.0, n_places)
    trend = np.linspace(1.0, 1.6, weeks)  # everything grows: the global trend term absorbs it
    return {i: [int(v) for v in rng.poisson(rates[i] * trend)] for i in range(n_places)}


POSTS = HotspotParams(metric="high_risk_posts", span=1)


def test_few_false_alarms_without_a_hotspot() -> None:
    places = _places(40)
    flags = 0
    for seed in range(3):
        report = detect(_data(_poisson_counts(np.random.default_rng(seed), 40, 26), places), POSTS)
        assert report.tests == 40 * (26 - POSTS.min_history)
        flags += len(report.flags)
    # under the null each window has at most a 5% chance of any flag: ~1 per 22 windows
    assert flags <= 6


def test_a_tripled_place_is_flagged_with_its_numbers() -> None:
    places = _places(40)
    counts = _poisson_counts(np.random.default_rng(7), 40, 26)
    onset = 18
    counts[3] = [c if w < onset else c * 3 + 6 for w, c in enumerate(counts[3])]
    report = detect(_data(counts, places), POSTS)
    mine = [f for f in report.flags if f.place == places[3].label]
    assert mine, "the tripled place must be flagged"
    first = mine[0]
    assert first.window_start == (START + timedelta(days=7 * onset)).date()  # no delay
    assert first.observed == counts[3][onset]
    assert first.q_value >= first.p_value and first.q_value <= POSTS.alpha
    assert first.expected < first.observed / 2 and first.ratio == pytest.approx(
        first.observed / first.expected
    )
    series = {s.place: s.counts for s in report.places}
    assert series[places[3].label] == tuple(counts[3])
    others = [f for f in report.flags if f.place != places[3].label]
    assert len(others) <= 2


def test_span_sums_windows_and_needs_history() -> None:
    places = _places(10)
    counts = {i: [3] * 12 for i in range(10)}
    counts[0] = [3] * 8 + [12, 12, 12, 12]
    report = detect(_data(counts, places), HotspotParams(metric="high_risk_posts", span=2))
    first = next(f for f in report.flags if f.place == places[0].label)
    assert first.observed == 3 + 12  # windows 7 and 8 summed
    assert (first.window_end - first.window_start).days == 14
    short = detect(_data({0: [1, 2]}, places), HotspotParams())
    assert short.flags == () and short.notes


def test_new_clusters_counts_first_appearance_per_place() -> None:
    places = _places(2)
    posts = []
    for k, (cid, place, day) in enumerate(
        [("c1", 0, 0), ("c1", 0, 8), ("c1", 1, 9), ("c2", 1, 10), ("c3", 1, 11)]
    ):
        posts.append(GeoPost(f"p{k}", START + timedelta(days=day), places[place], 0.9, "high", cid))
    data = ScanData(Path("."), posts, {"c1": 0.9, "c2": 0.9, "c3": 0.1}, 5, 0, 0, {})
    report = detect(data, HotspotParams(metric="new_clusters", min_history=1, span=1))
    series = {s.place: s.counts for s in report.places}
    assert series[places[0].label] == (1, 0)  # c1 arrives once
    assert series[places[1].label] == (0, 2)  # c1 and c2; c3 is below cluster_risk_min
    active = detect(data, HotspotParams(metric="active_networks", min_history=1, span=1))
    assert {s.place: s.counts for s in active.places}[places[0].label] == (1, 1)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    corpus = tmp_path_factory.mktemp("geo-hot")
    generate(20000, seed=5, out_dir=corpus)
    return corpus, truth_scan_dir(corpus, corpus / "results")


def test_planted_hotspot_is_detected_soon_with_few_false_alarms(planted: tuple[Path, Path]) -> None:
    corpus, results = planted
    report = hotspots(results)  # defaults: new clusters, 2-window span, FDR 5%
    (score,) = score_hotspots(report, corpus / "plan.json")
    assert score.detected, report.flags
    assert score.delay_days is not None and 0 < score.delay_days <= 21
    assert score.false_alarm_rate <= 0.002, score.false_alarm_places


def test_score_counts_flags_elsewhere_as_false_alarms(planted: tuple[Path, Path]) -> None:
    corpus, results = planted
    report = hotspots(results, HotspotParams(metric="high_risk_posts", alpha=0.5, min_count=1))
    (score,) = score_hotspots(report, corpus / "plan.json")
    elsewhere = [f for f in report.flags if f.place != score.place]
    early = [f for f in report.flags if f.place == score.place and f.window_end <= score.start]
    assert score.false_alarms == len(elsewhere) + len(early) > 0
    assert score.start == date.fromisoformat(score.start.isoformat())


def test_random_posts_give_reproducible_reports() -> None:
    rnd = random.Random(3)
    places = _places(8)
    counts = {i: [rnd.randrange(6) for _ in range(15)] for i in range(8)}
    a = detect(_data(counts, places), POSTS)
    b = detect(_data(counts, places), POSTS)
    assert a == b
