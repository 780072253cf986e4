"""Identifier extraction: hard cases, false friends, properties and checksums."""

from __future__ import annotations

import os
import random

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extract import extract, extract_post_fields
from vigil.extract.checksums import (
    b58decode_check,
    b58encode_check,
    bech32_decode,
    bech32_encode,
    eip55,
    valid_eth,
)
from vigil.extract.crypto import classify
from vigil.extract.email import normalize_email
from vigil.extract.handle import normalize_handle
from vigil.extract.keccak import keccak256
from vigil.extract.payment import normalize_payment
from vigil.extract.phone import normalize_phone
from vigil.extract.regions import region_for_location
from vigil.extract.stage import extract_table
from vigil.extract.url import normalize_url
from vigil.model import IdentifierKind

P = "+12125550123"

# (text, kind, expected values of that kind) -- every obfuscation style and look-alike.
CASES = [
    ("Call 212-555-0123 now", "phone", [P]),
    ("call (212) 555 0123", "phone", [P]),
    ("+1 212 555 0123", "phone", [P]),
    ("1-212-555-0123", "phone", [P]),
    ("2125550123", "phone", [P]),
    ("+44 7911 123456", "phone", ["+447911123456"]),
    ("two one two five five five zero one two three", "phone", [P]),
    ("TWO-ONE-TWO  five-five-five  zero-one-two-three", "phone", [P]),
    ("2ONE2 fivefivefive 0one2three", "phone", [P]),
    ("twoonetwo fivefivefive zeroonetwothree", "phone", [P]),
    ("dos uno dos cinco cinco cinco cero uno dos tres", "phone", [P]),
    ("2l2.555.Ol23", "phone", [P]),
    ("(2l2) 555-Ol23", "phone", [P]),
    ("2I2 555 OI23", "phone", [P]),
    ("4I5.555.oIII", "phone", ["+14155550111"]),
    ("２１２-５５５-０１２３", "phone", [P]),
    ("𝟐𝟏𝟐 𝟓𝟓𝟓 𝟎𝟏𝟐𝟑", "phone", [P]),
    ("2️⃣1️⃣2️⃣ 5️⃣5️⃣5️⃣ 0️⃣1️⃣2️⃣3️⃣", "phone", [P]),
    ("②①② ⑤⑤⑤ ⓪①②③", "phone", [P]),
    ("2*1*2*5*5*5*0*1*2*3", "phone", [P]),
    ("[212] ~ 555 ~ 0123", "phone", [P]),
    ("212 💋 555 💋 0123", "phone", [P]),
    ("2💋1💋2💋5💋5💋5💋0💋1💋2💋3", "phone", [P]),
    ("call 212 then 555 then 0123", "phone", [P]),
    ("212 and then 555 and then 0123", "phone", [P]),
    ("212 y luego 555 y luego 0123", "phone", [P]),
    ("call2125550123 babe", "phone", [P]),
    ("212-555-0123 / 646-555-0199", "phone", [P, "+16465550199"]),
    ("Atlanta 17028. \n☎ 470-555-0127", "phone", ["+14705550127"]),
    # false friends
    ("$200 $250 $300 $350 hh", "phone", []),
    ("150hh 200hr 300 roses", "phone", []),
    ("available 12/05/2026 10:30 - 21:00", "phone", []),
    ("2026-03-14 at 9:30", "phone", []),
    ("Ref #48213977", "phone", []),
    ("order 123456789", "phone", []),
    ("Order #2125550123 shipped", "phone", []),
    ("invoice no. 2125550123", "phone", []),
    ("Houston TX 77002", "phone", []),
    ("I'm 21 yrs, 5'6, 34C", "phone", []),
    ("see https://example.com/ads/2125550123", "phone", []),
    ("write anna2125550123@example.com", "phone", []),
    ("salary $50,000 - $60,000 per year", "phone", []),
    ("pay 50,000-60,000/yr", "phone", []),
    ("listing 4821397712345678", "phone", []),
    ("someone phone money honey alone", "phone", []),
    # emails
    ("mail anna.b@example.com", "email", ["anna.b@example.com"]),
    ("ANNA@EXAMPLE.COM", "email", ["anna@example.com"]),
    ("anna at example dot com", "email", ["anna@example.com"]),
    ("anna [at] example (dot) com", "email", ["anna@example.com"]),
    ("anna(at)example.com", "email", ["anna@example.com"]),
    ("anna [@] example[dot]org", "email", ["anna@example.org"]),
    ("deposit due at signing. Email us", "email", []),
    ("meet me at the hotel", "email", []),
    ("meet at hotel. anna@example.com", "email", ["anna@example.com"]),
    ("see you at 5 . anna at example dot com", "email", ["anna@example.com"]),
    ("anna@example .com", "email", []),
    # urls
    ("see https://Example.ORG/Ads/12.", "url", ["https://example.org/Ads/12"]),
    ("www.example.com", "url", ["https://www.example.com"]),
    ("i.e. e.g. anna.b", "url", []),
    # handles
    ("sc: sweetanna", "handle", ["snapchat:sweetanna"]),
    ("snap - sweetanna", "handle", ["snapchat:sweetanna"]),
    ("IG @Anna_B", "handle", ["instagram:anna_b"]),
    ("insta: anna.b", "handle", ["instagram:anna.b"]),
    ("kik - kitty22", "handle", ["kik:kitty22"]),
    ("telegram @tgname", "handle", ["telegram:tgname"]),
    ("t.me/tguser", "handle", ["telegram:tguser"]),
    ("instagram.com/annagram", "handle", ["instagram:annagram"]),
    ("onlyfans.com/annaof", "handle", ["onlyfans:annaof"]),
    ("X: @annax", "handle", ["twitter:annax"]),
    ("WeChat ID: annaw", "handle", ["wechat:annaw"]),
    ("line id: annal", "handle", ["line:annal"]),
    ("👻 sweetanna", "handle", ["snapchat:sweetanna"]),
    ("snap me anytime", "handle", []),
    ("whatsapp: uno dos tres", "handle", []),
    # payments
    ("$annab", "payment", ["cashapp:annab"]),
    ("cash app $julia.fancy61", "payment", ["cashapp:julia.fancy61"]),
    ("venmo @anna-b", "payment", ["venmo:anna-b"]),
    ("Venmo: bella.fancy255", "payment", ["venmo:bella.fancy255"]),
    ("paypal.me/annapay", "payment", ["paypal:annapay"]),
    ("PayPal: anna@example.com", "payment", ["paypal:anna@example.com"]),
    ("zelle to 212-555-0123", "payment", ["zelle:+12125550123"]),
    ("$200 cash only", "payment", []),
    # ages
    ("21 yrs", "age", ["21"]),
    ("just turned 18", "age", ["18"]),
    ("19yo", "age", ["19"]),
    ("age: 22", "age", ["22"]),
    ("tengo 20 años", "age", ["20"]),
    ("20 añitos", "age", ["20"]),
    ("26 y/o", "age", ["26"]),
    ("just turned eighteen", "age", ["18"]),
    ("open 24 hours", "age", []),
    # prices
    ("150 hh", "price", ["150 USD/half_hour"]),
    ("$200/hr", "price", ["200 USD/hour"]),
    ("200 roses", "price", ["200 USD/unknown"]),
    ("300 for the hour", "price", ["300 USD/hour"]),
    ("100 half hour", "price", ["100 USD/half_hour"]),
    ("150 qv", "price", ["150 USD/session"]),
    ("€120/hora", "price", ["120 EUR/hour"]),
    # places
    ("New in Houston, TX!", "place", ["Houston, US"]),
    ("visiting Springfield, IL", "place", ["Springfield, US"]),
    ("Victoria here, sweet", "place", []),
]


@pytest.mark.parametrize(("text", "kind", "values"), CASES)
def test_regression_table(text: str, kind: str, values: list[str]) -> None:
    found = extract(text, kinds=[kind])
    assert [i.value for i in found] == values
    for ident in found:
        assert text[ident.start : ident.end] == ident.raw


def test_phone_in_url_not_reported_but_email_overlap_allowed() -> None:
    found = extract("PayPal: anna@example.com or https://x.example.com/2125550123")
    kinds = [i.kind for i in found]
    assert IdentifierKind.PHONE not in kinds
    assert IdentifierKind.EMAIL in kinds and IdentifierKind.PAYMENT in kinds


def test_region_is_recorded_and_configurable() -> None:
    (us,) = extract("212 555 0123", kinds=["phone"])
    assert us.attrs["region"] == "US"
    (au,) = extract("0491 570 123", region="AU", kinds=["phone"])
    assert au.value == "+61491570123" and au.attrs["region"] == "AU"
    assert extract("0491 570 123", kinds=["phone"]) == []


def test_obfuscated_phone_has_lower_confidence() -> None:
    (plain,) = extract("212-555-0123", kinds=["phone"])
    (spelled,) = extract("two one two 555 then O123", kinds=["phone"])
    assert spelled.confidence < plain.confidence
    assert set(spelled.attrs["obfuscation"]) >= {"spelled", "letters", "split"}


def test_sorted_and_post_fields() -> None:
    found = extract("sc: anna 212-555-0123 anna@example.com")
    assert [i.start for i in found] == sorted(i.start for i in found)
    pairs = extract_post_fields("212-555-0123", "sc: anna", region="US")
    assert [(f, i.kind) for f, i in pairs] == [
        ("title", IdentifierKind.PHONE),
        ("body", IdentifierKind.HANDLE),
    ]


def test_extract_table() -> None:
    table = pa.table(
        {
            "id": ["p1", "p2"],
            "title_text": ["call 212-555-0123", ""],
            "body_text": ["sc: anna", None],
            "location": ["Denver, CO", "Sydney, AU"],
        }
    )
    out = extract_table(table, region="US")
    assert out.column_names == [
        "post_id", "field", "kind", "value", "raw", "start", "end", "confidence", "attrs_json"
    ]  # fmt: skip
    rows = out.to_pylist()
    assert [(r["post_id"], r["field"], r["kind"]) for r in rows] == [
        ("p1", "title", "phone"),
        ("p1", "body", "handle"),
    ]


def test_region_for_location() -> None:
    assert region_for_location("Denver, CO") == "US"
    assert region_for_location("Gold Coast, AU") == "AU"
    assert region_for_location("Madrid, Spain") == "ES"
    assert region_for_location(None, "MX") == "MX"


# --- properties -------------------------------------------------------------

_pieces = st.sampled_from(
    ["212", "555", "0123", " ", "-", "two", "ONE", "O", "l", "💋", "2️⃣", "$", "@", ".", "at",
     "dot", "com", "sc:", "anna", "\n", "(", ")", "１", "𝟐", "yrs", "hh", "/", "#", "then"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_and_offsets_slice_raw_any_unicode(text: str) -> None:
    for ident in extract(text):
        assert text[ident.start : ident.end] == ident.raw


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
def test_offsets_slice_raw_adversarial_mix(text: str) -> None:
    for ident in extract(text):
        assert text[ident.start : ident.end] == ident.raw
        assert 0 <= ident.start < ident.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join))
def test_normalisation_idempotent(text: str) -> None:
    for ident in extract(text):
        v = ident.value
        if ident.kind == IdentifierKind.PHONE:
            assert normalize_phone(v) == v
        elif ident.kind == IdentifierKind.EMAIL:
            assert normalize_email(v) == v
        elif ident.kind == IdentifierKind.URL:
            assert normalize_url(v) == v
        elif ident.kind == IdentifierKind.HANDLE:
            assert normalize_handle(*v.split(":", 1)) == v
        elif ident.kind == IdentifierKind.PAYMENT:
            assert normalize_payment(*v.split(":", 1)) == v


@given(st.sampled_from(["+12125550123", "+447911123456", "+61491570123"]))
def test_phone_value_reextracts_to_itself(value: str) -> None:
    assert [i.value for i in extract(value, kinds=["phone"])] == [value]


# --- crypto -------------------------------------------------------------------

EIP55_VECTORS = [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
]


def test_keccak_known_digests() -> None:
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    )
    assert keccak256(b"abc").hex() == (
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    )


@pytest.mark.parametrize("address", EIP55_VECTORS)
def test_eip55_vectors(address: str) -> None:
    assert eip55(address.lower()) == address
    assert valid_eth(address) and valid_eth(address.lower())
    broken = address[:2] + address[2:].swapcase()
    assert not valid_eth(broken[:5] + address[5:])  # one case flip breaks the checksum
    (found,) = extract(f"ETH: {address}", kinds=["crypto"])
    assert found.value == "eth:" + address.lower()


def _flip(s: str, alphabet: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(s))
    return s[:i] + rng.choice([c for c in alphabet if c != s[i]]) + s[i + 1 :]


def test_btc_generated_valid_and_corrupted() -> None:
    rng = random.Random(5)
    for _ in range(30):
        version = rng.choice([0, 5])
        addr = b58encode_check(bytes([version]) + os.urandom(20))
        assert b58decode_check(addr) is not None
        assert classify(addr) == ("btc", "p2pkh" if version == 0 else "p2sh")
        assert extract(f"BTC: {addr}", kinds=["crypto"])[0].value == f"btc:{addr}"
        bad = _flip(addr, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", rng)
        assert classify(bad) is None
        assert extract(f"BTC: {bad}", kinds=["crypto"]) == []


def test_bech32_generated_valid_and_corrupted() -> None:
    rng = random.Random(6)
    for version, size in [(0, 20), (0, 32), (1, 32)] * 10:
        addr = bech32_encode("bc", version, os.urandom(size))
        dec = bech32_decode(addr)
        assert dec is not None and dec[1] == version
        assert extract(f"wallet {addr}", kinds=["crypto"])[0].value == f"btc:{addr}"
        bad = _flip(addr[4:], "qpzry9x8gf2tvdw0s3jn54khce6mua7l", rng)
        assert bech32_decode(addr[:4] + bad) is None
    # BIP-173 / BIP-350 vectors
    assert bech32_decode("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4") is not None
    assert (
        bech32_decode("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0") is not None
    )
    # v1 with a Bech32 (not Bech32m) checksum is invalid
    assert (
        bech32_decode("bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx")
        is None
    )
