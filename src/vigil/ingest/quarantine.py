"""The quarantine file: every row that could not be stored, with where and why."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

import orjson

__all__ = ["QuarantineWriter"]


class QuarantineWriter:
    """Appends JSON lines ``{source_file, line, reason, raw}``; created on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._fh: BinaryIO | None = None

    def write(self, source_file: str, line: int, reason: str, raw: Any) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("ab")
        record = {"source_file": source_file, "line": line, "reason": reason, "raw": raw}
        self._fh.write(orjson.dumps(record, default=str) + b"\n")
        self.count += 1

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    @property
    def used(self) -> bool:
        return self.count > 0

    def __enter__(self) -> QuarantineWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
