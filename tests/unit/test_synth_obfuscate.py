"""Phone renderings: every style keeps its digits recoverable, and hides them."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.synth.decode import decode_digits
from vigil.synth.obfuscate import OBFUSCATED_STYLES, PHONE_STYLES, group_digits, render_digits

_PHONE_DIGITS = st.one_of(
    st.from_regex(r"[2-9][0-9]{2}555[0-9]{4}", fullmatch=True),
    st.from_regex(r"1[2-9][0-9]{2}555[0-9]{4}", fullmatch=True),
    st.from_regex(r"0491570[0-9]{3}", fullmatch=True),
    st.from_regex(r"61491570[0-9]{3}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(
    digits=_PHONE_DIGITS,
    style=st.sampled_from(PHONE_STYLES),
    lang=st.sampled_from(["en", "es"]),
    seed=st.integers(0, 2**32),
)
def test_every_style_decodes_back(digits: str, style: str, lang: str, seed: int) -> None:
    raw = render_digits(digits, style, random.Random(seed), lang)
    assert decode_digits(raw) == digits, raw


@pytest.mark.parametrize("style", OBFUSCATED_STYLES)
def test_obfuscated_styles_defeat_a_plain_digit_regex(style: str) -> None:
    # The NANP fictional lines 01XX always hold a 0 and a 1, so every style changes them.
    plain = re.compile(r"\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}", re.ASCII)
    for seed in range(40):
        raw = render_digits("2125550142", style, random.Random(seed))
        assert not plain.search(raw), raw


def test_spanish_words_in_spanish_posts() -> None:
    raws = [render_digits("2125550142", "spelled", random.Random(s), "es") for s in range(20)]
    assert any("dos" in raw.lower() for raw in raws)
    assert not any("two" in raw.lower() for raw in raws)


def test_unknown_style_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown phone style"):
        render_digits("2125550142", "rot13", random.Random(0))


@pytest.mark.parametrize(
    ("digits", "groups"),
    [
        ("2125550123", ["212", "555", "0123"]),
        ("12125550123", ["1", "212", "555", "0123"]),
        ("0491570123", ["0491", "570", "123"]),
        ("61491570123", ["61", "491", "570", "123"]),
    ],
)
def test_group_digits(digits: str, groups: list[str]) -> None:
    assert group_digits(digits) == groups


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("2ONE2 555 o1two3", "2125550123"),
        ("fourfoureight", "448"),
        ("２１２", "212"),
        ("𝟐𝟏𝟐", "212"),
        ("2️⃣1️⃣2️⃣", "212"),
        ("call 212 then 555 then 0123", "2125550123"),
        ("dos uno dos luego cinco", "2125"),
        ("[212] 555 ~ 0123", "2125550123"),
    ],
)
def test_decoder_reads_the_documented_examples(raw: str, digits: str) -> None:
    assert decode_digits(raw) == digits
