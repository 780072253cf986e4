"""`vigil ingest`: load posts from JSONL, CSV or Parquet files into the corpus lake."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console, progress_bar
from vigil.ingest.readers import FORMATS, UnknownFormat

__all__ = ["register"]


def ingest(
    paths: list[Path] = typer.Argument(
        ..., help="Input files (.jsonl, .csv, .parquet).", show_default=False
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        help=f"Force the input format ({', '.join(FORMATS)}) instead of the extension.",
    ),
    platform: str | None = typer.Option(
        None, "--platform", help="Platform name for rows that have no platform field."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable summary."),
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
) -> None:
    """Load posts into the corpus lake, quarantining invalid rows.

    Every valid row is stored once (re-running adds no duplicates); every invalid row
    is written to a quarantine file with its file, line and reason. Exit status: 0 when
    every row was accepted, 3 when some rows were quarantined, 2 on usage errors.
    """
    from vigil.ingest.service import ingest_files
    from vigil.lake import LakeBusyError

    settings = load_settings(home=home)
    total = sum(p.stat().st_size for p in paths if p.is_file())
    try:
        with progress_bar("ingest", total, enabled=settings.progress) as bar:
            task = bar.task_ids[0]
            summary = ingest_files(
                paths,
                settings,
                fmt=fmt,
                default_platform=platform,
                on_bytes=lambda n: bar.advance(task, n),
            )
    except (UnknownFormat, FileNotFoundError, LakeBusyError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(orjson.dumps(summary.as_json()).decode())
    else:
        out_console.print(
            f"read {summary.read:,}  stored {summary.stored:,}  "
            f"duplicates {summary.duplicates:,}  quarantined {summary.quarantined:,}"
        )
        if summary.quarantine_file:
            out_console.print(f"quarantined rows (with line and reason): {summary.quarantine_file}")
    raise typer.Exit(summary.exit_code)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
