"""Features for the risk model: hashed text n-grams + indicator hits + identifiers.

The same function builds features at training and at scoring time, so the two can
never drift apart. Text is hashed (no vocabulary to store, bounded memory).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from vigil.indicators.scoring import Scored
from vigil.model import Identifier, IdentifierKind

__all__ = ["FeatureSpec", "ModelInput", "dense_names", "featurize"]

_KINDS = ("phone", "email", "url", "handle", "payment", "crypto", "age", "price", "place")
_CATEGORIES = ("adult", "jobs", "housing", "massage", "dating", "personals")


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """Everything needed to rebuild the feature space exactly."""

    n_text_features: int
    indicator_ids: tuple[str, ...]
    category_names: tuple[str, ...]

    def vectorizer(self) -> HashingVectorizer:
        return HashingVectorizer(
            n_features=self.n_text_features,
            ngram_range=(1, 2),
            alternate_sign=False,
            norm="l2",
            lowercase=True,
            token_pattern=r"(?u)\b[^\W\d_]{2,}\b",  # noqa: S106 (words only: numbers are identifiers)
        )

    @property
    def n_features(self) -> int:
        return self.n_text_features + len(dense_names(self))


def dense_names(spec: FeatureSpec) -> list[str]:
    return (
        ["catalogue_risk"]
        + [f"category_score:{c}" for c in spec.category_names]
        + [f"hit:{i}" for i in spec.indicator_ids]
        + [f"ident_count:{k}" for k in _KINDS]
        + ["age_min_under_18", "age_min_18_19", "distinct_phones"]
        + [f"meta_category:{c}" for c in _CATEGORIES]
    )


@dataclass(frozen=True, slots=True)
class ModelInput:
    text: str
    scored: Scored
    identifier_kinds: Sequence[str]
    ages: Sequence[int]
    phones: int
    meta_category: str | None

    @classmethod
    def of(
        cls, text: str, identifiers: Sequence[Identifier], meta: dict[str, object], scored: Scored
    ) -> ModelInput:
        ages = []
        for ident in identifiers:
            if ident.kind is IdentifierKind.AGE and ident.value.isdigit():
                ages.append(int(ident.value))
        category = meta.get("category")
        return cls(
            text=text,
            scored=scored,
            identifier_kinds=[str(i.kind) for i in identifiers],
            ages=ages,
            phones=len({i.value for i in identifiers if i.kind is IdentifierKind.PHONE}),
            meta_category=category if isinstance(category, str) else None,
        )


def featurize(spec: FeatureSpec, rows: Sequence[ModelInput]) -> sp.csr_matrix:
    """The feature matrix of ``rows`` (one row per post)."""
    text = spec.vectorizer().transform([r.text for r in rows])
    index = {name: i for i, name in enumerate(dense_names(spec))}
    dense = np.zeros((len(rows), len(index)), dtype=np.float64)
    for n, r in enumerate(rows):
        dense[n, index["catalogue_risk"]] = r.scored.risk
        for cat, value in r.scored.category_scores.items():
            if (key := f"category_score:{cat}") in index:
                dense[n, index[key]] = value
        for hit in r.scored.hits + r.scored.shadow_hits:
            if (key := f"hit:{hit.indicator_id}") in index:
                dense[n, index[key]] = 1.0
        for kind in _KINDS:
            count = sum(1 for k in r.identifier_kinds if k == kind)
            dense[n, index[f"ident_count:{kind}"]] = np.log1p(count)
        if r.ages:
            youngest = min(r.ages)
            dense[n, index["age_min_under_18"]] = float(youngest < 18)
            dense[n, index["age_min_18_19"]] = float(18 <= youngest <= 19)
        dense[n, index["distinct_phones"]] = np.log1p(r.phones)
        if r.meta_category and (key := f"meta_category:{r.meta_category}") in index:
            dense[n, index[key]] = 1.0
    return sp.hstack([text, sp.csr_matrix(dense)], format="csr")
