"""`vigil geo movement|hotspots|routes` through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from vigil.cli import geo_cmd
from vigil.geo.synthdir import truth_scan_dir
from vigil.synth import generate

FIX = Path(__file__).parents[1] / "fixtures" / "geo"
runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    geo_cmd.register(app)

    @app.callback()
    def _root() -> None:
        """root"""

    return app


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("geo-cli")
    generate(4000, seed=2, out_dir=out)
    return out, truth_scan_dir(out, out / "results")


def test_movement_prints_tables_json_and_a_map(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    _, results = corpus
    png = tmp_path / "move.png"
    res = runner.invoke(_app(), ["geo", "movement", "--in", str(results), "--out", str(png)])
    assert res.exit_code == 0, res.output
    assert "networks in" in res.output and "itineraries" in res.output
    assert png.read_bytes().startswith(b"\x89PNG")
    res = runner.invoke(_app(), ["geo", "movement", "--in", str(results), "--json"])
    payload = json.loads(res.output)
    assert payload["itineraries"] and payload["graph"]["nodes"]
    visit = payload["itineraries"][0]["visits"][0]
    assert {"city", "lat", "lon", "first_seen", "last_seen", "posts", "identifiers"} <= set(visit)


def test_hotspots_scores_against_the_plan(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    out, results = corpus
    args = [
        "geo",
        "hotspots",
        "--in",
        str(results),
        "--truth",
        str(out / "plan.json"),
        "--out",
        str(tmp_path / "h.svg"),
        "--chart",
        str(tmp_path / "c.png"),
    ]
    res = runner.invoke(_app(), args)
    assert res.exit_code == 0, res.output
    assert "place-window tests" in res.output and "planted hotspot" in res.output
    assert (tmp_path / "h.svg").exists() and (tmp_path / "c.png").exists()
    res = runner.invoke(
        _app(),
        [
            "geo",
            "hotspots",
            "--in",
            str(results),
            "--json",
            "--metric",
            "high_risk_posts",
            "--alpha",
            "0.5",
        ],
    )
    payload = json.loads(res.output)
    assert payload["report"]["params"]["metric"] == "high_risk_posts"
    for flag in payload["report"]["flags"]:
        assert {"observed", "expected", "p_value", "q_value"} <= set(flag)


def test_routes_imports_both_formats(tmp_path: Path) -> None:
    res = runner.invoke(
        _app(),
        [
            "geo",
            "routes",
            "--import",
            str(FIX / "glotip_export.xlsx"),
            "--import",
            str(FIX / "ctdc_kanon.csv"),
            "--out",
            str(tmp_path / "r.png"),
            "--trends",
            str(tmp_path / "t.svg"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "Mexico (MEX)" in res.output and "0-4" in res.output
    assert "left out: GLOTIP category 'Other'" in res.output
    assert "routes that appear or grow" in res.output
    assert (tmp_path / "r.png").exists() and (tmp_path / "t.svg").exists()
    res = runner.invoke(
        _app(),
        [
            "geo",
            "routes",
            "--import",
            str(FIX / "ctdc_synthetic.csv"),
            "--form",
            "forced labour",
            "--json",
        ],
    )
    payload = json.loads(res.output)
    assert {(t["origin"], t["destination"]) for t in payload["selected"]} == {
        ("MEX", "USA"),
        ("BLR", "RUS"),
    }
    assert payload["selected"][0]["count"] == {"lo": 1, "hi": 1}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["routes", "--import", str(FIX / "bad_glotip_year.csv")], "bad_glotip_year.csv:3:10"),
        (["routes", "--import", str(FIX / "glotip_export.csv"), "--format", "x"], "--format"),
        (["routes", "--import", str(FIX / "glotip_export.csv"), "--out", "m.jpg"], ".png or .svg"),
        (["hotspots", "--in", str(FIX), "--metric", "posts"], "--metric"),
        (["hotspots", "--in", str(FIX)], "posts.parquet: missing"),
        (["movement", "--in", str(FIX)], "posts.parquet: missing"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    res = runner.invoke(_app(), ["geo", *args])
    assert res.exit_code == 2
    assert message in res.output
    assert "Traceback" not in res.output
