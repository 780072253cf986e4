"""A calibrated linear risk model, stored as JSON + one NumPy array (never a pickle).

Layout of a model directory ``$VIGIL_HOME/models/<id>/``::

    model.json      id, feature spec, dense weights, intercept, calibration table, metrics
    text_coef.npy   weights of the hashed text features (loaded with allow_pickle=False)

``$VIGIL_HOME/models/ACTIVE`` names the model scoring uses; with none, scoring uses
the catalogue weights alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import scipy.sparse as sp

from vigil.indicators.ml.features import FeatureSpec, dense_names

__all__ = ["RiskModel", "active_model", "load_model", "save_model", "set_active"]

_ACTIVE = "ACTIVE"


@dataclass(frozen=True)
class RiskModel:
    """Logistic regression over :func:`featurize` features + isotonic calibration."""

    id: str
    spec: FeatureSpec
    text_coef: np.ndarray
    dense_coef: np.ndarray
    intercept: float
    calib_x: np.ndarray  # decision values, increasing
    calib_y: np.ndarray  # calibrated probabilities at calib_x
    info: dict[str, Any] = field(default_factory=dict)

    def decision(self, features: sp.csr_matrix) -> np.ndarray:
        coef = np.concatenate([self.text_coef, self.dense_coef])
        return np.asarray(features @ coef).ravel() + self.intercept

    def predict(self, features: sp.csr_matrix) -> np.ndarray:
        """Calibrated probability that each post is of concern."""
        calibrated: np.ndarray = np.interp(self.decision(features), self.calib_x, self.calib_y)
        return calibrated


def save_model(model: RiskModel, models_dir: Path) -> Path:
    target = models_dir / model.id
    tmp = models_dir / f".tmp-{model.id}"
    tmp.mkdir(parents=True, exist_ok=False)
    names = dense_names(model.spec)
    doc = {
        "id": model.id,
        "kind": "logistic-regression+isotonic",
        "spec": {
            "n_text_features": model.spec.n_text_features,
            "indicator_ids": list(model.spec.indicator_ids),
            "category_names": list(model.spec.category_names),
        },
        "dense_weights": dict(zip(names, model.dense_coef.tolist(), strict=True)),
        "intercept": model.intercept,
        "calibration": {"x": model.calib_x.tolist(), "y": model.calib_y.tolist()},
        "info": model.info,
    }
    (tmp / "model.json").write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
    np.save(tmp / "text_coef.npy", model.text_coef.astype(np.float64), allow_pickle=False)
    tmp.rename(target)
    return target


def load_model(path: Path) -> RiskModel:
    doc = orjson.loads((path / "model.json").read_bytes())
    s = doc["spec"]
    spec = FeatureSpec(
        n_text_features=int(s["n_text_features"]),
        indicator_ids=tuple(s["indicator_ids"]),
        category_names=tuple(s["category_names"]),
    )
    names = dense_names(spec)
    weights = doc["dense_weights"]
    missing = [n for n in names if n not in weights]
    if missing:
        raise ValueError(f"{path}: model.json lacks weights for {missing[:5]}")
    text_coef = np.load(path / "text_coef.npy", allow_pickle=False)
    if text_coef.shape != (spec.n_text_features,):
        raise ValueError(f"{path}: text_coef.npy has shape {text_coef.shape}")
    return RiskModel(
        id=doc["id"],
        spec=spec,
        text_coef=text_coef,
        dense_coef=np.array([weights[n] for n in names], dtype=np.float64),
        intercept=float(doc["intercept"]),
        calib_x=np.array(doc["calibration"]["x"], dtype=np.float64),
        calib_y=np.array(doc["calibration"]["y"], dtype=np.float64),
        info=doc.get("info", {}),
    )


def set_active(models_dir: Path, model_id: str | None) -> None:
    pointer = models_dir / _ACTIVE
    if model_id is None:
        pointer.unlink(missing_ok=True)
        return
    if not (models_dir / model_id / "model.json").is_file():
        raise FileNotFoundError(f"no model {model_id!r} in {models_dir}")
    tmp = models_dir / f".{_ACTIVE}.tmp"
    tmp.write_text(model_id + "\n")
    tmp.replace(pointer)


def active_model(models_dir: Path) -> RiskModel | None:
    pointer = models_dir / _ACTIVE
    if not pointer.is_file():
        return None
    return load_model(models_dir / pointer.read_text().strip())
