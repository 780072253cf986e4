"""C2SP signed notes, tlog checkpoints and witness cosignatures (Ed25519).

- ``c2sp.org/signed-note``: text ending in a newline, a blank line, then lines
  ``— <name> <base64(key id || signature)>``; the Ed25519 key id is
  ``SHA-256(name || 0x0A || 0x01 || public key)[:4]``. Verifier keys are written
  ``name+hex(key id)+base64(0x01 || public key)`` and signer keys
  ``PRIVATE+KEY+name+hex(key id)+base64(0x01 || seed)``, as Go's ``sumdb/note``.
- ``c2sp.org/tlog-checkpoint``: the text is ``origin``, the decimal tree size and the
  base64 root hash, one per line, then optional extension lines.
- ``c2sp.org/tlog-cosignature``: a witness signs
  ``cosignature/v1\\ntime <unix seconds>\\n`` + checkpoint text with an Ed25519 key whose
  id uses type byte 0x04; the signature is ``u64 time || 64-byte signature``.

Hand-written (about 200 lines of formats over ``cryptography``'s Ed25519) because no
vetted Python implementation exists (see the research notes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "ALG_COSIGNATURE",
    "ALG_ED25519",
    "Checkpoint",
    "NoteError",
    "Signer",
    "Verifier",
    "cosign",
    "format_checkpoint",
    "open_checkpoint",
    "parse_checkpoint",
    "sign_note",
    "split_note",
]

ALG_ED25519 = 0x01
ALG_COSIGNATURE = 0x04
_DASH = "\u2014"
_MAX_SIGNATURES = 100
_U64 = 2**64 - 1


def _b64decode(text: str) -> bytes:
    """Strict standard base64: only its alphabet, and only the canonical encoding.

    Python (like Go's default decoder) ignores the unused low bits of the last
    character, so ``...A=`` and ``...B=`` decode alike; a note whose text was changed
    that way must not verify as the signed one.
    """
    raw = base64.b64decode(text, validate=True)
    if base64.b64encode(raw).decode() != text:
        raise binascii.Error("not the canonical base64 encoding")
    return raw


class NoteError(ValueError):
    """A malformed note, key or checkpoint, or a signature that does not verify."""


def _key_id(name: str, alg: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([alg]) + public).digest()[:4]


def _check_name(name: str) -> None:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise NoteError(f"key name {name!r} must be non-empty, without spaces or '+'")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key that can check signatures in a note (log key or witness key)."""

    name: str
    alg: int
    public: bytes

    @property
    def key_id(self) -> bytes:
        return _key_id(self.name, self.alg, self.public)

    def vkey(self) -> str:
        raw = bytes([self.alg]) + self.public
        return f"{self.name}+{self.key_id.hex()}+{base64.b64encode(raw).decode()}"

    @property
    def fingerprint(self) -> str:
        """The full SHA-256 key hash (the 4-byte key id is its prefix)."""
        data = self.name.encode() + b"\n" + bytes([self.alg]) + self.public
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3:
            raise NoteError("a verifier key reads name+keyid+base64key")
        name, hex_id, b64 = parts
        _check_name(name)
        try:
            raw = _b64decode(b64)
            key_id = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError):
            raise NoteError("the verifier key's id or key is not valid hex/base64") from None
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE):
            raise NoteError("only Ed25519 (0x01) and cosignature (0x04) keys are supported")
        verifier = cls(name, raw[0], raw[1:])
        if verifier.key_id != key_id:
            raise NoteError(f"verifier key {name}: its key id does not match the key")
        return verifier

    def _public_key(self) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(self.public)


@dataclass(frozen=True)
class Signer:
    """An Ed25519 private key with its note name (the log's key or a witness key)."""

    name: str
    private: Ed25519PrivateKey = field(repr=False)
    alg: int = ALG_ED25519

    @classmethod
    def generate(cls, name: str, alg: int = ALG_ED25519) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.generate(), alg)

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.alg, _raw_public(self.private.public_key()))

    def skey(self) -> str:
        seed = self.private.private_bytes_raw()
        raw = base64.b64encode(bytes([self.alg]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{raw}"

    @classmethod
    def parse(cls, skey: str) -> Signer:
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise NoteError("a signer key reads PRIVATE+KEY+name+keyid+base64key")
        name, hex_id, b64 = parts[2:]
        _check_name(name)
        try:
            raw = _b64decode(b64)
            key_id = bytes.fromhex(hex_id)
        except (binascii.Error, ValueError):
            raise NoteError("the signer key is not valid hex/base64") from None
        if len(raw) != 33 or raw[0] not in (ALG_ED25519, ALG_COSIGNATURE):
            raise NoteError("only Ed25519 signer keys are supported")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]), raw[0])
        if signer.verifier.key_id != key_id:
            raise NoteError(f"signer key {name}: its key id does not match the key")
        return signer


# --- notes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _SigLine:
    name: str
    key_id: bytes
    sig: bytes


def split_note(note: str) -> tuple[str, list[_SigLine]]:
    """Split a signed note into its text (ending in a newline) and signature lines."""
    sep = note.rfind("\n\n")
    if sep < 0:
        raise NoteError("the note has no blank line before its signatures")
    text, sigs = note[: sep + 1], note[sep + 2 :]
    if not sigs.endswith("\n"):
        raise NoteError("the note's signature block must end with a newline")
    out: list[_SigLine] = []
    for n, line in enumerate(sigs[:-1].split("\n"), 1):
        if n > _MAX_SIGNATURES:
            raise NoteError(f"the note has more than {_MAX_SIGNATURES} signatures")
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != _DASH:
            raise NoteError(f"signature line {n} is malformed: {line[:80]!r}")
        try:
            raw = _b64decode(parts[2])
        except binascii.Error:
            raise NoteError(f"signature line {n} is not base64") from None
        if len(raw) < 5:
            raise NoteError(f"signature line {n} is too short")
        out.append(_SigLine(parts[1], raw[:4], raw[4:]))
    if not out:
        raise NoteError("the note has no signatures")
    return text, out


def sign_note(text: str, signers: list[Signer]) -> str:
    """Sign ``text`` (which must end in a newline) with each Ed25519 signer."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("note text must end in a newline and contain no blank line")
    lines = []
    for s in signers:
        if s.alg != ALG_ED25519:
            raise NoteError("cosignature keys sign with cosign(), not sign_note()")
        raw = s.verifier.key_id + s.private.sign(text.encode())
        lines.append(f"{_DASH} {s.name} {base64.b64encode(raw).decode()}\n")
    return text + "\n" + "".join(lines)


def _cosigned_message(text: str, when: int) -> bytes:
    return f"cosignature/v1\ntime {when}\n".encode() + text.encode()


def cosign(note: str, witness: Signer, when: int) -> str:
    """Add a witness cosignature (tlog-cosignature/v1, Ed25519) to a signed checkpoint."""
    if witness.alg != ALG_COSIGNATURE:
        raise NoteError("a witness key must be a cosignature key (type 0x04)")
    if not 0 <= when <= _U64:
        raise NoteError("cosignature time out of range")
    text, _ = split_note(note)
    sig = witness.private.sign(_cosigned_message(text, when))
    raw = witness.verifier.key_id + struct.pack(">Q", when) + sig
    return note + f"{_DASH} {witness.name} {base64.b64encode(raw).decode()}\n"


def _check(verifier: Verifier, text: str, line: _SigLine) -> int | None:
    """Verify one signature line; return the cosignature time (None for a log signature)."""
    key = verifier._public_key()
    try:
        if verifier.alg == ALG_ED25519:
            if len(line.sig) != 64:
                raise InvalidSignature
            key.verify(line.sig, text.encode())
            return None
        if len(line.sig) != 72:
            raise InvalidSignature
        (when,) = struct.unpack(">Q", line.sig[:8])
        key.verify(line.sig[8:], _cosigned_message(text, when))
        return int(when)
    except InvalidSignature:
        raise NoteError(f"the signature by {verifier.name} does not verify") from None


# --- checkpoints -----------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()
    cosigned_by: tuple[str, ...] = ()


def format_checkpoint(origin: str, size: int, root: bytes) -> str:
    if not origin or "\n" in origin:
        raise NoteError("checkpoint origin must be one non-empty line")
    if not 0 <= size <= _U64 or len(root) != 32:
        raise NoteError("checkpoint size or root out of range")
    return f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint body (the note text) strictly."""
    if not text.endswith("\n"):
        raise NoteError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("checkpoint needs an origin, a size and a root hash")
    origin, size_s, root_s, *ext = lines
    if not origin:
        raise NoteError("checkpoint origin is empty")
    if not size_s.isascii() or not size_s.isdigit() or (len(size_s) > 1 and size_s[0] == "0"):
        raise NoteError(f"checkpoint size {size_s[:30]!r} is not a decimal number")
    size = int(size_s)
    if size > _U64:
        raise NoteError("checkpoint size does not fit in 64 bits")
    try:
        root = _b64decode(root_s)
    except binascii.Error:
        raise NoteError("checkpoint root hash is not base64") from None
    if len(root) != 32:
        raise NoteError("checkpoint root hash is not 32 bytes")
    if any(not e for e in ext):
        raise NoteError("checkpoint has an empty extension line")
    return Checkpoint(origin, size, root, tuple(ext))


def open_checkpoint(
    note: str,
    log_key: Verifier,
    witnesses: list[Verifier] | None = None,
    required_witnesses: int = 0,
    origin: str | None = None,
) -> Checkpoint:
    """Verify a signed checkpoint: the log's signature and ``required_witnesses`` cosignatures.

    Signatures by unknown keys are ignored (as the spec requires); a signature by a known
    key that does not verify is an error.
    """
    text, lines = split_note(note)
    checkpoint = parse_checkpoint(text)
    if origin is not None and checkpoint.origin != origin:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    known = {(v.name, v.key_id): v for v in [log_key, *(witnesses or [])]}
    logged = False
    cosigners: list[str] = []
    for line in lines:
        verifier = known.get((line.name, line.key_id))
        if verifier is None:
            continue
        when = _check(verifier, text, line)
        if verifier == log_key:
            logged = True
        elif when is not None and verifier.name not in cosigners:
            cosigners.append(verifier.name)
    if not logged:
        raise NoteError(f"the checkpoint carries no signature by the log key {log_key.name}")
    if len(cosigners) < required_witnesses:
        raise NoteError(
            f"the checkpoint has {len(cosigners)} valid witness cosignature(s), "
            f"{required_witnesses} required"
        )
    return Checkpoint(
        checkpoint.origin, checkpoint.size, checkpoint.root, checkpoint.extensions, tuple(cosigners)
    )
