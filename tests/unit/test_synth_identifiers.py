"""Fictional contact data: every number valid, every address reserved, none shared."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from vigil.synth.areacodes import AU_MOBILE_PREFIX, NANP_AREA_CODES, NANP_EXCHANGE, NANP_LINES
from vigil.synth.identifiers import (
    HANDLE_PLATFORMS,
    Namer,
    PhoneBook,
    age_ident,
    email_ident,
    handle_ident,
    payment_idents,
)
from vigil.synth.vocab import AU_CITIES, EMAIL_DOMAINS, ES_CITIES, US_CITIES


def test_every_fictional_nanp_number_is_valid() -> None:
    assert len(NANP_AREA_CODES) == len(set(NANP_AREA_CODES)) > 400
    for code in NANP_AREA_CODES:
        for line in NANP_LINES:
            number = phonenumbers.parse(f"+1{code}{NANP_EXCHANGE}{line:04d}")
            assert phonenumbers.is_valid_number(number), number
            assert phonenumbers.region_code_for_number(number) in {"US", "CA"}


def test_every_fictional_au_mobile_is_valid() -> None:
    for sub in range(1000):
        number = phonenumbers.parse(f"+61{AU_MOBILE_PREFIX}{sub:03d}")
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


def test_city_area_codes_are_in_the_fictional_list() -> None:
    for city in US_CITIES:
        assert city.area_codes
        assert set(city.area_codes) <= set(NANP_AREA_CODES), city


def test_phonebook_hands_out_unique_local_numbers() -> None:
    book = PhoneBook(random.Random(1))
    houston = next(c for c in US_CITIES if c.name == "Houston")
    numbers = [book.take(houston) for _ in range(300)]  # all 3 local codes
    assert len({p.e164 for p in numbers}) == 300
    assert {p.national[:3] for p in numbers} == set(houston.area_codes)
    more = [book.take(houston) for _ in range(50)]  # locals spent: falls back to others
    assert len({p.e164 for p in numbers + more}) == 350
    assert book.recycled == 0
    au = [book.take(AU_CITIES[0]) for _ in range(1000)]
    assert all(p.e164.startswith("+61491570") and p.national.startswith("0491570") for p in au)
    assert len({p.e164 for p in au}) == 1000
    assert book.take(AU_CITIES[0]).e164.startswith("+1")  # AU range spent
    assert book.take(ES_CITIES[0]).e164.startswith("+1")


def test_phonebook_recycles_only_after_the_space_is_spent() -> None:
    book = PhoneBook(random.Random(2))
    total = len(NANP_AREA_CODES) * len(NANP_LINES)
    seen = {book.take(US_CITIES[0]).e164 for _ in range(total)}
    assert len(seen) == total and book.recycled == 0
    book.take(US_CITIES[0])
    assert book.recycled == 1


def test_names_and_emails_are_unique_and_reserved() -> None:
    namer = Namer(random.Random(3))
    emails = [namer.email("María") for _ in range(2000)]
    assert len(set(emails)) == 2000
    for email in emails:
        local, domain = email.split("@")
        assert domain in EMAIL_DOMAINS and email == email.lower() and local.isascii()


def test_identifier_values_follow_the_vocabulary() -> None:
    rng = random.Random(4)
    for platform in HANDLE_PLATFORMS:
        ident = handle_ident(platform, "Sweet_Anna12", rng)
        assert ident.value == f"{platform}:sweet_anna12"
        assert "Sweet_Anna12" in ident.raw
    text, idents = payment_idents("cashapp", rng, "AnnaB")
    assert idents[0].value == "cashapp:annab" and "$AnnaB" in text
    text, idents = payment_idents("zelle", rng, email="anna@example.com")
    assert [i.kind for i in idents] == ["payment", "email"]
    assert idents[0].value == "zelle:anna@example.com" and idents[1].raw in text
    book = PhoneBook(rng)
    phone = book.take(US_CITIES[0])
    text, idents = payment_idents("zelle", rng, phone=phone)
    assert idents[0].value == f"zelle:{phone.e164}" and idents[1].value == phone.e164
    obfuscated = email_ident("anna@example.com", rng, obfuscate=True)
    assert "@" not in obfuscated.raw and obfuscated.style == "at_dot"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_age_raw_contains_the_number(lang: str) -> None:
    rng = random.Random(5)
    for age in (18, 19, 23, 40):
        ident = age_ident(age, rng, lang)
        assert ident.value == str(age) and str(age) in ident.raw
