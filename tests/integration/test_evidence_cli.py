"""`vigil evidence`, `vigil log` and `vigil verify` end to end through the CLI."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from vigil.cli.app import app

runner = CliRunner()


def _run(home: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args], env={"VIGIL_HOME": str(home), "VIGIL_PROGRESS": "false"})
    return result.exit_code, result.output


def test_capture_custody_export_verify_and_log_audit(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, out = _run(home, "log", "init", "--origin", "example.org/evidence")
    assert code == 0 and "example.org/evidence+" in out
    assert (home / "keys" / "log.key").stat().st_mode & 0o777 == 0o600
    assert "PRIVATE" not in out
    doc = tmp_path / "screenshot.png"
    doc.write_bytes(b"\x89PNG synthetic screenshot")
    code, out = _run(
        home, "evidence", "capture-file", str(doc), "--reason", "seen", "--actor", "a-1", "--json"
    )
    assert code == 0, out
    item = json.loads(out)["id"]
    kept = tmp_path / "kept-checkpoint.txt"
    code, out = _run(home, "log", "checkpoint", "--out", str(kept))
    assert code == 0 and out.startswith("example.org/evidence\n1\n")
    code, out = _run(
        home, "evidence", "event", item, "transferred", "--reason", "to prosecutor",
        "--actor", "a-1", "--detail", "to=prosecutor-office-3",
    )  # fmt: skip
    assert code == 0, out
    code, out = _run(home, "evidence", "show", item, "--json")
    assert [e["action"] for e in json.loads(out)["custody"]] == ["captured", "transferred"]
    bundle = tmp_path / "bundle.zip"
    code, out = _run(
        home,
        "evidence",
        "export",
        item,
        "--out",
        str(bundle),
        "--reason",
        "court",
        "--actor",
        "a-1",
    )
    assert code == 0, out
    code, out = _run(home, "verify", str(bundle), "--key", str(home / "keys" / "log.pub"))
    assert code == 0 and "VALID" in out and "NOT VALID" not in out, out
    code, out = _run(home, "log", "verify", "--earlier", str(kept))
    assert code == 0 and "consistent with your earlier checkpoint of size 1" in _flat(out), out
    # the same export again is refused rather than overwritten
    code, out = _run(
        home, "evidence", "export", item, "--out", str(bundle), "--reason", "x", "--actor", "a"
    )
    assert code == 2 and "exists" in out

    # tamper: a flipped byte in the item is named
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith("screenshot.png"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            dst.writestr(name, data)
    code, out = _run(home, "verify", str(bad))
    assert code == 1 and "NOT VALID" in out and "screenshot.png does not match" in _flat(out)
    code, out = _run(home, "verify", str(bad), "--json")
    assert code == 1 and json.loads(out)["valid"] is False

    # a checkpoint from another log is not consistent
    other = tmp_path / "other"
    _run(other, "log", "init", "--origin", "example.org/evidence")
    _run(other, "evidence", "capture-file", str(doc), "--reason", "r", "--actor", "a")
    foreign = tmp_path / "foreign.txt"
    _run(other, "log", "checkpoint", "--out", str(foreign))
    code, out = _run(home, "log", "verify", "--earlier", str(foreign))
    assert code == 1 and "foreign.txt" in out


def test_witness_cosigning_flow(tmp_path: Path) -> None:
    home = tmp_path / "home"
    _run(home, "log", "init", "--origin", "example.org/evidence")
    doc = tmp_path / "a.txt"
    doc.write_text("synthetic")
    code, out = _run(home, "evidence", "capture-file", str(doc), "--reason", "r", "--actor", "a")
    item = out.split()[1]
    cp = tmp_path / "cp.txt"
    _run(home, "log", "checkpoint", "--out", str(cp))
    wkey = tmp_path / "witness.key"
    code, out = _run(home, "log", "witness-key", "witness.example.net", "--out", str(wkey))
    assert code == 0 and wkey.stat().st_mode & 0o777 == 0o600
    cosigned = tmp_path / "cp-cosigned.txt"
    code, out = _run(
        home, "log", "cosign", str(cp), "--key", str(wkey),
        "--log-key", str(home / "keys" / "log.pub"), "--out", str(cosigned),
    )  # fmt: skip
    assert code == 0, out
    code, out = _run(home, "log", "add-cosignature", str(cosigned))
    assert code == 0, out
    wpub = str(wkey.with_suffix(".pub"))
    code, out = _run(home, "log", "verify", "--witness", wpub, "--require", "1")
    assert code == 0, out
    # an export signs a new (not yet cosigned) checkpoint: requiring a witness fails
    bundle = tmp_path / "b.zip"
    _run(home, "evidence", "export", item, "--out", str(bundle), "--reason", "r", "--actor", "a")
    code, out = _run(home, "verify", str(bundle), "--witness", wpub, "--require", "1")
    assert code == 1 and "witness cosignature" in _flat(out)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_unsafe_and_unreadable_bundles_exit_2(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("../../etc/cron.d/x", "boom")
    code, out = _run(tmp_path, "verify", str(evil))
    assert code == 2 and "unsafe member name" in _flat(out)
    code, out = _run(tmp_path, "verify", str(tmp_path / "missing.zip"))
    assert code == 2 and "no such file" in _flat(out)
    code, out = _run(tmp_path, "evidence", "capture-file", str(tmp_path / "nope"), "--reason", "r")
    assert code == 2 and "not a readable file" in _flat(out)
    code, out = _run(tmp_path, "evidence", "event", "no-such-item", "sealed", "--reason", "r")
    assert code == 2 and "no evidence item" in _flat(out)


def test_export_a_case_exports_its_evidence_items(tmp_path: Path) -> None:
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade
    from vigil.workflow.actor import Actor
    from vigil.workflow.cases import add_item, open_case

    home = tmp_path / "home"
    assert _run(home, "log", "init", "--origin", "example.org/evidence")[0] == 0
    ids = []
    for n in range(3):
        doc = tmp_path / f"doc{n}.txt"
        doc.write_text(f"synthetic document {n}")
        code, out = _run(
            home, "evidence", "capture-file", str(doc), "--reason", "r", "--actor", "a", "--json"
        )
        assert code == 0, out
        ids.append(json.loads(out)["id"])
    url = get_settings(home=home).workbench_url
    upgrade(url)
    engine = make_engine(url)
    investigator = Actor.of("ines", ["investigator"], ["t1"])
    with session_factory(engine).begin() as s:
        case = open_case(s, investigator, title="Case", team="t1")
        for item in ids[:2]:
            add_item(s, investigator, case.id, kind="evidence", ref=item)
        case_id = case.id
    engine.dispose()
    bundle = tmp_path / "case.zip"
    code, out = _run(
        home, "evidence", "export", "--case", case_id, "--out", str(bundle),
        "--reason", "court", "--actor", "a", "--json",
    )  # fmt: skip
    assert code == 0, out
    assert json.loads(out)["items"] == 2
    code, out = _run(home, "verify", str(bundle), "--key", str(home / "keys" / "log.pub"))
    assert code == 0 and "NOT VALID" not in out, out
    code, out = _run(
        home, "evidence", "export", "--case", "nope", "--out", str(tmp_path / "x"), "--reason", "r"
    )
    assert code == 2 and "no case nope" in out
