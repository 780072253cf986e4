"""Route analysis over flows: top routes per year, region and form, trends, new and growing routes.

Counts are intervals (:class:`Count`): sums add bounds; routes are ranked by their
lower bound, then their upper bound (a route is at least as large as its ``lo``).
Flows of different sources or bases (GLOTIP citizenship, GLOTIP repatriation, CTDC
records) measure different things and are never added together.

Changes between consecutive years with data for the destination (the year before
that the destination reported any flow of the same source and basis):

* **appears**: the route has no flow in any earlier reported year of the
  destination and ``lo > 0`` now (a censored ``<5`` alone, ``lo = 0``, is
  ``possibly appears``);
* **grows**: ``lo(now) > hi(before)``: larger for every value the censored cells
  allow. A rise that censoring could explain is not reported as growth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from vigil.geo.errors import GeoInputError
from vigil.geo.routes.ctdc import ctdc_flows, read_ctdc
from vigil.geo.routes.flow import ALL_FORMS, Flow
from vigil.geo.routes.glotip import glotip_flows, read_glotip
from vigil.geo.routes.interval import ZERO, Count
from vigil.geo.routes.tabular import read_table

__all__ = [
    "RouteChange",
    "RouteReport",
    "RouteTotal",
    "changes",
    "detect_format",
    "load_flows",
    "routes",
    "top_routes",
    "trend",
]

Format = Literal["auto", "glotip", "ctdc"]


@dataclass(frozen=True, slots=True)
class RouteTotal:
    origin: str
    origin_name: str
    destination: str
    destination_name: str
    count: Count
    source: str
    basis: str
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RouteChange:
    origin: str
    destination: str
    year: int
    previous_year: int | None
    kind: str  # appears | possibly appears | grows
    before: Count | None
    after: Count
    source: str
    basis: str


@dataclass(frozen=True, slots=True)
class RouteReport:
    files: tuple[str, ...]
    flows: int
    censored_flows: int
    top: tuple[RouteTotal, ...]
    by_year: dict[int, tuple[RouteTotal, ...]]
    by_region: dict[str, tuple[RouteTotal, ...]]
    by_form: dict[str, tuple[RouteTotal, ...]]
    trends: dict[str, dict[int, Count]]
    changes: tuple[RouteChange, ...]
    left_out: dict[str, int] = field(default_factory=dict)


def detect_format(path: Path) -> str:
    """``glotip`` or ``ctdc`` from the header row (XLSX files are GLOTIP exports)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "glotip"
    try:
        read_table(path, ("Iso3_code", "txtVALUE"))
        return "glotip"
    except GeoInputError as glotip_error:
        try:
            read_table(path, ("citizenship", "CountryOfExploitation"))
            return "ctdc"
        except GeoInputError:
            raise GeoInputError(
                path,
                "neither a GLOTIP export (Iso3_code ... txtVALUE) nor a CTDC file "
                "(citizenship, CountryOfExploitation) "
                f"[{glotip_error.message}]",
            ) from None


def load_flows(paths: Iterable[Path], fmt: Format = "auto") -> tuple[list[Flow], dict[str, int]]:
    """Flows from every file, and what was left out (by reason or category)."""
    flows: list[Flow] = []
    left_out: dict[str, int] = defaultdict(int)
    for path in paths:
        kind = detect_format(path) if fmt == "auto" else fmt
        if kind == "glotip":
            found, skipped = glotip_flows(read_glotip(path))
            skipped = {f"GLOTIP category {k!r}": v for k, v in skipped.items()}
        else:
            found, skipped = ctdc_flows(read_ctdc(path))
            skipped = {f"CTDC {k}": v for k, v in skipped.items()}
        flows.extend(found)
        for k, v in skipped.items():
            left_out[k] += v
    return flows, dict(left_out)


_Key = tuple[str, str, str, str]  # origin, destination, source, basis


def _rank(t: RouteTotal) -> tuple[int, float, str, str]:
    hi = float("inf") if t.count.hi is None else float(t.count.hi)
    return (-t.count.lo, -hi, t.origin, t.destination)


def top_routes(
    flows: Iterable[Flow],
    n: int = 10,
    *,
    year: int | None = None,
    region: str | None = None,
    form: str = ALL_FORMS,
    domestic: bool = True,
) -> tuple[RouteTotal, ...]:
    """The ``n`` largest routes among ``flows`` matching the filters."""
    sums: dict[_Key, Count] = defaultdict(lambda: ZERO)
    names: dict[_Key, tuple[str, str]] = {}
    years: dict[_Key, set[int]] = defaultdict(set)
    for f in flows:
        if f.form != form or (year is not None and f.year != year):
            continue
        if region is not None and f.region != region:
            continue
        if not domestic and f.origin == f.destination:
            continue
        key = (f.origin, f.destination, f.source, f.basis)
        sums[key] = sums[key] + f.count
        names[key] = (f.origin_name, f.destination_name)
        if f.year is not None:
            years[key].add(f.year)
    totals = [
        RouteTotal(k[0], names[k][0], k[1], names[k][1], c, k[2], k[3], tuple(sorted(years[k])))
        for k, c in sums.items()
    ]
    return tuple(sorted(totals, key=_rank)[:n])


def trend(
    flows: Iterable[Flow],
    origin: str,
    destination: str,
    *,
    form: str = ALL_FORMS,
    source: str | None = None,
) -> dict[int, Count]:
    """Yearly counts of one route."""
    out: dict[int, Count] = defaultdict(lambda: ZERO)
    for f in flows:
        same = (f.origin, f.destination, f.form) == (origin, destination, form)
        if same and f.year is not None and (source is None or f.source == source):
            out[f.year] = out[f.year] + f.count
    return dict(sorted(out.items()))


def changes(flows: Iterable[Flow], *, form: str = ALL_FORMS) -> tuple[RouteChange, ...]:
    """Routes that appear or certainly grow (see the module docstring)."""
    per_route: dict[_Key, dict[int, Count]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    reported: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for f in flows:
        if f.form != form or f.year is None:
            continue
        key = (f.origin, f.destination, f.source, f.basis)
        per_route[key][f.year] = per_route[key][f.year] + f.count
        reported[(f.destination, f.source, f.basis)].add(f.year)
    out: list[RouteChange] = []
    for key, by_year in per_route.items():
        origin, dest, source, basis = key
        years = sorted(reported[(dest, source, basis)])
        seen_before = False
        for i, year in enumerate(years):
            now = by_year.get(year)
            prev_year = years[i - 1] if i else None
            before = by_year.get(prev_year) if prev_year is not None else None
            if now is not None and i > 0:
                if not seen_before:
                    kind = "appears" if now.lo > 0 else "possibly appears"
                    out.append(
                        RouteChange(origin, dest, year, prev_year, kind, None, now, source, basis)
                    )
                elif before is not None and now.certainly_greater(before):
                    out.append(
                        RouteChange(
                            origin, dest, year, prev_year, "grows", before, now, source, basis
                        )
                    )
            if now is not None:
                seen_before = True
    kinds = {"grows": 0, "appears": 1, "possibly appears": 2}
    out.sort(key=lambda c: (-c.year, kinds[c.kind], -c.after.lo, c.origin, c.destination))
    return tuple(out)


def routes(
    paths: Iterable[Path] | Path,
    *,
    fmt: Format = "auto",
    n: int = 10,
    domestic: bool = True,
) -> RouteReport:
    """Read case-data files and analyse their routes."""
    files = [paths] if isinstance(paths, Path) else list(paths)
    flows, left_out = load_flows(files, fmt)
    return analyse(
        flows, files=tuple(str(p) for p in files), n=n, left_out=left_out, domestic=domestic
    )


def analyse(
    flows: list[Flow],
    *,
    files: tuple[str, ...] = (),
    n: int = 10,
    left_out: dict[str, int] | None = None,
    domestic: bool = True,
) -> RouteReport:
    """The :class:`RouteReport` of ``flows``."""
    top = top_routes(flows, n, domestic=domestic)
    years = sorted({f.year for f in flows if f.year is not None})
    regions = sorted({f.region for f in flows})
    forms = sorted({f.form for f in flows if f.form != ALL_FORMS})
    trends = {
        f"{t.origin}>{t.destination} ({t.source} {t.basis})": trend(
            [f for f in flows if f.basis == t.basis], t.origin, t.destination, source=t.source
        )
        for t in top
    }
    return RouteReport(
        files=files,
        flows=sum(1 for f in flows if f.form == ALL_FORMS),
        censored_flows=sum(1 for f in flows if f.form == ALL_FORMS and f.count.censored),
        top=top,
        by_year={y: top_routes(flows, n, year=y, domestic=domestic) for y in years},
        by_region={r: top_routes(flows, n, region=r, domestic=domestic) for r in regions},
        by_form={fm: top_routes(flows, n, form=fm, domestic=domestic) for fm in forms},
        trends=trends,
        changes=changes(flows),
        left_out=dict(left_out or {}),
    )
