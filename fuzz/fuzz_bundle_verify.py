"""Fuzz the offline evidence-bundle verifier (``vigil verify``, ``verify_bundle``): ZIP
container, manifest, custody records, Merkle proofs, signed checkpoint.

Documented outcome: a :class:`Verdict` (pass or fail, every problem named) for any ZIP
file; :class:`BundleError` only when the input is not a bundle at all (not a ZIP, a zip
bomb, a hostile member name). Anything else raised is a finding. Seeds: a bundle exported
from a fresh synthetic vault, and hand-made ZIP variants of it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import _common

with _common.instrumented("vigil.evidence"):
    from vigil.evidence.verify import BundleError, verify_bundle

PATH = _common.SCRATCH / "bundle.zip"


def one(data: bytes) -> None:
    PATH.write_bytes(data)
    try:
        verdict = verify_bundle(PATH)
    except BundleError as exc:
        assert str(exc), "an error without a message"
        return
    assert isinstance(verdict.ok, bool)


def _real_bundle() -> bytes:
    from vigil.evidence.bundle import export_items
    from vigil.evidence.keys import load_log_signer
    from vigil.evidence.vault import Vault
    from vigil.settings import get_settings
    from vigil.store import make_engine, session_factory, upgrade

    settings = get_settings(home=_common.SCRATCH / "home", progress=False)
    upgrade(settings.workbench_url)
    signer = load_log_signer(settings, origin="vigil.example.org/evidence")
    out = _common.SCRATCH / "seed.zip"
    with session_factory(make_engine(settings.workbench_url))() as s, s.begin():
        vault = Vault(s, settings)
        ids = [
            vault.capture_bytes(
                f"synthetic evidence {i}: call 713-555-01{40 + i}".encode(),
                filename=f"note-{i}.txt",
                media_type="text/plain",
                source_kind="file",
                source_ref=f"note-{i}.txt",
                actor="analyst-7",
                reason="fuzz seed",
            ).id
            for i in range(2)
        ]
        vault.record_event(ids[0], "annotated", "analyst-7", "phone matches", {"note": "n1"})
        export_items(s, vault, ids, out, actor="analyst-7", reason="court", signer=signer)
    return out.read_bytes()


def _rezip(data: bytes, *, stored: bool) -> bytes:
    out = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", method) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    return out.getvalue()


def seeds() -> Iterator[bytes]:
    real = _real_bundle()
    yield real
    yield _rezip(real, stored=True)  # uncompressed: mutations reach the manifest's JSON
    tiny = io.BytesIO()
    with zipfile.ZipFile(tiny, "w") as zf:
        zf.writestr("manifest.json", '{"format": "vigil-evidence-bundle/v1", "items": []}')
    yield tiny.getvalue()


if __name__ == "__main__":
    _common.main(one, seeds)
