"""Escaping of hostile text, CSRF tokens, redirects after login and pagination cursors."""

from __future__ import annotations

import contextlib
import html
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.auth import csrf
from vigil.explore import BadCursor
from vigil.explore.cursor import decode, encode
from vigil.web.filters import Span, bar_chart, highlight
from vigil.web.pages.auth import safe_next

MARK = re.compile(r'<mark class="[^"<>]*" title="[^"<>]*">|</mark>')

spans = st.lists(
    st.builds(
        Span,
        start=st.integers(-5, 60),
        end=st.integers(-5, 60),
        css=st.sampled_from(["hit", "ident", 'x" onmouseover="alert(1)']),
        label=st.text(max_size=20),
    ),
    max_size=6,
)


@given(text=st.text(max_size=60), marks=spans)
def test_highlight_escapes_everything(text: str, marks: list[Span]) -> None:
    out = str(highlight(text, marks))
    bare = MARK.sub("", out)
    assert "<" not in bare and ">" not in bare  # the only markup is vigil's own <mark>
    assert html.unescape(bare) == text  # and no character of the text is lost


def test_highlight_marks_overlapping_spans() -> None:
    text = "Call her daddy <script>alert(1)</script>"
    out = str(highlight(text, [Span(0, 8, "hit", "a"), Span(5, 14, "hit", "b")]))
    assert out.startswith('<mark class="hit" title="a">Call </mark>')
    assert '<mark class="hit" title="a, b">her</mark>' in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<script>" not in out


def test_chart_escapes_labels() -> None:
    out = str(bar_chart([{"day": "<b>x</b>", "posts": 3}], label="day", value="posts"))
    assert "<b>" not in out and "&lt;b&gt;x&lt;/b&gt;: 3" in out


def test_csrf_token_is_bound_to_cookie_and_key() -> None:
    key = b"k" * 32
    cookie = csrf.new_cookie()
    token = csrf.token_for(key, cookie)
    assert csrf.valid(key, cookie, token)
    assert not csrf.valid(key, csrf.new_cookie(), token)
    assert not csrf.valid(b"j" * 32, cookie, token)
    assert not csrf.valid(key, cookie, None)
    assert not csrf.valid(key, None, token)
    assert not csrf.valid(key, cookie, token[:-1])


@given(st.text(max_size=40))
def test_csrf_rejects_arbitrary_tokens(token: str) -> None:
    assert not csrf.valid(b"k" * 32, "cookie-value-123456", token)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/posts?band=high", "/posts?band=high"),
        ("https://evil.example.com/", "/"),
        ("//evil.example.com/", "/"),
        ("/\\evil.example.com", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_safe_next(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


@given(st.text(max_size=80))
def test_safe_next_stays_on_site(target: str) -> None:
    out = safe_next(target)
    assert out.startswith("/") and not out.startswith("//") and "\n" not in out


def test_cursor_round_trip_and_rejects() -> None:
    c = encode("risk", [0.5, "p123"])
    assert decode(c, "risk", 2) == [0.5, "p123"]
    with pytest.raises(BadCursor, match="sort='newest'"):
        decode(c, "newest", 2)


@given(st.text(max_size=60))
def test_cursor_garbage_is_a_clear_error(text: str) -> None:
    with contextlib.suppress(BadCursor):
        decode(text, "risk", 2)
