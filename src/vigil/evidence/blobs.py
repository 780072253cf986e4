"""Content-addressed, write-once blob storage (SHA-256) for evidentiary copies.

:class:`BlobStore` is the small interface the vault needs; :class:`FileBlobStore` keeps
blobs under ``<home>/vault/blobs/sha256/ab/cd/<hash>``, read-only once written.
:class:`vigil.evidence.s3blobs.S3BlobStore` keeps them in an S3-compatible bucket under
the same key layout. Both get ``put_bytes``, ``put_file`` and ``copy_to`` from
:class:`BlobStoreBase`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, Protocol

__all__ = ["BlobError", "BlobStore", "BlobStoreBase", "FileBlobStore", "blob_key"]

_CHUNK = 1 << 20


class BlobError(RuntimeError):
    """A blob is missing or no longer matches its hash."""


class BlobStore(Protocol):
    @property
    def location(self) -> str:
        """Where the blobs are, for messages (never credentials)."""

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store content; return (sha256 hex, size). Storing the same content is a no-op."""

    def open(self, sha256: str) -> BinaryIO:
        """Open a stored blob for reading."""

    def exists(self, sha256: str) -> bool: ...

    def check(self, sha256: str) -> None:
        """Re-hash a stored blob; raise :class:`BlobError` if it is missing or altered."""

    def put_bytes(self, data: bytes) -> tuple[str, int]: ...

    def put_file(self, source: Path) -> tuple[str, int]: ...

    def copy_to(self, sha256: str, dest: Path) -> None:
        """Copy a blob to a (writable) working copy; the evidentiary copy stays untouched."""


def _valid(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise BlobError(f"{sha256[:80]!r} is not a SHA-256 hex digest")
    return sha256


def blob_key(sha256: str) -> str:
    """The relative location of a blob: ``sha256/ab/cd/<hash>``."""
    h = _valid(sha256)
    return f"sha256/{h[:2]}/{h[2:4]}/{h}"


class BlobStoreBase(ABC):
    """The helpers every store derives from ``put_chunks`` and ``open``."""

    @abstractmethod
    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]: ...

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO: ...

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        return self.put_chunks([data])

    def put_file(self, source: Path) -> tuple[str, int]:
        with source.open("rb") as fh:
            return self.put_chunks(iter(lambda: fh.read(_CHUNK), b""))

    def check(self, sha256: str) -> None:
        digest = hashlib.sha256()
        with self.open(sha256) as fh:
            for chunk in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            raise BlobError(f"blob {sha256} no longer matches its hash")

    def copy_to(self, sha256: str, dest: Path) -> None:
        """Copy a blob to a (writable) working copy; the evidentiary copy stays untouched."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        with self.open(sha256) as src, dest.open("wb") as dst:
            shutil.copyfileobj(src, dst, _CHUNK)
        dest.chmod(0o644)


class FileBlobStore(BlobStoreBase):
    """Blobs as read-only files named by their SHA-256, written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def location(self) -> str:
        return str(self.root)

    def path(self, sha256: str) -> Path:
        return self.root / blob_key(sha256)

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        fd, tmp_name = tempfile.mkstemp(dir=tmp_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    digest.update(chunk)
                    size += len(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            sha = digest.hexdigest()
            final = self.path(sha)
            if final.exists():
                tmp.unlink()
            else:
                final.parent.mkdir(parents=True, exist_ok=True)
                tmp.chmod(0o444)
                tmp.replace(final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return sha, size

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self.path(sha256).open("rb")
        except FileNotFoundError:
            raise BlobError(f"blob {sha256} is missing from the vault") from None
