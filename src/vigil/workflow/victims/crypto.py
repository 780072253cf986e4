"""Field encryption: AES-256-GCM, a fresh 96-bit nonce per write, context bound as AAD.

The AAD names the format version, the victim record and the field, so a ciphertext copied
to another record or field fails to decrypt, exactly like a modified one.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vigil.workflow.errors import WorkflowError

__all__ = ["TamperedData", "decrypt_field", "encrypt_field", "new_data_key"]

_FORMAT = b"vigil-victim-field/v1"


class TamperedData(WorkflowError):
    """A ciphertext failed authentication: modified, moved, or under another key."""


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _aad(record_id: str, field: str) -> bytes:
    return b"\x00".join((_FORMAT, record_id.encode(), field.encode()))


def encrypt_field(key: bytes, record_id: str, field: str, plaintext: bytes) -> tuple[bytes, bytes]:
    """``(nonce, ciphertext || tag)`` of one field."""
    nonce = os.urandom(12)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, _aad(record_id, field))


def decrypt_field(key: bytes, record_id: str, field: str, nonce: bytes, ciphertext: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _aad(record_id, field))
    except InvalidTag:
        raise TamperedData(
            f"field {field!r} of record {record_id} failed authentication "
            "(modified, moved from another record, or encrypted under another key)"
        ) from None
