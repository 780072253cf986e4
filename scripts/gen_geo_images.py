"""Draw the pictures of docs/geo.md (docs/img/geo-*.png) and print the figures quoted there.

Usage: python scripts/gen_geo_images.py [--posts N] [--seed S] [--truth-linked]
       python scripts/gen_geo_images.py --evaluate [--posts N] [--seeds K]

Default: ``vigil synth`` (N = 20,000 posts, seed 5), then the real ``vigil scan``
(extraction, scoring, linking) in a temporary data home, then movement and hotspot
maps of its results. ``--truth-linked`` skips the scan and uses the planted
networks as clusters (:mod:`vigil.geo.synthdir`). Route pictures are drawn from the
hand-made fixtures in tests/fixtures/geo (invented numbers).

``--evaluate`` scores hotspot detection on K seeds (truth-linked, every metric) and
prints the table of docs/geo.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

from vigil.geo.evaluate import score_hotspots
from vigil.geo.hotspots import HotspotParams, detect
from vigil.geo.maps import (
    draw_hotspot_chart,
    draw_hotspots,
    draw_movement,
    draw_route_trends,
    draw_routes,
)
from vigil.geo.movement import build_itineraries, movement_graph
from vigil.geo.results import load_scan
from vigil.geo.routes import load_flows, routes, top_routes
from vigil.geo.synthdir import truth_scan_dir
from vigil.synth import generate

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
FIX = ROOT / "tests" / "fixtures" / "geo"
VIGIL = [sys.executable, "-m", "vigil"]


def _scan(corpus: Path, work: Path) -> Path:
    env = {**os.environ, "VIGIL_HOME": str(work / "home")}
    out = work / "results"
    subprocess.run(  # noqa: S603 (our own interpreter and temporary paths)
        [*VIGIL, "scan", str(corpus / "posts.jsonl"), "--out", str(out), "--top", "0"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return out


def pictures(posts: int, seed: int, truth_linked: bool) -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = work / "corpus"
        generate(posts, seed, corpus)
        results = truth_scan_dir(corpus, work / "results") if truth_linked else _scan(corpus, work)
        data = load_scan(results)
        items = build_itineraries(data, min_risk=0.5)
        graph = movement_graph(items)
        print(
            f"movement: {len(items)} networks, {len(graph.nodes)} cities, "
            f"{sum(e.moves for e in graph.edges)} moves, {len(graph.circuits)} circuits, "
            f"{len(graph.corridors)} corridors"
        )
        draw_movement(graph, items, IMG / "geo-movement.png")
        for metric in ("new_clusters", "active_networks", "high_risk_posts"):
            report = detect(data, HotspotParams(metric=metric))  # type: ignore[arg-type]
            (score,) = score_hotspots(report, corpus / "plan.json")
            print(
                f"hotspots {metric}: planted {score.place} from {score.start}; "
                f"delay {score.delay_days} days; flags {len(report.flags)}; "
                f"false alarms {score.false_alarms} of {report.tests} tests"
            )
            if metric == "new_clusters":
                draw_hotspots(report, IMG / "geo-hotspots.png")
                draw_hotspot_chart(
                    report,
                    IMG / "geo-hotspot-chart.png",
                    places=[score.place],
                    onsets={score.place: score.start},
                )
    report = routes(FIX / "glotip_export.csv")
    draw_routes(report.top, IMG / "geo-routes.png", title="Top routes (GLOTIP fixture, invented)")
    draw_route_trends(report, IMG / "geo-route-trends.png", top=3)
    flows, _ = load_flows([FIX / "ctdc_synthetic.csv", FIX / "ctdc_kanon.csv"])
    draw_routes(
        top_routes(flows, 10, form="sexual exploitation"),
        IMG / "geo-routes-ctdc.png",
        title="CTDC fixtures (invented): sexual exploitation",
    )
    for p in sorted(IMG.glob("geo-*.png")):
        print(f"wrote {p.relative_to(ROOT)}")


def evaluate(posts: int, seeds: int) -> None:
    print("| seed | planted | networks | metric | detected after (days) | false alarms / tests |")
    print("|---:|---|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(1, seeds + 1):
            corpus = Path(tmp) / f"s{seed}"
            generate(posts, seed, corpus)
            data = load_scan(truth_scan_dir(corpus, corpus / "results"))
            plan = orjson.loads((corpus / "plan.json").read_bytes())
            nets = len(plan["hotspots"][0]["networks"]) if plan["hotspots"] else 0
            for metric in ("new_clusters", "active_networks", "high_risk_posts"):
                report = detect(data, HotspotParams(metric=metric))  # type: ignore[arg-type]
                for s in score_hotspots(report, corpus / "plan.json"):
                    delay = s.delay_days if s.delay_days is not None else "missed"
                    print(
                        f"| {seed} | {s.place} {s.start} | {nets} | {metric} | {delay} | "
                        f"{s.false_alarms} / {report.tests:,} |"
                    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--truth-linked", action="store_true")
    parser.add_argument("--evaluate", action="store_true")
    args = parser.parse_args(argv)
    if args.evaluate:
        evaluate(args.posts, args.seeds)
    else:
        pictures(args.posts, args.seed, args.truth_linked)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
