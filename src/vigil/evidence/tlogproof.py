"""``c2sp.org/tlog-proof@v1`` receipts: an inclusion proof bundled with its checkpoint.

Text form::

    c2sp.org/tlog-proof@v1
    index <leaf index>
    <base64 proof hash, leaf to root, one per line>
    <blank line>
    <the signed checkpoint note, verbatim>
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

__all__ = ["TlogProof", "TlogProofError", "format_tlog_proof", "parse_tlog_proof"]

HEADER = "c2sp.org/tlog-proof@v1"
_MAX_HASHES = 64


class TlogProofError(ValueError):
    """A malformed proof receipt."""


@dataclass(frozen=True)
class TlogProof:
    index: int
    hashes: list[bytes]
    checkpoint: str


def format_tlog_proof(index: int, hashes: list[bytes], checkpoint: str) -> str:
    lines = [HEADER, f"index {index}", *(base64.b64encode(h).decode() for h in hashes)]
    return "\n".join(lines) + "\n\n" + checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    head, sep, checkpoint = text.partition("\n\n")
    if not sep:
        raise TlogProofError("no blank line between the proof and its checkpoint")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise TlogProofError(f"first line is not {HEADER}")
    rest = lines[1:]
    if rest and rest[0].startswith("extra "):
        rest = rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise TlogProofError("missing the 'index N' line")
    idx = rest[0][6:]
    if not idx.isascii() or not idx.isdigit() or (len(idx) > 1 and idx[0] == "0"):
        raise TlogProofError(f"index {idx[:30]!r} is not a decimal number")
    if len(rest) - 1 > _MAX_HASHES:
        raise TlogProofError("too many proof hashes")
    hashes = []
    for n, line in enumerate(rest[1:], 1):
        try:
            h = binascii.a2b_base64(line, strict_mode=True)
        except binascii.Error:
            raise TlogProofError(f"proof hash {n} is not base64") from None
        if len(h) != 32:
            raise TlogProofError(f"proof hash {n} is not 32 bytes")
        hashes.append(h)
    return TlogProof(int(idx), hashes, checkpoint)
