"""The queue fed from real scan results: flagged posts, clusters, watch alerts, tip links;
and the CLI end to end."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from vigil.cli.app import app
from vigil.pipeline.scan import scan
from vigil.settings import get_settings
from vigil.store import make_engine, session_factory, upgrade
from vigil.synth import generate
from vigil.workflow.actor import Actor
from vigil.workflow.errors import Forbidden, InvalidInput
from vigil.workflow.feed import feed_results
from vigil.workflow.queue import list_items
from vigil.workflow.tables import Alert, Tip, Watch
from vigil.workflow.tips.form import parse_tip_form
from vigil.workflow.tips.service import submit_tip
from vigil.workflow.watch import add_watch, alerts_for

ANALYST = Actor.of("ana", ["analyst"])
INVESTIGATOR = Actor.of("ines", ["investigator"], ["north"])
REVIEWER = Actor.of("rita", ["reviewer"])


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scan")
    generate(250, 7, root / "corpus")
    settings = get_settings(home=root / "home", progress=False, batch_size=500, workers=1)
    scan([root / "corpus" / "posts.jsonl"], settings, root / "results")
    return root / "results"


@pytest.fixture
def sessions(workbench_url: str) -> Iterator[sessionmaker[Session]]:
    upgrade(workbench_url)
    engine = make_engine(workbench_url)
    yield session_factory(engine)
    engine.dispose()


def _phone_posts(results: Path) -> tuple[str, str, set[str]]:
    """A phone shared by several posts: (value, raw as written, the posts)."""
    rows = pq.read_table(results / "identifiers.parquet").to_pylist()
    by_value: dict[str, set[str]] = {}
    raw: dict[str, str] = {}
    for r in rows:
        if r["kind"] == "phone":
            by_value.setdefault(r["value"], set()).add(r["post_id"])
            raw[r["value"]] = r["raw"]
    value = max(by_value, key=lambda v: (len(by_value[v]), v))
    return value, raw[value], by_value[value]


def test_feed_queues_flagged_posts_and_risky_clusters_once(
    sessions: sessionmaker[Session], results: Path
) -> None:
    posts = pq.read_table(results / "posts.parquet", columns=["post_id", "band"]).to_pylist()
    flagged = {p["post_id"] for p in posts if p["band"] in ("review", "high")}
    clusters = pq.read_table(results / "clusters.parquet", columns=["cluster_id", "risk"])
    risky = {c["cluster_id"] for c in clusters.to_pylist() if c["risk"] >= 0.35}
    assert flagged and risky
    with sessions.begin() as s, pytest.raises(Forbidden, match=r"posts\.ingest"):
        feed_results(s, REVIEWER, results)
    with sessions.begin() as s:
        report = feed_results(s, ANALYST, results, min_cluster_risk=0.35)
        assert (report.posts, report.clusters, report.alerts) == (len(flagged), len(risky), 0)
        assert sum(report.by_queue.values()) == len(flagged) + len(risky)
    with sessions.begin() as s:
        again = feed_results(s, ANALYST, results, min_cluster_risk=0.35)
        assert (again.posts, again.clusters, again.already_queued) == (
            0,
            0,
            len(flagged) + len(risky),
        )
    with sessions() as s:
        items = list_items(s, REVIEWER, limit=10_000)
        assert {i.subject_id for i in items if i.subject_type == "post"} == flagged
        keys = [(i.priority, i.due_at) for i in items]
        assert keys == sorted(keys)


def test_watches_alert_once_on_new_matches(sessions: sessionmaker[Session], results: Path) -> None:
    value, raw, phone_posts = _phone_posts(results)
    cluster = pq.read_table(results / "post_clusters.parquet").to_pylist()[0]
    cluster_posts = {
        r["post_id"]
        for r in pq.read_table(results / "post_clusters.parquet").to_pylist()
        if r["cluster_id"] == cluster["cluster_id"]
    }
    with sessions.begin() as s:
        phone = add_watch(s, INVESTIGATOR, kind="phone", value=raw, reason="known recruiter")
        assert phone.value == value  # normalised like the extractor's
        add_watch(s, INVESTIGATOR, kind="cluster", value=cluster["cluster_id"], reason="net A")
        expired = add_watch(s, INVESTIGATOR, kind="phone", value=raw, reason="old", days=1)
        expired.expires_at -= timedelta(days=2)
        with pytest.raises(InvalidInput, match="reason"):
            add_watch(s, INVESTIGATOR, kind="phone", value=raw, reason=" ")
    with sessions.begin() as s:
        report = feed_results(s, ANALYST, results)
        assert report.alerts == len(phone_posts) + len(cluster_posts)
        by_watch: dict[str, set[str]] = {}
        for alert in s.scalars(select(Alert)):
            by_watch.setdefault(alert.watch_id, set()).add(alert.post_id)
        assert by_watch[phone.id] == phone_posts
        assert expired.id not in by_watch
    with sessions.begin() as s:
        assert feed_results(s, ANALYST, results).alerts == 0  # nothing new
        mine = alerts_for(s, INVESTIGATOR, unseen_only=True, mark_seen=True)
        assert len(mine) == len(phone_posts) + len(cluster_posts)
        assert alerts_for(s, INVESTIGATOR, unseen_only=True) == []
        assert alerts_for(s, Actor.of("other", ["investigator"])) == []
        assert {w.owner for w in s.scalars(select(Watch))} == {"ines"}


def test_tips_link_to_posts_and_clusters_sharing_identifiers(
    sessions: sessionmaker[Session], results: Path
) -> None:
    _, raw, phone_posts = _phone_posts(results)
    members = {
        r["post_id"]: r["cluster_id"]
        for r in pq.read_table(results / "post_clusters.parquet").to_pylist()
    }
    with sessions.begin() as s:
        feed_results(s, ANALYST, results)  # records the results the tips link against
        form = parse_tip_form({"what": f"A woman said her boss holds her passport, call {raw}."})
        done = submit_tip(s, form)
        tip = s.get(Tip, done.tip_id)
        assert tip is not None
        assert set(tip.linked_posts) == phone_posts
        assert set(tip.linked_clusters) == {members[p] for p in phone_posts if p in members}
        unrelated = submit_tip(s, parse_tip_form({"what": "Nothing to link in this tip at all."}))
        other = s.get(Tip, unrelated.tip_id)
        assert other is not None and other.linked_posts == [] and other.linked_clusters == []


def _json(result: object) -> object:
    out = result.stdout  # type: ignore[attr-defined]
    return orjson.loads(out)


def test_cli_review_case_and_victim_flow(
    tmp_path: Path, results: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.auth.accounts import create_user

    home = tmp_path / "home"
    monkeypatch.setenv("VIGIL_HOME", str(home))
    settings = get_settings(home=home)
    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine).begin() as s:
        pw = "correct horse battery staple 42"
        create_user(s, "ana", pw, ["analyst"])
        create_user(s, "rita", pw, ["reviewer"])
        create_user(s, "ines", pw, ["investigator"], teams=["north"])
        create_user(s, "otto", pw, ["investigator"], teams=["south"])
    engine.dispose()
    run = CliRunner().invoke

    r = run(app, ["queue", "ingest", str(results), "--as", "ana", "--json"])
    assert r.exit_code == 0, r.output
    assert run(app, ["queue", "ingest", str(results), "--as", "rita"]).exit_code == 1
    assert run(app, ["queue", "list"]).exit_code == 2  # who acts must be said
    r = run(app, ["queue", "claim", "--as", "rita", "--json"])
    assert r.exit_code == 0, r.output
    item = _json(r)["id"]  # type: ignore[index]
    r = run(
        app,
        [
            "queue",
            "decide",
            item,
            "--as",
            "rita",
            "--action",
            "open_case",
            "--reason",
            "sex_trafficking",
            "--team",
            "north",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    case = _json(r)["case_id"]  # type: ignore[index]
    r = run(
        app,
        [
            "victims",
            "add",
            case,
            "--as",
            "ines",
            "--field",
            "name=Mara Testperson",
            "--field",
            "nationality=RO",
        ],
    )
    assert r.exit_code == 0, r.output
    victim = r.stdout.split()[2]
    r = run(app, ["victims", "show", victim, "--as", "ines"])
    assert r.exit_code == 0 and "Mara Testperson" in r.stdout
    r = run(app, ["victims", "show", victim, "--as", "otto"])
    assert r.exit_code == 1 and "not on team 'north'" in r.output
    r = run(app, ["victims", "add", case, "--as", "ines", "--field", "date_of_birth=tomorrow"])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output
    assert run(app, ["case", "hold", case, "--as", "ines", "--reason", "court"]).exit_code == 0
    r = run(app, ["victims", "shred", victim, "--as", "ines", "--reason", "asked", "--yes"])
    assert r.exit_code == 1 and "legal hold" in r.output
    assert run(app, ["case", "hold", case, "--as", "ines", "--lift"]).exit_code == 0
    r = run(app, ["victims", "shred", victim, "--as", "ines", "--reason", "asked", "--yes"])
    assert r.exit_code == 0, r.output
    r = run(app, ["victims", "show", victim, "--as", "ines"])
    assert r.exit_code == 1 and "shredded" in r.output
    r = run(app, ["case", "timeline", case, "--as", "ines", "--json"])
    actions = [e["action"] for e in _json(r)]  # type: ignore[attr-defined]
    assert actions[:3] == ["queue.claim", "queue.decide", "case.open"]
    assert actions[-1] == "victim.shred"
    assert {"victim.create", "victim.read", "case.legal_hold"} <= set(actions)
    r = run(app, ["case", "facts", case, "--as", "ines"])
    assert r.exit_code == 0 and _json(r)["case_id"] == case  # type: ignore[index]
    r = run(app, ["retention", "run", "--as", "ana", "--dry-run"])
    assert r.exit_code == 1 and "accounts.manage" in r.output


def test_saved_search_watches_match_every_word(
    sessions: sessionmaker[Session], results: Path
) -> None:
    posts = pq.read_table(results / "posts.parquet", columns=["post_id", "title_text", "body_text"])
    texts = {
        p["post_id"]: f"{p['title_text'] or ''} {p['body_text'] or ''}".lower()
        for p in posts.to_pylist()
    }
    words = sorted({w for t in texts.values() for w in t.split() if w.isalpha() and len(w) > 5})
    first, second = words[0], words[-1]
    expected = {pid for pid, t in texts.items() if first in t and second in t}
    only_first = {pid for pid, t in texts.items() if first in t}
    with sessions.begin() as s:
        both = add_watch(
            s, INVESTIGATOR, kind="search", value=f"  {first.upper()}  {second} ", reason="patrol"
        )
        one = add_watch(s, INVESTIGATOR, kind="search", value=first, reason="patrol")
        assert both.value == f"{first} {second}"
        feed_results(s, ANALYST, results)
        matched = {
            w: {a.post_id for a in s.scalars(select(Alert).where(Alert.watch_id == w))}
            for w in (both.id, one.id)
        }
    assert matched[both.id] == expected
    assert matched[one.id] == only_first and only_first


def test_image_hash_watch_alerts_on_a_post_whose_image_no_other_post_shares(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    import hashlib

    from PIL import Image

    root = tmp_path / "images"
    posts = tmp_path / "posts.jsonl"
    rows = [
        {"platform": "ads.example", "source_id": str(i), "body": f"ad number {i} " * 5,
         "images": [f"img/{i}.png"]}
        for i in range(4)
    ]  # fmt: skip
    posts.write_text("\n".join(orjson.dumps(r).decode() for r in rows) + "\n")
    (root / "img").mkdir(parents=True)
    for i in range(4):
        Image.new("RGB", (32, 32), (60 * i, 10, 200 - 40 * i)).save(root / "img" / f"{i}.png")
    watched = hashlib.sha256((root / "img" / "2.png").read_bytes()).hexdigest()
    settings = get_settings(home=tmp_path / "home", progress=False, images_root=root, workers=1)
    scan([posts], settings, tmp_path / "results")
    with sessions.begin() as s:
        watch = add_watch(s, INVESTIGATOR, kind="image_hash", value=watched, reason="known photo")
    with sessions.begin() as s:
        assert feed_results(s, ANALYST, tmp_path / "results").alerts == 1
        (alert,) = s.scalars(select(Alert).where(Alert.watch_id == watch.id))
    post_ids = pq.read_table(tmp_path / "results" / "posts.parquet").to_pylist()
    assert alert.post_id == next(p["post_id"] for p in post_ids if p["source_id"] == "2")
