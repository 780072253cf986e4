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


_BASES = ("a", " ", "e\u0301", "\u034f", "")
_MARKS = "\u0300\u0301\u0308\u0323\u0344\u034f\u0f73\uff9e\uff9f"


@given(
    st.lists(
        st.tuples(st.sampled_from(_BASES), st.text(alphabet=_MARKS, min_size=20, max_size=100)),
        max_size=5,
    ).map(lambda parts: "x" + "".join(base + marks for base, marks in parts))
)
def test_long_mark_runs_are_made_stream_safe_once(raw: str) -> None:
    """A U+034F goes in after every 30 marks (linear-time NFKC), and a second pass over
    the result changes nothing, even where NFKC turned one character into two marks."""
    out = normalise_text(raw)
    assert normalise_text(out) == out
    run = 0
    for ch in out:
        marked = ch != "\u034f" and unicodedata.category(ch).startswith("M")
        run = run + 1 if marked else 0
        assert run <= 30
