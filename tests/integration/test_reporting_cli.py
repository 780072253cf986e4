"""`vigil report dsa|transparency` over recorded decisions, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli.app import app
from vigil.reporting.dsa import validate_statement
from vigil.reporting.transparency import validate_csv
from vigil.settings import get_settings
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow import decisions, queue
from vigil.workflow.actor import Actor
from vigil.workflow.queue import NewItem
from vigil.workflow.routing import Candidate

RITA = Actor.of("rita", ["reviewer"])
SOURCES = ["post"] * 16 + ["signal"] * 6 + ["tip"] * 2


@pytest.fixture
def accounts(tmp_path: Path, workbench_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    from vigil.auth.accounts import create_user

    home = tmp_path / "home"
    monkeypatch.setenv("VIGIL_HOME", str(home))
    monkeypatch.setenv("VIGIL_DATABASE_URL", workbench_url)
    settings = get_settings(home=home)
    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine).begin() as s:
        pw = "correct horse battery staple 42"
        create_user(s, "rita", pw, ["reviewer"])
        create_user(s, "aud", pw, ["auditor"])
    engine.dispose()
    return home


@pytest.fixture
def home(accounts: Path) -> Path:
    """24 decisions by a reviewer: 22 referrals (restrictions) and 2 of no concern."""
    engine = make_engine(get_settings(home=accounts).workbench_url)
    with session_factory(engine).begin() as s:
        items = queue.enqueue(
            s,
            [
                NewItem(f"{src}:{i}", "tip" if src == "tip" else "post", f"x{i}",
                        Candidate(src, 0.7, "high"), {})
                for i, src in enumerate(SOURCES)
            ],
        )  # fmt: skip
        for n, item in enumerate(items):
            queue.claim(s, RITA, item.id)
            action, why = ("no_concern", "no_violation") if n % 12 == 0 else (
                "refer", "child_sex_trafficking" if n % 5 == 0 else "sex_trafficking")  # fmt: skip
            decisions.decide(s, RITA, item.id, action_name=action, reason_id=why)
    engine.dispose()
    return accounts


def test_statements_in_batches_and_transparency_csv(home: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke
    period = ["--from", "2020-01-01", "--to", "2099-12-31"]
    sor = ["--out", str(tmp_path / "sor"), "--batch-size", "10"]
    r = run(app, ["report", "dsa", *period, *sor, "--as", "aud", "--json"])
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["statements"] == 22 and len(summary["skipped"]) == 2
    assert summary["files"] == [f"statements-00{i}.json" for i in (1, 2, 3)]
    statements = []
    for name in summary["files"]:
        batch = json.loads((tmp_path / "sor" / name).read_text())["statements"]
        assert 1 <= len(batch) <= 10
        statements += batch
    assert len({s["puid"] for s in statements}) == 22
    for s in statements:
        assert validate_statement(s) == []
        assert "KEYWORD_HUMAN_TRAFFICKING" in s["category_specification"]
        assert s["automated_decision"] == "AUTOMATED_DECISION_NOT_AUTOMATED"
    by_source = {s["source_type"] for s in statements}
    assert by_source == {"SOURCE_VOLUNTARY", "SOURCE_TYPE_OTHER_NOTIFICATION", "SOURCE_ARTICLE_16"}

    out = tmp_path / "tr"
    r = run(app, ["report", "transparency", *period, "--out", str(out), "--as", "aud",
                  "--provider", "Example Classifieds", "--no-pdf", "--json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["decisions"] == 24
    assert report["by_detection"] == {"automated": 22, "human": 2}
    assert report["by_action"] == {"refer": 22, "no_concern": 2}
    assert report["by_keyword"]["KEYWORD_HUMAN_TRAFFICKING"] == 22
    csv_text = (out / "transparency.csv").read_text(encoding="utf-8")
    assert validate_csv(csv_text) == []
    assert "KEYWORD_TRAFFICKING_WOMEN_GIRLS" in csv_text
    assert (out / "transparency.html").read_text().count("data:image/png") == 4


def test_reports_need_the_reports_permission(accounts: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        app,
        [
            "report",
            "dsa",
            "--from",
            "2020-01-01",
            "--to",
            "2020-01-02",
            "--out",
            str(tmp_path),
            "--as",
            "rita",
        ],
    )
    assert r.exit_code == 1 and "reports.read" in r.output
    r = CliRunner().invoke(
        app,
        [
            "report",
            "dsa",
            "--from",
            "2020-02-01",
            "--to",
            "2020-01-02",
            "--out",
            str(tmp_path),
            "--as",
            "aud",
        ],
    )
    assert r.exit_code == 2 and "before" in r.output
