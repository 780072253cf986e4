"""How well risk scores separate posts of concern from the rest.

Positives are posts whose true class is of concern (trafficking, deceptive
recruitment, grooming, demand). A post is *flagged* when its band is review or high.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

from vigil.lake.files import sql_literal
from vigil.model import PostClass

__all__ = ["GOALS", "calibration_table", "scoring_metrics"]

#: The issue's goals: recall on trafficking ads, false-positive rate on benign classes.
GOALS = {"recall:trafficking": 0.9, "fpr:independent_adult": 0.02, "fpr:benign_job": 0.02}


def calibration_table(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, Any]]:
    """Mean predicted risk vs observed share of concern, per equal-width risk bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1], right=False), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        rows.append(
            {
                "bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}",
                "posts": n,
                "mean_risk": round(float(p[mask].mean()), 4) if n else None,
                "observed": round(float(y[mask].mean()), 4) if n else None,
            }
        )
    return rows


def scoring_metrics(truth: dict[str, str], results_dir: Path) -> dict[str, Any]:
    path = sql_literal(str(results_dir / "posts.parquet"))
    con = duckdb.connect()
    try:
        rows = con.execute(f"SELECT post_id, risk, band FROM read_parquet({path})").fetchall()
    finally:
        con.close()
    ids = [r[0] for r in rows if r[0] in truth]
    if not ids:
        raise ValueError("no post of the results appears in the truth file")
    risk = np.array([r[1] for r in rows if r[0] in truth], dtype=np.float64)
    flagged = np.array([r[2] in ("review", "high") for r in rows if r[0] in truth])
    classes = [truth[i] for i in ids]
    y = np.array([PostClass(c).is_concern for c in classes])
    tp = int((flagged & y).sum())
    fp = int((flagged & ~y).sum())
    fn = int((~flagged & y).sum())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_class: dict[str, dict[str, Any]] = {}
    for cls in sorted(set(classes)):
        mask = np.array([c == cls for c in classes])
        rate = float(flagged[mask].mean())
        concern = PostClass(cls).is_concern
        per_class[cls] = {
            "posts": int(mask.sum()),
            "flagged": int(flagged[mask].sum()),
            ("recall" if concern else "false_positive_rate"): round(rate, 4),
        }
    both = y.any() and (~y).any()
    curve_p, curve_r, _ = precision_recall_curve(y, risk) if both else ([], [], [])
    goals = {}
    for key, target in GOALS.items():
        kind, cls = key.split(":")
        if cls not in per_class:
            continue
        value = per_class[cls]["recall" if kind == "recall" else "false_positive_rate"]
        goals[key] = {"target": target, "value": value,
                      "met": value >= target if kind == "recall" else value <= target}  # fmt: skip
    return {
        "posts": len(ids),
        "positives": int(y.sum()),
        "flagged": int(flagged.sum()),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "roc_auc": round(float(roc_auc_score(y, risk)), 4) if both else None,
        "average_precision": round(float(average_precision_score(y, risk)), 4) if both else None,
        "precision_at_review_threshold": round(precision, 4),
        "per_class": per_class,
        "goals": goals,
        "calibration": calibration_table(y.astype(float), risk),
        "pr_curve": {"precision": list(map(float, curve_p)), "recall": list(map(float, curve_r))},
    }
