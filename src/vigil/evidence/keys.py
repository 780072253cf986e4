"""The log's signing key and witness keys, as files under the data home.

``<home>/keys/log.key`` holds the log's signer key (``PRIVATE+KEY+...``, mode 0600, never
logged or printed) and ``<home>/keys/log.pub`` its verifier key. The key's name is the
log's origin line.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from vigil.evidence.note import ALG_COSIGNATURE, ALG_ED25519, NoteError, Signer, Verifier
from vigil.settings import Settings

__all__ = [
    "KeyFileError",
    "keys_dir",
    "load_log_signer",
    "load_log_verifier",
    "new_witness",
    "read_signer",
    "read_verifier",
    "write_signer",
]


class KeyFileError(RuntimeError):
    """A key file is missing, unreadable or has unsafe permissions."""


def keys_dir(settings: Settings) -> Path:
    return settings.home / "keys"


def write_signer(signer: Signer, path: Path) -> None:
    """Write a signer key to a new file readable by its owner only; refuse to overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path} exists: refusing to overwrite a key") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(signer.skey() + "\n")
    path.with_suffix(".pub").write_text(signer.verifier.vkey() + "\n")


def read_signer(path: Path) -> Signer:
    try:
        mode = path.stat().st_mode & 0o777
        text = path.read_text()
    except OSError as exc:
        raise KeyFileError(f"cannot read the key {path}: {exc.strerror}") from None
    if mode & 0o077:
        raise KeyFileError(f"{path} is readable by others (mode {mode:o}): chmod 600 it")
    try:
        return Signer.parse(text)
    except NoteError as exc:
        raise KeyFileError(f"{path}: {exc}") from None


def read_verifier(path: Path) -> Verifier:
    try:
        return Verifier.parse(path.read_text())
    except OSError as exc:
        raise KeyFileError(f"cannot read the public key {path}: {exc.strerror}") from None
    except NoteError as exc:
        raise KeyFileError(f"{path}: {exc}") from None


def load_log_signer(
    settings: Settings, *, create: bool = True, origin: str | None = None
) -> Signer:
    """The log's signer, generated on first use (origin ``vigil.local/evidence/<random>``)."""
    path = keys_dir(settings) / "log.key"
    if not path.exists():
        if not create:
            raise KeyFileError(f"no log key at {path}: run `vigil log init`")
        name = origin or f"vigil.local/evidence/{secrets.token_hex(4)}"
        write_signer(Signer.generate(name, ALG_ED25519), path)
    return read_signer(path)


def load_log_verifier(settings: Settings) -> Verifier:
    return read_verifier(keys_dir(settings) / "log.pub")


def new_witness(name: str, path: Path) -> Signer:
    """Generate a witness cosignature key (type 0x04) into ``path`` (+ ``.pub``)."""
    signer = Signer.generate(name, ALG_COSIGNATURE)
    write_signer(signer, path)
    return signer
