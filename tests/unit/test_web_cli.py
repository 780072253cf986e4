"""`vigil users` account administration and `vigil serve --help`."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from vigil.cli.app import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"VIGIL_HOME": str(tmp_path / "home"), "VIGIL_PROGRESS": "false"}


def test_users_lifecycle(env: dict[str, str]) -> None:
    pw = "cli-password-long"
    add = ["users", "add", "Zoe", "--role", "analyst", "--team", "north", "--password", pw]
    assert runner.invoke(app, add, env=env).exit_code == 0
    again = runner.invoke(app, add, env=env)
    assert again.exit_code == 2 and "already exists" in again.output
    weak = runner.invoke(
        app, ["users", "add", "yan", "--role", "analyst", "--password", "x"], env=env
    )
    assert weak.exit_code == 2 and "at least 12" in weak.output
    bad_role = runner.invoke(
        app, ["users", "add", "yan", "--role", "king", "--password", pw], env=env
    )
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output
    listed = orjson.loads(runner.invoke(app, ["users", "list", "--json"], env=env).output)
    assert listed == [
        {"username": "zoe", "roles": ["analyst"], "teams": ["north"], "disabled": False}
    ]
    token = runner.invoke(app, ["users", "token", "zoe", "--scope", "score"], env=env)
    assert token.exit_code == 0 and token.output.startswith("vgl_")
    too_wide = runner.invoke(app, ["users", "token", "zoe", "--scope", "victims.read"], env=env)
    assert too_wide.exit_code == 2 and "not granted" in too_wide.output
    token_id = token.output.strip()[4:].split("_", 1)[0]
    assert (
        runner.invoke(app, ["users", "token", "zoe", "--revoke", token_id], env=env).exit_code == 0
    )
    assert (
        runner.invoke(app, ["users", "passwd", "zoe", "--password", pw + "2"], env=env).exit_code
        == 0
    )
    assert runner.invoke(app, ["users", "disable", "zoe"], env=env).exit_code == 0
    listed = orjson.loads(runner.invoke(app, ["users", "list", "--json"], env=env).output)
    assert listed[0]["disabled"] is True
    missing = runner.invoke(app, ["users", "disable", "nobody"], env=env)
    assert missing.exit_code == 2 and "no user" in missing.output


def test_serve_help() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--results", "--demo-login"):
        assert option in result.output
