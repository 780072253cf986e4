"""docs/evidence.md's instructions for verifying a bundle without vigil actually work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from vigil.evidence.bundle import export_items
from vigil.evidence.keys import load_log_signer
from vigil.evidence.vault import Vault
from vigil.settings import Settings
from vigil.store import make_engine, session_factory, upgrade

DOC = Path(__file__).resolve().parents[2] / "docs" / "evidence.md"


def _block(lang: str, marker: str) -> str:
    for body in re.findall(rf"```{lang}\n(.*?)```", DOC.read_text(), flags=re.S):
        if marker in body:
            return str(body)
    raise AssertionError(f"no {lang} block with {marker!r} in {DOC}")


@pytest.fixture
def bundle(settings: Settings, tmp_path: Path) -> Path:
    upgrade(settings.workbench_url)
    factory = session_factory(make_engine(settings.workbench_url))
    signer = load_log_signer(settings, origin="example.org/evidence")
    files = []
    for i in range(3):
        f = tmp_path / f"exhibit-{i}.txt"
        f.write_text(f"synthetic exhibit {i}: call 555-01{i:02d}\n")
        files.append(f)
    with factory() as s, s.begin():
        vault = Vault(s, settings)
        ids = [vault.capture_file(f, actor="analyst-1", reason="r").id for f in files]
        vault.record_event(ids[1], "transferred", "analyst-1", "to court", {"to": "clerk"})
        out = tmp_path / "exhibit.zip"
        export_items(s, vault, ids, out, actor="analyst-1", reason="court", signer=signer)
    return out


def test_standalone_checker_accepts_a_bundle_and_rejects_tampering(
    bundle: Path, tmp_path: Path
) -> None:
    script = tmp_path / "verify_bundle_standalone.py"
    script.write_text(_block("python", "verify_bundle_standalone.py"))
    ok = subprocess.run([sys.executable, str(script), str(bundle)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "VALID" in ok.stdout
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "manifest.json":
                data = data.replace(b'"to court"', b'"to defence"')
            dst.writestr(name, data)
    res = subprocess.run([sys.executable, str(script), str(bad)], capture_output=True, text=True)
    assert res.returncode == 1 and "FAIL" in res.stdout
    # an item left out of the bundle (manifest entry and files) is caught too
    short = tmp_path / "short.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(short, "w") as dst:
        doc = json.loads(src.read("manifest.json"))
        gone = doc["items"].pop(0)["id"]
        for name in src.namelist():
            if gone not in name and name != "manifest.json":
                dst.writestr(name, src.read(name))
        dst.writestr("manifest.json", json.dumps(doc))
    res = subprocess.run([sys.executable, str(script), str(short)], capture_output=True, text=True)
    assert res.returncode == 1 and "table of contents" in res.stdout


def test_openssl_signature_check_from_the_docs(bundle: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(bundle) as zf:
        zf.extract("checkpoint.txt", tmp_path)
        zf.extract("log.pub", tmp_path)
    shell = _block("", "openssl pkeyutl -verify")
    ok = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Signature Verified Successfully" in ok.stdout, ok.stderr
    lines = (tmp_path / "checkpoint.txt").read_text().split("\n")
    assert lines[1] == "8"  # 3 captures, 1 transfer, 3 exports, the table of contents
    lines[1] = "9"
    (tmp_path / "checkpoint.txt").write_text("\n".join(lines))
    bad = subprocess.run(["bash", "-c", shell], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0
