"""Cryptocurrency addresses, validated by checksum.

* Bitcoin legacy P2PKH (``1...``) and P2SH (``3...``): Base58Check, version 0x00/0x05;
* Bitcoin segwit ``bc1...``: Bech32 (v0) / Bech32m (v1+);
* Ethereum ``0x`` + 40 hex: EIP-55 checksum verified when the case is mixed.

Values: ``btc:<address as written>``, ``eth:<address lower-case>``.
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import compile_re2, scan
from vigil.extract.base import Doc, FunctionExtractor, register
from vigil.extract.checksums import b58decode_check, bech32_decode, valid_eth
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_crypto", "normalize_crypto"]

_ADDR = compile_re2(
    r"(?:^|[^A-Za-z0-9])("
    r"(?:bc1|BC1)[a-zA-Z0-9]{11,87}"
    r"|[13][1-9A-HJ-NP-Za-km-z]{25,34}"
    r"|0[xX][0-9a-fA-F]{40}"
    r")"
)

_MIN_LEN = 14  # "bc1" + 11; base58 forms have >= 26 characters, "0x" forms 42


def normalize_crypto(value: str) -> str:
    """Idempotent: ``eth:`` addresses lower-case, ``btc:`` kept as written."""
    chain, _, addr = value.partition(":")
    return f"eth:{addr.lower()}" if chain == "eth" else f"{chain}:{addr}"


def classify(addr: str) -> tuple[str, str] | None:
    """(chain, kind) of a valid address, else None."""
    if addr[:2] in ("0x", "0X"):
        return ("eth", "eip55" if addr[2:] not in (addr[2:].lower(), addr[2:].upper())
                else "hex") if valid_eth(addr) else None  # fmt: skip
    if addr[:3].lower() == "bc1":
        dec = bech32_decode(addr)
        return None if dec is None or dec[0] != "bc" else ("btc", f"segwit_v{dec[1]}")
    payload = b58decode_check(addr)
    if payload is None or len(payload) != 21:
        return None
    if payload[0] == 0:
        return "btc", "p2pkh"
    if payload[0] == 5:
        return "btc", "p2sh"
    return None


def extract_crypto(doc: Doc) -> Iterator[Identifier]:
    """Bitcoin and Ethereum addresses with a valid checksum."""
    text = doc.text
    if "1" not in text and "3" not in text and "0" not in text:
        return  # every address form starts with "bc1", "1", "3" or "0x"
    if max(map(len, text.split())) < _MIN_LEN:
        return  # an address is a run of >= 14 letters/digits, inside one token
    for sp in scan(_ADDR, doc.utf8):
        a_start, a_end = sp[1]
        addr = text[a_start:a_end]
        if a_end < len(text) and text[a_end].isalnum():
            continue
        found = classify(addr)
        if found is None:
            continue
        chain, kind = found
        value = f"eth:{addr.lower()}" if chain == "eth" else f"btc:{addr}"
        yield Identifier(
            kind=IdentifierKind.CRYPTO,
            value=value,
            raw=addr,
            start=a_start,
            end=a_end,
            confidence=0.8 if kind == "hex" else 0.99,
            attrs={"chain": chain, "type": kind},
        )


register(FunctionExtractor(IdentifierKind.CRYPTO, extract_crypto))
