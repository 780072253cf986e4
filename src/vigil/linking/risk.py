"""Cluster risk: member risks combined with network indicators.

``member = 0.5 * max(risk) + 0.5 * mean(risk)`` over members whose ``risk`` is
known. Network indicators, each in [0, 1]:

* ``cities = min(1, (distinct cities - 1) / 4)``: five or more cities score 1;
* ``people = min(1, (people - 1) / 4)`` with ``people`` the larger of the distinct
  ages (extracted ``age`` identifiers) and distinct names (``name`` slots of the
  cluster's templates): five people behind one set of contacts score 1;
* ``movement = min(1, moves / weeks)``: ``moves`` counts changes of city between
  consecutive posts in time order and ``weeks = max(1, span_days / 7)``, so moving
  once a week or faster scores 1.

``share`` is the share of the cluster's links that are contact or image links (not
``text``): identical text is weak evidence (benign rentals, spas and demand posts
repeat it across cities), so ``network = share * (cities + people + movement) / 3``
and
``risk = 0.5 * member + 0.5 * network`` (``risk = network`` when no member risk is
known). Everything is clamped to [0, 1] and rounded to 4 decimals.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NetworkRisk", "cluster_risk"]


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


@dataclass(frozen=True, slots=True)
class NetworkRisk:
    """The parts of a cluster's risk."""

    member_max: float | None
    member_mean: float | None
    cities: float
    people: float
    movement: float
    network: float
    risk: float


def cluster_risk(
    *,
    member_max: float | None,
    member_mean: float | None,
    n_cities: int,
    n_people: int,
    moves: int,
    span_days: float,
    share: float = 1.0,
) -> NetworkRisk:
    """Combine member risks and network indicators (formula in the module doc)."""
    cities = _clamp((n_cities - 1) / 4)
    people = _clamp((n_people - 1) / 4)
    movement = _clamp(moves / max(1.0, span_days / 7.0))
    network = _clamp(share) * (cities + people + movement) / 3
    if member_max is None or member_mean is None:
        risk = network
    else:
        risk = 0.5 * (0.5 * _clamp(member_max) + 0.5 * _clamp(member_mean)) + 0.5 * network
    return NetworkRisk(
        member_max,
        member_mean,
        round(cities, 4),
        round(people, 4),
        round(movement, 4),
        round(network, 4),
        round(_clamp(risk), 4),
    )
