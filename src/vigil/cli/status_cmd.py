"""`vigil status`: what the data home holds."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer
from rich.table import Table

from vigil.cli._common import load_settings, out_console

__all__ = ["register"]


def status(
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable figures."),
) -> None:
    """Show the data home: posts in the corpus lake and the latest ingest runs."""
    from sqlalchemy import select

    from vigil.lake import Lake
    from vigil.lake.stats import lake_stats
    from vigil.store import IngestRun, make_engine, session_factory, upgrade

    settings = load_settings(home=home)
    with Lake(settings.lake_dir) as lake:
        stats = lake_stats(lake)
    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine)() as session:
        runs = session.scalars(
            select(IngestRun).order_by(IngestRun.started_at.desc()).limit(5)
        ).all()
    engine.dispose()
    if as_json:
        payload = {
            "home": str(settings.home),
            "posts": stats.posts,
            "parts": stats.parts,
            "first_posted": stats.first_posted.isoformat() if stats.first_posted else None,
            "last_posted": stats.last_posted.isoformat() if stats.last_posted else None,
            "platforms": dict(stats.platforms),
            "languages": dict(stats.languages),
            "runs": [
                {
                    "id": r.id,
                    "status": r.status,
                    "read": r.read,
                    "stored": r.stored,
                    "duplicates": r.duplicates,
                    "quarantined": r.quarantined,
                }
                for r in runs
            ],
        }
        typer.echo(orjson.dumps(payload).decode())
        return
    out_console.print(f"[bold]data home[/] {settings.home}")
    span = ""
    if stats.first_posted and stats.last_posted:
        span = f", posted {stats.first_posted:%Y-%m-%d} to {stats.last_posted:%Y-%m-%d}"
    out_console.print(f"[bold]corpus lake[/] {stats.posts:,} posts in {stats.parts} parts{span}")
    table = Table(title="top values", show_edge=False)
    table.add_column("platform")
    table.add_column("language")
    table.add_column("location")
    for i in range(max(len(stats.platforms), len(stats.languages), len(stats.locations))):
        cells = [
            f"{col[i][0]} ({col[i][1]:,})" if i < len(col) else ""
            for col in (stats.platforms, stats.languages, stats.locations)
        ]
        table.add_row(*cells)
    if stats.posts:
        out_console.print(table)
    if runs:
        rt = Table(title="latest ingest runs", show_edge=False)
        for col in ("run", "status", "read", "stored", "duplicates", "quarantined"):
            rt.add_column(col, justify="right" if col not in ("run", "status") else "left")
        for r in runs:
            rt.add_row(
                r.id,
                r.status,
                f"{r.read:,}",
                f"{r.stored:,}",
                f"{r.duplicates:,}",
                f"{r.quarantined:,}",
            )
        out_console.print(rt)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
