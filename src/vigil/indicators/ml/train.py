"""`vigil train`: fit the calibrated risk model on labelled posts of the lake.

Method: features from :mod:`vigil.indicators.ml.features` (hashed word n-grams, the
catalogue's hits, category scores and risk, identifier counts, the platform category);
a stratified split (75% fit / 25% calibration, seeded); L2 logistic regression on the
fit part; isotonic regression of its decision values on the calibration part, so a
score of 0.8 means about 80% of such posts were of concern in the labels.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from vigil.indicators import Catalogue, default_catalogue, score_text
from vigil.indicators.ml.features import FeatureSpec, ModelInput, featurize
from vigil.indicators.ml.labels import Labels
from vigil.indicators.ml.model import RiskModel, save_model, set_active
from vigil.lake import Lake
from vigil.lake.derived import stage_dir

__all__ = ["TrainError", "TrainReport", "collect_inputs", "train"]

N_TEXT_FEATURES = 2**16
MIN_PER_CLASS = 10


class TrainError(ValueError):
    """Training cannot run (too few labels, posts not in the lake...)."""


@dataclass(frozen=True)
class TrainReport:
    model_id: str
    path: Path
    labelled: int
    matched: int
    positives: int
    calibration_auc: float
    calibration_average_precision: float
    active: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "path": str(self.path),
            "labelled": self.labelled,
            "matched": self.matched,
            "positives": self.positives,
            "calibration_auc": round(self.calibration_auc, 4),
            "calibration_average_precision": round(self.calibration_average_precision, 4),
            "active": self.active,
        }


def collect_inputs(
    lake: Lake, wanted: set[str] | None, catalogue: Catalogue
) -> tuple[list[str], list[ModelInput]]:
    """Model inputs for lake posts (all, or those in ``wanted``), in lake order.

    Needs the identifiers stage to have run (``vigil scan`` runs it).
    """
    from vigil.pipeline.inputs import iter_post_inputs

    ids: list[str] = []
    inputs: list[ModelInput] = []
    id_dir = stage_dir(lake, "identifiers")
    columns = ["id", "title_text", "body_text", "meta_json", "language"]
    for part in lake.part_files():
        posts = pq.read_table(part, columns=columns)
        if wanted is not None:
            mask = np.isin(posts.column("id").to_numpy(zero_copy_only=False), list(wanted))
            if not mask.any():
                continue
            posts = posts.filter(mask)
        ident_path = id_dir / part.name
        if not ident_path.exists():
            raise TrainError("identifiers are missing for some posts: run `vigil scan` first")
        for post in iter_post_inputs(posts, pq.read_table(ident_path)):
            scored = score_text(
                post.text, post.identifiers, catalogue=catalogue, features=post.meta
            )
            ids.append(post.id)
            inputs.append(ModelInput.of(post.text, post.identifiers, post.meta, scored))
    return ids, inputs


def train(
    lake_dir: Path,
    models_dir: Path,
    labels: Labels,
    *,
    seed: int = 0,
    activate: bool = True,
    catalogue: Catalogue | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> TrainReport:
    cat = catalogue or default_catalogue()
    with Lake(lake_dir) as lake:
        ids, inputs = collect_inputs(lake, set(labels.label), cat)
    y = np.array([labels.label[i] for i in ids], dtype=bool)
    positives = int(y.sum())
    if positives < MIN_PER_CLASS or len(y) - positives < MIN_PER_CLASS:
        raise TrainError(
            f"need at least {MIN_PER_CLASS} labelled posts of each kind found in the lake; "
            f"got {positives} of concern and {len(y) - positives} not "
            f"({len(labels.label)} labels, {len(ids)} of them in the lake)"
        )
    spec = FeatureSpec(
        n_text_features=N_TEXT_FEATURES,
        indicator_ids=tuple(ind.id for ind in cat.indicators),
        category_names=tuple(cat.categories),
    )
    log(f"featurizing {len(ids):,} labelled posts")
    x = featurize(spec, inputs)
    x_fit, x_cal, y_fit, y_cal = train_test_split(
        x, y, test_size=0.25, random_state=seed, stratify=y
    )
    log("fitting logistic regression")
    clf = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    clf.fit(x_fit, y_fit)
    decision = clf.decision_function(x_cal)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(decision, y_cal)
    calibrated = iso.predict(decision)
    auc = float(roc_auc_score(y_cal, calibrated))
    ap = float(average_precision_score(y_cal, calibrated))
    coef = clf.coef_.ravel()
    created = datetime.now(UTC)
    model = RiskModel(
        id="model-" + created.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3),
        spec=spec,
        text_coef=coef[:N_TEXT_FEATURES],
        dense_coef=coef[N_TEXT_FEATURES:],
        intercept=float(clf.intercept_[0]),
        calib_x=np.asarray(iso.X_thresholds_, dtype=np.float64),
        calib_y=np.asarray(iso.y_thresholds_, dtype=np.float64),
        info={
            "created_at": created.isoformat(),
            "labels": len(labels.label),
            "trained_on": len(ids),
            "positives": positives,
            "seed": seed,
            "catalogue_version": cat.version,
            "catalogue_fingerprint": cat.fingerprint,
            "calibration_auc": auc,
            "calibration_average_precision": ap,
        },
    )
    models_dir.mkdir(parents=True, exist_ok=True)
    path = save_model(model, models_dir)
    if activate:
        set_active(models_dir, model.id)
    return TrainReport(model.id, path, len(labels.label), len(ids), positives, auc, ap, activate)
