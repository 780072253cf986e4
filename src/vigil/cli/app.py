"""The `vigil` Typer application: the root command and the registry of command modules."""

from __future__ import annotations

import typer

from vigil import __version__

app = typer.Typer(
    name="vigil",
    help="Find, link, explain and evidence human-trafficking signals in online posts.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"max_content_width": 100, "terminal_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vigil {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Find, link, explain and evidence human-trafficking signals in online posts."""


def _register() -> None:
    # Imported here so `vigil --help` stays fast and each module owns its command.
    from vigil.cli import (
        backup_cmd,
        evaluate_cmd,
        evidence_cmd,
        extract_cmd,
        geo_cmd,
        import_results_cmd,
        ingest_cmd,
        legal_cmd,
        link_cmd,
        rules_cmd,
        scan_cmd,
        serve_cmd,
        share_cmd,
        status_cmd,
        synth_cmd,
        train_cmd,
        workflow_cmd,
    )

    for module in (
        synth_cmd,
        ingest_cmd,
        extract_cmd,
        scan_cmd,
        link_cmd,
        import_results_cmd,
        train_cmd,
        evaluate_cmd,
        rules_cmd,
        geo_cmd,
        evidence_cmd,
        legal_cmd,
        workflow_cmd,
        share_cmd,
        serve_cmd,
        backup_cmd,
        status_cmd,
    ):
        module.register(app)


_register()


def main() -> None:
    app()
