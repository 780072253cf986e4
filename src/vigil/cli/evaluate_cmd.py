"""`vigil evaluate`: measure scan results against ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from vigil.cli._common import err_console, out_console

__all__ = ["register"]


def _scoring_tables(m: dict[str, Any]) -> list[Table]:
    head = Table(title="risk scoring (flagged = band review or high)", show_edge=False)
    for col in ("posts", "of concern", "precision", "recall", "F1", "ROC AUC", "avg precision"):
        head.add_column(col, justify="right")
    head.add_row(
        f"{m['posts']:,}", f"{m['positives']:,}", f"{m['precision']:.3f}", f"{m['recall']:.3f}",
        f"{m['f1']:.3f}", str(m["roc_auc"]), str(m["average_precision"]),
    )  # fmt: skip
    per = Table(title="per class", show_edge=False)
    for col in ("class", "posts", "flagged", "recall / false-positive rate"):
        per.add_column(col, justify="left" if col == "class" else "right")
    for cls, row in m["per_class"].items():
        rate = row.get("recall", row.get("false_positive_rate"))
        label = "recall" if "recall" in row else "FPR"
        per.add_row(cls, f"{row['posts']:,}", f"{row['flagged']:,}", f"{label} {rate:.3f}")
    goals = Table(title="goals", show_edge=False)
    for col in ("goal", "target", "measured", "met"):
        goals.add_column(col)
    for key, g in m["goals"].items():
        op = ">=" if key.startswith("recall") else "<="
        goals.add_row(key, f"{op} {g['target']}", f"{g['value']:.4f}", "yes" if g["met"] else "NO")
    cal = Table(title="calibration", show_edge=False)
    for col in ("risk bin", "posts", "mean risk", "observed share of concern"):
        cal.add_column(col, justify="right")
    for row in m["calibration"]:
        if row["posts"]:
            cal.add_row(
                row["bin"], f"{row['posts']:,}", f"{row['mean_risk']:.3f}", f"{row['observed']:.3f}"
            )
    return [head, per, goals, cal]


def _linking_table(m: dict[str, Any]) -> Table:
    table = Table(title="linking (pairs of posts; networks = pairs touching a planted network)",
                  show_edge=False)  # fmt: skip
    for col in ("pairs", "precision", "recall", "F1", "ARI"):
        table.add_column(col, justify="right" if col != "pairs" else "left")
    for name in ("networks", "entities", "all_posts"):
        row = m[name]
        table.add_row(name, f"{row['precision']:.4f}", f"{row['recall']:.4f}", f"{row['f1']:.4f}",
                      f"{row['ari']:.4f}")  # fmt: skip
    table.caption = (
        f"false-link rate of independent ads: {m['false_link_rate']:.4%} "
        f"({m['independent_posts']:,} independent posts)"
    )
    return table


def evaluate(
    truth: Path = typer.Option(
        ..., "--truth", help="Ground truth JSONL (vigil synth's truth.jsonl)."
    ),
    results: Path = typer.Option(..., "--results", help="A `vigil scan --out` directory."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole report as JSON."),
    plot: bool = typer.Option(True, "--plot/--no-plot", help="Draw RESULTS/evaluation.png."),
) -> None:
    """Precision, recall, F1, ROC AUC, calibration and per-class rates of a scan.

    When the results hold clusters, also pairwise precision, recall, F1 and adjusted
    Rand index against the planted networks, and the false-link rate of independent ads.

    Positives are posts whose true class is of concern (trafficking, deceptive
    recruitment, grooming, demand); a post is flagged when its band is review or high.
    Writes RESULTS/evaluation.json and, with --plot, RESULTS/evaluation.png (the
    precision-recall curve and the calibration plot).
    """
    from vigil.evaluate.report import evaluate_results

    for path in (truth, results / "posts.parquet"):
        if not path.exists():
            err_console.print(f"[red]error:[/] {path}: no such file")
            raise typer.Exit(2)
    try:
        report = evaluate_results(truth, results, plot=plot)
    except ValueError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        slim = {k: v for k, v in report.items() if k != "scoring"}
        slim["scoring"] = {k: v for k, v in report["scoring"].items() if k != "pr_curve"}
        typer.echo(orjson.dumps(slim).decode())
        return
    for table in _scoring_tables(report["scoring"]):
        out_console.print(table)
    if "linking" in report:
        out_console.print(_linking_table(report["linking"]))
    out_console.print(f"report: {results / 'evaluation.json'}")
    if plot:
        out_console.print(f"picture: {results / 'evaluation.png'}")


def register(app: typer.Typer) -> None:
    app.command("evaluate")(evaluate)
