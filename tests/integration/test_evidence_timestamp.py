"""RFC 3161 timestamps of checkpoints against a local `openssl ts` authority on loopback."""

from __future__ import annotations

import subprocess
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from vigil.evidence import log
from vigil.evidence.bundle import export_items
from vigil.evidence.checkpoints import issue_checkpoint, timestamp_checkpoint
from vigil.evidence.keys import load_log_signer
from vigil.evidence.note import split_note
from vigil.evidence.timestamp import TimestampError, TsaConfig, request_timestamp, verify_token
from vigil.evidence.vault import Vault
from vigil.evidence.verify import verify_bundle
from vigil.settings import Settings
from vigil.store import make_engine, session_factory, upgrade

TSA_CNF = """
[ tsa ]
default_tsa = tsa_config1

[ tsa_config1 ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256

[ tsa_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping

[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
"""


def _ssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _make_tsa(d: Path, name: str) -> None:
    (d / "openssl.cnf").write_text(TSA_CNF.format(dir=d))
    (d / "serial").write_text("01\n")
    _ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ca.key", cwd=d)
    _ssl(
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-subj",
        f"/CN={name} Test Root",
        "-days",
        "3650",
        "-config",
        "openssl.cnf",
        "-extensions",
        "ca_ext",
        "-out",
        "ca.crt",
        cwd=d,
    )
    _ssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tsa.key", cwd=d)
    _ssl("req", "-new", "-key", "tsa.key", "-subj", f"/CN={name} TSA", "-out", "tsa.csr", cwd=d)
    _ssl(
        "x509",
        "-req",
        "-in",
        "tsa.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "365",
        "-extfile",
        "openssl.cnf",
        "-extensions",
        "tsa_ext",
        "-out",
        "tsa.crt",
        cwd=d,
    )


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    d = tmp_path_factory.mktemp("tsa")
    _make_tsa(d, "Example")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            query = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                (d / "q.tsq").write_bytes(query)
                _ssl(
                    "ts",
                    "-reply",
                    "-config",
                    "openssl.cnf",
                    "-queryfile",
                    "q.tsq",
                    "-out",
                    "r.tsr",
                    cwd=d,
                )
                reply = (d / "r.tsr").read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/tsa", d / "ca.crt"
    httpd.shutdown()


def test_token_verifies_with_its_kept_chain_and_detects_changes(
    tsa: tuple[str, Path], tmp_path: Path
) -> None:
    url, root = tsa
    token = request_timestamp(TsaConfig(url, root), b"origin\n5\nroot\n")
    assert "BEGIN CERTIFICATE" in token.chain_pem and token.chain_pem.count("BEGIN") == 2
    described = verify_token(token.token, b"origin\n5\nroot\n", token.chain_pem)
    assert "Example Test Root" in described
    with pytest.raises(TimestampError, match=r"[Mm]ismatch"):
        verify_token(token.token, b"origin\n6\nroot\n", token.chain_pem)
    broken = bytearray(token.token)
    broken[-20] ^= 0xFF
    with pytest.raises(TimestampError):
        verify_token(bytes(broken), b"origin\n5\nroot\n", token.chain_pem)
    # a token is refused when the root we trust is another authority's
    other = tmp_path / "other"
    other.mkdir()
    _make_tsa(other, "Other")
    from cryptography import x509

    other_root = x509.load_pem_x509_certificate((other / "ca.crt").read_bytes())
    with pytest.raises(TimestampError):
        verify_token(token.token, b"origin\n5\nroot\n", token.chain_pem, [other_root])
    with pytest.raises(TimestampError):
        request_timestamp(TsaConfig(url, other / "ca.crt"), b"x")
    with pytest.raises(TimestampError, match="TSA"):
        request_timestamp(TsaConfig("http://127.0.0.1:9/tsa", root, timeout=2), b"x")


def test_timestamped_checkpoint_travels_in_the_bundle(
    tsa: tuple[str, Path], settings: Settings, tmp_path: Path
) -> None:
    url, root = tsa
    upgrade(settings.workbench_url)
    factory = session_factory(make_engine(settings.workbench_url))
    signer = load_log_signer(settings)
    photo = tmp_path / "photo.png"
    photo.write_bytes(b"\x89PNG synthetic")
    with factory() as s, s.begin():
        vault = Vault(s, settings)
        item = vault.capture_file(photo, actor="analyst-1", reason="test")
        row = issue_checkpoint(s, signer)
        ts = timestamp_checkpoint(s, row, TsaConfig(url, root))
        assert "BEGIN CERTIFICATE" in ts.chain_pem
        assert verify_token(ts.token, split_note(row.note)[0].encode(), ts.chain_pem)
        out = tmp_path / "b.zip"
        export_items(
            s,
            vault,
            [item.id],
            out,
            actor="analyst-1",
            reason="court",
            signer=signer,
            tsa=TsaConfig(url, root),
        )
        assert log.log_size(s) == 3  # captured, exported, the bundle's contents
    verdict = verify_bundle(out, trusted_key=signer.verifier)
    assert verdict.ok, verdict.failures
    assert any("RFC 3161 timestamp" in c for c in verdict.ok_checks)
    # a token from another moment (the first checkpoint's) does not fit this checkpoint
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(bad, "w") as dst:
        for name in src.namelist():
            data = ts.token if name.endswith(".tsr") else src.read(name)
            dst.writestr(name, data)
    verdict = verify_bundle(bad, trusted_key=signer.verifier)
    assert any("RFC 3161 timestamp does not verify" in f for f in verdict.failures)


def test_openssl_verifies_the_bundled_token_as_the_docs_say(
    tsa: tuple[str, Path], settings: Settings, tmp_path: Path
) -> None:
    url, root = tsa
    upgrade(settings.workbench_url)
    factory = session_factory(make_engine(settings.workbench_url))
    signer = load_log_signer(settings)
    doc = tmp_path / "doc.txt"
    doc.write_text("synthetic")
    with factory() as s, s.begin():
        vault = Vault(s, settings)
        item = vault.capture_file(doc, actor="a", reason="r")
        out = tmp_path / "b.zip"
        export_items(
            s, vault, [item.id], out, actor="a", reason="r", signer=signer, tsa=TsaConfig(url, root)
        )
    with zipfile.ZipFile(out) as zf:
        note = zf.read("checkpoint.txt").decode()
        (tmp_path / "0.tsr").write_bytes(zf.read("timestamps/0.tsr"))
        (tmp_path / "0.pem").write_bytes(zf.read("timestamps/0.pem"))
    (tmp_path / "body.txt").write_text(note.split("\n\n", 1)[0] + "\n")
    args = ["ts", "-verify", "-data", "body.txt", "-in", "0.tsr", "-CAfile", "0.pem"]
    ok = subprocess.run(["openssl", *args], cwd=tmp_path, capture_output=True, text=True)
    assert ok.returncode == 0 and "Verification: OK" in ok.stdout, ok.stdout + ok.stderr
    (tmp_path / "body.txt").write_text(note.split("\n\n", 1)[0] + "x\n")
    bad = subprocess.run(["openssl", *args], cwd=tmp_path, capture_output=True, text=True)
    assert bad.returncode != 0
