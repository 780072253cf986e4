"""C2SP signed notes, checkpoints, cosignatures and tlog-proof receipts."""

from __future__ import annotations

import base64
import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.evidence.note import (
    ALG_COSIGNATURE,
    NoteError,
    Signer,
    Verifier,
    cosign,
    format_checkpoint,
    open_checkpoint,
    parse_checkpoint,
    sign_note,
    split_note,
)
from vigil.evidence.records import canonical_json, event_commitment, event_leaf_data
from vigil.evidence.tlogproof import TlogProofError, format_tlog_proof, parse_tlog_proof

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

# golang.org/x/mod/sumdb/note test vectors (note_test.go)
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNED = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_go_reference_keys_and_signature() -> None:
    signer = Signer.parse(GO_SKEY)
    assert signer.verifier.vkey() == GO_VKEY
    assert signer.skey() == GO_SKEY
    assert Verifier.parse(GO_VKEY) == signer.verifier
    assert sign_note(GO_TEXT, [signer]) == GO_SIGNED  # Ed25519 is deterministic


def test_key_parsing_rejects_mismatched_ids_and_junk() -> None:
    with pytest.raises(NoteError, match="key id"):
        Verifier.parse(GO_VKEY.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(NoteError, match="key id"):
        Signer.parse(GO_SKEY.replace("c74f20a3", "00000000"))
    for junk in ["", "name", "a+b", "PeterNeumann+zz+AAAA", "bad name+c74f20a3+AAAA"]:
        with pytest.raises(NoteError):
            Verifier.parse(junk)
    with pytest.raises(NoteError):
        Signer.parse("PRIVATE+KEY+x")


def _checkpoint(signer: Signer, size: int = 5) -> str:
    return sign_note(format_checkpoint(signer.name, size, b"\x07" * 32), [signer])


def test_checkpoint_roundtrip_and_unknown_signatures_are_ignored() -> None:
    log = Signer.generate("example.org/log")
    stranger = Signer.generate("stranger.example")
    note = _checkpoint(log)
    cp = open_checkpoint(note, log.verifier)
    assert (cp.origin, cp.size, cp.root) == ("example.org/log", 5, b"\x07" * 32)
    # a note signed by both: the stranger's line is ignored, not an error
    both = sign_note(format_checkpoint(log.name, 5, b"\x07" * 32), [stranger, log])
    assert open_checkpoint(both, log.verifier).size == 5
    with pytest.raises(NoteError, match="no signature by the log key"):
        open_checkpoint(_checkpoint(stranger), log.verifier)
    with pytest.raises(NoteError, match="origin"):
        open_checkpoint(note, log.verifier, origin="other.example/log")


def test_tampered_checkpoints_fail() -> None:
    log = Signer.generate("example.org/log")
    note = _checkpoint(log)
    for bad in [
        note.replace("\n5\n", "\n6\n"),
        note.replace("example.org/log\n", "example.org/lag\n", 1),
        # a character inside the signature (the last one before "=" has unused bits)
        note[:-20] + ("A" if note[-20] != "A" else "B") + note[-19:],
    ]:
        with pytest.raises(NoteError):
            open_checkpoint(bad, log.verifier)


def test_non_canonical_base64_is_refused() -> None:
    # 4-byte key id + 64-byte signature: 68 bytes end in a 2-byte group, "xxx=", whose
    # last character carries 2 unused bits; flipping them decodes to the same bytes
    log = Signer.generate("example.org/log")
    note = _checkpoint(log)
    assert note.endswith("=\n") and not note.endswith("==\n")
    last = _B64.index(note[-3])
    twin = note[:-3] + _B64[last ^ 1] + note[-2:]
    assert base64.b64decode(twin.split(" ")[-1]) == base64.b64decode(note.split(" ")[-1])
    with pytest.raises(NoteError, match="not base64"):
        open_checkpoint(twin, log.verifier)
    root = note.split("\n")[2]
    odd = root[:-2] + _B64[_B64.index(root[-2]) ^ 1] + root[-1:]
    with pytest.raises(NoteError, match="root hash is not base64"):
        parse_checkpoint(note.split("\n\n")[0].replace(root, odd) + "\n")


def test_cosignatures_count_only_for_known_witnesses() -> None:
    log = Signer.generate("example.org/log")
    w1 = Signer.generate("w1.example", ALG_COSIGNATURE)
    w2 = Signer.generate("w2.example", ALG_COSIGNATURE)
    note = cosign(cosign(_checkpoint(log), w1, 1_790_000_000), w2, 1_790_000_001)
    cp = open_checkpoint(note, log.verifier, [w1.verifier, w2.verifier], required_witnesses=2)
    assert cp.cosigned_by == ("w1.example", "w2.example")
    with pytest.raises(NoteError, match="1 valid witness"):
        open_checkpoint(note, log.verifier, [w1.verifier], required_witnesses=2)
    # a cosignature over another checkpoint does not transfer
    other = _checkpoint(log, size=6)
    stolen = other + note.splitlines(keepends=True)[-1]
    with pytest.raises(NoteError, match=r"w2\.example"):
        open_checkpoint(stolen, log.verifier, [w2.verifier], required_witnesses=1)
    # a log key cannot pose as a witness, nor a witness key sign as the log
    with pytest.raises(NoteError):
        cosign(note, log, 1)
    with pytest.raises(NoteError):
        sign_note("x\n", [w1])
    # the signed message binds the time: changing it breaks the cosignature
    line = note.splitlines()[-1]
    dash, name, b64 = line.split(" ")
    raw = bytearray(base64.b64decode(b64))
    raw[11] ^= 1  # inside the timestamp
    forged = note[: -len(line) - 1] + f"{dash} {name} {base64.b64encode(raw).decode()}\n"
    with pytest.raises(NoteError, match="does not verify"):
        open_checkpoint(forged, log.verifier, [w2.verifier], required_witnesses=1)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n5\nAAAA\n",  # root not 32 bytes
        "origin\n-5\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
        "origin\n05\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
        "origin\n+5\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
        "origin\n18446744073709551616\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
        "origin\n5\n" + base64.b64encode(b"\0" * 32).decode(),  # no final newline
        "origin\n5\n!!notbase64!!\n",
        "\n5\n" + base64.b64encode(b"\0" * 32).decode() + "\n",
        "origin\n5\n",
    ],
)
def test_checkpoint_parser_is_strict(text: str) -> None:
    with pytest.raises(NoteError):
        parse_checkpoint(text)


def test_checkpoint_parser_accepts_the_largest_size_and_extensions() -> None:
    root = base64.b64encode(b"\1" * 32).decode()
    cp = parse_checkpoint(f"o\n18446744073709551615\n{root}\next one\n")
    assert cp.size == 2**64 - 1 and cp.extensions == ("ext one",)


@given(st.text(max_size=300))
def test_note_and_checkpoint_parsers_never_crash(text: str) -> None:
    log = Signer.parse(GO_SKEY)
    for fn in (lambda: split_note(text), lambda: parse_checkpoint(text)):
        with contextlib.suppress(NoteError):
            fn()
    with contextlib.suppress(NoteError):
        open_checkpoint(text, log.verifier)


@given(st.text(max_size=300))
def test_tlog_proof_parser_never_crashes(text: str) -> None:
    with contextlib.suppress(TlogProofError):
        parse_tlog_proof(text)


@given(st.integers(0, 2**63), st.lists(st.binary(min_size=32, max_size=32), max_size=40))
def test_tlog_proof_roundtrip(index: int, hashes: list[bytes]) -> None:
    note = "origin\n1\nAAAA\n\n— origin AAAA\n"
    proof = parse_tlog_proof(format_tlog_proof(index, hashes, note))
    assert (proof.index, proof.hashes, proof.checkpoint) == (index, hashes, note)


def test_records_are_canonical_and_commitments_salted() -> None:
    assert (
        canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )
    with pytest.raises(ValueError, match="floats"):
        canonical_json({"x": 1.5})
    rec = {"item": "i", "seq": 0, "actor": "a"}
    c1, c2 = event_commitment(b"\0" * 32, rec), event_commitment(b"\1" * 32, rec)
    assert c1 != c2 and len(c1) == 64
    leaf = event_leaf_data("i", 0, "captured", c1)
    assert leaf.startswith(b"vigil-evidence-log/v1\n") and b"actor" not in leaf
