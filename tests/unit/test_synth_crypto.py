"""Checksums of the synthetic crypto addresses (Keccak-256, EIP-55, base58check, bech32)."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extract.keccak import keccak256
from vigil.synth.crypto import (
    base58check,
    bech32_address,
    btc_address,
    eth_address,
    eth_checksum,
)

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _b58decode_check(address: str) -> bytes:
    num = 0
    for ch in address:
        num = num * 58 + _B58.index(ch)
    raw = num.to_bytes(25, "big")
    payload, checksum = raw[:-4], raw[-4:]
    assert hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] == checksum
    return payload


def _bech32_valid(address: str) -> bool:
    hrp, data = address.rsplit("1", 1)
    values = [_BECH32.index(c) for c in data]
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp] + values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk == 1


@pytest.mark.parametrize(
    ("data", "digest"),
    [
        (b"", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"),
        (b"abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"),
        (b"a" * 200, None),  # longer than one 136-byte block: must differ from sha3
    ],
)
def test_keccak256_known_vectors(data: bytes, digest: str | None) -> None:
    got = keccak256(data).hex()
    assert got != hashlib.sha3_256(data).hexdigest()
    if digest is not None:
        assert got == digest


@pytest.mark.parametrize(
    "address",
    [  # EIP-55 test vectors
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ],
)
def test_eip55_vectors(address: str) -> None:
    assert eth_checksum(address[2:].lower()) == address


def test_bech32_bip173_vector() -> None:
    program = bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6")
    assert bech32_address(program) == "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"


def test_base58check_known_address() -> None:
    # hash160 of the "genesis" public key gives the well-known 1A1zP1... address
    payload = bytes.fromhex("62e907b15cbf27d5425399ebf6f0fb50ebb88f18")
    assert base58check(0x00, payload) == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=2**64))
def test_random_addresses_are_checksum_valid(seed: int) -> None:
    rng = random.Random(seed)
    btc = btc_address(rng)
    if btc.startswith("bc1q"):
        assert _bech32_valid(btc)
        assert len(btc) == 42
    else:
        version = _b58decode_check(btc)[0]
        assert (version, btc[0]) in {(0x00, "1"), (0x05, "3")}
    eth = eth_address(rng)
    assert eth.startswith("0x") and len(eth) == 42
    assert eth_checksum(eth[2:].lower()) == eth
