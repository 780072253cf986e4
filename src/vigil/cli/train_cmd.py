"""`vigil train`: fit the calibrated risk model on labelled posts."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console

__all__ = ["register"]


def train(
    labels: Path = typer.Argument(
        ..., help="JSONL with post_id and label (or class), e.g. a synth truth.jsonl."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the fit/calibration split."),
    activate: bool = typer.Option(
        True, "--activate/--no-activate", help="Make the new model the one scoring uses."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable report."),
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
) -> None:
    """Train the risk model on labelled posts already in the lake (run `vigil scan` first).

    Fits a logistic regression on hashed words, indicator hits and identifier features,
    calibrated with isotonic regression on a held-out quarter so that risk reads as a
    probability. The model is saved as JSON + one NumPy array under the data home
    (models/); with --activate (the default) the next `vigil scan` rescores with it.
    """
    from vigil.indicators.ml.labels import read_labels
    from vigil.indicators.ml.train import TrainError
    from vigil.indicators.ml.train import train as run_train

    settings = load_settings(home=home)
    if not labels.is_file():
        err_console.print(f"[red]error:[/] {labels}: no such file")
        raise typer.Exit(2)
    read = read_labels(labels)
    for line, reason in read.rejected[:5]:
        err_console.print(f"[yellow]skipped[/] {labels}:{line}: {reason}")
    if len(read.rejected) > 5:
        err_console.print(f"[yellow]skipped[/] {len(read.rejected) - 5} more lines")
    try:
        report = run_train(
            settings.lake_dir,
            settings.models_dir,
            read,
            seed=seed,
            activate=activate,
            log=lambda m: err_console.print(f"[dim]{m}[/]"),
        )
    except TrainError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(orjson.dumps(report.as_json()).decode())
        return
    out_console.print(
        f"trained {report.model_id} on {report.matched:,} posts ({report.positives:,} of concern); "
        f"held-out calibration split: ROC AUC {report.calibration_auc:.3f}, "
        f"average precision {report.calibration_average_precision:.3f}"
    )
    out_console.print(f"saved to {report.path}" + (" (active)" if report.active else ""))


def register(app: typer.Typer) -> None:
    app.command("train")(train)
