"""Random but checksum-valid cryptocurrency addresses.

* Bitcoin P2PKH (``1...``) and P2SH (``3...``): base58check over random 20-byte hashes.
* Bitcoin bech32 P2WPKH (``bc1q...``): BIP-173 checksum over a random 20-byte program.
* Ethereum: random 20 bytes, EIP-55 mixed-case checksum (Keccak-256).

The codecs are the extractor's own (:mod:`vigil.extract.checksums`), so what the
generator writes and what the extractor validates cannot drift apart. The addresses
are random, so nobody controls them; they only exercise extraction and checksum
validation downstream.
"""

from __future__ import annotations

import random

from vigil.extract.checksums import b58encode_check, bech32_encode, eip55

__all__ = ["base58check", "bech32_address", "btc_address", "eth_address", "eth_checksum"]


def base58check(version: int, payload: bytes) -> str:
    """Encode ``version || payload`` with a 4-byte double-SHA-256 checksum."""
    return b58encode_check(bytes([version]) + payload)


def bech32_address(program: bytes, hrp: str = "bc", witver: int = 0) -> str:
    """The segwit address for a witness ``program`` (Bech32 for v0, Bech32m for v1+)."""
    return bech32_encode(hrp, witver, program)


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
    return eip55("0x" + address_hex)


def eth_address(rng: random.Random) -> str:
    """A random EIP-55 checksummed Ethereum address."""
    return eth_checksum(rng.randbytes(20).hex())
