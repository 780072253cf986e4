"""Social-media and messaging handles, as ``platform:handle``.

Two shapes are recognised:

* a platform keyword, then a separator, then the handle: ``sc: sweetanna``,
  ``snap - sweetanna``, ``IG @anna_b``, ``insta: anna_b``, ``kik - anna``,
  ``telegram @anna``, ``👻 sweetanna``. Strong platform names (``snapchat``,
  ``instagram``, ``kik``, ...) may be followed by the handle after a plain space;
  short or ambiguous ones (``sc``, ``ig``, ``x``, ``of``, ``line``) need ``:``,
  ``-``, ``=``, ``>`` or ``@``;
* a profile link: ``t.me/anna``, ``instagram.com/anna``, ``onlyfans.com/anna``,
  ``tiktok.com/@anna``, ``x.com/anna``, ``snapchat.com/add/anna``, ...

Handles made only of digits are left to the phone extractor (WhatsApp/Signal numbers).
"""

from __future__ import annotations

from collections.abc import Iterator

from vigil.extract._re import compile_re2, scan
from vigil.extract.base import Doc, FunctionExtractor, inside, register
from vigil.extract.digits import spelled_digit_words
from vigil.extract.tables import HANDLE_KEYWORDS, HANDLE_URLS
from vigil.model import Identifier, IdentifierKind

__all__ = ["STRONG_KEYWORDS", "extract_handles", "normalize_handle"]

STRONG_KEYWORDS = frozenset(
    {"instagram", "insta", "snapchat", "snap", "telegram", "whatsapp", "kik", "wechat",
     "twitter", "onlyfans", "tiktok", "facebook", "👻"}
)  # fmt: skip
# Words that follow a platform name but are not handles ("snap me", "kik only").
_NOT_HANDLES = frozenset(
    [
        "me",
        "my",
        "on",
        "at",
        "is",
        "or",
        "and",
        "only",
        "the",
        "for",
        "add",
        "hit",
        "dm",
        "message",
        "text",
        "call",
        "to",
        "if",
        "you",
        "with",
        "ok",
        "too",
        "also",
        "please",
        "pls",
        "plz",
        "no",
        "not",
        "name",
        "handle",
        "id",
        "account",
        "available",
        "here",
        "below",
        "above",
        "info",
        "link",
        "user",
        "username",
        "only4",
        "app",
        "chat",
        "video",
        "videos",
        "pics",
        "pic",
    ]
)
_DIGIT_WORDS = frozenset(spelled_digit_words())
_RESERVED_PATHS = frozenset(
    [
        "p",
        "reel",
        "reels",
        "explore",
        "stories",
        "share",
        "home",
        "login",
        "signup",
        "add",
        "joinchat",
        "s",
        "status",
        "i",
        "hashtag",
        "watch",
        "groups",
        "pages",
        "profile.php",
        "search",
        "intent",
        "tv",
        "legal",
        "about",
        "help",
    ]
)


def _kw_alt() -> str:
    words = sorted(HANDLE_KEYWORDS, key=len, reverse=True)
    return "|".join(w.replace(" ", r"\s?") for w in words)


_KEYWORD = compile_re2(
    r"(?i)(?:^|[^a-z0-9_@.])(" + _kw_alt() + r")(?:\s?id)?"
    r"(\s*[:=>\-–—~|]+\s*@?\s*|\s*@\s*|\s+)"
    r"([a-z0-9_][a-z0-9_.\-]{1,29})"
)
_URL_ALT = "|".join(
    h.replace(".", r"\.").replace("/", r"/").replace("~", r"~")
    for h in sorted(HANDLE_URLS, key=len, reverse=True)
)
_PROFILE = compile_re2(
    r"(?i)(?:^|[^a-z0-9_\-])((?:https?://)?(?:www\.|m\.)?(" + _URL_ALT + r"))"
    r"@?([a-z0-9_][a-z0-9_.\-]{0,29})"
)


def normalize_handle(platform: str, handle: str) -> str:
    """``platform:handle``, lower-case, without ``@`` and trailing dots (idempotent)."""
    handle = handle.strip().lstrip("@").rstrip(".-_").lower()
    return f"{platform.lower()}:{handle}"


def _clean(handle: str) -> str:
    return handle.rstrip(".-")


def _platform_of(keyword: str) -> str | None:
    return HANDLE_KEYWORDS.get(" ".join(keyword.lower().split()).replace("  ", " ")) or (
        HANDLE_KEYWORDS.get(keyword.lower().replace(" ", ""))
    )


def extract_handles(doc: Doc) -> Iterator[Identifier]:
    """Handles announced by a platform keyword or written as a profile link."""
    text = doc.text
    seen: set[tuple[int, int]] = set()
    for sp in scan(_PROFILE, doc.utf8) if "/" in text else ():
        host = text[sp[2][0] : sp[2][1]].lower()
        platform = HANDLE_URLS.get(host)
        h_start = sp[3][0]
        handle = _clean(text[h_start : sp[3][1]])
        if platform is None or len(handle) < 2 or handle.lower() in _RESERVED_PATHS:
            continue
        if handle.isdigit():
            continue
        start, end = sp[1][0], h_start + len(handle)
        seen.add((h_start, end))
        yield Identifier(
            kind=IdentifierKind.HANDLE,
            value=normalize_handle(platform, handle),
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.97,
            attrs={"platform": platform, "source": "link"},
        )
    phones: list[tuple[int, int]] | None = None
    for sp in scan(_KEYWORD, doc.utf8):
        (k_start, k_end), (s_start, s_end), (h_start, h_end) = sp[1], sp[2], sp[3]
        keyword, sep, handle = text[k_start:k_end], text[s_start:s_end], _clean(text[h_start:h_end])
        platform = _platform_of(keyword)
        if platform is None or len(handle) < 2 or not any(c.isalpha() for c in handle):
            continue
        if handle.lower() in _DIGIT_WORDS:
            continue  # "whatsapp: uno dos ..." is a phone
        if (h_start, h_start + len(handle)) in seen:
            continue
        bare = not sep.strip()
        low_kw = keyword.lower()
        if bare and (low_kw not in STRONG_KEYWORDS or handle.lower() in _NOT_HANDLES):
            continue
        if handle.lower() in _NOT_HANDLES and "@" not in sep:
            continue
        if handle[0] == "." or ("." in handle and handle.rsplit(".", 1)[-1].lower() in {
            "com", "net", "org", "me"
        }):  # fmt: skip
            continue  # a link or e-mail, handled elsewhere
        end = h_start + len(handle)
        if end < len(text) and text[end] == "@":
            continue  # local part of an e-mail
        if phones is None:
            phones = doc.spans(IdentifierKind.PHONE)
        if phones and inside(phones, h_start, end):
            continue  # "whatsapp: two one two ..." is a phone
        start = k_start
        yield Identifier(
            kind=IdentifierKind.HANDLE,
            value=normalize_handle(platform, handle),
            raw=text[start:end],
            start=start,
            end=end,
            confidence=0.8 if bare else 0.92,
            attrs={"platform": platform, "source": "keyword"},
        )


register(FunctionExtractor(IdentifierKind.HANDLE, extract_handles))
