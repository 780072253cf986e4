"""The scan pipeline end to end: ingest → extract → indicators → score → results."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from vigil.cli.app import app
from vigil.evaluate.report import evaluate_results
from vigil.indicators.ml.labels import read_labels
from vigil.indicators.ml.model import active_model, load_model
from vigil.indicators.ml.train import TrainError, train
from vigil.pipeline.inputs import post_text
from vigil.pipeline.scan import scan, worklist
from vigil.settings import Settings, get_settings
from vigil.synth import generate


@pytest.fixture(scope="module")
def corpora(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("corpora")
    generate(1500, 11, root / "a")
    generate(1500, 12, root / "b")
    return root / "a", root / "b"


@pytest.fixture(scope="module")
def scanned(
    tmp_path_factory: pytest.TempPathFactory, corpora: tuple[Path, Path]
) -> tuple[Settings, Path]:
    home = tmp_path_factory.mktemp("home")
    settings = get_settings(home=home, progress=False, batch_size=500)
    out = home / "results"
    result = scan([corpora[0] / "posts.jsonl"], settings, out, formats=("parquet", "jsonl"))
    assert result.exit_code == 0
    return settings, out


def test_results_cover_every_post_with_explained_scores(scanned: tuple[Settings, Path]) -> None:
    _, out = scanned
    posts = pq.read_table(out / "posts.parquet").to_pylist()
    assert len(posts) == 1500
    risks = [p["risk"] for p in posts]
    assert risks == sorted(risks, reverse=True)  # the worklist order
    flagged = [p for p in posts if p["band"] != "low"]
    assert flagged, "a synthetic corpus always has posts to review"
    for p in flagged:
        assert 0.0 <= p["risk"] <= 1.0
        assert p["hits"], "a flagged post always says why"
        text, _ = post_text(p["title_text"], p["body_text"])
        for hit in p["hits"]:
            if hit["start"] >= 0:
                assert text[hit["start"] : hit["end"]] == hit["matched"]
            assert hit["source"]
    assert len(json.loads((out / "posts.jsonl").read_text().splitlines()[0])["hits"]) >= 0


def test_identifiers_are_exported_with_field_offsets(scanned: tuple[Settings, Path]) -> None:
    _, out = scanned
    con = duckdb.connect()
    rows = con.execute(
        f'SELECT i.field, i.start, i."end", i.raw, p.title_text, p.body_text '
        f"FROM '{out}/identifiers.parquet' i JOIN '{out}/posts.parquet' p USING (post_id)"
    ).fetchall()
    assert len(rows) > 1000
    for field, start, end, raw, title, body in rows:
        assert (title if field == "title" else body)[start:end] == raw


def test_rescan_is_idempotent(scanned: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, out = scanned
    again = scan([], settings, tmp_path / "again")
    assert again.pipeline.identifiers.parts_done == 0  # nothing recomputed
    assert again.pipeline.scores.parts_done == 0
    assert again.pipeline.bands is not None and again.pipeline.bands.parts_done == 0
    first = pq.read_table(out / "posts.parquet").select(["post_id", "risk", "band"])
    second = pq.read_table(tmp_path / "again" / "posts.parquet").select(["post_id", "risk", "band"])
    assert first.equals(second)


def test_worklist_is_the_top_of_review_and_high(scanned: tuple[Settings, Path]) -> None:
    _, out = scanned
    rows = worklist(out, limit=5)
    assert len(rows) == 5
    assert all(r["band"] in ("review", "high") for r in rows)


def test_catalogue_meets_goals_on_synthetic_truth(
    scanned: tuple[Settings, Path], corpora: tuple[Path, Path]
) -> None:
    _, out = scanned
    report = evaluate_results(corpora[0] / "truth.jsonl", out, plot=True)
    scoring = report["scoring"]
    assert scoring["posts"] == 1500
    assert all(g["met"] for g in scoring["goals"].values()), scoring["goals"]
    assert (out / "evaluation.png").stat().st_size > 10_000
    assert json.loads((out / "evaluation.json").read_text())["scoring"]["posts"] == 1500


def test_train_then_score_held_out(tmp_path: Path, corpora: tuple[Path, Path]) -> None:
    a, b = corpora
    settings = get_settings(home=tmp_path / "home", progress=False)
    scan([a / "posts.jsonl", b / "posts.jsonl"], settings, tmp_path / "r0")
    report = train(settings.lake_dir, settings.models_dir, read_labels(a / "truth.jsonl"), seed=1)
    assert report.matched == 1500 and report.active
    model = active_model(settings.models_dir)
    assert model is not None and model.id == report.model_id
    reloaded = load_model(report.path)
    assert (reloaded.text_coef == model.text_coef).all()
    result = scan([], settings, tmp_path / "r1")
    assert result.pipeline.scores.parts_done > 0  # a new model rescored the lake
    posts = pq.read_table(tmp_path / "r1" / "posts.parquet").to_pylist()
    assert all(p["model_risk"] is not None for p in posts)
    for p in posts:  # the model's probability, raised only by network evidence
        if p["shared_contact_ads"] is None:
            assert p["risk"] == p["model_risk"]
        else:
            assert p["risk"] >= p["model_risk"]
    held_out = evaluate_results(b / "truth.jsonl", tmp_path / "r1", plot=False)["scoring"]
    assert held_out["posts"] == 1500
    assert held_out["roc_auc"] > 0.95


def test_train_refuses_labels_it_cannot_use(tmp_path: Path, scanned: tuple[Settings, Path]) -> None:
    settings, _ = scanned
    labels = tmp_path / "labels.jsonl"
    labels.write_text(
        '{"post_id": "nope", "label": true}\nnot json\n{"post_id": "x", "label": "maybe"}\n'
    )
    read = read_labels(labels)
    assert [line for line, _ in read.rejected] == [2, 3]
    with pytest.raises(TrainError, match="at least"):
        train(settings.lake_dir, tmp_path / "models", read)


def test_cli_scan_evaluate_and_rules(
    scanned: tuple[Settings, Path], corpora: tuple[Path, Path]
) -> None:
    settings, out = scanned
    runner = CliRunner()
    home = ["--home", str(settings.home)]
    r = runner.invoke(app, ["scan", "--out", str(out), "--top", "3", *home])
    assert r.exit_code == 0, r.output
    assert "top 3 of the worklist" in r.output
    r = runner.invoke(
        app,
        [
            "evaluate",
            "--truth",
            str(corpora[0] / "truth.jsonl"),
            "--results",
            str(out),
            "--json",
            "--no-plot",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["scoring"]["posts"] == 1500
    r = runner.invoke(app, ["rules", "diff", "--disable", "third_person", "--json", *home])
    assert r.exit_code == 0, r.output
    changes = {c["id"]: c for c in json.loads(r.output)["indicators"]}
    assert changes["third_person"]["fired_b"] == 0 and changes["third_person"]["removed"]
    r = runner.invoke(app, ["rules", "diff", "--disable", "no_such_rule", *home])
    assert r.exit_code == 2
    r = runner.invoke(app, ["scan", "--out", str(out), "--output", "xml", *home])
    assert r.exit_code == 2


def test_network_indicators_amplify_but_never_flag_alone(scanned: tuple[Settings, Path]) -> None:
    _, out = scanned
    posts = pq.read_table(out / "posts.parquet").to_pylist()
    network = {"shared_contact_many_ads", "shared_contact_many_cities"}
    with_net = [p for p in posts if any(h["indicator_id"] in network for h in p["hits"])]
    assert with_net, "synthetic networks share phones across many ads"
    for p in with_net:
        assert p["shared_contact_ads"] is not None
        net_hits = [h for h in p["hits"] if h["indicator_id"] in network]
        assert all(h["start"] == -1 for h in net_hits)  # features, not words
        if len(net_hits) == len(p["hits"]):  # no other evidence: never flagged by network alone
            assert p["band"] == "low" and p["risk"] == p["catalogue_risk"] == 0.0
    amplified = [p for p in with_net if len(p["hits"]) > 2]
    assert any(p["band"] == "high" for p in amplified)


def test_parallel_stage_equals_sequential(tmp_path: Path, corpora: tuple[Path, Path]) -> None:
    from functools import partial

    from vigil.ingest import ingest_files
    from vigil.lake import Lake
    from vigil.lake.derived import run_stage
    from vigil.pipeline.stages import extraction_stage

    tables: dict[int, list[pa.Table]] = {}
    for workers in (1, 2):
        settings = get_settings(home=tmp_path / f"w{workers}", batch_size=250, progress=False)
        ingest_files([corpora[1] / "posts.jsonl"], settings)
        factory = partial(extraction_stage, "US")
        with Lake(settings.lake_dir) as lake:
            result = run_stage(lake, factory(), factory=factory, workers=workers)
            assert result.parts_done == 6
            tables[workers] = [  # part names hold the run id, so compare in part order
                pq.read_table(settings.lake_dir / "identifiers" / p.name) for p in lake.part_files()
            ]
    assert len(tables[1]) == len(tables[2]) == 6
    assert all(a.equals(b) for a, b in zip(tables[1], tables[2], strict=True))


def test_pipeline_band_rows_link_as_hashing_in_link(
    scanned: tuple[Settings, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan hashes texts in its pipeline workers (the lake's ``bands`` stage) and
    extracts templates in a process pool: the same results as hashing in link()."""
    import shutil

    import vigil.linking.run as link_run
    from vigil.lake import Lake
    from vigil.lake.derived import stage_dir
    from vigil.linking import LinkParams, link
    from vigil.linking.textlink import BandFiles, bands_key

    settings, out = scanned
    with Lake(settings.lake_dir) as lake:
        parts = lake.part_files()
        bands_dir = stage_dir(lake, "bands")
    assert sorted(p.name for p in bands_dir.glob("part-*.parquet")) == [p.name for p in parts]
    params = LinkParams()
    files = BandFiles(str(bands_dir / "part-*.parquet"), bands_key(params))
    dirs = {}
    for name in ("pre", "own"):
        dirs[name] = tmp_path / name
        dirs[name].mkdir()
        for f in ("posts.parquet", "identifiers.parquet"):
            shutil.copy(out / f, dirs[name] / f)
    monkeypatch.setattr(link_run, "TEMPLATE_POOL_MIN", 0)
    monkeypatch.setattr(link_run, "TEMPLATE_CHUNK", 200)  # several chunks in flight
    pre = link(dirs["pre"], params, bands=files, incremental=False)
    monkeypatch.setattr(link_run, "TEMPLATE_POOL_MIN", 10**9)
    own = link(dirs["own"], params, incremental=False)
    assert pre.run["text_posts"] == own.run["text_posts"] > 0
    for f in ("clusters.parquet", "edges.parquet", "post_clusters.parquet"):
        a, b = pq.read_table(dirs["pre"] / f), pq.read_table(dirs["own"] / f)
        assert a.num_rows > 0 and a.equals(b), f
    with pytest.raises(ValueError, match="cannot serve"):
        link(dirs["pre"], LinkParams(seed=2), bands=files)


def test_scan_without_linking_hashes_no_texts(corpora: tuple[Path, Path], tmp_path: Path) -> None:
    settings = get_settings(home=tmp_path / "home", progress=False, batch_size=500)
    result = scan([corpora[1] / "posts.jsonl"], settings, tmp_path / "out", link=False)
    assert result.pipeline.bands is None and result.links is None
    assert not (settings.lake_dir / "bands").exists()
    # a later linking scan hashes the parts it finds without bands, and only those
    linked = scan([], settings, tmp_path / "out2")
    assert linked.pipeline.scores.parts_done == 0
    assert linked.pipeline.bands is not None
    assert linked.pipeline.bands.parts_done == linked.pipeline.identifiers.parts_skipped > 0
    assert linked.links is not None and linked.links.run["text_posts"] > 0
