"""Importer for the CTDC (Counter Trafficking Data Collaborative) global victim-level data.

One row per victim. Column names are those of CTDC's global k-anonymised dataset
(research notes, docs/geo.md): ``yearOfRegistration``, ``gender``, ``ageBroad``,
``citizenship``, ``CountryOfExploitation``, the exploitation flags
``isForcedLabour, isSexualExploit, isOtherExploit, isSexAndLabour,
isForcedMarriage, isForcedMilitary, isOrganRemoval, isSlaveryAndPractices`` and
the means-of-control flags ``meansOfControl<Name>`` (k-anonymised) or
``means<Name>`` (the synthetic dataset). Matching is case-insensitive; only
``yearOfRegistration``, ``citizenship`` and ``CountryOfExploitation`` are required.

The file is semicolon- or comma-delimited (detected from the header line); a
leading index column, which may be unnamed or hold CTDC's terms-of-use sentence,
is ignored. Countries may be ISO alpha-2 (k-anonymised) or alpha-3 (synthetic).
Missing values are blank, ``-99``, ``NA``-style markers or ``Unknown``; a flag is
set when it reads ``1``/``true``/``yes``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.geo.errors import GeoInputError
from vigil.geo.routes.countries import Country, continent, resolve_country
from vigil.geo.routes.flow import ALL_FORMS, Flow
from vigil.geo.routes.interval import Count
from vigil.geo.routes.tabular import read_table

__all__ = ["FORM_FLAGS", "CtdcRecord", "ctdc_flows", "read_ctdc"]

FORM_FLAGS = {
    "isSexualExploit": "sexual exploitation",
    "isForcedLabour": "forced labour",
    "isSexAndLabour": "sexual exploitation and forced labour",
    "isForcedMarriage": "forced marriage",
    "isForcedMilitary": "forced military service",
    "isOrganRemoval": "organ removal",
    "isSlaveryAndPractices": "slavery and similar practices",
    "isOtherExploit": "other exploitation",
}
_MISSING = frozenset({"", "-99", "-99.0", "na", "n/a", "nan", "null", "unknown", "00", "-"})
_TRUE = frozenset({"1", "1.0", "true", "yes", "y"})
_FALSE = frozenset({"0", "0.0", "false", "no", "n"}) | _MISSING
_MEANS_SKIP = frozenset({"concatenated", "notspecified"})


@dataclass(frozen=True, slots=True)
class CtdcRecord:
    line: int
    year: int | None
    gender: str
    age: str
    citizenship: Country | None
    exploitation: Country | None
    forms: tuple[str, ...]
    means: tuple[str, ...]


def _text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _flag(path: Path, line: int, where: str, cell: Any) -> bool:
    low = _text(cell).lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise GeoInputError(path, f"flag must be 0 or 1, got {_text(cell)!r}", line=line, column=where)


def _country(path: Path, line: int, where: str, cell: Any) -> Country | None:
    text = _text(cell)
    if text.lower() in _MISSING:
        return None
    if not (len(text) in (2, 3) and text.isalpha()):
        raise GeoInputError(
            path,
            f"country must be an ISO 3166 alpha-2 or alpha-3 code, got {text!r}",
            line=line,
            column=where,
        )
    found = resolve_country(text.upper())
    if found is None:
        raise GeoInputError(path, f"unknown country code {text!r}", line=line, column=where)
    return found


def _means_name(column: str) -> str | None:
    low = column.lower()
    for prefix in ("meansofcontrol", "means"):
        if low.startswith(prefix) and len(low) > len(prefix):
            rest = column[len(prefix) :]
            return None if rest.lower() in _MEANS_SKIP else rest
    return None


def read_ctdc(path: Path) -> list[CtdcRecord]:
    """Every victim record of a CTDC file; GeoInputError names file, line and column."""
    table = read_table(path, ("citizenship", "CountryOfExploitation"))
    idx = {
        name: table.index(name)
        for name in (
            "yearOfRegistration",
            "gender",
            "ageBroad",
            "citizenship",
            "CountryOfExploitation",
        )
    }
    if idx["yearOfRegistration"] is None:
        raise GeoInputError(path, "missing column yearOfRegistration", line=table.header_line)
    forms = [(i, FORM_FLAGS[name]) for name in FORM_FLAGS if (i := table.index(name)) is not None]
    means = [(i, m) for i, h in enumerate(table.header) if (m := _means_name(h.strip()))]
    out: list[CtdcRecord] = []
    for line, cells in table:
        if not any(_text(c) for c in cells):
            continue

        def cell(i: int | None, cells: list[Any] = cells) -> Any:
            return cells[i] if i is not None and i < len(cells) else None

        yi = idx["yearOfRegistration"]
        ytext = _text(cell(yi))
        year: int | None = None
        if ytext.lower() not in _MISSING:
            core = ytext[:-2] if ytext.endswith(".0") else ytext
            if not (len(core) == 4 and core.isdigit()):
                raise GeoInputError(
                    path,
                    f"year must be four digits, got {ytext!r}",
                    line=line,
                    column=table.where(yi or 0),
                )
            year = int(core)
        ci, ei = idx["citizenship"], idx["CountryOfExploitation"]
        out.append(
            CtdcRecord(
                line=line,
                year=year,
                gender=_text(cell(idx["gender"])),
                age=_text(cell(idx["ageBroad"])),
                citizenship=_country(path, line, table.where(ci or 0), cell(ci)),
                exploitation=_country(path, line, table.where(ei or 0), cell(ei)),
                forms=tuple(f for i, f in forms if _flag(path, line, table.where(i), cell(i))),
                means=tuple(m for i, m in means if _flag(path, line, table.where(i), cell(i))),
            )
        )
    return out


def ctdc_flows(records: list[CtdcRecord]) -> tuple[list[Flow], dict[str, int]]:
    """One flow per record with both countries, under ``all forms`` and under each form.

    A victim with two forms counts once under each (form totals can exceed the
    victim total). Returns the flows and counts of records left out, by reason.
    """
    flows: list[Flow] = []
    skipped: Counter[str] = Counter()
    one = Count.exact(1)
    for r in records:
        if r.citizenship is None or r.exploitation is None:
            skipped[
                "no citizenship" if r.citizenship is None else "no country of exploitation"
            ] += 1
            continue
        o, d = r.citizenship, r.exploitation
        region = continent(d.iso2)
        for form in (ALL_FORMS, *r.forms):
            flows.append(
                Flow(
                    o.iso3,
                    o.name,
                    d.iso3,
                    d.name,
                    r.year,
                    region,
                    form,
                    one,
                    "ctdc",
                    "victim records",
                )
            )
    return flows, dict(skipped.most_common())
