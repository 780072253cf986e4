"""The phone validation shortcut agrees with phonenumbers.is_valid_number."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from vigil.extract import phone


def _reference(digits: str, region: str, plus: bool) -> tuple[str, str] | None:
    try:
        num = phonenumbers.parse(("+" if plus else "") + digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return e164, phonenumbers.region_code_for_number(num) or region


@pytest.mark.parametrize("region", ["US", "CA", "GB", "RU", "AU", "MX"])
def test_validate_matches_phonenumbers(region: str) -> None:
    rng = random.Random(region)
    prefixes = ["", "1", "0", "011", "00", "44", "7", "61", "52", "212555", "416", "876"]
    for _ in range(400):
        head = rng.choice(prefixes)
        size = rng.randint(max(0, 7 - len(head)), 15 - len(head))
        digits = head + "".join(rng.choice("0123456789") for _ in range(size))
        for plus in (False, True):
            got = phone._validate.__wrapped__(digits, region, plus)
            assert got == _reference(digits, region, plus), (digits, region, plus)
