"""Network indicators: fill in the linking features and fold them into the results.

After linking, each post's contact identifiers (phone, email, handle, payment id,
crypto address) are looked up in the hub statistics (identifier_hubs.parquet):

    shared_contact_ads    = most posts sharing any one contact of this post
    shared_contact_cities = most distinct cities among the posts sharing one contact

The catalogue's network indicators are evaluated on these features. Their hits are
always listed (they explain), but they change the risk only of posts that already
have other evidence: a shared phone amplifies a trafficking ad, and alone never flags
a spa chain or a recruiter with one number in many ads. The network category then
combines with the rest as every category does: ``risk' = 1 - (1 - risk)(1 - s_network)``.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vigil.indicators import Catalogue, score_text
from vigil.lake.files import sql_literal
from vigil.pipeline.scoring import HIT_TYPE

__all__ = ["CONTACT_KINDS", "apply_network_indicators"]

CONTACT_KINDS = ("phone", "email", "handle", "payment", "crypto")


def apply_network_indicators(out_dir: Path, catalogue: Catalogue) -> int:
    """Update OUT/posts.parquet in place; returns how many posts gained network hits."""
    posts = out_dir / "posts.parquet"
    hubs = out_dir / "identifier_hubs.parquet"
    idents = out_dir / "identifiers.parquet"
    if not hubs.exists():
        return 0
    con = duckdb.connect()
    try:
        kinds = ", ".join(sql_literal(k) for k in CONTACT_KINDS)
        rows = con.execute(
            "SELECT p.post_id, p.risk, p.catalogue_risk, p.model_risk, len(p.hits) AS n_hits, "
            "max(h.posts) AS ads, max(h.cities) AS cities "
            f"FROM read_parquet({sql_literal(str(posts))}) p "
            f"JOIN read_parquet({sql_literal(str(idents))}) i ON i.post_id = p.post_id "
            f"JOIN read_parquet({sql_literal(str(hubs))}) h "
            "ON h.kind = i.kind AND h.value = i.value "
            f"WHERE i.kind IN ({kinds}) GROUP BY ALL"
        ).fetchall()
        updates: list[dict[str, Any]] = []
        for post_id, risk, cat_risk, model_risk, n_hits, ads, cities in rows:
            features = {"shared_contact_ads": int(ads), "shared_contact_cities": int(cities)}
            net = score_text("", (), catalogue=catalogue, features=features)
            net_hits = [h for h in net.hits if h.category == "network"]
            if not net_hits:
                continue
            s_net = net.category_scores.get("network", 0.0)
            amplify = n_hits > 0  # other evidence present
            new_cat = 1 - (1 - cat_risk) * (1 - s_net) if amplify else cat_risk
            base = model_risk if model_risk is not None else cat_risk
            new_risk = 1 - (1 - base) * (1 - s_net) if amplify else risk
            updates.append(
                {
                    "post_id": post_id,
                    "risk": new_risk,
                    "band": catalogue.band(new_risk),
                    "catalogue_risk": new_cat,
                    "net_hits": [asdict(h) for h in net_hits],
                    "shared_contact_ads": features["shared_contact_ads"],
                    "shared_contact_cities": features["shared_contact_cities"],
                }
            )
        if not updates:
            return 0
        schema = pa.schema(
            [
                ("post_id", pa.string()),
                ("risk", pa.float64()),
                ("band", pa.string()),
                ("catalogue_risk", pa.float64()),
                ("net_hits", pa.list_(HIT_TYPE)),
                ("shared_contact_ads", pa.int64()),
                ("shared_contact_cities", pa.int64()),
            ]
        )
        con.register("updates", pa.Table.from_pylist(updates, schema=schema))
        tmp = out_dir / ".tmp-posts.parquet"
        con.execute(
            "COPY (SELECT p.* REPLACE ("
            " coalesce(u.risk, p.risk) AS risk, coalesce(u.band, p.band) AS band,"
            " coalesce(u.catalogue_risk, p.catalogue_risk) AS catalogue_risk,"
            " CASE WHEN u.net_hits IS NULL THEN p.hits ELSE list_concat(p.hits, u.net_hits) END"
            " AS hits),"
            " u.shared_contact_ads, u.shared_contact_cities "
            f"FROM read_parquet({sql_literal(str(posts))}) p "
            "LEFT JOIN updates u USING (post_id) ORDER BY risk DESC, post_id) "
            f"TO {sql_literal(str(tmp))} (FORMAT parquet, COMPRESSION zstd)"
        )
        tmp.replace(posts)
        return len(updates)
    finally:
        con.close()
