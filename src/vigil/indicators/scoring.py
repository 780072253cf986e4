"""Risk score of a post from the indicators that fired.

Formula (also written into docs/indicators.md)::

    s_c  = min(cap_c, 1 - prod_{i in A_c} (1 - w_i))     per category c
    risk = 1 - prod_c (1 - s_c)

where ``A_c`` are the *active* indicators of category ``c`` that evaluated TRUE
(each counted once however many spans it matched), ``w_i`` their weights and
``cap_c`` the category cap. Within a category the weights combine as a noisy-OR;
the cap stops one category (e.g. many advertising cues) from reaching a high risk on
its own, so a high band needs evidence from several categories. Shadow indicators are
evaluated and reported but never scored; disabled ones are not evaluated.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from vigil.indicators.catalogue import Catalogue, Evaluation, default_catalogue
from vigil.indicators.rules import Result, Tri
from vigil.indicators.schema import Indicator
from vigil.model import Identifier, IndicatorHit, Post

__all__ = ["FORMULA", "Scored", "risk_from", "score", "score_text"]

FORMULA = (
    "s_c = min(cap_c, 1 - prod_{i in A_c}(1 - w_i)) for each category c; risk = 1 - prod_c(1 - s_c)"
)


@dataclass(frozen=True, slots=True)
class Scored:
    """The outcome of scoring one post."""

    risk: float
    band: str
    hits: list[IndicatorHit]
    shadow_hits: list[IndicatorHit]
    unknown: tuple[str, ...]
    category_scores: dict[str, float] = field(default_factory=dict)
    catalogue_version: str = ""

    @property
    def indicator_ids(self) -> tuple[str, ...]:
        """Ids of the active indicators that fired, in catalogue order."""
        return tuple(dict.fromkeys(h.indicator_id for h in self.hits))

    @property
    def shadow_ids(self) -> tuple[str, ...]:
        """Ids of the shadow indicators that fired."""
        return tuple(dict.fromkeys(h.indicator_id for h in self.shadow_hits))


def risk_from(
    weights_by_category: Mapping[str, Sequence[float]], caps: Mapping[str, float]
) -> tuple[float, dict[str, float]]:
    """Apply the scoring formula; returns ``(risk, per-category scores)``."""
    per_cat: dict[str, float] = {}
    keep = 1.0
    for cat, weights in weights_by_category.items():
        miss = 1.0
        for w in weights:
            miss *= 1.0 - w
        s = min(caps.get(cat, 1.0), 1.0 - miss)
        per_cat[cat] = s
        keep *= 1.0 - s
    risk = min(1.0, max(0.0, 1.0 - keep))
    return risk, per_cat


def _score_evaluation(catalogue: Catalogue, evaluation: Evaluation) -> Scored:
    return _score_results(catalogue, evaluation.results)


def _score_results(catalogue: Catalogue, results: Iterable[tuple[Indicator, Result]]) -> Scored:
    hits: list[IndicatorHit] = []
    shadow: list[IndicatorHit] = []
    unknown: list[str] = []
    weights: dict[str, list[float]] = {}
    for ind, (tri, spans) in results:
        if tri is Tri.UNKNOWN:
            unknown.append(ind.id)
            continue
        if tri is not Tri.TRUE:
            continue
        active = ind.state == "active"
        out = hits if active else shadow
        ind_id, category, weight, source = ind.id, ind.category, ind.weight, ind.source
        for span in dict.fromkeys(spans) if len(spans) > 1 else spans:
            out.append(
                IndicatorHit(
                    indicator_id=ind_id,
                    category=category,
                    matched=span.text,
                    start=span.start,
                    end=span.end,
                    weight=weight,
                    source=source,
                )
            )
        if active:
            found = weights.get(category)
            if found is None:
                weights[category] = [weight]
            else:
                found.append(weight)
    risk, per_cat = risk_from(weights, catalogue.caps)
    return Scored(
        risk=risk,
        band=catalogue.band(risk),
        hits=hits,
        shadow_hits=shadow,
        unknown=tuple(unknown),
        category_scores=per_cat,
        catalogue_version=catalogue.version,
    )


def score_text(
    text: str,
    identifiers: Sequence[Identifier] = (),
    *,
    catalogue: Catalogue | None = None,
    features: Mapping[str, object] | None = None,
) -> Scored:
    """Score normalised ``text`` directly (no ``Post`` needed)."""
    cat = catalogue or default_catalogue()
    return _score_results(cat, cat.evaluate_candidates(text, identifiers, features))


def score(
    post: Post,
    identifiers: Sequence[Identifier] = (),
    *,
    catalogue: Catalogue | None = None,
    features: Mapping[str, object] | None = None,
) -> Scored:
    """Evaluate the catalogue over ``post`` and return its risk, band and evidence.

    ``identifiers`` are those extracted from ``post.text`` (their offsets point into
    it); ``features`` are linking features (e.g. ``shared_contact_ads``) and take
    precedence over keys of the same name in ``post.meta``.
    """
    merged: Mapping[str, object]
    if features and post.meta:
        merged = ChainMap(dict(features), post.meta)
    else:
        merged = features or post.meta
    return score_text(post.text, identifiers, catalogue=catalogue, features=merged)
