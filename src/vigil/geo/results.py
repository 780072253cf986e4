"""Reads what the geo views need from a ``vigil scan`` results directory.

Columns used: ``posts.parquet`` (``post_id`` or ``id``, ``posted_at``,
``location``, optional ``risk`` and ``band``), ``post_clusters.parquet``
(``post_id, cluster_id``), ``clusters.parquet`` (``cluster_id``, ``risk``) and
``identifiers.parquet`` (contacts per post, and ``place`` identifiers for posts
without a ``location``). Each post is geocoded once per distinct location string.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vigil.geo.errors import GeoInputError
from vigil.geo.gazetteer import City, city_from_place_attrs, geocode

__all__ = ["CONTACT_KINDS", "GeoPost", "ScanData", "load_scan"]

#: Identifier kinds listed on itinerary stops (contacts, as linking uses them).
CONTACT_KINDS = ("phone", "email", "handle", "payment", "crypto")


@dataclass(frozen=True, slots=True)
class GeoPost:
    """One post with a place and a time."""

    post_id: str
    posted_at: datetime
    city: City
    risk: float | None
    band: str | None
    cluster_id: str | None


@dataclass(slots=True)
class ScanData:
    """Geocoded posts of a results directory and what was not placed."""

    directory: Path
    posts: list[GeoPost]
    cluster_risk: dict[str, float]
    total_posts: int
    undated: int
    unplaced: int
    unplaced_locations: dict[str, int]

    def contacts(self, post_ids: Iterable[str]) -> dict[str, list[str]]:
        """``kind:value`` contacts of the given posts, from ``identifiers.parquet``."""
        path = self.directory / "identifiers.parquet"
        wanted = set(post_ids)
        if not path.exists() or not wanted:
            return {}
        table = pq.read_table(
            path,
            columns=["post_id", "kind", "value"],
            filters=[("kind", "in", list(CONTACT_KINDS))],
        )
        mask = pc.is_in(table.column("post_id"), value_set=pa.array(sorted(wanted)))
        out: dict[str, list[str]] = {}
        for row in table.filter(mask).to_pylist():
            out.setdefault(row["post_id"], []).append(f"{row['kind']}:{row['value']}")
        return out


def _read(path: Path, wanted: list[str], required: set[str]) -> pa.Table:
    try:
        names = pq.read_schema(path).names
    except FileNotFoundError:
        raise GeoInputError(path, "missing (run `vigil scan --out DIR` first)") from None
    except (OSError, pa.ArrowInvalid) as exc:
        raise GeoInputError(path, f"not a Parquet file ({exc})") from None
    missing = required - set(names)
    if missing:
        raise GeoInputError(path, f"missing column(s) {', '.join(sorted(missing))}")
    return pq.read_table(path, columns=[c for c in wanted if c in names])


def _place_fallback(directory: Path, post_ids: set[str]) -> dict[str, City]:
    """The first extracted city of each post in ``post_ids`` (by field, then offset)."""
    path = directory / "identifiers.parquet"
    if not path.exists() or not post_ids:
        return {}
    table = pq.read_table(
        path,
        columns=["post_id", "field", "start", "value", "attrs_json"],
        filters=[("kind", "=", "place")],
    )
    rows = sorted(
        (r for r in table.to_pylist() if r["post_id"] in post_ids),
        key=lambda r: (r["post_id"], r["field"] != "title", r["start"]),
    )
    out: dict[str, City] = {}
    for row in rows:
        if row["post_id"] in out:
            continue
        try:
            attrs = json.loads(row["attrs_json"] or "{}")
        except ValueError:
            continue
        city = city_from_place_attrs(row["value"], attrs) if isinstance(attrs, dict) else None
        if city is not None:
            out[row["post_id"]] = city
    return out


def load_scan(directory: Path, *, use_extracted_places: bool = True) -> ScanData:
    """Geocoded, dated posts of ``directory`` with their cluster ids."""
    if not directory.is_dir():
        raise GeoInputError(directory, "not a directory")
    posts_path = directory / "posts.parquet"
    try:
        names = set(pq.read_schema(posts_path).names) if posts_path.exists() else set()
    except (OSError, pa.ArrowInvalid) as exc:
        raise GeoInputError(posts_path, f"not a Parquet file ({exc})") from None
    id_col = "post_id" if "post_id" in names else "id"
    table = _read(
        posts_path,
        [id_col, "posted_at", "location", "risk", "band"],
        {id_col, "posted_at", "location"},
    )
    ids = table.column(id_col).to_pylist()
    times = table.column("posted_at").to_pylist()
    locations = table.column("location").to_pylist()
    risks = table.column("risk").to_pylist() if "risk" in table.column_names else [None] * len(ids)
    bands = table.column("band").to_pylist() if "band" in table.column_names else [None] * len(ids)
    membership: dict[str, str] = {}
    pc_path = directory / "post_clusters.parquet"
    if pc_path.exists():
        pct = _read(pc_path, ["post_id", "cluster_id"], {"post_id", "cluster_id"})
        membership = dict(
            zip(
                pct.column("post_id").to_pylist(), pct.column("cluster_id").to_pylist(), strict=True
            )
        )
    cluster_risk: dict[str, float] = {}
    cl_path = directory / "clusters.parquet"
    if cl_path.exists():
        clt = _read(cl_path, ["cluster_id", "risk"], {"cluster_id"})
        if "risk" in clt.column_names:
            cluster_risk = {
                cid: float(r)
                for cid, r in zip(
                    clt.column("cluster_id").to_pylist(),
                    clt.column("risk").to_pylist(),
                    strict=True,
                )
                if r is not None
            }
    unplaced_ids = {pid for pid, loc in zip(ids, locations, strict=True) if geocode(loc) is None}
    fallback = _place_fallback(directory, unplaced_ids) if use_extracted_places else {}
    posts: list[GeoPost] = []
    undated = 0
    unplaced: dict[str, int] = {}
    for pid, when, loc, risk, band in zip(ids, times, locations, risks, bands, strict=True):
        if when is None:
            undated += 1
            continue
        city = geocode(loc) or fallback.get(pid)
        if city is None:
            key = loc or "(none)"
            unplaced[key] = unplaced.get(key, 0) + 1
            continue
        posts.append(GeoPost(pid, when, city, risk, band, membership.get(pid)))
    return ScanData(
        directory=directory,
        posts=posts,
        cluster_risk=cluster_risk,
        total_posts=len(ids),
        undated=undated,
        unplaced=sum(unplaced.values()),
        unplaced_locations=dict(sorted(unplaced.items(), key=lambda kv: -kv[1])[:20]),
    )
