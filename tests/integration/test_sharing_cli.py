"""`vigil share ...` between two data homes: keys, add, export, import, match, feedback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vigil.cli.app import app
from vigil.ingest.service import ingest_files
from vigil.pipeline.stages import run_pipeline
from vigil.settings import get_settings
from vigil.store import make_engine, session_factory, upgrade

PW = "correct horse battery staple 42"


def _home(root: Path, name: str, phones: list[str]) -> Path:
    from vigil.auth.accounts import create_user

    settings = get_settings(home=root / name, progress=False, batch_size=100, workers=1)
    posts = root / f"{name}.jsonl"
    posts.write_text("".join(
        json.dumps({"platform": "example", "source_id": f"{name}-{i}", "title": "hiring",
                    "body": f"cleaning job abroad, passport kept safe, call {p}"}) + "\n"
        for i, p in enumerate(phones)
    ))  # fmt: skip
    ingest_files([posts], settings)
    run_pipeline(settings)
    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine).begin() as s:
        create_user(s, "ana", PW, ["analyst"])
        if name == "a":
            create_user(s, "rita", PW, ["reviewer"])
    engine.dispose()
    return settings.home


@pytest.mark.slow
def test_share_commands_between_two_homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VIGIL_DATABASE_URL", raising=False)
    a = _home(tmp_path, "a", ["206-555-0131", "206-555-0132"])
    b = _home(tmp_path, "b", ["206-555-0131", "206-555-0199"])
    runner = CliRunner()

    def run(home: Path, *args: str, code: int = 0) -> str:
        r = runner.invoke(app, [*args, "--home", str(home)])
        assert r.exit_code == code, r.output
        assert "Traceback" not in r.output
        return r.output

    pub_a = run(a, "share", "keys", "init", "--org", "org-a").split()[-1]
    pub_b = run(b, "share", "keys", "init", "--org", "org-b").split()[-1]
    run(a, "share", "keys", "new-group", "labour")
    run(a, "share", "keys", "export-group", "labour", "--out", str(tmp_path / "labour.key"))
    run(b, "share", "keys", "import-group", str(tmp_path / "labour.key"))
    run(a, "share", "keys", "trust", "org-b", pub_b)
    run(b, "share", "keys", "trust", "org-a", pub_a)
    listed = json.loads(run(b, "share", "keys", "list", "--json"))
    assert listed["org"] == "org-b" and listed["trusted"] == ["org-a"]
    assert [g["group"] for g in listed["groups"]] == ["labour"]

    add = ["share", "add", "--group", "labour", "--type", "phone", "--category",
           "labour_exploitation", "--opinion", "confirmed", "--as", "ana"]  # fmt: skip
    run(a, *add, "--value", "(206) 555-0131")
    run(a, *add, "--value", "+1 206 555 0132", "--tag", "job-ad")
    run(a, *add[:-2], "--value", "12", "--as", "ana", code=2)  # not a phone
    run(a, *add[:-2], "--value", "2065550133", "--as", "rita", code=1)  # no share.exchange
    package = tmp_path / "pkg.json"
    run(a, "share", "export", "--group", "labour", "--out", str(package), "--as", "ana")
    text = package.read_text()
    assert "0131" not in text and "0132" not in text

    first = json.loads(run(b, "share", "import", str(package), "--as", "ana", "--json"))
    assert first["new"] == 2 and not first["already_imported"]
    again = json.loads(run(b, "share", "import", str(package), "--as", "ana", "--json"))
    assert again["already_imported"]
    matched = json.loads(run(b, "share", "match", "--as", "ana", "--json"))
    assert matched["new_matches"] == 1
    assert matched["subjects"][0]["source_org"] == "org-a"

    received = json.loads(run(b, "share", "received", "--as", "ana", "--json"))
    assert len(received) == 2
    hit = next(r for r in received if r["id"] == 1)
    run(b, "share", "feedback", "record", str(hit["id"]), "true_positive", "--as", "ana")
    run(b, "share", "feedback", "record", str(hit["id"]), "maybe", "--as", "ana", code=2)
    feedback = tmp_path / "fb.json"
    run(b, "share", "feedback", "export", "--group", "labour", "--to", "org-a", "--out",
        str(feedback), "--as", "ana")  # fmt: skip
    assert (
        json.loads(run(a, "share", "import", str(feedback), "--as", "ana", "--json"))["feedback"]
        == 1
    )

    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "vigil.signal-package", "version": 1')
    assert "package refused" in run(b, "share", "import", str(junk), "--as", "ana", code=1)
    tampered = tmp_path / "tampered.json"
    doc = json.loads(text)
    doc["signals"][0]["opinion"] = "false_positive"
    tampered.write_text(json.dumps(doc))
    out = run(b, "share", "import", str(tampered), "--as", "ana", code=1)
    assert "/signature/value" in out
    run(b, "share", "import", str(tmp_path / "absent.json"), "--as", "ana", code=2)
