"""`vigil backup create|verify` and `vigil restore`: the whole data home in one checked file."""

from __future__ import annotations

from pathlib import Path

import orjson
import typer

from vigil.cli._common import err_console, load_settings, out_console

__all__ = ["register"]

backup_app = typer.Typer(
    help="Back up the data home (workbench, lake, vault, log, keys) and verify backups.",
    no_args_is_help=True,
)

_HOME = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME).")
_JSON = typer.Option(False, "--json", help="Print a machine-readable report.")


def _print(report: object, as_json: bool, verb: str) -> None:
    from vigil.backup import BackupReport

    assert isinstance(report, BackupReport)
    if as_json:
        typer.echo(orjson.dumps(report.as_json()).decode())
        return
    out_console.print(
        f"{verb} {report.path}: {report.files:,} files, {report.bytes:,} bytes, "
        f"workbench {report.workbench or '?'}"
    )
    for problem in report.problems:
        err_console.print(f"[red]problem:[/] {problem}")
    for note in report.notes:
        out_console.print(f"note: {note}")


@backup_app.command("create")
def create(
    out: Path = typer.Argument(..., help="Backup file to write (a .tar)."),
    home: Path | None = _HOME,
    as_json: bool = _JSON,
) -> None:
    """Write a backup of the data home and its workbench database, with SHA-256 digests.

    Keys are included (a restored home must decrypt what the original could): keep
    backups as safe as the home itself.
    """
    from vigil.backup import BackupError, create_backup
    from vigil.lake import LakeBusyError

    settings = load_settings(home=home)
    try:
        report = create_backup(settings, out)
    except (BackupError, LakeBusyError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    _print(report, as_json, "wrote")


@backup_app.command("verify")
def verify(
    path: Path = typer.Argument(..., help="Backup file to check."),
    check_blobs: bool = typer.Option(
        False,
        "--check-blobs",
        help="Also re-hash the evidence blobs kept outside the archive (S3 blob store), "
        "with the current settings.",
    ),
    home: Path | None = _HOME,
    as_json: bool = _JSON,
) -> None:
    """Re-hash every file of a backup against its manifest. Exit 1 when anything differs."""
    from vigil.backup import BackupError, verify_backup
    from vigil.evidence.blobs import BlobError

    try:
        blobs = None
        if check_blobs:
            from vigil.evidence.vault import open_blob_store

            blobs = open_blob_store(load_settings(home=home))
        report = verify_backup(path, blobs=blobs)
    except (BackupError, BlobError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    _print(report, as_json, "verified" if report.ok else "FAILED")
    if not report.ok:
        raise typer.Exit(1)


def restore(
    path: Path = typer.Argument(..., help="Backup file to restore."),
    home: Path | None = _HOME,
    as_json: bool = _JSON,
) -> None:
    """Restore a backup into an empty data home (and its empty workbench database).

    The backup is verified first; nothing is written when it does not verify.
    """
    from vigil.backup import BackupError, restore_backup

    settings = load_settings(home=home)
    try:
        report = restore_backup(path, settings)
    except BackupError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    _print(report, as_json, "restored")


def register(app: typer.Typer) -> None:
    app.add_typer(backup_app, name="backup")
    app.command("restore")(restore)
