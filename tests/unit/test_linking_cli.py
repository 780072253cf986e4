"""`vigil link` through Typer's test runner (on a fresh app with only this command)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import typer
from typer.testing import CliRunner

from vigil.cli import link_cmd
from vigil.linking.inputs import IDENTIFIERS_SCHEMA
from vigil.linking.scandir import write_scan_dir


def _app() -> typer.Typer:
    app = typer.Typer()
    link_cmd.register(app)

    @app.callback()
    def _root() -> None:
        """root"""

    return app


def test_link_command_prints_clusters_and_json(tmp_path: Path) -> None:
    posts = pa.table({"id": ["p0", "p1", "p2"], "body_text": ["ad one", "ad two", "ad three"]})
    idents = [
        {
            "post_id": p,
            "field": "body",
            "kind": "phone",
            "value": "+1",
            "raw": "+1",
            "start": -1,
            "end": -1,
            "confidence": 1.0,
            "attrs_json": "{}",
        }
        for p in ("p0", "p2")
    ]
    write_scan_dir(posts, pa.Table.from_pylist(idents, schema=IDENTIFIERS_SCHEMA), tmp_path)
    runner = CliRunner()
    res = runner.invoke(_app(), ["link", "--in", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "1 clusters" in res.output and "phone: +1" in res.output
    res = runner.invoke(_app(), ["link", "--in", str(tmp_path), "--json"])
    payload = json.loads(res.output)
    assert payload["clusters"][0]["explanation"][0]["evidence"] == "+1"
    assert payload["run"]["incremental"] is True


def test_help_and_usage_error(tmp_path: Path) -> None:
    runner = CliRunner()
    assert "--images-root" in runner.invoke(_app(), ["link", "--help"]).output
    (tmp_path / "empty").mkdir()
    res = runner.invoke(_app(), ["link", "--in", str(tmp_path / "empty")])
    assert res.exit_code == 2
