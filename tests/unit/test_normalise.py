import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.ingest.normalise import normalise_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hi &amp; <b>bye</b><br>next", "Hi & bye\nnext"),
        ("cafÃ© open", "café open"),  # mojibake repaired
        ("call ２１２ or 𝟐𝟏𝟐", "call 212 or 212"),  # full-width / mathematical digits
        ("  a\r\n\r\n\r\n b  ", "a\n\nb"),
        ("&lt;b&gt;x&lt;/b&gt;", "x"),
        ("<script>alert(1)</script>ok", "ok"),
        ("price <3 hugs > 2", "price <3 hugs > 2"),  # not a tag: kept
        ("a\u00a0\u2003b\u200bc", "a bc"),
        ("<p class='x'>one</p><p>two</p>", "one\n\ntwo"),
        ("", ""),
    ],
)
def test_examples(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


@given(st.text())
def test_never_raises_and_output_is_clean(raw: str) -> None:
    out = normalise_text(raw)
    assert out == out.strip()
    assert "\r" not in out and "\x00" not in out
    assert all(ch in "\t\n" or unicodedata.category(ch) != "Cc" for ch in out)


@given(st.text(alphabet=st.characters(codec="ascii", exclude_characters="<&")))
def test_plain_ascii_only_changes_whitespace(raw: str) -> None:
    out = normalise_text(raw)
    assert (
        out.split()
        == "".join(ch for ch in raw if ch in "\t\n\r" or unicodedata.category(ch) != "Cc").split()
    )
