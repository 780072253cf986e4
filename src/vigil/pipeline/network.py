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

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from vigil.indicators import Catalogue, score_text
from vigil.lake.files import RESULTS_PARQUET, sql_literal
from vigil.pipeline.scoring import HIT_TYPE, hit_row

__all__ = ["CONTACT_KINDS", "apply_network_indicators"]

CONTACT_KINDS = ("phone", "email", "handle", "payment", "crypto")
#: DuckDB's memory for the rewrite of posts.parquet (1M posts: 2.3 GB peak, 3.4 unbounded)
MEMORY_LIMIT = "2GB"


def apply_network_indicators(out_dir: Path, catalogue: Catalogue) -> int:
    """Update OUT/posts.parquet in place; returns how many posts gained network hits.

    The network category depends on a post's two features only, so the catalogue is
    evaluated once per distinct (ads, cities) pair in Python; the per-post update is
    one SQL pass (a 1M-post scan has about 600,000 posts with a contact but only a few
    hundred distinct pairs).
    """
    posts = out_dir / "posts.parquet"
    hubs = out_dir / "identifier_hubs.parquet"
    idents = out_dir / "identifiers.parquet"
    if not hubs.exists():
        return 0
    spill = out_dir / ".tmp-network"
    con = duckdb.connect()
    # the final sort carries every column of every post: bounded, it spills to disk
    con.execute("SET memory_limit = ?", [MEMORY_LIMIT])
    con.execute("SET temp_directory = ?", [str(spill)])
    try:
        kinds = ", ".join(sql_literal(k) for k in CONTACT_KINDS)
        con.execute(
            "CREATE TEMP TABLE features AS SELECT i.post_id, "
            "max(h.posts) AS ads, max(h.cities) AS cities "
            f"FROM read_parquet({sql_literal(str(idents))}) i "
            f"JOIN read_parquet({sql_literal(str(hubs))}) h "
            "ON h.kind = i.kind AND h.value = i.value "
            f"WHERE i.kind IN ({kinds}) GROUP BY i.post_id"
        )
        pairs = con.execute("SELECT DISTINCT ads, cities FROM features").fetchall()
        network = _network_table(pairs, catalogue)
        if network.num_rows == 0:
            return 0
        con.register("network", network)
        con.execute(
            "CREATE TEMP TABLE updates AS SELECT f.post_id, n.s_net, n.net_hits, "
            "f.ads AS shared_contact_ads, f.cities AS shared_contact_cities "
            "FROM features f JOIN network n USING (ads, cities)"
        )
        updated = con.execute("SELECT count(*) FROM updates").fetchone()
        # other evidence present (any hit): the network category amplifies the risk;
        # alone it changes nothing. Same arithmetic as Python floats (IEEE doubles).
        amplify = "(u.s_net IS NOT NULL AND len(p.hits) > 0)"
        base = "coalesce(p.model_risk, p.catalogue_risk)"
        new_risk = f"CASE WHEN {amplify} THEN 1 - (1 - {base}) * (1 - u.s_net) ELSE p.risk END"
        new_cat = (
            f"CASE WHEN {amplify} THEN 1 - (1 - p.catalogue_risk) * (1 - u.s_net) "
            "ELSE p.catalogue_risk END"
        )
        band = f"CASE WHEN u.s_net IS NULL THEN p.band ELSE {catalogue.band_sql(new_risk)} END"
        tmp = out_dir / ".tmp-posts.parquet"
        con.execute(
            f"COPY (SELECT p.* REPLACE ({new_risk} AS risk, {band} AS band,"
            f" {new_cat} AS catalogue_risk,"
            " CASE WHEN u.net_hits IS NULL THEN p.hits ELSE list_concat(p.hits, u.net_hits) END"
            " AS hits),"
            " u.shared_contact_ads, u.shared_contact_cities "
            f"FROM read_parquet({sql_literal(str(posts))}) p "
            "LEFT JOIN updates u USING (post_id) ORDER BY risk DESC, post_id) "
            f"TO {sql_literal(str(tmp))} ({RESULTS_PARQUET})"
        )
        tmp.replace(posts)
        return int(updated[0]) if updated else 0
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _network_table(pairs: list[tuple[int, int]], catalogue: Catalogue) -> pa.Table:
    """``(ads, cities, s_net, net_hits)`` for each feature pair that hits the network."""
    rows: list[dict[str, Any]] = []
    for ads, cities in pairs:
        features = {"shared_contact_ads": int(ads), "shared_contact_cities": int(cities)}
        net = score_text("", (), catalogue=catalogue, features=features)
        net_hits = [hit_row(h) for h in net.hits if h.category == "network"]
        if net_hits:
            rows.append(
                {
                    "ads": int(ads),
                    "cities": int(cities),
                    "s_net": net.category_scores.get("network", 0.0),
                    "net_hits": net_hits,
                }
            )
    schema = pa.schema(
        [
            ("ads", pa.int64()),
            ("cities", pa.int64()),
            ("s_net", pa.float64()),
            ("net_hits", pa.list_(HIT_TYPE)),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)
