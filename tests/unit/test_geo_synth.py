"""The movement planted by `vigil synth`: plan.json, circuits and the emerging hotspot."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import orjson
import pytest

from vigil.synth import Record, SynthRun, generate, iter_records, networks
from vigil.synth.networks import HOTSPOT_NETWORKS


def test_plan_json_records_routes_and_the_hotspot(tmp_path: Path) -> None:
    summary = generate(3000, seed=4, out_dir=tmp_path)
    assert summary.plan_path == tmp_path / "plan.json"
    plan = orjson.loads(summary.plan_path.read_bytes())
    assert plan["seed"] == 4 and plan["posts"] == 3000 and plan["window_days"] == 182
    routes = {n["id"]: n for n in plan["networks"]}
    # every network ad is posted where its route says the network was that day
    stops = {
        nid: [
            (s["location"], date.fromisoformat(s["start"]), date.fromisoformat(s["end"]))
            for s in n["route"]
        ]
        for nid, n in routes.items()
    }
    seen = 0
    for line_post, line_truth in zip(
        (tmp_path / "posts.jsonl").read_bytes().splitlines(),
        (tmp_path / "truth.jsonl").read_bytes().splitlines(),
        strict=True,
    ):
        truth = orjson.loads(line_truth)
        if truth["network_id"] is None:
            continue
        post = orjson.loads(line_post)
        day = date.fromisoformat(post["posted_at"][:10])
        assert any(
            loc == post["location"] and a <= day < b for loc, a, b in stops[truth["network_id"]]
        )
        seen += 1
    assert seen > 100
    for h in plan["hotspots"]:
        assert 1 <= len(h["networks"]) <= HOTSPOT_NETWORKS
        start = date.fromisoformat(h["start"])
        assert start == date.fromisoformat(plan["start_date"]) + timedelta(days=h["start_day"])
        for nid in h["networks"]:
            net = routes[nid]
            assert net["hotspot"]
            arrivals = [
                date.fromisoformat(s["start"])
                for s in net["route"]
                if s["location"] == h["location"]
            ]
            assert min(d for d in arrivals if d >= start) <= start + timedelta(days=10)
            # from its arrival on, every other stop is in the hotspot city (the last two
            # stops may keep their planned cities: see networks._set_cities)
            after = [s["location"] for s in net["route"] if date.fromisoformat(s["start"]) >= start]
            first = after.index(h["location"])
            assert after[first:-2:2] == [h["location"]] * len(after[first:-2:2])


def test_circuits_repeat_a_loop_of_three_cities() -> None:
    run = SynthRun(20000, seed=3)
    circuits = [n for n in run.plan.networks if n.circuit]
    assert circuits
    for net in circuits:
        assert len(net.route) >= 4
        if len(net.route) < 6:
            continue
        cities = [s.city for s in net.route][:-2]  # the end stop may keep its city
        assert len(set(cities)) == 3
        assert all(cities[i] == cities[i % 3] for i in range(len(cities)))
    assert len(run.plan.hotspots) == 1
    assert all(n.hotspot for n in run.plan.networks if n.id in run.plan.hotspots[0].networks)


def test_planting_is_deterministic_and_changes_only_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = generate(1500, seed=9, out_dir=tmp_path / "a")
    b = generate(1500, seed=9, out_dir=tmp_path / "b")
    for name in ("posts.jsonl", "truth.jsonl", "plan.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert a.networks == b.networks
    planted = list(iter_records(6000, 3))
    # the same run without circuits and hotspot: only places (and city names) differ
    monkeypatch.setattr(networks, "_plant_circuits", lambda *args: None)
    monkeypatch.setattr(networks, "_plant_hotspot", lambda *args: None)
    plain = list(iter_records(6000, 3))

    def fixed(r: Record) -> tuple[object, ...]:
        p = r.post
        return (
            r.truth["class"],
            r.truth["network_id"],
            p["posted_at"],
            p["images"],
            p["author"],
            p["source_id"],
            r.truth["identifiers"],
        )

    assert [fixed(r) for r in planted] == [fixed(r) for r in plain]
    moved = sum(
        x.post["location"] != y.post["location"] for x, y in zip(planted, plain, strict=True)
    )
    assert moved > 50
    assert all(
        x.truth["network_id"]
        for x, y in zip(planted, plain, strict=True)
        if x.post["location"] != y.post["location"]
    )
