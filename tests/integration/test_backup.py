"""Backup, verify and restore a data home: byte-identical files, a verifying audit chain."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import postgres_database
from vigil.audit import record, verify_chain
from vigil.backup import BackupError, create_backup, restore_backup, verify_backup
from vigil.cli.app import app
from vigil.ingest import ingest_files
from vigil.settings import Settings, get_settings
from vigil.store import make_engine, session_factory, upgrade


@pytest.fixture
def second_url(workbench_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty workbench database on the same backend, to restore into."""
    if workbench_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'vigil.db'}"
        return
    with postgres_database("vigil_r") as url:
        yield url


def _home(tmp_path: Path, url: str) -> Settings:
    settings = get_settings(home=tmp_path / "home", database_url=url, progress=False)
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        "\n".join(
            json.dumps({"platform": "ads.example", "source_id": str(i), "body": f"ad {i}"})
            for i in range(300)
        )
        + "\n"
    )
    ingest_files([posts], settings)
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine).begin() as s:
        for i in range(5):
            record(s, actor="lead", action="case.read", object_type="case", object_id=str(i))
    engine.dispose()
    (settings.home / "vault").mkdir()
    (settings.home / "vault" / "blob").write_bytes(bytes(range(256)) * 10)
    return settings


def _files(home: Path) -> dict[str, bytes]:
    return {
        p.relative_to(home).as_posix(): p.read_bytes()
        for p in home.rglob("*")
        if p.is_file() and p.name not in {"vigil.db", "vigil.db-wal", "vigil.db-shm"}
    }


def test_backup_restores_byte_identical_home_and_workbench(
    tmp_path: Path, workbench_url: str, second_url: str
) -> None:
    settings = _home(tmp_path, workbench_url)
    out = tmp_path / "b" / "backup.tar"
    made = create_backup(settings, out)
    assert made.files > 3
    checked = verify_backup(out)
    assert checked.ok and checked.files == made.files
    target = get_settings(home=tmp_path / "restored", database_url=second_url, progress=False)
    restore_backup(out, target)
    original = _files(settings.home)
    assert original and _files(target.home) == original
    engine = make_engine(second_url)
    with session_factory(engine)() as s:
        assert verify_chain(s) == 5
    engine.dispose()


def _rewrite(src: Path, dst: Path, change) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(src) as tin, tarfile.open(dst, "w") as tout:
        for member in tin.getmembers():
            data = tin.extractfile(member).read() if member.isfile() else b""  # type: ignore[union-attr]
            result = change(member, data)
            if result is None:
                continue
            member, data = result
            member.size = len(data)
            tout.addfile(member, io.BytesIO(data))


def _flip(member: tarfile.TarInfo, data: bytes):  # type: ignore[no-untyped-def]
    if member.name == "home/vault/blob":
        data = bytes([data[0] ^ 1]) + data[1:]
    return member, data


def _drop(member: tarfile.TarInfo, data: bytes):  # type: ignore[no-untyped-def]
    return None if member.name == "home/vault/blob" else (member, data)


def _traverse(member: tarfile.TarInfo, data: bytes):  # type: ignore[no-untyped-def]
    if member.name == "home/vault/blob":
        member.name = "../../etc/evil"
    return member, data


@pytest.mark.parametrize(
    "change, problem",
    [
        (_flip, "home/vault/blob: content does not match"),
        (_drop, "home/vault/blob: listed in the manifest but missing"),
        (_traverse, "../../etc/evil: path leaves the archive root"),
    ],
    ids=["flipped-byte", "removed-file", "path-traversal"],
)
def test_tampered_backup_is_named_and_never_restored(  # type: ignore[no-untyped-def]
    tmp_path: Path, change, problem: str
) -> None:
    settings = _home(tmp_path, f"sqlite:///{tmp_path / 'home' / 'vigil.db'}")
    good, bad = tmp_path / "good.tar", tmp_path / "bad.tar"
    create_backup(settings, good)
    _rewrite(good, bad, change)
    report = verify_backup(bad)
    assert not report.ok
    assert any(p.startswith(problem) for p in report.problems), report.problems
    target = get_settings(home=tmp_path / "restored", progress=False)
    with pytest.raises(BackupError, match="does not verify"):
        restore_backup(bad, target)
    assert not (tmp_path / "restored").exists() or not any((tmp_path / "restored").iterdir())


def test_restore_refuses_a_non_empty_home_and_non_backups(tmp_path: Path) -> None:
    settings = _home(tmp_path, f"sqlite:///{tmp_path / 'home' / 'vigil.db'}")
    out = tmp_path / "backup.tar"
    create_backup(settings, out)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(out, settings)
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(BackupError, match="cannot read"):
        verify_backup(junk)


def test_cli_round_trip(tmp_path: Path) -> None:
    settings = _home(tmp_path, f"sqlite:///{tmp_path / 'home' / 'vigil.db'}")
    runner = CliRunner()
    out = tmp_path / "b.tar"
    made = runner.invoke(app, ["backup", "create", str(out), "--home", str(settings.home)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(app, ["backup", "verify", str(out), "--json"])
    assert checked.exit_code == 0 and json.loads(checked.output)["ok"] is True
    restored = runner.invoke(app, ["restore", str(out), "--home", str(tmp_path / "r")])
    assert restored.exit_code == 0, restored.output
    again = runner.invoke(app, ["restore", str(out), "--home", str(tmp_path / "r")])
    assert again.exit_code == 2 and "not empty" in " ".join(again.output.split())
