"""SQL connected components against networkx, on random and skewed graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.engine import DuckDBEngine
from vigil.linking.components import connected_components


def _sql_labels(eng: DuckDBEngine, a: list[int], b: list[int]) -> dict[int, int]:
    eng.register("edges", pa.table({"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())}))
    connected_components(eng, "edges", "out")
    return {int(r["node"]): int(r["label"]) for r in eng.to_arrow("SELECT * FROM out").to_pylist()}


def _expected(a: list[int], b: list[int]) -> dict[int, int]:
    """networkx's components; self-loops are no links (linking never makes them)."""
    g = nx.Graph()
    g.add_edges_from((x, y) for x, y in zip(a, b, strict=True) if x != y)
    return {v: min(comp) for comp in nx.connected_components(g) for v in comp}


def _graph(seed: int, kind: str) -> tuple[list[int], list[int]]:
    rng = np.random.default_rng(seed)
    n = 400
    if kind == "random":
        m = int(rng.integers(100, 500))
        a, b = rng.integers(0, n, m), rng.integers(0, n, m)
    elif kind == "hub":  # a few hubs hold most edges, plus a long chain
        hubs = rng.integers(0, n, 3)
        m = 300
        a = hubs[rng.integers(0, 3, m)]
        b = rng.integers(0, n, m)
        chain = rng.permutation(n)[:80]
        a, b = np.concatenate([a, chain[:-1]]), np.concatenate([b, chain[1:]])
    else:  # a long path in random order: needs many rounds without pointer jumping
        perm = rng.permutation(n)
        a, b = perm[:-1], perm[1:]
    return [int(x) for x in a], [int(x) for x in b]


@pytest.mark.parametrize("kind", ["random", "hub", "path"])
@pytest.mark.parametrize("seed", range(8))
def test_components_equal_networkx(kind: str, seed: int) -> None:
    a, b = _graph(seed, kind)
    with DuckDBEngine(threads=1) as eng:
        assert _sql_labels(eng, a, b) == _expected(a, b), f"seed={seed} kind={kind}"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=60),
    st.randoms(use_true_random=False),
)
def test_components_invariant_to_edge_order(edges: list[tuple[int, int]], rnd: object) -> None:
    shuffled = list(edges)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    flipped = [(y, x) for x, y in shuffled]
    with DuckDBEngine(threads=1) as eng:
        first = _sql_labels(eng, [x for x, _ in edges], [y for _, y in edges])
        second = _sql_labels(eng, [x for x, _ in flipped], [y for _, y in flipped])
    assert first == second == _expected([x for x, _ in edges], [y for _, y in edges])


def test_star_edges_give_the_same_components_as_all_pairs() -> None:
    from vigil.linking.buckets import star_edges

    rng = np.random.default_rng(3)
    kinds = rng.integers(0, 4, 300)
    values = rng.integers(0, 40, 300)
    nodes = rng.integers(0, 200, 300)
    members = pa.table({"kind": kinds, "value": values, "node": nodes})
    buckets: dict[tuple[int, int], list[int]] = {}
    for k, v, n in zip(kinds.tolist(), values.tolist(), nodes.tolist(), strict=True):
        buckets.setdefault((k, v), []).append(n)
    all_a, all_b = [], []
    for group in buckets.values():
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                if group[i] != group[j]:
                    all_a.append(group[i])
                    all_b.append(group[j])
    with DuckDBEngine(threads=1) as eng:
        eng.register("members", members)
        star_edges(eng, "members", "stars")
        stars = eng.to_arrow("SELECT a, b FROM stars")
        assert stars.num_rows < len(all_a)  # O(n), not O(n^2)
        star = _sql_labels(eng, stars.column("a").to_pylist(), stars.column("b").to_pylist())
    assert star == _expected(all_a, all_b)
