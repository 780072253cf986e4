"""A post under construction: title and body text plus what was planted in them."""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["Doc", "Ident"]


class Ident(NamedTuple):
    """One planted identifier. ``raw`` is exactly the text written into the post."""

    kind: str
    value: str
    raw: str
    style: str = "plain"


class Doc:
    """Collects text parts and the ground truth planted in them.

    Plain text goes in with :meth:`title` / :meth:`body`; text that carries
    identifiers goes in with :meth:`put`, which records every :class:`Ident` whose
    ``raw`` occurs in it. HTML noise (:meth:`render` with ``html=True``) only
    touches plain parts, so every recorded ``raw`` stays an exact substring.
    """

    __slots__ = ("_body", "_fixed", "_title", "idents", "indicators")

    def __init__(self) -> None:
        self._title: list[str] = []
        self._body: list[str] = []
        self._fixed: set[int] = set()  # ids of parts that must not be altered
        self.idents: list[dict[str, Any]] = []
        self.indicators: list[str] = []

    def title(self, text: str) -> None:
        self._title.append(text)

    def body(self, text: str) -> None:
        self._body.append(text)

    def ends_in_text(self, field: str) -> bool:
        """True if ``field`` so far ends in a non-space character (e.g. a link)."""
        parts = self._title if field == "title" else self._body
        last = next((p for p in reversed(parts) if p), "")
        return bool(last) and not last[-1].isspace()

    def put(self, field: str, text: str, *idents: Ident) -> None:
        """Append ``text`` to ``field`` and record ``idents`` (each raw must be in text)."""
        parts = self._title if field == "title" else self._body
        self._fixed.add(len(parts) if field == "title" else -1 - len(parts))
        parts.append(text)
        for ident in idents:
            if ident.raw not in text:  # pragma: no cover - a template bug
                raise AssertionError(f"raw {ident.raw!r} not in {text!r}")
            self.idents.append(
                {
                    "kind": ident.kind,
                    "value": ident.value,
                    "raw": ident.raw,
                    "field": field,
                    "style": ident.style,
                }
            )

    def flag(self, *indicator_ids: str) -> None:
        """Record indicators deliberately planted in the text."""
        for indicator in indicator_ids:
            if indicator not in self.indicators:
                self.indicators.append(indicator)

    def render(self, html: bool = False) -> tuple[str, str]:
        """Return ``(title, body)``; with ``html`` add entities/tags to plain parts."""
        title = "".join(self._title).strip()
        if not html:
            return title, "".join(self._body).strip()
        body = []
        for i, part in enumerate(self._body):
            if -1 - i in self._fixed:
                body.append(part)
            else:
                body.append(
                    part.replace("&", "&amp;")
                    .replace("'", "&#39;")
                    .replace(". ", ".<br>")
                    .replace("\n", "<br>\n")
                )
        return title, "".join(body).strip()
