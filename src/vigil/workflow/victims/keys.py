"""Master keys that wrap the per-victim data keys, behind a small KMS adapter interface.

:class:`KeyProvider` is what the victims' service needs from a key management system:
wrap a 32-byte data key, unwrap it again given the id of the key that wrapped it. The
built-in :class:`FileKeyProvider` keeps one AES-256 master key in a file created with
mode 0600 on first use (``$VIGIL_HOME/keys/master.key``, or the path in
``VIGIL_MASTER_KEY_FILE``); wrapping is AES key wrap (RFC 3394), whose unwrap checks
integrity. An adapter for a cloud KMS, an HSM or Vault transit implements the same two
methods and never lets the master key leave the KMS.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.keywrap import (
    InvalidUnwrap,
    aes_key_unwrap,
    aes_key_wrap,
)

from vigil.settings import Settings
from vigil.workflow.errors import WorkflowError

__all__ = ["ENV_KEY_FILE", "FileKeyProvider", "KeyProvider", "MasterKeyError", "master_keys"]

ENV_KEY_FILE = "VIGIL_MASTER_KEY_FILE"


class MasterKeyError(WorkflowError):
    """The master key is missing, unsafe, or not the one that wrapped a data key."""


class KeyProvider(Protocol):
    """Wraps and unwraps data keys with a master key it never reveals."""

    @property
    def key_id(self) -> str:
        """Id of the master key new data keys are wrapped with (stored beside them)."""
        ...

    def wrap(self, data_key: bytes) -> bytes: ...

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes: ...


class FileKeyProvider:
    """One 256-bit master key in a file readable only by its owner (created 0600)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._key = self._load_or_create(path)
        self._id = "file:" + hashlib.sha256(b"vigil-kek-id" + self._key).hexdigest()[:16]

    @staticmethod
    def _load_or_create(path: Path) -> bytes:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process created it first: read theirs
            else:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(os.urandom(32).hex().encode() + b"\n")
                    fh.flush()
                    os.fsync(fh.fileno())
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise MasterKeyError(
                f"{path}: the master key file must be readable by its owner only "
                f"(mode is {stat.S_IMODE(mode):o}; run chmod 600 {path})"
            )
        text = path.read_text("ascii").strip()
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise MasterKeyError(f"{path}: expected 64 hex digits (a 256-bit key)")
        return key

    @property
    def key_id(self) -> str:
        return self._id

    def wrap(self, data_key: bytes) -> bytes:
        return aes_key_wrap(self._key, data_key)

    def unwrap(self, wrapped: bytes, key_id: str) -> bytes:
        if key_id != self._id:
            raise MasterKeyError(f"data key was wrapped by master key {key_id}, not {self._id}")
        try:
            return aes_key_unwrap(self._key, wrapped)
        except InvalidUnwrap:
            raise MasterKeyError(
                "the wrapped data key is corrupt or was not wrapped by this key"
            ) from None


def master_keys(settings: Settings) -> KeyProvider:
    """The configured master key: ``VIGIL_MASTER_KEY_FILE``, else the data home's key file."""
    return FileKeyProvider(settings.master_key_file or settings.home / "keys" / "master.key")
