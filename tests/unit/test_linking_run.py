"""link() on small hand-made scan directories: links, hubs, explanations, images."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from PIL import Image, ImageDraw

from vigil.linking import LinkParams, link
from vigil.linking.inputs import IDENTIFIERS_SCHEMA
from vigil.linking.scandir import write_scan_dir

T0 = datetime(2026, 1, 1, tzinfo=UTC)
FILLER = (
    "{name} is a sweet and fun girl just arrived in {city} this week only call now for "
    "the best time in town real pics no games serious clients only ask about specials"
)


def post(
    pid: str,
    body: str,
    *,
    day: int = 0,
    city: str = "Houston, TX",
    images: list[str] | None = None,
    risk: float | None = None,
) -> dict[str, Any]:
    return {
        "id": pid,
        "platform": "test",
        "posted_at": T0 + timedelta(days=day),
        "location": city,
        "title_text": "",
        "body_text": body,
        "images": images or [],
        "risk": risk,
        "author": None,
    }


def ident(pid: str, kind: str, value: str, body: str = "", raw: str = "") -> dict[str, Any]:
    start = body.find(raw) if raw else -1
    return {
        "post_id": pid,
        "field": "body",
        "kind": kind,
        "value": value,
        "raw": raw or value,
        "start": start,
        "end": start + len(raw) if start >= 0 else -1,
        "confidence": 1.0,
        "attrs_json": "{}",
    }


def scan_dir(tmp: Path, posts: list[dict[str, Any]], idents: list[dict[str, Any]]) -> Path:
    return write_scan_dir(
        pa.Table.from_pylist(posts), pa.Table.from_pylist(idents, schema=IDENTIFIERS_SCHEMA), tmp
    )


def partition(result_dir: Path) -> list[set[str]]:
    import pyarrow.parquet as pq

    groups: dict[str, set[str]] = {}
    for r in pq.read_table(result_dir / "post_clusters.parquet").to_pylist():
        groups.setdefault(r["cluster_id"], set()).add(r["post_id"])
    return sorted(groups.values(), key=min)


def test_identifiers_link_and_hub_stats(tmp_path: Path) -> None:
    posts = [
        post(f"p{i}", f"ad number {i}", day=i, city=c)
        for i, c in enumerate(["Houston, TX", "Dallas, TX", "Austin, TX", "Houston, TX"])
    ]
    posts.append(post("p9", "unrelated"))
    idents = [
        ident("p0", "phone", "+12125550100"),
        ident("p1", "phone", "+12125550100"),
        ident("p2", "phone", "+12125550100"),
        ident("p2", "email", "a@example.com"),
        ident("p3", "email", "a@example.com"),
        ident("p9", "url", "https://x.example/1"),
        ident("p3", "url", "https://x.example/1"),  # urls never link
        ident("p0", "age", "19"),
        ident("p1", "age", "21"),
    ]
    result = link(scan_dir(tmp_path, posts, idents))
    assert partition(tmp_path) == [{"p0", "p1", "p2", "p3"}]
    (cluster,) = result.clusters.to_pylist()
    assert cluster["size"] == 4 and cluster["n_cities"] == 3 and cluster["n_ages"] == 2
    shared = {(s["kind"], s["value"]): s["posts"] for s in cluster["shared_identifiers"]}
    assert shared == {("phone", "+12125550100"): 3, ("email", "a@example.com"): 2}
    import pyarrow.parquet as pq

    hubs = {
        (h["kind"], h["value"]): h
        for h in pq.read_table(tmp_path / "identifier_hubs.parquet").to_pylist()
    }
    phone = hubs[("phone", "+12125550100")]
    assert (phone["posts"], phone["cities"]) == (3, 3)
    assert phone["first_seen"] == T0 and phone["last_seen"] == T0 + timedelta(days=2)


def test_cluster_explains_itself(tmp_path: Path) -> None:
    posts = [post(f"p{i}", f"ad {i}") for i in range(4)]
    idents = [
        ident("p0", "phone", "+1"),
        ident("p1", "phone", "+1"),
        ident("p1", "handle", "kik:x"),
        ident("p2", "handle", "kik:x"),
    ]
    result = link(scan_dir(tmp_path, posts, idents))
    (cluster,) = result.clusters.to_pylist()
    edges = result.explain(cluster["cluster_id"])
    assert {(e["post_a"], e["post_b"], e["kind"], e["evidence"]) for e in edges} == {
        ("p1", "p0", "phone", "+1"),
        ("p2", "p1", "handle", "kik:x"),
    }
    assert cluster["cluster_id"] == result.top(1)[0]["cluster_id"]


def test_hub_buckets_are_star_linked_and_never_silently_capped(tmp_path: Path) -> None:
    posts = [post(f"p{i:03d}", f"ad {i}") for i in range(60)]
    idents = [ident(f"p{i:03d}", "phone", "+1hub") for i in range(60)]
    result = link(scan_dir(tmp_path, posts, idents))
    assert result.run["new_edges"]["phone"] == 59  # a star, not 1,770 pairs
    assert result.clusters.column("size").to_pylist() == [60]
    capped = link(tmp_path, LinkParams(max_bucket_posts=50), incremental=False)
    assert capped.clusters.num_rows == 0
    assert capped.run["skipped_hubs"] == [{"kind": "phone", "value": "+1hub", "posts": 60}]


def test_near_duplicate_text_links_and_template(tmp_path: Path) -> None:
    names = ["Anna", "Maria", "Lola", "Jade", "Mia", "Zoe"]
    cities = ["Houston", "Dallas", "Austin"]
    posts = [
        post(
            f"t{i}",
            FILLER.format(name=n, city=cities[i % 3]) + " " + FILLER.format(name="", city=""),
        )
        for i, n in enumerate(names)
    ]
    posts += [post(f"x{i}", FILLER.format(name=n, city="Reno")) for i, n in enumerate(names[:2])]
    posts.append(post("z0", "completely different words about renting a sunny flat downtown " * 3))
    idents = [ident(f"t{i}", "phone", "+1net") for i in range(6)]
    result = link(scan_dir(tmp_path, posts, idents), LinkParams(bands=16, rows=8))
    groups = partition(tmp_path)
    assert {"t0", "t1", "t2", "t3", "t4", "t5"} <= groups[0]
    assert all("z0" not in g for g in groups)
    cluster = result.clusters.to_pylist()[0]
    (tmpl,) = [t for t in cluster["templates"] if t["posts"] >= 6]
    types = {s["type"]: s["distinct"] for s in tmpl["slots"]}
    assert types.get("name", 0) >= 4
    assert "{name}" in tmpl["template"] and "sweet and fun girl" in tmpl["template"]
    run = json.loads((tmp_path / "link_run.json").read_text())
    assert run["params"]["bands"] == 16 and run["params"]["seed"] == 1
    assert run["minhash"].startswith("vigil-minhash/1")


def test_strict_text_threshold_does_not_link_boilerplate_neighbours(tmp_path: Path) -> None:
    base = FILLER.format(name="Anna", city="Houston").split()
    other = list(base)
    for k in range(0, len(other), 4):  # change every 4th word: Jaccard well below 0.9
        other[k] = f"w{k}"
    posts = [post("a", " ".join(base)), post("b", " ".join(other))]
    link(scan_dir(tmp_path, posts, []))
    assert partition(tmp_path) == []


def _picture(path: Path, seed: int, *, tweak: bool = False) -> None:
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (128, 128), "white")
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.integers(0, 100, 2)
        colour = tuple(int(c) for c in rng.integers(0, 255, 3))
        draw.rectangle([int(x), int(y), int(x) + 28, int(y) + 28], fill=colour)
    if tweak:
        img = img.point(lambda v: min(255, v + 12))  # brighter, recompressed below
    img.save(path, quality=60 if tweak else 90)


def test_images_exact_and_near_matches(tmp_path: Path) -> None:
    root = tmp_path / "imgs"
    root.mkdir()
    _picture(root / "a.jpg", 1)
    (root / "a_copy.jpg").write_bytes((root / "a.jpg").read_bytes())
    _picture(root / "a_edit.jpg", 1, tweak=True)
    _picture(root / "b.jpg", 2)
    posts = [
        post("p1", "one", images=["a.jpg"]),
        post("p2", "two", images=["a_copy.jpg"]),
        post("p3", "three", images=["a_edit.jpg"]),
        post("p4", "four", images=["b.jpg"]),
        post("p5", "five", images=["missing/ref.jpg"]),
        post("p6", "six", images=["missing/ref.jpg", "../escape.jpg"]),
    ]
    d = scan_dir(tmp_path / "scan", posts, [])
    result = link(d, images_root=root)
    assert partition(d) == [{"p1", "p2", "p3"}, {"p5", "p6"}]
    kinds = {
        e["kind"] for c in result.clusters.to_pylist() for e in result.explain(c["cluster_id"])
    }
    assert {"image_sha256", "image_pdq_near", "image_ref"} <= kinds


def test_missing_posts_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="posts"):
        link(tmp_path)


def test_text_never_joins_posts_with_their_own_distinct_contacts(tmp_path: Path) -> None:
    text = FILLER.format(name="Anna", city="Houston")
    posts = [post(p, text, day=i) for i, p in enumerate(["a", "a2", "b", "x", "y"])]
    posts.append(post("z", FILLER.format(name="Mia", city="Reno")))
    posts.append(post("z2", FILLER.format(name="Mia", city="Reno")))
    posts.append(post("zc", FILLER.format(name="Mia", city="Reno")))
    idents = [
        ident("a", "phone", "+1aaa"),
        ident("a2", "phone", "+1aaa"),
        ident("b", "phone", "+1bbb"),  # its own contact: text alone must not join a and b
        ident("zc", "email", "mia@example.org"),
    ]
    result = link(scan_dir(tmp_path, posts, idents), incremental=False)
    # x and y (no contact) see two anchored components: they stay a group of their own;
    # z and z2 (no contact) see exactly one (zc's): they are attached to it
    assert partition(tmp_path) == [{"a", "a2"}, {"x", "y"}, {"z", "z2", "zc"}]
    assert result.run["text_buckets_blocked"] == 1
    loose = link(tmp_path, LinkParams(text_anchor_kinds=()), incremental=False)
    assert partition(tmp_path) == [{"a", "a2", "b", "x", "y"}, {"z", "z2", "zc"}]
    assert loose.run["text_buckets_blocked"] == 0


def test_text_links_weigh_less_in_cluster_risk(tmp_path: Path) -> None:
    cities = ["Houston, TX", "Dallas, TX", "Austin, TX", "Reno, NV", "Miami, FL"]
    text = FILLER.format(name="Anna", city="")
    posts = [post(f"t{i}", text, day=i, city=c, risk=0.2) for i, c in enumerate(cities)]
    posts += [
        post(f"p{i}", f"ad {i} " + text, day=i, city=c, risk=0.2) for i, c in enumerate(cities)
    ]
    idents = [ident(f"p{i}", "phone", "+1net") for i in range(5)]
    result = link(scan_dir(tmp_path, posts, idents), incremental=False)
    by_root = {c["root_post_id"]: c for c in result.clusters.to_pylist()}
    contact, text_only = by_root["p0"], by_root["t0"]
    assert contact["n_cities"] == text_only["n_cities"] == 5
    assert contact["link_share"] == 1.0 and text_only["link_share"] == 0.0
    assert text_only["risk_network"] == 0.0 < contact["risk_network"]
    assert text_only["risk"] < contact["risk"]


def test_incremental_run_unlinks_when_a_new_post_blocks_a_text_bucket(tmp_path: Path) -> None:
    text = FILLER.format(name="Anna", city="Houston")
    first = [post("a", text), post("x", text)]
    idents = [ident("a", "phone", "+1aaa")]
    link(scan_dir(tmp_path, first, idents))
    assert partition(tmp_path) == [{"a", "x"}]  # x attached to a's component
    second = link(
        scan_dir(tmp_path, [*first, post("b", text)], [*idents, ident("b", "phone", "+1bbb")])
    )
    assert second.run["incremental"] and second.run["new_posts"] == 1
    assert partition(tmp_path) == []  # x now sees two anchored components: no link


def test_engine_spills_under_the_results_dir_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB spills beyond ``memory_limit`` into the results directory (not ./.tmp of
    whoever runs vigil), and that directory is gone after the run."""
    import vigil.linking.run as link_run
    from vigil.engine import DuckDBEngine

    spills: list[Path] = []

    class Recording(DuckDBEngine):
        def __init__(self, *args: Any, temp_directory: str | None = None, **kw: Any) -> None:
            super().__init__(*args, temp_directory=temp_directory, **kw)
            assert temp_directory is not None
            spill = Path(temp_directory)
            spill.mkdir(parents=True)  # as DuckDB does when it spills
            (spill / "duckdb_temp_block-0.block").write_bytes(b"\0" * 1024)
            spills.append(spill)

    monkeypatch.setattr(link_run, "DuckDBEngine", Recording)
    monkeypatch.chdir(tmp_path)
    out = scan_dir(tmp_path / "r", [post("p0", "one ad"), post("p1", "another ad")], [])
    link(out)
    assert spills == [out / link_run.SPILL_DIR]
    assert not spills[0].exists() and not (tmp_path / ".tmp").exists()
