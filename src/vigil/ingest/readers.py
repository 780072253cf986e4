"""Streaming readers for JSONL, CSV and Parquet input.

Each reader yields :class:`RawRecord` items one at a time (bounded memory whatever
the file size) and reports bytes consumed so callers can draw progress. A record
that cannot even be parsed (bad JSON, a CSV row with the wrong number of cells) is
yielded with ``error`` set, so it is quarantined rather than lost.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

__all__ = ["FORMATS", "RawRecord", "UnknownFormat", "detect_format", "read_records"]

FORMATS = ("jsonl", "csv", "parquet")
_EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}

Progress = Callable[[int], None]


class UnknownFormat(ValueError):
    """The input format could not be told from the file name."""


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input row: its 1-based line (JSONL/CSV) or row number (Parquet)."""

    line: int
    row: Any
    raw: str | None = None  # the raw text, kept for quarantine when parsing failed
    error: str | None = None
    data: bytes | None = None  # a JSONL line not parsed yet (``parse=False``): see parse_jsonl


def detect_format(path: Path, forced: str | None = None) -> str:
    if forced:
        if forced not in FORMATS:
            raise UnknownFormat(f"unknown format {forced!r}; choose one of {', '.join(FORMATS)}")
        return forced
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        raise UnknownFormat(f"{path}: compressed input is not supported; decompress it first")
    fmt = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    if fmt is None:
        raise UnknownFormat(
            f"{path}: cannot tell the format from the extension; use --format "
            f"({', '.join(FORMATS)})"
        )
    return fmt


def read_records(
    path: Path, fmt: str, *, on_bytes: Progress | None = None, parse: bool = True
) -> Iterator[RawRecord]:
    """Yield the records of ``path`` in ``fmt`` ("jsonl", "csv" or "parquet").

    With ``parse=False`` JSONL lines come back unparsed in ``data`` so that worker
    processes can parse them with :func:`parse_jsonl`.
    """
    if fmt == "jsonl":
        yield from _read_jsonl(path, on_bytes, parse)
    elif fmt == "csv":
        yield from _read_csv(path, on_bytes)
    elif fmt == "parquet":
        yield from _read_parquet(path, on_bytes)
    else:  # pragma: no cover - detect_format guards this
        raise UnknownFormat(fmt)


_REPORT_EVERY = 1 << 20  # progress is reported per MiB, not per line: a bar update costs ~50 µs


def _read_jsonl(path: Path, on_bytes: Progress | None, parse: bool) -> Iterator[RawRecord]:
    unreported = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if on_bytes:
                unreported += len(line)
                if unreported >= _REPORT_EVERY:
                    on_bytes(unreported)
                    unreported = 0
            stripped = line.strip()
            if not stripped:
                continue
            yield parse_jsonl(number, stripped) if parse else RawRecord(number, None, data=stripped)
    if on_bytes and unreported:
        on_bytes(unreported)


def parse_jsonl(number: int, line: bytes) -> RawRecord:
    """Parse one non-blank JSONL line; bad JSON gives a record with ``error`` set."""
    try:
        return RawRecord(number, orjson.loads(line))
    except orjson.JSONDecodeError as exc:
        return RawRecord(number, None, raw=_decode(line), error=f"invalid JSON: {exc.args[0]}")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


class _CountingReader(io.RawIOBase):
    """A binary reader that reports how many bytes were read."""

    def __init__(self, inner: BinaryIO, on_bytes: Progress | None) -> None:
        self._inner = inner
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        if self._on_bytes and n:
            self._on_bytes(n)
        return n


def _read_csv(path: Path, on_bytes: Progress | None) -> Iterator[RawRecord]:
    with path.open("rb") as raw_fh:
        text = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(raw_fh, on_bytes)),
            encoding="utf-8-sig",
            errors="replace",
            newline="",
        )
        # csv's default field limit (128 KiB) is below a post's (1,000,000 characters)
        csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
        reader = csv.reader(text)
        line = 0
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _csv_error(line, exc)
            return
        header = [h.strip() for h in header]
        width = len(header)
        line = reader.line_num
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a field over the limit: the rest cannot be framed
                yield _csv_error(line, exc)
                return
            start, line = line + 1, reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            if len(cells) != width:
                yield RawRecord(
                    start,
                    None,
                    raw=_csv_line(cells),
                    error=f"CSV row has {len(cells)} cells, the header has {width}",
                )
                continue
            yield RawRecord(start, dict(zip(header, cells, strict=True)))


_CSV_FIELD_LIMIT = 4 * 1024 * 1024


def _csv_error(line: int, exc: csv.Error) -> RawRecord:
    """One quarantined record for the rest of a CSV file that cannot be read."""
    return RawRecord(line + 1, None, error=f"unreadable CSV from line {line + 1} on: {exc}")


def _csv_line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue().rstrip("\r\n")


def _read_parquet(path: Path, on_bytes: Progress | None) -> Iterator[RawRecord]:
    """Rows of a Parquet file; a file (or the rest of one) that pyarrow cannot read gives
    one record with ``error`` set, numbered as the first row not read, instead of raising."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    number = 0
    size = path.stat().st_size  # a missing file raises FileNotFoundError, as for JSONL/CSV
    try:
        pf = pq.ParquetFile(path)
        total_rows = max(pf.metadata.num_rows, 1)
        for batch in pf.iter_batches(batch_size=10_000):
            for row in batch.to_pylist():
                number += 1
                yield RawRecord(number, row)
            if on_bytes:
                on_bytes(size * batch.num_rows // total_rows)
    except (pa.ArrowException, OSError, ValueError) as exc:  # UnicodeDecodeError: bad names
        what = "not a readable Parquet file" if number == 0 else "unreadable Parquet data"
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        yield RawRecord(number + 1, None, error=f"{what}: {message}")
