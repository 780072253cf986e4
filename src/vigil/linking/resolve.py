"""Text links as weaker evidence: they never join two *anchored* components.

Identical masked text is common across unrelated advertisers (boilerplate,
generator phrase banks, a first name the extractor masks as a place). So text links
are resolved after the strong links (identifiers and images):

1. **Strong components**: connected components of the identifier and image edges.
   A strong component is *anchored* when one of its posts has an identifier of an
   anchor kind (``LinkParams.text_anchor_kinds``, by default the contact kinds).
2. **Bare groups**: text star edges among posts of *unanchored* strong components,
   per link-band bucket, plus the strong edges: a bare group is one anchored strong
   component or several unanchored ones joined by text.
3. **Attachment**: a bare group is attached to an anchored component when every
   link-band bucket it shares with anchored posts holds exactly one anchored
   component, and all those buckets name the same one. A bucket that holds two or
   more anchored components (their own, distinct contacts) links none of them.

So text alone never joins posts that carry their own, distinct contacts, directly
or through a chain of contact-less posts, and the result depends only on the set of
buckets (full and incremental runs agree). With no anchor kinds every post is bare
and text links work as plain star edges.

All steps are portable SQL on the engine. Tables written:

* ``lk_strong(node, label)``, ``lk_bare_cc(node, label)`` (components);
* ``lk_e_text(a, b, kind, evidence)``: text edges kept (bare stars + attachments);
* returns the number of link-band buckets that held 2+ anchored components.
"""

from __future__ import annotations

from vigil.engine import EngineAPI
from vigil.linking.buckets import star_edges
from vigil.linking.components import connected_components

__all__ = ["resolve_text_links"]

_EMPTY = "SELECT CAST(0 AS BIGINT) AS a, CAST(0 AS BIGINT) AS b WHERE 1 = 0"


def _evidence(bands: int) -> str:
    return f"concat('minhash ', CAST(count(*) AS STRING), '/{int(bands)} bands')"


def resolve_text_links(
    engine: EngineAPI,
    *,
    strong: str,
    bands: str,
    members: str,
    anchor_kinds: tuple[str, ...],
    n_bands: int,
    max_posts: int | None = None,
) -> int:
    """Resolve the link-band buckets ``bands(kind, value, node)`` into ``lk_e_text``.

    ``strong(a, b)`` are the identifier and image edges; ``members(kind, value,
    node)`` the identifier and image buckets (anchors are read from them).
    """
    connected_components(engine, strong, "lk_strong", prefix="cs")
    kinds = ", ".join(f"'{k}'" for k in anchor_kinds) or "''"
    engine.materialise(
        "lk_anchor",
        "SELECT DISTINCT coalesce(s.label, m.node) AS label FROM "
        f"(SELECT DISTINCT node FROM {members} WHERE kind IN ({kinds})) m "
        "LEFT JOIN lk_strong s ON s.node = m.node",
    )
    engine.materialise(
        "lk_tb",
        "SELECT b.kind, b.value, b.node, coalesce(s.label, b.node) AS slabel, "
        "CASE WHEN a.label IS NULL THEN 0 ELSE 1 END AS anchored "
        f"FROM {bands} b LEFT JOIN lk_strong s ON s.node = b.node "
        "LEFT JOIN lk_anchor a ON a.label = coalesce(s.label, b.node)",
    )
    # 2. bare groups: text stars among unanchored posts, plus the strong edges
    engine.materialise("lk_tb_bare", "SELECT kind, value, node FROM lk_tb WHERE anchored = 0")
    star_edges(engine, "lk_tb_bare", "lk_e_bare", max_posts=max_posts)
    engine.materialise(
        "lk_bare_in",
        f"SELECT DISTINCT a, b FROM (SELECT a, b FROM {strong} UNION ALL "
        "SELECT a, b FROM lk_e_bare) t",
    )
    connected_components(engine, "lk_bare_in", "lk_bare_cc", prefix="cb")
    # 3. attachment of bare groups to exactly one anchored component
    engine.materialise(
        "lk_tb_anc",
        "SELECT kind, value, min(slabel) AS anc, count(DISTINCT slabel) AS n, "
        "min(node) AS an FROM lk_tb WHERE anchored = 1 GROUP BY kind, value",
    )
    engine.materialise(
        "lk_tb_grp",
        "SELECT t.kind, t.value, coalesce(c.label, t.node) AS g, min(t.node) AS bn "
        "FROM lk_tb t LEFT JOIN lk_bare_cc c ON c.node = t.node WHERE t.anchored = 0 "
        "GROUP BY t.kind, t.value, coalesce(c.label, t.node)",
    )
    size_cap = "" if max_posts is None else f" AND n_posts <= {int(max_posts)}"
    engine.materialise(
        "lk_att_c",
        "SELECT g.g, a.anc, a.n, g.bn, a.an FROM lk_tb_grp g JOIN lk_tb_anc a "
        "ON g.kind = a.kind AND g.value = a.value JOIN (SELECT kind, value, count(*) AS n_posts "
        f"FROM lk_tb GROUP BY kind, value) z ON z.kind = a.kind AND z.value = a.value "
        f"WHERE 1 = 1{size_cap}",
    )
    engine.materialise(
        "lk_att",
        "SELECT greatest(bn, an) AS a, least(bn, an) AS b FROM (SELECT g, bn, an, "
        "row_number() OVER (PARTITION BY g ORDER BY bn, an) AS rk, "
        "max(n) OVER (PARTITION BY g) AS max_n, "
        "min(anc) OVER (PARTITION BY g) AS lo, max(anc) OVER (PARTITION BY g) AS hi "
        "FROM lk_att_c) t WHERE rk = 1 AND max_n = 1 AND lo = hi",
    )
    engine.materialise(
        "lk_e_text",
        "SELECT e.a, e.b, 'text' AS kind, "
        f"{_evidence(n_bands)} AS evidence FROM "
        "(SELECT a, b FROM lk_e_bare UNION SELECT a, b FROM lk_att) e "
        f"JOIN {bands} x ON x.node = e.a JOIN {bands} y ON y.node = e.b "
        "AND y.kind = x.kind AND y.value = x.value GROUP BY e.a, e.b",
    )
    blocked = engine.scalar("SELECT count(*) FROM lk_tb_anc WHERE n > 1")
    for name in ("lk_tb_bare", "lk_e_bare", "lk_bare_in", "lk_tb_grp", "lk_att_c", "lk_att"):
        engine.drop(name)
    return int(blocked or 0)
