"""Key material for sharing, kept under the data home and never logged.

Layout (every file mode 0600, every directory 0700)::

    $VIGIL_HOME/sharing/org.json            {"org": "<this organisation's name>"}
    $VIGIL_HOME/sharing/org.key             Ed25519 private key (PKCS#8 PEM): signs packages
    $VIGIL_HOME/sharing/groups/<G>.key      32-byte group key (hex): HMAC of identifiers
    $VIGIL_HOME/sharing/trust/<org>.pub     a partner's Ed25519 public key (base64)

A group key is made once by one member (:meth:`KeyStore.new_group`) and handed to the others
out of band (:meth:`KeyStore.export_group` / :meth:`KeyStore.import_group`). Key ids are the
first 16 hex digits of SHA-256 over the key (group) or the raw public key (org), so packages
can name the key they used without revealing it.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = ["GroupKey", "KeyError_", "KeyStore", "key_id", "verify_signature"]

_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
GROUP_KEY_BYTES = 32


class KeyError_(ValueError):  # noqa: N801 - KeyError is a builtin
    """Missing, malformed or unsafe key material (the message says which and what to do)."""


def key_id(material: bytes) -> str:
    return hashlib.sha256(material).hexdigest()[:16]


def check_name(name: str, what: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise KeyError_(
            f"{what} {name!r}: use 1-64 lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return name


@dataclass(frozen=True, slots=True)
class GroupKey:
    group: str
    secret: bytes

    @property
    def id(self) -> str:
        return key_id(self.secret)

    def __repr__(self) -> str:  # never print the secret
        return f"GroupKey(group={self.group!r}, id={self.id!r})"


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    tmp.replace(path)
    path.chmod(0o600)


def _read_private(path: Path, what: str) -> bytes:
    if not path.is_file():
        raise KeyError_(f"{what} not found ({path})")
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise KeyError_(f"{path} is readable by others (mode {mode:o}); run chmod 600 on it")
    return path.read_bytes()


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


class KeyStore:
    """Keys of one data home."""

    def __init__(self, home: Path) -> None:
        self.root = home / "sharing"

    # -- this organisation -------------------------------------------------------------
    @property
    def _org_key(self) -> Path:
        return self.root / "org.key"

    def init_org(self, org: str) -> bytes:
        """Create this organisation's identity and signing key; return the public key."""
        check_name(org, "organisation")
        if self._org_key.exists():
            raise KeyError_(f"this data home already has a signing key ({self._org_key})")
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_private(self._org_key, pem)
        _write_private(self.root / "org.json", json.dumps({"org": org}).encode())
        return self.public_key()

    def org(self) -> str:
        raw = _read_private(self.root / "org.json", "organisation identity (vigil share keys init)")
        try:
            return check_name(json.loads(raw)["org"], "organisation")
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyError_(f"{self.root / 'org.json'} is damaged: {exc}") from None

    def signing_key(self) -> Ed25519PrivateKey:
        pem = _read_private(self._org_key, "signing key (vigil share keys init)")
        try:
            key = serialization.load_pem_private_key(pem, password=None)
        except ValueError:
            raise KeyError_(f"{self._org_key} is not a PEM private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyError_(f"{self._org_key} is not an Ed25519 key")
        return key

    def public_key(self) -> bytes:
        return (
            self.signing_key()
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )

    # -- groups --------------------------------------------------------------------------
    def _group_path(self, group: str) -> Path:
        return self.root / "groups" / f"{check_name(group, 'group')}.key"

    def new_group(self, group: str) -> GroupKey:
        path = self._group_path(group)
        if path.exists():
            raise KeyError_(f"group {group!r} already has a key; rotate it with a new group name")
        secret = secrets.token_bytes(GROUP_KEY_BYTES)
        _write_private(path, secret.hex().encode())
        return GroupKey(group, secret)

    def group(self, group: str) -> GroupKey:
        raw = _read_private(
            self._group_path(group), f"key of group {group!r} (vigil share keys import-group)"
        )
        try:
            secret = bytes.fromhex(raw.decode("ascii").strip())
        except (UnicodeDecodeError, ValueError):
            raise KeyError_(f"key of group {group!r} is damaged (not hex)") from None
        if len(secret) != GROUP_KEY_BYTES:
            raise KeyError_(f"key of group {group!r} is damaged (not {GROUP_KEY_BYTES} bytes)")
        return GroupKey(group, secret)

    def groups(self) -> list[str]:
        folder = self.root / "groups"
        return sorted(p.stem for p in folder.glob("*.key")) if folder.is_dir() else []

    def export_group(self, group: str, out: Path) -> None:
        """Write the group key to ``out`` (0600) for a partner; carry it out of band."""
        key = self.group(group)
        body = {"group": group, "key": key.secret.hex(), "key_id": key.id}
        _write_private(out, json.dumps(body).encode())

    def import_group(self, path: Path) -> GroupKey:
        raw = _read_private(path, "group key file")
        try:
            body = json.loads(raw)
            group, secret = check_name(body["group"], "group"), bytes.fromhex(body["key"])
        except (ValueError, KeyError, TypeError) as exc:
            raise KeyError_(f"{path} is not a vigil group key file: {exc}") from None
        if len(secret) != GROUP_KEY_BYTES:
            raise KeyError_(f"{path}: a group key is {GROUP_KEY_BYTES} bytes")
        target = self._group_path(group)
        if target.exists() and self.group(group).secret != secret:
            raise KeyError_(f"group {group!r} already has a different key here")
        _write_private(target, secret.hex().encode())
        return GroupKey(group, secret)

    # -- trusted partners -----------------------------------------------------------------
    def trust(self, org: str, public_key_b64: str) -> str:
        """Trust ``org``'s package signatures; return the key id."""
        check_name(org, "organisation")
        try:
            raw = base64.b64decode(public_key_b64.strip(), validate=True)
            Ed25519PublicKey.from_public_bytes(raw)
        except (binascii.Error, ValueError):
            raise KeyError_("not a base64 Ed25519 public key (32 bytes)") from None
        _write_private(self.root / "trust" / f"{org}.pub", base64.b64encode(raw))
        return key_id(raw)

    def trusted(self, org: str) -> bytes | None:
        with contextlib.suppress(KeyError_):
            check_name(org, "organisation")
            path = self.root / "trust" / f"{org}.pub"
            if path.is_file():
                return base64.b64decode(path.read_bytes())
        return None

    def trusted_orgs(self) -> list[str]:
        folder = self.root / "trust"
        return sorted(p.stem for p in folder.glob("*.pub")) if folder.is_dir() else []
