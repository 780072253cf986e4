"""The `vigil extract` command, on a fresh Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from vigil.cli import extract_cmd


def _app() -> typer.Typer:
    app = typer.Typer()
    extract_cmd.register(app)

    @app.callback()
    def _root() -> None:
        """test app"""

    return app


def test_stdin_one_line_per_line() -> None:
    result = CliRunner().invoke(
        _app(), ["extract"], input="call two one two 555 O123\nnothing here\n"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert len(lines) == 2
    assert lines[0]["identifiers"][0]["value"] == "+12125550123"
    assert lines[1] == {"identifiers": []}


def test_kinds_and_region(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(), ["extract", "--kinds", "phone", "--region", "AU"], input="0491 570 123 sc: x1\n"
    )
    assert result.exit_code == 0
    (ident,) = json.loads(result.output)["identifiers"]
    assert ident["value"] == "+61491570123"
    bad = CliRunner().invoke(_app(), ["extract", "--kinds", "nope"], input="x\n")
    assert bad.exit_code == 2


def test_jsonl_offsets_and_truth(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    truth = tmp_path / "truth.jsonl"
    posts.write_text(
        json.dumps({"title": "Anna", "body": "sc: anna22 212-555-0123", "location": "Denver, CO"})
        + "\n"
    )
    truth.write_text(
        json.dumps(
            {"post_id": "p1", "identifiers": [
                {"kind": "phone", "value": "+12125550123", "raw": "212-555-0123",
                 "field": "body", "style": "plain"},
                {"kind": "handle", "value": "snapchat:anna22", "raw": "sc: anna22",
                 "field": "body"},
            ]}
        )
        + "\n"
    )  # fmt: skip
    result = CliRunner().invoke(_app(), ["extract", "--jsonl", str(posts)])
    assert result.exit_code == 0
    text = "Anna\n\nsc: anna22 212-555-0123"
    for ident in json.loads(result.output)["identifiers"]:
        assert text[ident["start"] : ident["end"]] == ident["raw"]
    report = CliRunner().invoke(
        _app(), ["extract", "--jsonl", str(posts), "--truth", str(truth), "--json"]
    )
    assert report.exit_code == 0
    data = json.loads(report.output)
    assert data["kinds"]["phone"]["recall"] == 1.0
    assert data["kinds"]["handle"]["precision"] == 1.0
    table = CliRunner().invoke(_app(), ["extract", "--jsonl", str(posts), "--truth", str(truth)])
    assert "precision" in table.output


def test_help_mentions_kinds() -> None:
    result = CliRunner().invoke(_app(), ["extract", "--help"])
    assert result.exit_code == 0
    assert "--region" in result.output and "obfuscated" in result.output
