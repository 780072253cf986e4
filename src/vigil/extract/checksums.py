"""Address checksums: Base58Check, Bech32/Bech32m (BIP-173/350) and EIP-55."""

from __future__ import annotations

import hashlib

from vigil.extract.keccak import keccak256

__all__ = [
    "b58decode_check",
    "b58encode_check",
    "bech32_decode",
    "bech32_encode",
    "eip55",
    "valid_eth",
]

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(B58)}
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(BECH32)}
_BECH32M_CONST = 0x2BC830A3


def _dsha(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def b58encode_check(payload: bytes) -> str:
    """Base58Check-encode ``payload`` (version byte included)."""
    data = payload + _dsha(payload)[:4]
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def b58decode_check(s: str) -> bytes | None:
    """Payload of a Base58Check string, or None if malformed / bad checksum."""
    if not s or len(s) > 64:
        return None
    n = 0
    for c in s:
        v = _B58_INDEX.get(c)
        if v is None:
            return None
        n = n * 58 + v
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    data = b"\0" * pad + body
    if len(data) < 5:
        return None
    payload, check = data[:-4], data[-4:]
    return payload if _dsha(payload)[:4] == check else None


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]


def bech32_decode(addr: str) -> tuple[str, int, bytes] | None:
    """(hrp, witness version, program) of a segwit address, or None if invalid."""
    if addr.lower() != addr and addr.upper() != addr:
        return None
    addr = addr.lower()
    pos = addr.rfind("1")
    if pos < 1 or pos + 7 > len(addr) or len(addr) > 90:
        return None
    hrp = addr[:pos]
    data = []
    for c in addr[pos + 1 :]:
        v = _BECH32_INDEX.get(c)
        if v is None:
            return None
        data.append(v)
    const = _polymod(_hrp_expand(hrp) + data)
    if not data:
        return None
    version = data[0]
    if const != (1 if version == 0 else _BECH32M_CONST):
        return None
    prog = _convertbits(data[1:-6], 5, 8, pad=False)
    if prog is None or not 2 <= len(prog) <= 40 or version > 16:
        return None
    if version == 0 and len(prog) not in (20, 32):
        return None
    return hrp, version, bytes(prog)


def bech32_encode(hrp: str, version: int, program: bytes) -> str:
    """Segwit address for ``program`` (Bech32 for v0, Bech32m for v1+)."""
    conv = _convertbits(list(program), 8, 5, pad=True)
    assert conv is not None
    data = [version, *conv]
    const = 1 if version == 0 else _BECH32M_CONST
    poly = _polymod([*_hrp_expand(hrp), *data, 0, 0, 0, 0, 0, 0]) ^ const
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32[d] for d in data + checksum)


def _convertbits(data: list[int], frombits: int, tobits: int, *, pad: bool) -> list[int] | None:
    acc = bits = 0
    out = []
    maxv = (1 << tobits) - 1
    for v in data:
        if v >> frombits:
            return None
        acc = (acc << frombits) | v
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (tobits - bits)) & maxv)
    elif bits >= frombits or ((acc << (tobits - bits)) & maxv):
        return None
    return out


def eip55(address: str) -> str:
    """EIP-55 mixed-case checksum form of a 0x-prefixed 40-hex-digit address."""
    hexpart = address[2:].lower()
    digest = keccak256(hexpart.encode("ascii")).hex()
    return "0x" + "".join(
        c.upper() if c.isalpha() and int(digest[i], 16) >= 8 else c for i, c in enumerate(hexpart)
    )


def valid_eth(address: str) -> bool:
    """True for 0x + 40 hex digits, checking EIP-55 when the case is mixed."""
    if len(address) != 42 or address[:2] not in ("0x", "0X"):
        return False
    body = address[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in body):
        return False
    if body.lower() == body or body.upper() == body:
        return True
    return eip55(address) == "0x" + body
