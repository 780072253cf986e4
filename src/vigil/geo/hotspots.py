"""Emerging hotspots: places whose weekly count rises beyond what their history predicts.

For every place ``p`` and time window ``t`` (7 days by default, windows start on the
Monday of the first post's week) we count either high-risk posts (``band ==
"high"``, or ``risk >= risk_min`` when no band is stored) or *new clusters* (linked
clusters seen in ``p`` for the first time in window ``t``).

**Baseline.** With ``S`` the place's count over its ``n`` past windows (all
windows before ``t``, at least ``min_history``), the place's weekly rate gets a
Gamma(``a + S``, ``b + n``) posterior (``a = 0.5, b = 0``: Jeffreys-like). A global
trend factor ``g_t`` scales it: the count of all *other* places in window ``t``
divided by their mean over the past windows (the place itself is left out so a
hotspot does not raise its own baseline). The expected count is
``mu = g_t (a + S) / (b + n)``.

**Test.** The count is compared with a negative binomial with mean ``mu`` and
variance ``mu + mu^2 (phi + 1 / (a + S))``: ``1 / (a + S)`` is the baseline's own
uncertainty (with ``phi = 0`` this is exactly the Poisson-Gamma predictive), and
``phi`` is week-to-week over-dispersion shared by all places, estimated by moments
from the past windows (``sum((y - m)^2 - m) / sum(m^2)``, ``m`` the trend-adjusted
place mean; at least 0). The one-sided p-value is ``P(Y >= observed)``.

**Multiple places.** In each window the p-values of all tested places are turned
into Benjamini-Hochberg q-values; a place is flagged when ``q <= alpha`` (false
discovery rate ``alpha`` per window) and ``observed >= min_count``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
from scipy import stats

from vigil.geo.results import GeoPost, ScanData, load_scan

__all__ = [
    "Flag",
    "HotspotParams",
    "HotspotReport",
    "PlaceSeries",
    "benjamini_hochberg",
    "detect",
    "hotspots",
]

Metric = Literal["high_risk_posts", "active_networks", "new_clusters"]
METRICS: tuple[str, ...] = ("high_risk_posts", "active_networks", "new_clusters")


@dataclass(frozen=True, slots=True)
class HotspotParams:
    metric: Metric = "new_clusters"
    window_days: int = 7
    alpha: float = 0.05
    min_history: int = 4
    min_count: int | None = None  # default: 5 posts, 2 networks
    risk_min: float = 0.7
    cluster_risk_min: float = 0.5
    span: int = 2
    prior: Literal["pooled", "jeffreys"] = "pooled"


@dataclass(frozen=True, slots=True)
class Flag:
    """One place in one window whose count is improbably high given its history."""

    place: str
    country: str
    lat: float
    lon: float
    window_start: date
    window_end: date  # exclusive
    observed: int
    expected: float
    ratio: float
    p_value: float
    q_value: float
    history_windows: int
    history_total: int
    trend: float
    dispersion: float


@dataclass(frozen=True, slots=True)
class PlaceSeries:
    place: str
    country: str
    lat: float
    lon: float
    counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class HotspotReport:
    params: HotspotParams
    windows: tuple[date, ...]
    places: tuple[PlaceSeries, ...]
    flags: tuple[Flag, ...]
    tests: int
    posts_counted: int
    notes: tuple[str, ...] = field(default=())

    def first_flag(self, place: str, on_or_after: date | None = None) -> Flag | None:
        for f in self.flags:
            if f.place == place and (on_or_after is None or f.window_end > on_or_after):
                return f
        return None


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q-values), in the input order."""
    m = len(p_values)
    if m == 0:
        return []
    order = sorted(range(m), key=lambda i: p_values[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        q[i] = running
    return q


def _window_start(first: date) -> date:
    return first - timedelta(days=first.weekday())


def _counts(
    posts: list[GeoPost], cluster_risk: dict[str, float], params: HotspotParams
) -> tuple[date, dict[str, dict[int, int]], dict[str, tuple[str, float, float]], int]:
    def risky(cluster_id: str) -> bool:
        return cluster_risk.get(cluster_id, 0.0) >= params.cluster_risk_min

    if not posts:
        return date(1970, 1, 1), {}, {}, 0
    origin = _window_start(min(p.posted_at for p in posts).date())
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    where: dict[str, tuple[str, float, float]] = {}
    counted = 0

    def window(when: datetime) -> int:
        return (when.date() - origin).days // params.window_days

    for p in posts:
        where.setdefault(p.city.label, (p.city.country, p.city.lat, p.city.lon))
        counts[p.city.label]  # every place with posts is a place under test
    if params.metric == "high_risk_posts":
        for p in posts:
            high = p.band == "high" if p.band is not None else (p.risk or 0.0) >= params.risk_min
            if high:
                counts[p.city.label][window(p.posted_at)] += 1
                counted += 1
    elif params.metric == "active_networks":
        active: set[tuple[str, str, int]] = set()
        for p in posts:
            if p.cluster_id is not None and risky(p.cluster_id):
                active.add((p.cluster_id, p.city.label, window(p.posted_at)))
        for _, place, w in active:
            counts[place][w] += 1
            counted += 1
    else:
        seen: dict[tuple[str, str], datetime] = {}
        for p in posts:
            if p.cluster_id is None or not risky(p.cluster_id):
                continue
            key = (p.cluster_id, p.city.label)
            if key not in seen or p.posted_at < seen[key]:
                seen[key] = p.posted_at
        for (_, place), when in seen.items():
            counts[place][window(when)] += 1
            counted += 1
    return origin, counts, where, counted


def _dispersion(y: np.ndarray, trend: np.ndarray) -> float:
    """Moment estimate of the shared over-dispersion from past windows (places x t)."""
    if y.shape[1] < 2:
        return 0.0
    rate = y.sum(axis=1, keepdims=True) / np.maximum(trend.sum(), 1e-9)
    m = rate * trend[np.newaxis, :]
    denom = float((m**2).sum())
    if denom <= 0:
        return 0.0
    return max(0.0, float(((y - m) ** 2 - m).sum()) / denom)


@dataclass(frozen=True, slots=True)
class _Tested:
    observed: np.ndarray
    expected: np.ndarray
    history: np.ndarray
    trend: np.ndarray
    p: np.ndarray
    q: np.ndarray
    phi: float


def _prior(s: np.ndarray, n: int, params: HotspotParams) -> tuple[float, float]:
    """Gamma prior (shape, rate) of a place's rate per window."""
    if params.prior == "jeffreys" or len(s) < 3 or n == 0:
        return 0.5, 0.0
    rates = s / n
    m = float(rates.mean())
    v = float(rates.var(ddof=1)) - m / n  # between-place variance beyond Poisson noise
    if m <= 0:
        return 0.5, 0.0
    if v <= m * m / 1e4:
        v = m * m / 1e4  # no visible heterogeneity: a tight prior (shape 10,000)
    return m * m / v, m / v


def _test(y: np.ndarray, total: np.ndarray, first: int, t: int, params: HotspotParams) -> _Tested:
    past = y[:, :first]
    now = y[:, first : t + 1]
    others_past = total[:first][np.newaxis, :] - past
    others_now = total[first : t + 1][np.newaxis, :] - now
    mean_others = others_past.mean(axis=1, keepdims=True)
    g = np.where(mean_others > 0, others_now / np.maximum(mean_others, 1e-9), 1.0)
    big_g = g.sum(axis=1)
    overall = total[:first] / max(float(total[:first].mean()), 1e-9)
    phi = _dispersion(past, overall)
    s = past.sum(axis=1)
    a, b = _prior(s, first, params)
    shape = a + s
    mu = big_g * shape / (b + first)
    spread = np.where(big_g > 0, (g**2).sum(axis=1) / np.maximum(big_g, 1e-9) ** 2, 1.0)
    size = 1.0 / (1.0 / shape + phi * spread)
    obs = now.sum(axis=1)
    prob = np.where(mu > 0, size / (size + mu), 1.0)
    p = np.where(obs > 0, stats.nbinom.sf(obs - 1, size, prob), 1.0)
    q = np.array(benjamini_hochberg([float(v) for v in p]))
    return _Tested(obs, mu, s, big_g, p, q, phi)


def detect(data: ScanData, params: HotspotParams | None = None) -> HotspotReport:
    """Run the test of the module docstring over the geocoded posts of ``data``."""
    params = params or HotspotParams()
    origin, counts, where, counted = _counts(data.posts, data.cluster_risk, params)
    min_count = params.min_count
    if min_count is None:
        min_count = 5 if params.metric == "high_risk_posts" else 2
    places = sorted(counts)
    n_windows = 1 + max((w for c in counts.values() for w in c), default=-1)
    y = np.zeros((len(places), max(n_windows, 0)), dtype=np.int64)
    for i, place in enumerate(places):
        for w, n in counts[place].items():
            y[i, w] = n
    total = y.sum(axis=0)
    flags: list[Flag] = []
    tests = 0
    notes: list[str] = []
    k = params.span
    for t in range(params.min_history + k - 1, n_windows):
        first = t - k + 1  # current windows: first..t; baseline: 0..first-1
        tested = _test(y, total, first, t, params)
        tests += len(places)
        start = origin + timedelta(days=first * params.window_days)
        end = origin + timedelta(days=(t + 1) * params.window_days)
        for i, place in enumerate(places):
            obs = int(tested.observed[i])
            if tested.q[i] <= params.alpha and obs >= min_count:
                country, lat, lon = where[place]
                mu = float(tested.expected[i])
                flags.append(
                    Flag(
                        place=place,
                        country=country,
                        lat=lat,
                        lon=lon,
                        window_start=start,
                        window_end=end,
                        observed=obs,
                        expected=mu,
                        ratio=obs / mu if mu > 0 else float("inf"),
                        p_value=float(tested.p[i]),
                        q_value=float(tested.q[i]),
                        history_windows=first,
                        history_total=int(tested.history[i]),
                        trend=float(tested.trend[i]),
                        dispersion=tested.phi,
                    )
                )
    if n_windows <= params.min_history:
        notes.append(
            f"only {n_windows} window(s) of data: need more than {params.min_history} to test"
        )
    series = tuple(
        PlaceSeries(p, *where[p], tuple(int(v) for v in y[i])) for i, p in enumerate(places)
    )
    windows = tuple(origin + timedelta(days=t * params.window_days) for t in range(n_windows))
    flags.sort(key=lambda f: (f.window_start, f.q_value, f.place))
    return HotspotReport(params, windows, series, tuple(flags), tests, counted, tuple(notes))


def hotspots(results_dir: Path, params: HotspotParams | None = None) -> HotspotReport:
    """Emerging hotspots in a ``vigil scan`` results directory."""
    return detect(load_scan(results_dir), params)
