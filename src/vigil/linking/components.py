"""Connected components as iterative, portable SQL.

The algorithm alternates the *large-star* and *small-star* operations of Kiveris et
al., "Connected Components in MapReduce and Beyond" (SoCC 2014), which converge in
O(log^2 n) rounds even on long paths (plain min-label propagation, as in Splink,
needs as many rounds as the graph's diameter):

* large-star: every node ``u`` links each larger neighbour to the smallest node of
  its neighbourhood (``u`` included);
* small-star: every node ``u`` links itself and its smaller neighbours to the
  smallest of them.

Both keep the components and only ever move edges towards smaller nodes; at the
fixpoint every component is a star around its smallest node, which becomes the
label. Each round is materialised, as a Spark engine needs to break lineage.
"""

from __future__ import annotations

from vigil.engine import EngineAPI, check_identifier

__all__ = ["MAX_ROUNDS", "connected_components"]

MAX_ROUNDS = 200


def connected_components(engine: EngineAPI, edges: str, out: str, *, prefix: str = "cc") -> int:
    """Label the nodes of the undirected graph in table ``edges`` (columns ``a``, ``b``).

    Writes table ``out(node BIGINT, label BIGINT)`` holding every node that appears
    in an edge, labelled with the smallest node of its component. Returns the
    number of rounds. Nodes in no edge are singletons and are not listed.

    A round is two materialised queries (large-star, small-star) and one count of
    changed edges; the edge tables of consecutive rounds alternate between two
    names, so no table is copied.
    """
    for name in (edges, out, prefix):
        check_identifier(name)
    tables = (f"{prefix}_e0", f"{prefix}_e1")
    large = f"{prefix}_large"
    cur = engine.materialise(
        tables[0],
        "SELECT DISTINCT CAST(greatest(a, b) AS BIGINT) AS a, CAST(least(a, b) AS BIGINT) AS b "
        f"FROM {edges} WHERE a <> b",
    )
    rounds = 0
    while True:
        rounds += 1
        if rounds > MAX_ROUNDS:
            raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
        # large-star: link every larger neighbour to the smallest of the neighbourhood
        engine.materialise(
            large,
            f"WITH nb AS (SELECT a AS n, b AS m FROM {cur} UNION ALL SELECT b, a FROM {cur}), "
            "mins AS (SELECT n, least(n, min(m)) AS mn FROM nb GROUP BY n) "
            "SELECT DISTINCT x.m AS a, y.mn AS b FROM nb x JOIN mins y ON x.n = y.n "
            "WHERE x.m > x.n AND x.m <> y.mn",
        )
        # small-star (edges are stored as a > b, so "smaller neighbours" of a are b)
        nxt = tables[rounds % 2]
        engine.materialise(
            nxt,
            f"WITH nb AS (SELECT a AS n, b AS m FROM {large} UNION ALL "
            f"SELECT a AS n, a AS m FROM {large}), "
            "mins AS (SELECT n, min(m) AS mn FROM nb GROUP BY n) "
            "SELECT DISTINCT x.m AS a, y.mn AS b FROM nb x JOIN mins y ON x.n = y.n "
            "WHERE x.m <> y.mn",
        )
        changed = engine.scalar(
            f"SELECT count(*) FROM (SELECT a, b FROM {nxt} EXCEPT SELECT a, b FROM {cur}) t"
        ) or engine.scalar(
            f"SELECT count(*) FROM (SELECT a, b FROM {cur} EXCEPT SELECT a, b FROM {nxt}) t"
        )
        engine.drop(cur)
        cur = nxt
        if not changed:
            break
    engine.materialise(
        out,
        f"SELECT a AS node, min(b) AS label FROM {cur} GROUP BY a "
        f"UNION ALL SELECT DISTINCT b AS node, b AS label FROM {cur}",
    )
    for name in (*tables, large):
        engine.drop(name)
    return rounds
