"""The S3 blob store against a real S3-compatible HTTP server on loopback (moto's server).

boto3 signs every request (SigV4) and sends it over HTTP to ``moto.server``, started as a
separate process for the test session, as it would to MinIO or AWS.
"""

from __future__ import annotations

import hashlib
import json
import random
import socket
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from typer.testing import CliRunner

from vigil.backup import create_backup, verify_backup
from vigil.cli.app import app
from vigil.evidence.blobs import BlobError, FileBlobStore
from vigil.evidence.s3blobs import S3BlobStore
from vigil.evidence.vault import Vault, open_blob_store
from vigil.settings import get_settings
from vigil.store import make_engine, session_factory, upgrade

MIB = 1 << 20
CREDS = {"AWS_ACCESS_KEY_ID": "testing-key-id", "AWS_SECRET_ACCESS_KEY": "testing-secret-value"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/moto-api/", timeout=2)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(autouse=True)
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Credentials from the standard AWS variables only (no profile or config file)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    for name, value in CREDS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture
def raw(s3_endpoint: str) -> Any:
    """A plain boto3 client, to look at (and tamper with) the bucket behind the store."""
    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}),
    )


def _bucket(raw: Any, *, versioned: bool = False, lock: bool = False) -> str:
    name = f"vigil-{uuid.uuid4().hex[:20]}"
    if lock:
        raw.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    else:
        raw.create_bucket(Bucket=name)
    if versioned:
        raw.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def _store(endpoint: str, bucket: str, **kwargs: Any) -> S3BlobStore:
    return S3BlobStore(
        bucket,
        prefix="vault/",
        endpoint_url=endpoint,
        region="us-east-1",
        max_attempts=1,
        part_size=5 * MIB,
        copy_part_size=5 * MIB,
        **kwargs,
    )


def _keys(raw: Any, bucket: str) -> list[str]:
    listing = raw.list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in listing.get("Contents", []))


def _versions(raw: Any, bucket: str) -> int:
    return len(raw.list_object_versions(Bucket=bucket).get("Versions", []))


def test_round_trip_with_the_file_layout_under_the_prefix(
    s3_endpoint: str, raw: Any, tmp_path: Path
) -> None:
    bucket = _bucket(raw)
    store = _store(s3_endpoint, bucket)
    data = b"synthetic screenshot: call 555-0142"
    sha, size = store.put_bytes(data)
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert _keys(raw, bucket) == [f"vault/sha256/{sha[:2]}/{sha[2:4]}/{sha}"]
    assert store.exists(sha)
    with store.open(sha) as fh:
        assert fh.read(5) == data[:5]
        assert fh.read() == data[5:]
    store.check(sha)
    dest = tmp_path / "working" / "copy.txt"
    store.copy_to(sha, dest)
    assert dest.read_bytes() == data
    assert dest.stat().st_mode & 0o200  # the working copy is writable
    empty_sha, empty_size = store.put_bytes(b"")
    assert empty_size == 0 and store.exists(empty_sha)
    store.check(empty_sha)


def test_the_same_content_twice_writes_once(s3_endpoint: str, raw: Any) -> None:
    bucket = _bucket(raw, versioned=True)
    store = _store(s3_endpoint, bucket)
    first = store.put_bytes(b"exhibit A")
    second = store.put_chunks([b"exhibit", b" A"])
    assert first == second
    assert _versions(raw, bucket) == 1


def test_an_object_altered_behind_the_store_is_detected_and_never_overwritten(
    s3_endpoint: str, raw: Any
) -> None:
    bucket = _bucket(raw)
    store = _store(s3_endpoint, bucket)
    original = b"the ad as captured: room for rent, 555-0117"
    sha, _ = store.put_bytes(original)
    key = store.key(sha)
    raw.put_object(Bucket=bucket, Key=key, Body=b"the ad as someone would prefer it")
    with pytest.raises(BlobError, match=f"blob {sha} no longer matches its hash"):
        store.check(sha)
    # storing the original again does not write over the content address
    assert store.put_bytes(original) == (sha, len(original))
    assert raw.get_object(Bucket=bucket, Key=key)["Body"].read() != original


@pytest.mark.parametrize("size", [1000, 11 * MIB])
def test_a_concurrent_writer_cannot_replace_a_content_address(
    s3_endpoint: str, raw: Any, size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The existence check races with other writers; the conditional write closes the gap."""
    bucket = _bucket(raw)
    store = _store(s3_endpoint, bucket)
    data = random.Random(size).randbytes(size)
    sha = hashlib.sha256(data).hexdigest()
    key = store.key(sha)
    real = store._exists_key
    calls = {"n": 0}

    def racing(k: str) -> bool:
        calls["n"] += 1
        if calls["n"] == 1:  # another writer puts the key right after our check
            raw.put_object(Bucket=bucket, Key=k, Body=b"written by the other writer")
            return False
        return real(k)

    monkeypatch.setattr(store, "_exists_key", racing)
    assert store.put_bytes(data) == (sha, size)
    assert raw.get_object(Bucket=bucket, Key=key)["Body"].read() == b"written by the other writer"
    assert _keys(raw, bucket) == [key]  # the temporary key is gone
    assert not raw.list_multipart_uploads(Bucket=bucket).get("Uploads")


def test_a_large_blob_is_streamed_in_parts(s3_endpoint: str, raw: Any) -> None:
    bucket = _bucket(raw, versioned=True)
    store = _store(s3_endpoint, bucket)
    rng = random.Random(7)
    total = 12 * MIB
    expected = hashlib.sha256()
    seen_parts: list[int] = []

    def chunks() -> Iterator[bytes]:
        sent = 0
        while sent < total:
            if sent == 11 * MIB:  # before the stream ends, parts are already on the server
                uploads = raw.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
                for up in uploads:
                    listed = raw.list_parts(Bucket=bucket, Key=up["Key"], UploadId=up["UploadId"])
                    seen_parts.extend(p["Size"] for p in listed.get("Parts", []))
            block = rng.randbytes(256 * 1024)
            expected.update(block)
            sent += len(block)
            yield block

    sha, size = store.put_chunks(chunks())
    assert (sha, size) == (expected.hexdigest(), total)
    assert seen_parts == [5 * MIB, 5 * MIB]
    head = raw.head_object(Bucket=bucket, Key=store.key(sha))
    assert head["ContentLength"] == total
    assert head["ETag"].strip('"').endswith("-3")  # copied into place in three parts
    store.check(sha)
    assert _keys(raw, bucket) == [store.key(sha)]  # no temporary key left
    assert not raw.list_multipart_uploads(Bucket=bucket).get("Uploads")
    # the same content again: a no-op for the content address, no temporary key left
    assert store.put_chunks(chunks_of(store, sha)) == (sha, total)
    assert _keys(raw, bucket) == [store.key(sha)]
    listed = raw.list_object_versions(Bucket=bucket, Prefix=store.key(sha))
    assert len(listed["Versions"]) == 1


def chunks_of(store: S3BlobStore, sha: str) -> Iterator[bytes]:
    with store.open(sha) as fh:
        while block := fh.read(MIB):
            yield block


def test_missing_and_malformed_blobs(s3_endpoint: str, raw: Any, tmp_path: Path) -> None:
    store = _store(s3_endpoint, _bucket(raw))
    absent = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(absent)
    for action in (store.open, store.check, lambda h: store.copy_to(h, tmp_path / "x")):
        with pytest.raises(BlobError, match=f"blob {absent} is missing from the vault"):
            action(absent)
    with pytest.raises(BlobError, match="not a SHA-256 hex digest"):
        store.open("../../etc/passwd")


def test_a_wrong_bucket_is_named(s3_endpoint: str, raw: Any) -> None:
    store = _store(s3_endpoint, "vigil-no-such-bucket")
    some = hashlib.sha256(b"x").hexdigest()
    for action in (
        lambda: store.exists(some),
        lambda: store.open(some),
        lambda: store.put_bytes(b"x"),
        lambda: store.put_chunks(iter([b"y" * (6 * MIB)])),
    ):
        with pytest.raises(BlobError) as info:
            action()
        message = str(info.value)
        assert "S3 bucket 'vigil-no-such-bucket' does not exist" in message
        assert s3_endpoint in message


def test_bad_credentials_are_named_without_the_secret(
    s3_endpoint: str, raw: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = _bucket(raw)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-right-secret")
    store = _store(s3_endpoint, bucket)
    # moto checks signatures against its IAM users once this is 0; reset afterwards
    httpx.post(f"{s3_endpoint}/moto-api/reset-auth", content=b"0").raise_for_status()
    try:
        for action in (
            lambda: store.exists(hashlib.sha256(b"x").hexdigest()),
            lambda: store.put_bytes(b"x"),
        ):
            with pytest.raises(BlobError) as info:
                action()
            message = str(info.value)
            assert "refused to" in message and bucket in message
            assert "AWS_ACCESS_KEY_ID" in message
            assert (
                "not-the-right-secret" not in message and CREDS["AWS_ACCESS_KEY_ID"] not in message
            )
    finally:
        httpx.post(f"{s3_endpoint}/moto-api/reset-auth", content=b"inf").raise_for_status()


def test_an_unreachable_endpoint_is_named_without_userinfo() -> None:
    port = _free_port()  # nothing listens there any more
    store = S3BlobStore(
        "vigil-evidence",
        endpoint_url=f"http://someone:hunter2@127.0.0.1:{port}",
        region="us-east-1",
        max_attempts=1,
        connect_timeout=2,
    )
    with pytest.raises(BlobError) as info:
        store.put_bytes(b"x")
    message = str(info.value)
    assert f"cannot reach the S3 endpoint http://127.0.0.1:{port}" in message
    assert "hunter2" not in message and "someone" not in message


def test_no_credentials_at_all(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDS:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    store = _store(s3_endpoint, "vigil-evidence")
    with pytest.raises(BlobError, match="no AWS credentials for the S3 blob store"):
        store.exists(hashlib.sha256(b"x").hexdigest())


def test_object_lock_in_compliance_mode(s3_endpoint: str, raw: Any) -> None:
    bucket = _bucket(raw, lock=True)
    store = _store(s3_endpoint, bucket, object_lock_days=1)
    small, _ = store.put_bytes(b"sealed exhibit")
    large, _ = store.put_chunks(iter([b"z" * (6 * MIB)]))
    for sha in (small, large):
        head = raw.head_object(Bucket=bucket, Key=store.key(sha))
        assert head["ObjectLockMode"] == "COMPLIANCE"
        version = head["VersionId"]
        with pytest.raises(raw.exceptions.ClientError, match="AccessDenied"):
            raw.delete_object(Bucket=bucket, Key=store.key(sha), VersionId=version)
    # the temporary key of the large upload was not locked, and is gone
    assert _keys(raw, bucket) == sorted(store.key(s) for s in (small, large))


def test_settings_choose_the_store(
    s3_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(open_blob_store(get_settings(home=tmp_path)), FileBlobStore)
    with pytest.raises(BlobError, match="VIGIL_S3_BUCKET is not set"):
        open_blob_store(get_settings(home=tmp_path, blob_store="s3"))
    monkeypatch.setenv("VIGIL_BLOB_STORE", "s3")
    monkeypatch.setenv("VIGIL_S3_BUCKET", "evidence-bucket")
    monkeypatch.setenv("VIGIL_S3_PREFIX", "team-a")
    monkeypatch.setenv("VIGIL_S3_ENDPOINT_URL", s3_endpoint)
    store = open_blob_store(get_settings(home=tmp_path))
    assert isinstance(store, S3BlobStore)
    assert (store.bucket, store.prefix, store.endpoint_url) == (
        "evidence-bucket",
        "team-a/",
        s3_endpoint,
    )


def test_capture_export_verify_story_with_the_s3_store(
    s3_endpoint: str, raw: Any, tmp_path: Path
) -> None:
    bucket = _bucket(raw)
    home = tmp_path / "home"
    env = {
        "VIGIL_HOME": str(home),
        "VIGIL_PROGRESS": "false",
        "VIGIL_BLOB_STORE": "s3",
        "VIGIL_S3_BUCKET": bucket,
        "VIGIL_S3_PREFIX": "vigil/",
        "VIGIL_S3_ENDPOINT_URL": s3_endpoint,
        "VIGIL_S3_REGION": "us-east-1",
    }
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, list(args), env=env)
        return result.exit_code, result.output

    assert run("log", "init", "--origin", "example.org/evidence")[0] == 0
    doc = tmp_path / "screenshot.png"
    doc.write_bytes(b"\x89PNG synthetic screenshot of an ad, 555-0163")
    code, out = run("evidence", "capture-file", str(doc), "--reason", "seen", "--actor", "a-1",
                    "--json")  # fmt: skip
    assert code == 0, out
    item = json.loads(out)
    sha = item["sha256"]
    key = f"vigil/sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    assert _keys(raw, bucket) == [key]
    assert not (home / "vault" / "blobs").exists()  # the evidentiary copy is only in S3
    code, out = run("evidence", "open", item["id"], "--reason", "review", "--actor", "a-1")
    assert code == 0, out
    working = home / "vault" / "working" / item["id"] / "screenshot.png"
    assert working.read_bytes() == doc.read_bytes()
    working.write_bytes(b"annotated working copy")  # working copies are the analyst's
    bundle = tmp_path / "bundle.zip"
    code, out = run("evidence", "export", item["id"], "--out", str(bundle), "--reason", "court",
                    "--actor", "a-1")  # fmt: skip
    assert code == 0, out
    code, out = run("verify", str(bundle), "--key", str(home / "keys" / "log.pub"))
    assert code == 0 and "VALID" in out and "NOT VALID" not in out, out
    # an evidentiary copy altered in the bucket is refused at export, with a clear message
    raw.put_object(Bucket=bucket, Key=key, Body=b"replaced")
    code, out = run("evidence", "export", item["id"], "--out", str(tmp_path / "b2.zip"),
                    "--reason", "court", "--actor", "a-1")  # fmt: skip
    assert code == 2 and f"blob {sha} no longer matches its hash" in out, out
    assert "Traceback" not in out


def test_backup_lists_the_s3_blobs_and_verify_checks_them_there(
    s3_endpoint: str, raw: Any, tmp_path: Path
) -> None:
    bucket = _bucket(raw)
    settings = get_settings(
        home=tmp_path / "home",
        progress=False,
        blob_store="s3",
        s3_bucket=bucket,
        s3_endpoint_url=s3_endpoint,
        s3_region="us-east-1",
    )
    upgrade(settings.workbench_url)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine).begin() as s:
        vault = Vault(s, settings)
        item = vault.capture_bytes(
            b"synthetic chat export, 0491 570 156",
            filename="chat.txt",
            media_type="text/plain",
            source_kind="file",
            source_ref="chat.txt",
            actor="analyst-1",
            reason="sent by partner NGO",
        )
        sha = item.sha256
    engine.dispose()
    out = tmp_path / "backup.tar"
    report = create_backup(settings, out)
    assert report.ok and report.notes == [
        f"the evidence blobs (1) live in s3://{bucket}/ at {s3_endpoint} and are not in this "
        "archive (their SHA-256 are in the manifest)"
    ]
    with tarfile.open(out) as tar:
        manifest = json.loads(tar.extractfile("MANIFEST.json").read())  # type: ignore[union-attr]
        assert not [n for n in tar.getnames() if "/blobs/" in n]
    assert manifest["external_blobs"]["sha256"] == [sha]
    assert manifest["external_blobs"]["copied"] is False
    store = open_blob_store(settings)
    assert isinstance(store, S3BlobStore)
    assert verify_backup(out).ok
    assert verify_backup(out, blobs=store).ok
    raw.put_object(Bucket=bucket, Key=store.key(sha), Body=b"altered")
    checked = verify_backup(out, blobs=store)
    assert checked.problems == [f"external blob: blob {sha} no longer matches its hash"]
    # The CLI: without --check-blobs the archive alone verifies (with a note); with it,
    # the altered blob is named and the exit status is 1.
    env = {
        "VIGIL_HOME": str(settings.home),
        "VIGIL_BLOB_STORE": "s3",
        "VIGIL_S3_BUCKET": bucket,
        "VIGIL_S3_ENDPOINT_URL": s3_endpoint,
        "VIGIL_S3_REGION": "us-east-1",
    }
    plain = CliRunner().invoke(app, ["backup", "verify", str(out)], env=env)
    assert plain.exit_code == 0 and "note: the evidence blobs (1) live in" in plain.output
    deep = CliRunner().invoke(app, ["backup", "verify", str(out), "--check-blobs"], env=env)
    assert deep.exit_code == 1, deep.output
    assert f"blob {sha} no longer matches its hash" in deep.output
