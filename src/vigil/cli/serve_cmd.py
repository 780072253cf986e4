"""`vigil` commands of issue 7 (being built; this module registers them)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
