"""Cluster summaries: members, shared identifiers, templates, places, time, risk."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pyarrow as pa

from vigil.engine import EngineAPI
from vigil.linking.params import LinkParams
from vigil.linking.risk import cluster_risk

__all__ = ["CLUSTER_SCHEMA", "cluster_id", "summarise"]

#: contacts shared by at least this many posts (anywhere) raise shared_contact_many_ads
MANY_ADS: Final = 10
#: contacts seen in at least this many cities raise shared_contact_many_cities
MANY_CITIES: Final = 3

_IDENT = pa.struct([("kind", pa.string()), ("value", pa.string()), ("posts", pa.int64())])
_SLOT = pa.struct(
    [("type", pa.string()), ("distinct", pa.int64()), ("examples", pa.list_(pa.string()))]
)
_TEMPLATE = pa.struct(
    [
        ("group", pa.string()),
        ("posts", pa.int64()),
        ("aligned", pa.int64()),
        ("template", pa.string()),
        ("summary", pa.string()),
        ("slots", pa.list_(_SLOT)),
    ]
)
CLUSTER_SCHEMA: Final = pa.schema(
    [
        ("cluster_id", pa.string()),
        ("root_post_id", pa.string()),
        ("size", pa.int64()),
        ("post_ids", pa.list_(pa.string())),
        ("shared_identifiers", pa.list_(_IDENT)),
        ("link_kinds", pa.map_(pa.string(), pa.int64())),
        ("templates", pa.list_(_TEMPLATE)),
        ("cities", pa.list_(pa.string())),
        ("n_cities", pa.int64()),
        ("first_seen", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("span_days", pa.float64()),
        ("moves", pa.int64()),
        ("n_ages", pa.int64()),
        ("n_names", pa.int64()),
        ("risk_member_max", pa.float64()),
        ("risk_member_mean", pa.float64()),
        ("risk_network", pa.float64()),
        ("link_share", pa.float64()),
        ("risk", pa.float64()),
        ("indicators", pa.list_(pa.string())),
    ]
)


def cluster_id(root_post_id: str) -> str:
    """Stable cluster id: ``c`` + 16 hex digits of SHA-256 of its smallest post id."""
    return "c" + hashlib.sha256(root_post_id.encode("utf-8")).hexdigest()[:16]


def _grouped(table: pa.Table, key: str) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in table.to_pylist():
        out[int(row[key])].append(row)
    return out


def summarise(
    engine: EngineAPI,
    templates: Mapping[int, list[dict[str, Any]]],
    params: LinkParams,
) -> pa.Table:
    """Summaries of the clusters in ``lk_comp`` (tables described in ``run``)."""
    kinds = ", ".join(f"'{k}'" for k in params.link_kinds)
    base = engine.to_arrow(
        "SELECT c.label, count(*) AS size, min(p.posted_at) AS first_seen, "
        "max(p.posted_at) AS last_seen, max(p.risk) AS risk_max, avg(p.risk) AS risk_mean, "
        "count(DISTINCT p.location) AS n_cities "
        "FROM lk_comp c JOIN lk_posts p ON c.node = p.node GROUP BY c.label ORDER BY c.label"
    )
    # members stay in Arrow: one list slice per cluster (labels in ``base`` order)
    member_rows = engine.to_arrow(
        "SELECT c.label, p.post_id FROM lk_comp c JOIN lk_posts p ON c.node = p.node "
        "ORDER BY c.label, p.post_id"
    )
    member_ids = member_rows.column("post_id").combine_chunks()
    offsets = np.zeros(base.num_rows + 1, np.int64)
    np.cumsum(base.column("size").to_numpy(), out=offsets[1:])
    del member_rows
    cities = _grouped(
        engine.to_arrow(
            "SELECT DISTINCT c.label, p.location FROM lk_comp c JOIN lk_posts p "
            "ON c.node = p.node WHERE p.location IS NOT NULL ORDER BY c.label, p.location"
        ),
        "label",
    )
    shared = _grouped(
        engine.to_arrow(
            "SELECT c.label, m.kind, m.value, count(DISTINCT m.node) AS posts, "
            "max(h.posts) AS hub_posts, max(h.cities) AS hub_cities "
            "FROM lk_members m JOIN lk_comp c ON m.node = c.node "
            "JOIN lk_hubs h ON h.kind = m.kind AND h.value = m.value "
            f"WHERE m.kind IN ({kinds}) GROUP BY c.label, m.kind, m.value "
            "HAVING count(DISTINCT m.node) >= 2 ORDER BY c.label, posts DESC, m.kind, m.value"
        ),
        "label",
    )
    link_kinds = _grouped(
        engine.to_arrow(
            "SELECT c.label, e.kind, count(*) AS n FROM lk_edges e JOIN lk_comp c "
            "ON e.a = c.node GROUP BY c.label, e.kind ORDER BY c.label, e.kind"
        ),
        "label",
    )
    ages = {
        int(r["label"]): int(r["n"])
        for r in engine.to_arrow(
            "SELECT c.label, count(DISTINCT i.value) AS n FROM lk_ages i "
            "JOIN lk_comp c ON i.node = c.node GROUP BY c.label"
        ).to_pylist()
    }
    moves = {
        int(r["label"]): int(r["n"])
        for r in engine.to_arrow(
            "SELECT label, sum(CASE WHEN prev IS NOT NULL AND prev <> location THEN 1 ELSE 0 END)"
            " AS n FROM (SELECT c.label, p.location, LAG(p.location) OVER "
            "(PARTITION BY c.label ORDER BY p.posted_at, p.node) AS prev "
            "FROM lk_comp c JOIN lk_posts p ON c.node = p.node) t GROUP BY label"
        ).to_pylist()
    }
    rows = []
    for i, rec in enumerate(base.to_pylist()):
        label = int(rec["label"])
        root = member_ids[int(offsets[i])].as_py()
        tmpl = templates.get(label, [])
        n_names = max(
            (sum(s["distinct"] for s in t["slots"] if s["type"] == "name") for t in tmpl),
            default=0,
        )
        n_ages = ages.get(label, 0)
        span = (
            (rec["last_seen"] - rec["first_seen"]).total_seconds() / 86400
            if rec["first_seen"] and rec["last_seen"]
            else 0.0
        )
        kinds_n = {k["kind"]: int(k["n"]) for k in link_kinds.get(label, [])}
        total = sum(kinds_n.values())
        share = (total - kinds_n.get("text", 0)) / total if total else 1.0
        risk = cluster_risk(
            member_max=rec["risk_max"],
            member_mean=rec["risk_mean"],
            n_cities=int(rec["n_cities"]),
            n_people=max(n_ages, n_names),
            moves=moves.get(label, 0),
            span_days=span,
            share=share,
        )
        idents = shared.get(label, [])
        indicators = []
        if any(int(i["hub_posts"]) >= MANY_ADS for i in idents):
            indicators.append("shared_contact_many_ads")
        if any(int(i["hub_cities"]) >= MANY_CITIES for i in idents):
            indicators.append("shared_contact_many_cities")
        if max(n_ages, n_names) >= 3:
            indicators.append("multiple_people")
        if risk.movement >= 0.5 and int(rec["n_cities"]) >= 3:
            indicators.append("movement")
        rows.append(
            {
                "cluster_id": cluster_id(root),
                "root_post_id": root,
                "size": int(rec["size"]),
                "shared_identifiers": [
                    {"kind": i["kind"], "value": i["value"], "posts": int(i["posts"])}
                    for i in idents
                ],
                "link_kinds": [(k["kind"], int(k["n"])) for k in link_kinds.get(label, [])],
                "templates": tmpl,
                "cities": [c["location"] for c in cities.get(label, [])],
                "n_cities": int(rec["n_cities"]),
                "first_seen": rec["first_seen"],
                "last_seen": rec["last_seen"],
                "span_days": round(span, 3),
                "moves": moves.get(label, 0),
                "n_ages": n_ages,
                "n_names": n_names,
                "risk_member_max": risk.member_max,
                "risk_member_mean": risk.member_mean,
                "risk_network": risk.network,
                "link_share": round(share, 4),
                "risk": risk.risk,
                "indicators": indicators,
            }
        )
    order = sorted(
        range(len(rows)), key=lambda i: (-rows[i]["risk"], -rows[i]["size"], rows[i]["cluster_id"])
    )
    post_ids = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), member_ids)
    table = pa.Table.from_pylist(rows, schema=CLUSTER_SCHEMA.remove(3))
    table = table.add_column(3, CLUSTER_SCHEMA.field(3), post_ids)
    return table.take(pa.array(order, pa.int64()))
