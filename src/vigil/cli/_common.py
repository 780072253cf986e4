"""Helpers shared by CLI commands: settings, consoles and progress bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from vigil.settings import Settings, get_settings

__all__ = ["err_console", "load_settings", "out_console", "progress_bar"]

out_console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)  # no breaks inside paths


def load_settings(**overrides: Any) -> Settings:
    """Build settings or exit with status 2 and a readable message."""
    try:
        return get_settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "settings"
            err_console.print(f"[red]error:[/] VIGIL_{where.upper()}: {error['msg']}")
        raise typer.Exit(2) from None


@contextmanager
def progress_bar(
    description: str, total: int | None, *, enabled: bool = True, unit: str = "bytes"
) -> Iterator[Progress]:
    """A Rich progress bar on stderr; hidden when stderr is not a terminal."""
    columns: list[Any] = [TextColumn("{task.description}"), BarColumn()]
    if unit == "bytes":
        columns += [DownloadColumn(), TransferSpeedColumn()]
    else:
        columns += [MofNCompleteColumn()]
    columns.append(TimeRemainingColumn())
    progress = Progress(
        *columns,
        console=err_console,
        transient=True,
        disable=not (enabled and err_console.is_terminal),
    )
    with progress:
        progress.add_task(description, total=total)
        yield progress
