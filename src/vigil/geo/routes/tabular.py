"""Rows of a CSV or XLSX file with the header found by name, for the case-data importers.

Both readers yield ``(line, {column: cell})`` where ``line`` is the 1-based line
(CSV, physical line) or row (XLSX) number, so errors can name where they are.
Preamble lines before the header (the GLOTIP CSV export has two) are skipped: the
header is the first row that holds all of ``must_have`` (case-insensitive).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from vigil.geo.errors import GeoInputError

__all__ = ["Table", "column_letter", "read_table"]

_SCAN_ROWS = 50


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet column names)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


class Table:
    """A header (as written) and an iterator over the data rows."""

    def __init__(self, path: Path, header: list[str], header_line: int, rows: Iterator[Any]):
        self.path = path
        self.header = header
        self.header_line = header_line
        self._rows = rows
        self.is_xlsx = path.suffix.lower() in (".xlsx", ".xlsm")

    def where(self, index: int) -> str:
        """How an error names column ``index``: ``"Year"`` or ``"J (Year)"``."""
        name = self.header[index] if index < len(self.header) else ""
        return f"{column_letter(index)} ({name})" if self.is_xlsx else f"{index + 1} ({name})"

    def index(self, name: str) -> int | None:
        low = name.strip().lower()
        for i, h in enumerate(self.header):
            if h.strip().lower() == low:
                return i
        return None

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        return self._rows


def _is_header(cells: list[Any], must_have: tuple[str, ...]) -> bool:
    names = {str(c).strip().lower() for c in cells if c is not None}
    return all(m.lower() in names for m in must_have)


def _csv_table(path: Path, must_have: tuple[str, ...], delimiter: str | None) -> Table:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        sample = handle.read(65536)
    except UnicodeDecodeError as exc:
        raise GeoInputError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise GeoInputError(path, f"cannot read ({exc.strerror})") from None
    if "\x00" in sample:
        handle.close()
        raise GeoInputError(path, "binary data, not a CSV file")
    handle.seek(0)
    if delimiter is None:
        first = next((ln for ln in sample.splitlines() if ln.strip()), "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        # the header decides when preamble lines exist
        for ln in sample.splitlines()[:_SCAN_ROWS]:
            if _is_header(ln.replace(";", ",").split(","), must_have):
                delimiter = ";" if ln.count(";") > ln.count(",") else ","
                break
    reader = csv.reader(handle, delimiter=delimiter)

    def lines() -> Iterator[tuple[int, list[Any]]]:
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise GeoInputError(path, f"malformed CSV: {exc}", line=reader.line_num) from None
        except UnicodeDecodeError as exc:
            raise GeoInputError(
                path, f"not UTF-8 text ({exc.reason})", line=reader.line_num + 1
            ) from None
        finally:
            handle.close()

    rows = lines()
    for line, cells in rows:
        if _is_header(cells, must_have):
            return Table(path, [str(c) for c in cells], line, rows)
        if line > _SCAN_ROWS:
            break
    handle.close()
    raise GeoInputError(
        path, f"no header row with columns {', '.join(must_have)} in the first {_SCAN_ROWS} lines"
    )


def _xlsx_table(path: Path, must_have: tuple[str, ...]) -> Table:
    import importlib
    import zipfile

    # openpyxl ships no type stubs; imported as a module object (Any) on purpose.
    openpyxl: Any = importlib.import_module("openpyxl")

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise GeoInputError(path, f"not a readable XLSX workbook ({exc})") from None
    for sheet in book.worksheets:
        it = sheet.iter_rows(values_only=True)
        for number, cells in enumerate(it, start=1):
            if _is_header(list(cells), must_have):
                header = ["" if c is None else str(c) for c in cells]

                def rows(
                    it: Iterator[tuple[Any, ...]] = it, start: int = number
                ) -> Iterator[tuple[int, list[Any]]]:
                    try:
                        for n, r in enumerate(it, start=start + 1):
                            yield n, list(r)
                    finally:
                        book.close()

                return Table(path, header, number, rows())
            if number > _SCAN_ROWS:
                break
    book.close()
    raise GeoInputError(
        path, f"no sheet with a header row holding {', '.join(must_have)} (first {_SCAN_ROWS} rows)"
    )


def read_table(path: Path, must_have: tuple[str, ...], *, delimiter: str | None = None) -> Table:
    """Open ``path`` (``.xlsx`` or delimited text) and find its header row."""
    if not path.exists():
        raise GeoInputError(path, "no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_table(path, must_have)
    return _csv_table(path, must_have, delimiter)
