"""The offline verifier treats every bundle as hostile: junk gives a verdict, never a crash."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.evidence.note import Signer, format_checkpoint, sign_note
from vigil.evidence.verify import BundleError, verify_bundle

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = ["id", "file", "sha256", "size", "events", "record", "salt", "leaf_index", "proof"]
_ITEM = st.fixed_dictionaries(
    {},
    optional={
        k: _JSON | st.just("items/a") | st.just("proofs/a/0.tlog-proof") | st.just([{}])
        for k in _KEYS
    },
)
_SIGNER = Signer.generate("example.org/log")


def _bundle(manifest: Any, members: dict[str, bytes]) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            zf.writestr(name, data)
    tmp = Path(tempfile.mkdtemp()) / "b.zip"
    tmp.write_bytes(buf.getvalue())
    return tmp


@settings(max_examples=80)
@given(
    st.fixed_dictionaries(
        {"format": st.just("vigil-evidence-bundle/v1") | _JSON},
        optional={"items": st.lists(_ITEM, max_size=3) | _JSON, "log": _JSON, "timestamps": _JSON},
    ),
    st.dictionaries(
        st.sampled_from(["items/a", "proofs/a/0.tlog-proof", "checkpoint.txt", "log.pub", "x"]),
        st.binary(max_size=64) | st.just(b"c2sp.org/tlog-proof@v1\nindex 0\n\nx"),
        max_size=4,
    ),
    st.booleans(),
)
def test_arbitrary_manifests_give_a_verdict(
    manifest: dict[str, Any], members: dict[str, bytes], real_checkpoint: bool
) -> None:
    if real_checkpoint:
        note = sign_note(format_checkpoint(_SIGNER.name, 1, b"\0" * 32), [_SIGNER])
        members = {**members, "checkpoint.txt": note.encode()}
        members["log.pub"] = _SIGNER.verifier.vkey().encode()
    path = _bundle(manifest, members)
    try:
        verdict = verify_bundle(path)
    except BundleError:
        return
    assert verdict.failures  # nothing random is ever valid
