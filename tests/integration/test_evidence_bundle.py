"""Capture -> custody -> export -> offline verify, and tampering with every bundle part."""

from __future__ import annotations

import io
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from warcio.archiveiterator import ArchiveIterator

from vigil.evidence import log
from vigil.evidence.bundle import export_items
from vigil.evidence.capture import CaptureError, capture_url
from vigil.evidence.keys import load_log_signer
from vigil.evidence.note import ALG_COSIGNATURE, Signer, Verifier, cosign
from vigil.evidence.tables import CheckpointRow
from vigil.evidence.vault import Vault, VaultError
from vigil.evidence.verify import BundleError, Verdict, verify_bundle
from vigil.ingest.service import ingest_files
from vigil.settings import Settings, get_settings
from vigil.store import make_engine, session_factory, upgrade

PAGE = b"<html><body><h1>Room for rent</h1><p>Call 555-0142</p></body></html>"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/old":
            self.send_response(302)
            self.send_header("Location", "/ad/1")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("X-Example", "kept")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _session(settings: Settings) -> Session:
    upgrade(settings.workbench_url)
    return session_factory(make_engine(settings.workbench_url))()


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, server: str) -> dict[str, object]:
    """The whole story once: capture three ways, custody events, export."""
    tmp = tmp_path_factory.mktemp("evidence")
    settings = get_settings(home=tmp / "home", batch_size=100, progress=False)
    posts = tmp / "posts.jsonl"
    posts.write_text(
        json.dumps(
            {
                "platform": "classifieds.example",
                "source_id": "ad-7",
                "title": "New in town",
                "body": "Call 555-0142 for an appointment",
                "url": "https://classifieds.example/ad-7",
            }
        )
        + "\n"
    )
    ingest_files([posts], settings)
    from vigil.lake.store import Lake

    with Lake(settings.lake_dir) as lake, lake.query() as con:
        post_id = con.execute("SELECT id FROM posts").fetchone()[0]  # type: ignore[index]
    photo = tmp / "photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 synthetic jpeg bytes \xff\xd9")
    signer = load_log_signer(settings, origin="vigil.example.org/evidence")
    with _session(settings) as s, s.begin():
        vault = Vault(s, settings)
        page = capture_url(vault, f"{server}/old", actor="analyst-7", reason="ad seen in sweep")
        post = vault.capture_post(post_id, actor="analyst-7", reason="linked to the ad")
        file_item = vault.capture_file(photo, actor="analyst-2", reason="sent by partner NGO")
        vault.record_event(page.id, "annotated", "analyst-7", "phone matches case", {"note": "n1"})
        vault.working_copy(file_item.id, actor="analyst-2", reason="review")
        vault.record_event(file_item.id, "transferred", "analyst-2", "to prosecutor", {"to": "p-1"})
        vault.record_event(file_item.id, "sealed", "supervisor-1", "case closed")
        ids = [page.id, post.id, file_item.id]
        out = tmp / "bundle.zip"
        summary = export_items(s, vault, ids, out, actor="analyst-7", reason="court", signer=signer)
    return {
        "settings": settings,
        "bundle": out,
        "ids": ids,
        "summary": summary,
        "key": signer.verifier,
        "signer": signer,
        "post_id": post_id,
        "tmp": tmp,
    }


def test_the_whole_story_verifies_offline(story: dict[str, object]) -> None:
    bundle = story["bundle"]
    assert isinstance(bundle, Path)
    verdict = verify_bundle(bundle, trusted_key=story["key"])  # type: ignore[arg-type]
    assert verdict.ok, verdict.failures
    assert verdict.items == 3
    # captured + annotated + exported; captured + exported; captured, viewed,
    # transferred, sealed, exported
    assert verdict.events == 3 + 2 + 5
    # 10 custody events and the bundle's table of contents
    assert verdict.checkpoint is not None and verdict.checkpoint.size == 11
    # without a pinned key the verdict passes but says the key came from the bundle
    unpinned = verify_bundle(bundle)
    assert unpinned.ok and "not pinned" not in " ".join(unpinned.failures)
    assert any("independently" in w for w in unpinned.warnings)


def test_warc_capture_keeps_url_time_user_headers_and_sha256(story: dict[str, object]) -> None:
    with zipfile.ZipFile(story["bundle"]) as zf:  # type: ignore[arg-type]
        manifest = json.loads(zf.read("manifest.json"))
        page = manifest["items"][0]
        warc = zf.read(page["file"])
    assert page["media_type"] == "application/warc"
    records, bodies = [], []
    for record in ArchiveIterator(io.BytesIO(warc)):
        records.append(record)
        bodies.append(record.content_stream().read())
    kinds = [r.rec_type for r in records]
    assert kinds == ["warcinfo", "request", "response", "metadata"]
    response = records[2]
    assert response.rec_headers.get_header("WARC-Target-URI").endswith("/ad/1")
    assert response.rec_headers.get_header("WARC-Block-Digest").startswith("sha256:")
    assert response.http_headers.get_header("X-Example") == "kept"
    assert bodies[2] == PAGE
    meta = json.loads(bodies[3])
    assert meta["requested_url"].endswith("/old") and meta["final_url"].endswith("/ad/1")
    assert meta["operator"] == "analyst-7"
    assert meta["started_at"].endswith("Z")
    import hashlib

    assert meta["payload_sha256"] == hashlib.sha256(PAGE).hexdigest()
    captured = page["events"][0]["record"]
    assert captured["actor"] == "analyst-7" and captured["reason"] == "ad seen in sweep"
    assert captured["detail"]["tool"].startswith("vigil ")


def test_capture_refuses_bad_urls_and_sealed_items(story: dict[str, object]) -> None:
    settings = story["settings"]
    assert isinstance(settings, Settings)
    with _session(settings) as s, s.begin():
        vault = Vault(s, settings)
        with pytest.raises(CaptureError, match="only http"):
            capture_url(vault, "file:///etc/passwd", actor="a", reason="r")
        with pytest.raises(CaptureError):
            capture_url(vault, "http://127.0.0.1:9/nothing", actor="a", reason="r", timeout=2)
        sealed = story["ids"][2]  # type: ignore[index]
        with pytest.raises(VaultError, match="sealed"):
            vault.record_event(sealed, "annotated", "a", "r")
        with pytest.raises(VaultError, match="unknown custody action"):
            vault.record_event(sealed, "deleted", "a", "r")
        with pytest.raises(VaultError, match="no evidence item"):
            vault.record_event("nope", "viewed", "a", "r")
        with pytest.raises(VaultError, match="no post"):
            vault.capture_post("missing", actor="a", reason="r")
        s.rollback()


def test_evidentiary_copies_are_write_once_and_separate(story: dict[str, object]) -> None:
    settings = story["settings"]
    assert isinstance(settings, Settings)
    blobs = list((settings.home / "vault" / "blobs" / "sha256").rglob("*"))
    files = [b for b in blobs if b.is_file()]
    assert len(files) == 3
    assert all(f.stat().st_mode & 0o222 == 0 for f in files)
    working = list((settings.home / "vault" / "working").rglob("*.jpg"))
    assert len(working) == 1 and working[0].stat().st_mode & 0o200


def test_log_leaves_hold_no_personal_data(story: dict[str, object]) -> None:
    settings = story["settings"]
    assert isinstance(settings, Settings)
    with _session(settings) as s:
        leaves = log.leaf_range(s, 0, log.log_size(s))
    blob = b"".join(d or b"" for _, _, d in leaves)
    for secret in (b"analyst", b"555-0142", b"prosecutor", b"classifieds", b"photo"):
        assert secret not in blob


# --- tampering ------------------------------------------------------------------------


def _rewrite(src: Path, dst: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    edit(members)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return dst


def _manifest_edit(fn: Callable[[dict[str, object]], None]) -> Callable[[dict[str, bytes]], None]:
    def edit(m: dict[str, bytes]) -> None:
        doc = json.loads(m["manifest.json"])
        fn(doc)
        m["manifest.json"] = json.dumps(doc).encode()

    return edit


def _flip(name_part: str, offset: int = 10) -> Callable[[dict[str, bytes]], None]:
    def edit(m: dict[str, bytes]) -> None:
        name = next(n for n in m if name_part in n)
        data = bytearray(m[name])
        data[min(offset, len(data) - 1)] ^= 0x01
        m[name] = bytes(data)

    return edit


def _drop(name_part: str) -> Callable[[dict[str, bytes]], None]:
    def edit(m: dict[str, bytes]) -> None:
        del m[next(n for n in m if name_part in n)]

    return edit


def _forge_signature(m: dict[str, bytes]) -> None:
    text = m["checkpoint.txt"].decode()
    body, sigline = text.rsplit("\n\n", 1)
    dash, name, b64 = sigline.strip().split(" ")
    import base64

    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    m["checkpoint.txt"] = f"{body}\n\n{dash} {name} {base64.b64encode(raw).decode()}\n".encode()


def _swap_events(doc: dict[str, object]) -> None:
    events = doc["items"][0]["events"]  # type: ignore[index]
    events[0], events[1] = events[1], events[0]


def _set(path: list[object], value: object) -> Callable[[dict[str, object]], None]:
    def fn(doc: dict[str, object]) -> None:
        target: object = doc
        for p in path[:-1]:
            target = target[p]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return fn


def _bump_proof_hash(m: dict[str, bytes]) -> None:
    name = next(n for n in m if n.endswith("/1.tlog-proof"))
    lines = m[name].decode().split("\n")
    import base64

    h = bytearray(base64.b64decode(lines[2]))
    h[0] ^= 0x80
    lines[2] = base64.b64encode(h).decode()
    m[name] = "\n".join(lines).encode()


def _drop_item(m: dict[str, bytes], n: int) -> None:
    doc = json.loads(m["manifest.json"])
    item = doc["items"].pop(n)
    for name in [k for k in m if item["id"] in k]:
        del m[name]
    m["manifest.json"] = json.dumps(doc).encode()


def _other_key(m: dict[str, bytes]) -> None:
    m["log.pub"] = (Signer.generate("vigil.example.org/evidence").verifier.vkey() + "\n").encode()


def _resigned_checkpoint(m: dict[str, bytes]) -> None:
    # a forger re-signs a different root with their own key and ships their key
    from vigil.evidence.note import format_checkpoint, sign_note

    forger = Signer.generate("vigil.example.org/evidence")
    m["checkpoint.txt"] = sign_note(
        format_checkpoint(forger.name, 10, b"\x11" * 32), [forger]
    ).encode()
    m["log.pub"] = (forger.verifier.vkey() + "\n").encode()


TAMPERS: dict[str, tuple[Callable[[dict[str, bytes]], None], str]] = {
    "flipped byte in a WARC item": (_flip("capture.warc.gz", 40), "does not match the manifest"),
    "flipped byte in a post item": (_flip(".json", 5), "does not match the manifest"),
    "flipped byte in a photo": (_flip("photo.jpg", 3), "does not match the manifest"),
    "removed item file": (_drop("photo.jpg"), "is missing from the bundle"),
    "removed proof": (_drop("/0.tlog-proof"), "proof"),
    "removed checkpoint": (_drop("checkpoint.txt"), "checkpoint.txt: missing"),
    "removed key": (_drop("log.pub"), "log.pub: missing"),
    "reordered events": (_manifest_edit(_swap_events), "out of order"),
    "forged checkpoint signature": (_forge_signature, "does not verify"),
    "wrong key": (_other_key, "is not the key you trust"),
    "re-signed checkpoint": (_resigned_checkpoint, "is not the key you trust"),
    "altered proof": (_bump_proof_hash, "not in the signed log"),
    "edited actor": (
        _manifest_edit(_set(["items", 0, "events", 1, "record", "actor"], "someone-else")),
        "not in the signed log",
    ),
    "edited reason": (
        _manifest_edit(_set(["items", 2, "events", 2, "record", "reason"], "x")),
        "not in the signed log",
    ),
    "edited time": (
        _manifest_edit(_set(["items", 1, "events", 0, "record", "at"], "2020-01-01T00:00:00Z")),
        "not in the signed log",
    ),
    "edited salt": (
        _manifest_edit(_set(["items", 1, "events", 1, "salt"], "00" * 32)),
        "not in the signed log",
    ),
    "edited item hash": (
        _manifest_edit(_set(["items", 2, "sha256"], "0" * 64)),
        "does not match the manifest",
    ),
    "edited leaf index": (
        _manifest_edit(_set(["items", 0, "events", 2, "leaf_index"], 9)),
        "proves log entry",
    ),
    "edited tree size": (
        _manifest_edit(_set(["log", "tree_size"], 12)),
        "differs from the signed checkpoint",
    ),
    "removed event": (
        _manifest_edit(lambda d: d["items"][2]["events"].pop(1)),  # type: ignore[index]
        "out of order",
    ),
    "removed whole item": (
        lambda m: _drop_item(m, 1),
        "table of contents is not the one in the signed log",
    ),
    "removed last event": (
        _manifest_edit(lambda d: d["items"][0]["events"].pop()),  # type: ignore[index]
        "table of contents is not the one in the signed log",
    ),
    "removed table of contents": (
        _manifest_edit(lambda d: d.pop("contents")),
        "no table of contents",
    ),
    "extra file": (
        lambda m: m.__setitem__("items/extra.txt", b"planted"),
        "does not mention",
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERS))
def test_every_tampering_is_detected_and_named(
    story: dict[str, object], tmp_path: Path, case: str
) -> None:
    edit, expected = TAMPERS[case]
    bad = _rewrite(story["bundle"], tmp_path / "bad.zip", edit)  # type: ignore[arg-type]
    verdict: Verdict = verify_bundle(bad, trusted_key=story["key"])  # type: ignore[arg-type]
    assert not verdict.ok, case
    assert any(expected in f for f in verdict.failures), verdict.failures


def test_a_flipped_byte_in_the_zip_file_itself_is_named(
    story: dict[str, object], tmp_path: Path
) -> None:
    src = story["bundle"]
    assert isinstance(src, Path)
    raw = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("photo.jpg"))
    # local header: 30 bytes + name + extra, then the member's compressed data
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0x10
    bad = tmp_path / "raw.zip"
    bad.write_bytes(bytes(raw))
    verdict = verify_bundle(bad, trusted_key=story["key"])  # type: ignore[arg-type]
    assert not verdict.ok
    assert any("photo.jpg" in f and story["ids"][2] in f for f in verdict.failures)  # type: ignore[index]


def test_unchanged_rewrite_still_verifies(story: dict[str, object], tmp_path: Path) -> None:
    # the tamper harness itself does not break a bundle
    same = _rewrite(story["bundle"], tmp_path / "same.zip", lambda m: None)  # type: ignore[arg-type]
    assert verify_bundle(same, trusted_key=story["key"]).ok  # type: ignore[arg-type]


def test_witness_cosignatures_can_be_required(story: dict[str, object], tmp_path: Path) -> None:
    witness = Signer.generate("witness.example.net", ALG_COSIGNATURE)
    bundle = story["bundle"]
    key = story["key"]
    assert isinstance(key, Verifier)
    plain = verify_bundle(
        bundle, trusted_key=key, witnesses=[witness.verifier], required_witnesses=1
    )  # type: ignore[arg-type]
    assert any("witness cosignature" in f for f in plain.failures)

    def add(m: dict[str, bytes]) -> None:
        note = cosign(m["checkpoint.txt"].decode(), witness, 1_790_000_000)
        for name in list(m):
            if name.endswith(".tlog-proof"):
                head, _, _ = m[name].decode().partition("\n\n")
                m[name] = (head + "\n\n" + note).encode()
        m["checkpoint.txt"] = note.encode()

    cosigned = _rewrite(bundle, tmp_path / "cosigned.zip", add)  # type: ignore[arg-type]
    verdict = verify_bundle(
        cosigned, trusted_key=key, witnesses=[witness.verifier], required_witnesses=1
    )
    assert verdict.ok, verdict.failures
    assert verdict.checkpoint is not None
    assert verdict.checkpoint.cosigned_by == ("witness.example.net",)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../escape.txt", "unsafe member name"),
        ("items/../../escape.txt", "unsafe member name"),
        ("/etc/passwd", "unsafe member name"),
        ("C:/evil.txt", "unsafe member name"),
        ("items\\evil.txt", "unsafe member name"),
    ],
)
def test_path_traversal_is_refused(tmp_path: Path, name: str, message: str) -> None:
    bad = _zip(tmp_path / "bad.zip", {"manifest.json": b"{}", name: b"x"})
    with pytest.raises(BundleError, match=message):
        verify_bundle(bad)


def test_zip_bombs_and_non_bundles_are_refused(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.zip", {"manifest.json": b"{}", "items/z": b"\0" * (20 << 20)})
    with pytest.raises(BundleError, match="zip bomb"):
        verify_bundle(bomb)
    from vigil.evidence.verify import Limits

    many = _zip(tmp_path / "many.zip", {f"f{i}": b"x" for i in range(20)})
    with pytest.raises(BundleError, match="members"):
        verify_bundle(many, limits=Limits(max_members=10))
    big = _zip(tmp_path / "big.zip", {"a": b"x" * 5000, "b": b"y" * 5000})
    with pytest.raises(BundleError, match="expands"):
        verify_bundle(big, limits=Limits(max_total_bytes=8000))
    (tmp_path / "not.zip").write_bytes(b"not a zip")
    with pytest.raises(BundleError, match="not a ZIP"):
        verify_bundle(tmp_path / "not.zip")
    with pytest.raises(BundleError, match=r"manifest\.json is missing"):
        verify_bundle(_zip(tmp_path / "empty.zip", {"a.txt": b"x"}))
    with pytest.raises(BundleError, match="no such file"):
        verify_bundle(tmp_path / "absent.zip")


def test_checkpoints_are_stored_and_export_extends_the_log(story: dict[str, object]) -> None:
    settings = story["settings"]
    assert isinstance(settings, Settings)
    with _session(settings) as s:
        rows = s.query(CheckpointRow).all()
        assert [r.tree_size for r in rows] == [11]
        assert log.verify_log(s) == rows[0].root_hash


def test_export_and_verify_on_each_backend(workbench_url: str, tmp_path: Path) -> None:
    """Records read back from SQLite or PostgreSQL rebuild exactly the committed leaves."""
    settings = get_settings(home=tmp_path / "home", database_url=workbench_url, progress=False)
    signer = load_log_signer(settings)
    doc = tmp_path / "note.txt"
    doc.write_text("Synthetic note: meet at 10 Example Street, call 555-0199.\n")
    with _session(settings) as s, s.begin():
        vault = Vault(s, settings)
        item = vault.capture_file(doc, actor="analyst-é", reason='unicode ✓ and "quotes"')
        vault.record_event(item.id, "annotated", "analyst-é", "r", {"n": 3, "ok": True, "k": None})
    with _session(settings) as s, s.begin():
        out = tmp_path / "b.zip"
        export_items(s, Vault(s, settings), [item.id], out, actor="a", reason="r", signer=signer)
    verdict = verify_bundle(out, trusted_key=signer.verifier)
    assert verdict.ok, verdict.failures
    assert verdict.events == 3


def test_custody_events_are_in_the_audit_log(story: dict[str, object]) -> None:
    from sqlalchemy import select

    from vigil.audit import AuditEvent, verify_chain

    settings = story["settings"]
    assert isinstance(settings, Settings)
    with _session(settings) as s:
        verify_chain(s)
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions.count("evidence.captured") == 3
    assert {"evidence.viewed", "evidence.sealed", "evidence.exported"} <= set(actions)
