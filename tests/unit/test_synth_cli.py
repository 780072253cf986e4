"""`vigil synth` on the command line (registered on a fresh Typer app)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import typer
from typer.testing import CliRunner

from vigil.cli.synth_cmd import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def test_writes_posts_and_truth(app: typer.Typer, tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    result = CliRunner().invoke(app, ["synth", "--posts", "120", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    posts = (out / "posts.jsonl").read_bytes().splitlines()
    truth = (out / "truth.jsonl").read_bytes().splitlines()
    assert len(posts) == len(truth) == 120
    assert orjson.loads(posts[0])["source_id"] == orjson.loads(truth[0])["source_id"]
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wrote 120 posts")


def test_start_date_moves_the_window(app: typer.Typer, tmp_path: Path) -> None:
    args = ["synth", "-n", "50", "--out", str(tmp_path), "--start-date", "2030-03-04"]
    assert CliRunner().invoke(app, args).exit_code == 0
    dates = {orjson.loads(line)["posted_at"][:4] for line in (tmp_path / "posts.jsonl").open()}
    assert dates == {"2030"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--posts", "0"], "--posts must be 1 or more"),
        (["--posts", "-5"], "--posts must be 1 or more"),
        (["--posts", "10", "--start-date", "2026-13-01"], "--start-date must be YYYY-MM-DD"),
        (["--posts", "ten"], "Invalid value"),
    ],
)
def test_bad_arguments_exit_2(
    app: typer.Typer, tmp_path: Path, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["synth", *args, "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x").exists()


def test_out_must_not_be_a_file(app: typer.Typer, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    result = CliRunner().invoke(app, ["synth", "--posts", "5", "--out", str(target)])
    assert result.exit_code == 2 and "not a directory" in result.output


def test_help_describes_the_outputs(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["synth", "--help"])
    assert result.exit_code == 0
    for word in ("posts.jsonl", "truth.jsonl", "--seed", "--start-date", "fictional"):
        assert word in result.output
