"""Assemble an evaluation of a results directory and write it beside the results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from vigil.evaluate.plots import plot_scoring
from vigil.evaluate.scoring import scoring_metrics
from vigil.evaluate.truth import truth_classes

__all__ = ["evaluate_results"]


def evaluate_results(truth: Path, results: Path, *, plot: bool = True) -> dict[str, Any]:
    report: dict[str, Any] = {"truth": str(truth), "results": str(results)}
    report["scoring"] = scoring_metrics(truth_classes(truth), results)
    if (results / "post_clusters.parquet").exists():
        from vigil.linking.evaluate import cluster_metrics

        report["linking"] = cluster_metrics(truth, results)
    (results / "evaluation.json").write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    if plot:
        plot_scoring(report["scoring"], results / "evaluation.png")
    return report
