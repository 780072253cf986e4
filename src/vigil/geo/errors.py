"""Errors raised on bad geo input, with the place in the file where it was found."""

from __future__ import annotations

from pathlib import Path

__all__ = ["GeoInputError"]


class GeoInputError(ValueError):
    """Malformed input: ``path:line:column: message`` (line and column 1-based)."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        column: int | str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path
        if line is not None:
            where += f":{line}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")
