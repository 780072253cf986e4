"""Indicator catalogue, declarative rules and risk scoring.

>>> from vigil.indicators import score
>>> scored = score(post, identifiers)          # doctest: +SKIP
>>> scored.band, [h.indicator_id for h in scored.hits]  # doctest: +SKIP
"""

from vigil.indicators.catalogue import (
    Catalogue,
    Evaluation,
    build_catalogue,
    default_catalogue,
    load_catalogue,
)
from vigil.indicators.diff import BandChange, DiffReport, IndicatorChange, diff
from vigil.indicators.rules import Tri
from vigil.indicators.schema import CATEGORIES, CatalogueError, Indicator
from vigil.indicators.scoring import FORMULA, Scored, score, score_text

__all__ = [
    "CATEGORIES",
    "FORMULA",
    "BandChange",
    "Catalogue",
    "CatalogueError",
    "DiffReport",
    "Evaluation",
    "Indicator",
    "IndicatorChange",
    "Scored",
    "Tri",
    "build_catalogue",
    "default_catalogue",
    "diff",
    "load_catalogue",
    "score",
    "score_text",
]
