"""`vigil import-results`: bring a results directory (e.g. from Spark) into the data home."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console

__all__ = ["register"]


def import_results(
    results: Path = typer.Argument(..., help="Results directory (`vigil scan --out`, Spark)."),
    queue: bool = typer.Option(
        True,
        "--queue/--no-queue",
        help="Also queue the flagged posts and risky clusters (needs --as or VIGIL_USER).",
    ),
    user: str | None = typer.Option(
        None, "--as", help="Account that queues the items (default: VIGIL_USER)."
    ),
    min_band: str = typer.Option("review", "--min-band", help="Queue posts from: review or high."),
    min_cluster_risk: float = typer.Option(0.5, "--min-cluster-risk", min=0.0, max=1.0),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable summary."),
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
) -> None:
    """Install RESULTS into the data home (results/, where the console reads) and queue
    its flagged posts and risky clusters in the workbench.

    Every result file is checked (readable Parquet with the columns readers need),
    copied, then renamed into place; results/import.json records the source, the
    engine, rows and SHA-256 of each file. Queueing acts as --as USER (or VIGIL_USER);
    without one the results are installed and not queued. Exit status 0, 2 on bad
    input.
    """
    from vigil.spark.results import ResultsError, install_results

    settings = load_settings(home=home)
    who = user or os.environ.get("VIGIL_USER")
    if queue and min_band not in ("review", "high"):
        err_console.print(f"[red]error:[/] --min-band {min_band!r}: choose review or high")
        raise typer.Exit(2)
    try:
        report = install_results(results, settings.home / "results")
    except ResultsError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    queued = None
    if queue and who:
        from vigil.workflow.actor import actor_for_user
        from vigil.workflow.db import workbench
        from vigil.workflow.errors import WorkflowError
        from vigil.workflow.feed import feed_results

        try:
            with workbench(settings) as session:
                queued = feed_results(
                    session,
                    actor_for_user(session, who),
                    Path(report.target),
                    min_band=min_band,
                    min_cluster_risk=min_cluster_risk,
                ).as_json()
        except WorkflowError as exc:
            err_console.print(f"[red]error:[/] results installed, not queued: {exc}")
            raise typer.Exit(2) from None
    if as_json:
        typer.echo(orjson.dumps({**report.as_json(), "queued": queued}).decode())
        return
    out_console.print(
        f"installed {report.posts:,} posts ({report.flagged:,} flagged), "
        f"{report.clusters:,} clusters from {report.source} into {report.target}"
        + (f" (engine: {report.engine})" if report.engine else "")
    )
    if queued is not None:
        out_console.print(
            f"queued {queued['posts']} posts, {queued['clusters']} clusters, "
            f"{queued['alerts']} alerts ({queued['already_queued']} already queued)"
        )
    elif queue:
        out_console.print("not queued: say who acts with --as USER (or set VIGIL_USER)")


def register(app: typer.Typer) -> None:
    app.command("import-results")(import_results)
