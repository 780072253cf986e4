"""Importer for the UNODC GLOTIP data-portal export (Global Report on Trafficking in Persons).

Columns (``.xlsx`` or ``.csv``, header found below any preamble lines): ``Iso3_code,
Country, Region, Subregion, Indicator, Dimension, Category, Sex, Age, Year, Unit of
measurement, txtVALUE, Source``. ``txtVALUE`` is text: counts may be censored
(``"<5"``), kept as :class:`~vigil.geo.routes.interval.Count` intervals. Values of
other units (rates) are kept as text only.

Flows: rows of the indicator *Detected trafficking victims* whose Dimension names
*citizenship* or *repatriation* hold, in ``Category``, the other country; they are
read as flows from that country into the reporting country (``Iso3_code``). Only
rows with Sex and Age ``Total`` (or blank) are used, so no victim is counted twice.
Categories that name no country ("Other", "Unknown", regions) are reported, never
guessed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vigil.geo.errors import GeoInputError
from vigil.geo.routes.countries import resolve_country
from vigil.geo.routes.flow import ALL_FORMS, Flow
from vigil.geo.routes.interval import Count, parse_count
from vigil.geo.routes.tabular import read_table

__all__ = ["COLUMNS", "GlotipRow", "glotip_flows", "read_glotip"]

COLUMNS = (
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "txtVALUE",
    "Source",
)
REQUIRED = ("Iso3_code", "Country", "Indicator", "Dimension", "Category", "Year", "txtVALUE")
DETECTED = "detected trafficking victims"


@dataclass(frozen=True, slots=True)
class GlotipRow:
    line: int
    iso3: str
    country: str
    region: str
    subregion: str
    indicator: str
    dimension: str
    category: str
    sex: str
    age: str
    year: int
    unit: str
    value: Count | None  # None: missing, or not a count (see ``raw``)
    raw: str
    source: str


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _year(cell: Any) -> int:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell).is_integer():
        year = int(cell)
    else:
        text = _text(cell)
        if not (len(text) == 4 and text.isdigit()):
            raise ValueError(f"year must be four digits, got {text!r}")
        year = int(text)
    if not 1900 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    return year


def _is_count_unit(unit: str) -> bool:
    low = unit.lower()
    return not low or "count" in low or "number" in low or low in ("persons", "victims")


def read_glotip(path: Path) -> list[GlotipRow]:
    """Every data row of a GLOTIP export; GeoInputError names file, line and column."""
    table = read_table(path, ("Iso3_code", "txtVALUE"))
    cols: dict[str, int] = {}
    for name in COLUMNS:
        i = table.index(name)
        if i is not None:
            cols[name] = i
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise GeoInputError(path, f"missing column(s) {', '.join(missing)}", line=table.header_line)
    out: list[GlotipRow] = []
    for line, cells in table:
        if not any(_text(c) for c in cells):
            continue

        def get(name: str, cells: list[Any] = cells) -> Any:
            i = cols.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        try:
            year = _year(get("Year"))
        except ValueError as exc:
            raise GeoInputError(
                path, str(exc), line=line, column=table.where(cols["Year"])
            ) from None
        unit = _text(get("Unit of measurement"))
        raw_cell = get("txtVALUE")
        raw = _text(raw_cell)
        value: Count | None = None
        if _is_count_unit(unit):
            try:
                value = parse_count(raw_cell if isinstance(raw_cell, int | float) else raw)
            except ValueError as exc:
                raise GeoInputError(
                    path, f"bad count: {exc}", line=line, column=table.where(cols["txtVALUE"])
                ) from None
        iso3 = _text(get("Iso3_code")).upper()
        if iso3 and not (len(iso3) == 3 and iso3.isalpha()):
            raise GeoInputError(
                path,
                f"Iso3_code must be three letters, got {iso3!r}",
                line=line,
                column=table.where(cols["Iso3_code"]),
            )
        out.append(
            GlotipRow(
                line=line,
                iso3=iso3,
                country=_text(get("Country")),
                region=_text(get("Region")),
                subregion=_text(get("Subregion")),
                indicator=_text(get("Indicator")),
                dimension=_text(get("Dimension")),
                category=_text(get("Category")),
                sex=_text(get("Sex")),
                age=_text(get("Age")),
                year=year,
                unit=unit,
                value=value,
                raw=raw,
                source=_text(get("Source")),
            )
        )
    return out


def _basis(dimension: str) -> str | None:
    low = dimension.lower()
    if "citizenship" in low:
        return "citizenship"
    if "repatriation" in low:
        return "repatriation"
    return None


def glotip_flows(rows: list[GlotipRow]) -> tuple[list[Flow], dict[str, int]]:
    """Flows (origin = Category country, destination = reporting country) and the
    categories that name no country, with their row counts."""
    flows: list[Flow] = []
    unresolved: Counter[str] = Counter()
    for row in rows:
        basis = _basis(row.dimension)
        if basis is None or DETECTED not in row.indicator.lower() or row.value is None:
            continue
        if row.sex.lower() not in ("", "total") or row.age.lower() not in ("", "total"):
            continue
        origin = resolve_country(row.category)
        dest = resolve_country(row.iso3) or resolve_country(row.country)
        if origin is None or dest is None:
            unresolved[row.category if origin is None else row.country] += 1
            continue
        flows.append(
            Flow(
                origin.iso3,
                origin.name,
                dest.iso3,
                row.country or dest.name,
                row.year,
                row.region or "Unknown",
                ALL_FORMS,
                row.value,
                "glotip",
                basis,
            )
        )
    return flows, dict(unresolved.most_common())
