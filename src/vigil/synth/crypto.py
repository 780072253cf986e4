"""Random but checksum-valid cryptocurrency addresses.

* Bitcoin P2PKH (``1...``) and P2SH (``3...``): base58check over random 20-byte hashes.
* Bitcoin bech32 P2WPKH (``bc1q...``): BIP-173 checksum over a random 20-byte program.
* Ethereum: random 20 bytes, EIP-55 mixed-case checksum (Keccak-256).

The addresses are random, so nobody controls them; they only exercise extraction
and checksum validation downstream.
"""

from __future__ import annotations

import hashlib
import random
from typing import Final

from vigil.synth.keccak import keccak256

__all__ = ["base58check", "bech32_address", "btc_address", "eth_address", "eth_checksum"]

_B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def base58check(version: int, payload: bytes) -> str:
    """Encode ``version || payload`` with a 4-byte double-SHA-256 checksum."""
    raw = bytes([version]) + payload
    raw += hashlib.sha256(hashlib.sha256(raw).digest()).digest()[:4]
    num = int.from_bytes(raw, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(_B58[rem])
    pad = len(raw) - len(raw.lstrip(b"\x00"))
    return "1" * pad + "".join(reversed(out))


def _bech32_polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= _BECH32_GEN[i] if (top >> i) & 1 else 0
    return chk


def _convertbits(data: bytes, frombits: int, tobits: int) -> list[int]:
    acc = bits = 0
    out: list[int] = []
    maxv = (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if bits:
        out.append((acc << (tobits - bits)) & maxv)
    return out


def bech32_address(program: bytes, hrp: str = "bc", witver: int = 0) -> str:
    """Return the BIP-173 bech32 segwit address for a witness ``program``."""
    data = [witver, *_convertbits(program, 8, 5)]
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod([*expanded, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_BECH32[d] for d in data + checksum)


def btc_address(rng: random.Random) -> str:
    """A random checksum-valid Bitcoin address (P2PKH, P2SH or bech32)."""
    payload = rng.randbytes(20)
    kind = rng.random()
    if kind < 0.45:
        return base58check(0x00, payload)
    if kind < 0.65:
        return base58check(0x05, payload)
    return bech32_address(payload)


def eth_checksum(address_hex: str) -> str:
    """Apply the EIP-55 mixed-case checksum to a 40-hex-digit address (no ``0x``)."""
    lower = address_hex.lower()
    digest = keccak256(lower.encode("ascii")).hex()
    return "0x" + "".join(
        ch.upper() if ch.isalpha() and int(digest[i], 16) >= 8 else ch for i, ch in enumerate(lower)
    )


def eth_address(rng: random.Random) -> str:
    """A random EIP-55 checksummed Ethereum address."""
    return eth_checksum(rng.randbytes(20).hex())
