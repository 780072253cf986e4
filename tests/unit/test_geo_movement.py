"""Itineraries, the movement graph, circuits and corridors."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.geo.gazetteer import geocode
from vigil.geo.movement import find_loops, frames, itineraries, movement_graph
from vigil.geo.plain import plain
from vigil.geo.synthdir import truth_scan_dir
from vigil.linking.inputs import IDENTIFIERS_SCHEMA
from vigil.synth import generate


def test_loops_close_on_returns_and_ignore_rotation() -> None:
    loops = find_loops(["A", "B", "C", "A", "B", "C", "A"])
    assert [(lp.cities, lp.returns) for lp in loops] == [(("A", "B", "C"), 4)]
    assert loops[0].circuit
    back_and_forth = find_loops(["H", "D", "H"])
    assert [(lp.cities, lp.returns, lp.circuit) for lp in back_and_forth] == [
        (("D", "H"), 1, False)
    ]
    assert find_loops(["A", "B", "C", "D"]) == ()


def test_loops_are_simple_cycles() -> None:
    # C..C inside the A..A stretch: A-B-C-D-C-A closes C-D (simple) but not A-B-C-D-C.
    loops = find_loops(["A", "B", "C", "D", "C", "A"])
    assert {lp.cities for lp in loops} == {("C", "D")}


cities = st.sampled_from(["A", "B", "C", "D", "E"])


@given(st.lists(cities, min_size=1, max_size=30), st.integers(min_value=0, max_value=29))
def test_loops_are_simple_and_within_the_sequence(seq: list[str], shift: int) -> None:
    # consecutive visits are in different cities by construction
    seq = [c for i, c in enumerate(seq) if i == 0 or c != seq[i - 1]]
    loops = find_loops(seq)
    for lp in loops:
        assert len(lp.cities) >= 2 and len(set(lp.cities)) == len(lp.cities)
        assert lp.cities[0] == min(lp.cities)
        assert lp.returns >= 1
    # every return to a city visited just two steps before is a 2-city loop
    pairs = {
        tuple(sorted((seq[i], seq[i + 1]))) for i in range(len(seq) - 2) if seq[i] == seq[i + 2]
    }
    assert pairs <= {lp.cities for lp in loops}


def _dir(tmp: Path, rows: list[tuple[str, str, int, str]]) -> Path:
    """posts (id, location, day, cluster) -> a results directory with one contact each."""
    base = datetime(2026, 1, 5, 12, tzinfo=UTC)
    posts = [
        {"post_id": pid, "posted_at": base + timedelta(days=day), "location": loc, "risk": 0.9}
        for pid, loc, day, _ in rows
    ]
    pq.write_table(pa.Table.from_pylist(posts), tmp / "posts.parquet")
    members = [{"post_id": pid, "cluster_id": cid} for pid, _, _, cid in rows]
    pq.write_table(pa.Table.from_pylist(members), tmp / "post_clusters.parquet")
    clusters = sorted({cid for *_, cid in rows})
    pq.write_table(
        pa.table({"cluster_id": clusters, "risk": [0.8] * len(clusters)}), tmp / "clusters.parquet"
    )
    idents = [
        {
            "post_id": pid,
            "field": "body",
            "kind": "phone",
            "value": f"+1212555010{cid[-1]}",
            "raw": "x",
            "start": 0,
            "end": 1,
            "confidence": 1.0,
            "attrs_json": "{}",
        }
        for pid, _, _, cid in rows
    ]
    pq.write_table(
        pa.Table.from_pylist(idents, schema=IDENTIFIERS_SCHEMA), tmp / "identifiers.parquet"
    )
    return tmp


def test_itineraries_graph_corridors_from_a_hand_made_directory(tmp_path: Path) -> None:
    rows = [
        ("a1", "Houston, TX", 0, "c1"),
        ("a2", "Houston, TX", 1, "c1"),
        ("a3", "Dallas, TX", 5, "c1"),
        ("a4", "Austin, TX", 9, "c1"),
        ("a5", "Houston, TX", 14, "c1"),
        ("a6", "Dallas, TX", 18, "c1"),
        ("a7", "Austin, TX", 22, "c1"),
        ("a8", "Houston, TX", 26, "c1"),
        ("b1", "Houston, TX", 3, "c2"),
        ("b2", "Dallas, TX", 8, "c2"),
        ("b3", "Dallas, TX", 9, "c2"),
        ("z1", "Nowhere land", 3, "c2"),  # not geocoded: left out
    ]
    items = itineraries(_dir(tmp_path, rows))
    by_id = {it.cluster_id: it for it in items}
    c1 = by_id["c1"]
    assert [v.city for v in c1.visits] == ["Houston, TX", "Dallas, TX", "Austin, TX"] * 2 + [
        "Houston, TX"
    ]
    assert c1.visits[0].posts == 2 and c1.visits[0].identifiers == ("phone:+12125550101",)
    assert c1.moves == 6 and c1.cities == ("Houston, TX", "Dallas, TX", "Austin, TX")
    assert c1.loops[0].cities == ("Austin, TX", "Houston, TX", "Dallas, TX") and c1.loops[0].circuit
    c2 = by_id["c2"]
    assert [(v.city, v.posts) for v in c2.visits] == [("Houston, TX", 1), ("Dallas, TX", 2)]
    graph = movement_graph(items)
    edges = {(e.source, e.target): e for e in graph.edges}
    hd = edges[("Houston, TX", "Dallas, TX")]
    assert (hd.networks, hd.moves, hd.posts) == (2, 3, 1 + 1 + 2)
    assert [(c.city_a, c.city_b, c.networks) for c in graph.corridors] == [
        ("Dallas, TX", "Houston, TX", 2)
    ]
    assert [c.cluster_ids for c in graph.circuits] == [("c1",)]
    nodes = {n.city: n for n in graph.nodes}
    assert nodes["Houston, TX"].posts == 5 and nodes["Houston, TX"].networks == 2
    payload = orjson.loads(orjson.dumps(plain({"items": items, "graph": graph})))
    assert payload["items"][0]["visits"][0]["first_seen"].startswith("2026-01-05")


def test_min_risk_and_min_posts_filter_clusters(tmp_path: Path) -> None:
    rows = [
        ("a1", "Houston, TX", 0, "c1"),
        ("a2", "Dallas, TX", 2, "c1"),
        ("b1", "Miami, FL", 1, "c2"),
    ]
    d = _dir(tmp_path, rows)
    assert [it.cluster_id for it in itineraries(d)] == ["c1"]  # c2 has one post
    assert itineraries(d, min_risk=0.9) == []  # cluster risk is 0.8


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    corpus = tmp_path_factory.mktemp("geo-move")
    generate(6000, seed=11, out_dir=corpus)
    return corpus, truth_scan_dir(corpus, corpus / "results")


def test_itineraries_follow_the_planted_routes(synth_corpus: tuple[Path, Path]) -> None:
    corpus, results = synth_corpus
    plan = orjson.loads((corpus / "plan.json").read_bytes())
    routes = {n["id"]: n["route"] for n in plan["networks"]}
    items = itineraries(results, with_identifiers=False)
    assert {it.cluster_id for it in items} <= set(routes)
    start = date.fromisoformat(plan["start_date"])
    checked = 0
    for it in items:
        stops = [
            (geocode(s["location"]), date.fromisoformat(s["start"]), date.fromisoformat(s["end"]))
            for s in routes[it.cluster_id]
        ]
        for v in it.visits:
            # every visit lies inside a planted stop in the same city
            day = v.first_seen.date()
            assert any(c is not None and c.label == v.city and a <= day < b for c, a, b in stops), (
                it.cluster_id,
                v,
            )
            assert start <= day
            checked += 1
    assert checked > 30


def test_planted_circuits_are_found(synth_corpus: tuple[Path, Path]) -> None:
    corpus, results = synth_corpus
    plan = orjson.loads((corpus / "plan.json").read_bytes())
    graph = movement_graph(itineraries(results, with_identifiers=False))
    found: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for c in graph.circuits:
        for cid in c.cluster_ids:
            found[cid].add(frozenset(c.cities))  # type: ignore[arg-type]
    planted = [n for n in plan["networks"] if n["circuit"] and len(n["route"]) >= 6]
    assert planted, "seed 11 should plant circuits"
    hits = 0
    for n in planted:
        loop = frozenset(geocode(s["location"]).label for s in n["route"][:3])  # type: ignore[union-attr]
        hits += loop in found.get(n["id"], set())
    # a circuit is visible when the network posted in enough of its stops
    assert hits >= len(planted) // 2


def test_frames_place_each_network_per_window(tmp_path: Path) -> None:
    rows = [
        ("a1", "Houston, TX", 0, "c1"), ("a2", "Houston, TX", 1, "c1"),
        ("a3", "Dallas, TX", 8, "c1"), ("a4", "Dallas, TX", 16, "c1"),
        ("b1", "Miami, FL", 2, "c2"), ("b2", "Miami, FL", 3, "c2"),
    ]  # fmt: skip
    out = frames(itineraries(_dir(tmp_path, rows), with_identifiers=False))
    assert [f.start.isoformat() for f in out] == ["2026-01-05", "2026-01-12", "2026-01-19"]
    where = [{p.cluster_id: (p.city, p.posts) for p in f.positions} for f in out]
    assert where[0] == {"c1": ("Houston, TX", 2), "c2": ("Miami, FL", 2)}
    assert where[1] == {"c1": ("Dallas, TX", 1)}
    assert where[2] == {"c1": ("Dallas, TX", 1)}
    assert frames([]) == ()
    with pytest.raises(ValueError, match="window_days"):
        frames([], window_days=0)
