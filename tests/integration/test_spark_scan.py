"""Proof of equality: one synthetic corpus scanned by DuckDB and by Spark (local[2]).

Post scores, identifiers, edges, memberships, hub statistics and clusters must be the
same. Spark runs once per module (one SparkSession for the test session, UI off, two
shuffle partitions), through the CLI as a user runs it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from vigil.cli.app import app
from vigil.pipeline.scan import scan
from vigil.settings import get_settings
from vigil.spark.session import SparkConfig, build_session, spark_available
from vigil.synth import generate

if not spark_available():  # make test installs both; a missing one is a broken setup
    raise RuntimeError("pyspark and a Java runtime are needed: run the suite with `make test`")

POSTS = 2000
#: cluster columns that are means of floats: each engine sums in its own order, so
#: they agree to the last bits, not bit for bit (see docs/scale.md)
FLOAT_AGGREGATES = ("risk_member_mean", "risk")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    build_session(SparkConfig(shuffle_partitions=2))  # the one shared session
    root = tmp_path_factory.mktemp("spark_equality")
    generate(POSTS, 5, root / "corpus")
    posts = root / "corpus" / "posts.jsonl"
    duck = get_settings(home=root / "duck", progress=False, batch_size=500, workers=1)
    scan([posts], duck, root / "duck" / "out")
    res = CliRunner().invoke(
        app,
        [
            "scan",
            str(posts),
            "--out",
            str(root / "spark" / "out"),
            "--home",
            str(root / "spark"),
            "--engine",
            "spark",
            "--master",
            "local[2]",
            "--shuffle-partitions",
            "2",
            "--top",
            "0",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output.strip().splitlines()[-1])
    assert summary["posts"] == POSTS
    return {"duck": root / "duck" / "out", "spark": root / "spark" / "out", "root": root}


def _import_cli() -> typer.Typer:
    """The command on its own app (app.py registers it in the product)."""
    from vigil.cli import import_results_cmd

    cli = typer.Typer()

    @cli.callback()
    def _root() -> None:
        """vigil"""

    import_results_cmd.register(cli)
    return cli


def test_import_results_rejects_a_directory_without_results(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    res = CliRunner().invoke(
        _import_cli(), ["import-results", str(tmp_path / "empty"), "--home", str(tmp_path / "h")]
    )
    assert res.exit_code == 2
    assert "no posts.parquet" in " ".join(res.output.split())
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "posts.parquet").write_bytes(b"not parquet")
    res = CliRunner().invoke(
        _import_cli(), ["import-results", str(tmp_path / "bad"), "--home", str(tmp_path / "h")]
    )
    assert res.exit_code == 2
    assert "not a readable Parquet file" in " ".join(res.output.split())


def _rows(directory: Path, name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(directory / name).to_pylist()
    return rows


@pytest.mark.parametrize(
    "name",
    [
        "posts.parquet",
        "identifiers.parquet",
        "edges.parquet",
        "post_clusters.parquet",
        "identifier_hubs.parquet",
    ],
)
def test_tables_are_identical(results: dict[str, Path], name: str) -> None:
    duck, spark = _rows(results["duck"], name), _rows(results["spark"], name)
    assert duck, f"{name}: the corpus must exercise it"
    assert len(spark) == len(duck)
    for i, (a, b) in enumerate(zip(duck, spark, strict=True)):
        assert a == b, f"{name} row {i} differs"


def test_post_scores_are_identical_and_explained(results: dict[str, Path]) -> None:
    duck = {r["post_id"]: r for r in _rows(results["duck"], "posts.parquet")}
    spark = {r["post_id"]: r for r in _rows(results["spark"], "posts.parquet")}
    assert duck.keys() == spark.keys()
    flagged = [pid for pid, r in duck.items() if r["band"] != "low"]
    assert flagged
    for pid in duck:
        for col in ("risk", "band", "catalogue_risk", "hits", "shared_contact_ads"):
            assert duck[pid][col] == spark[pid][col], (pid, col)


def test_clusters_are_identical(results: dict[str, Path]) -> None:
    duck = {r["cluster_id"]: r for r in _rows(results["duck"], "clusters.parquet")}
    spark = {r["cluster_id"]: r for r in _rows(results["spark"], "clusters.parquet")}
    assert len(duck) > 10
    assert duck.keys() == spark.keys()
    for cid, a in duck.items():
        b = spark[cid]
        for col, value in a.items():
            if col in FLOAT_AGGREGATES:
                assert math.isclose(value, b[col], rel_tol=1e-12, abs_tol=1e-15), (cid, col)
            else:
                assert value == b[col], (cid, col)


def test_link_run_records_the_engine(results: dict[str, Path]) -> None:
    duck = json.loads((results["duck"] / "link_run.json").read_text())
    spark = json.loads((results["spark"] / "link_run.json").read_text())
    assert duck["engine"].startswith("duckdb") and spark["engine"].startswith("spark ")
    for key in ("params", "minhash", "clusters", "new_edges", "text_buckets_blocked", "cc_rounds"):
        assert duck[key] == spark[key], key


def test_import_results_installs_spark_results(results: dict[str, Path], tmp_path: Path) -> None:
    home = tmp_path / "home"
    res = CliRunner().invoke(
        _import_cli(), ["import-results", str(results["spark"]), "--home", str(home), "--json"]
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["engine"].startswith("spark ")
    assert report["posts"] == POSTS and report["clusters"] > 0 and report["queued"] is None
    installed = home / "results"
    for name in ("posts.parquet", "clusters.parquet", "edges.parquet", "link_run.json"):
        assert (installed / name).read_bytes() == (results["spark"] / name).read_bytes()
    manifest = json.loads((installed / "import.json").read_text())
    assert manifest["flagged"] == sum(
        1 for r in _rows(results["duck"], "posts.parquet") if r["band"] != "low"
    )


def test_spark_submit_entry_point_scores_a_lake(results: dict[str, Path], tmp_path: Path) -> None:
    from vigil.spark.submit import main

    lake = results["root"] / "spark" / "lake" / "posts" / "part-*.parquet"
    out = tmp_path / "out"
    code = main(["--posts", str(lake), "--out", str(out), "--no-link", "--checkpoint", "local"])
    assert code == 0
    assert _rows(out, "identifiers.parquet") == _rows(results["duck"], "identifiers.parquet")
    scored = {r["post_id"]: r["catalogue_risk"] for r in _rows(out, "posts.parquet")}
    plain = [r for r in _rows(results["duck"], "posts.parquet") if not r["shared_contact_ads"]]
    assert plain and all(scored[r["post_id"]] == r["catalogue_risk"] for r in plain)


def test_submit_rejects_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from vigil.spark.submit import main

    assert main(["--posts", "x", "--out", "y", "--region", "USA"]) == 2
    assert "two-letter" in capsys.readouterr().err
    assert main(["--posts", "x", "--out", "y", "--checkpoint", "reliable"]) == 2
    assert "--checkpoint-dir" in capsys.readouterr().err
