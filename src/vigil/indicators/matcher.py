"""The compiled text matchers of a catalogue: one Aho-Corasick automaton for every
term list (of every language), and one RE2 set for every pattern.

Both run once per post over the folded text; rule nodes then only look up results.

Speed notes (``benchmarks/bench_score.py``): the RE2 set tells which patterns can
match, and only those run. They run on the UTF-8 bytes of the folded text (encoded
once per post) through compiled *bytes* patterns, so the RE2 wrapper does not
re-encode the text and re-map offsets on every call; byte offsets are turned into
character offsets here, in one pass per pattern (ASCII texts need none). Each search
calls the wrapper's underlying ``RE2.Match`` directly (the call ``search`` makes for
bytes), without the wrapper's generator and ``Match`` object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ahocorasick
import re2

from vigil.indicators.rules import Span
from vigil.indicators.text import fold, is_word_char

__all__ = ["Matcher", "TextMatches", "compile_pattern", "fold_term"]

_SPACES = re2.compile(r"\s+")
_new_span = tuple.__new__


def fold_term(term: str) -> str:
    """The form a term is matched in: folded, single-spaced, trimmed."""
    folded: str = _SPACES.sub(" ", fold(term))
    return folded.strip()


def _options() -> re2.Options:
    opts = re2.Options()
    opts.case_sensitive = False
    opts.log_errors = False
    return opts


def compile_pattern(pattern: str) -> Any:
    """Compile one catalogue pattern (raises ``re2.error`` when it is invalid)."""
    return re2.compile(pattern, _options())


class TextMatches:
    """All term-list and pattern matches of one folded text."""

    __slots__ = ("patterns", "terms")

    def __init__(self, terms: dict[int, tuple[Span, ...]], patterns: dict[int, list[Span]]) -> None:
        self.terms = terms
        self.patterns = patterns


def _masked(start: int, end: int, masks: Sequence[tuple[int, int]]) -> bool:
    for s, e in masks:  # noqa: SIM110 (a loop is cheaper than any() on a generator)
        if s <= start and end <= e:
            return True
    return False


class Matcher:
    """Matches every term list and pattern of a catalogue in one pass."""

    def __init__(
        self, term_lists: Sequence[Mapping[str, Sequence[str]]], patterns: Sequence[str]
    ) -> None:
        # One automaton for all languages: a term listed under several languages of
        # the same list is one key (its spans would be deduplicated anyway).
        table: dict[str, set[int]] = {}
        for list_id, per_lang in enumerate(term_lists):
            for terms in per_lang.values():
                for term in terms:
                    key = fold_term(term)
                    if key:
                        table.setdefault(key, set()).add(list_id)
        self._automaton: ahocorasick.Automaton | None = None
        if table:
            automaton = ahocorasick.Automaton()
            for key, ids in table.items():
                automaton.add_word(
                    key, (len(key), tuple(sorted(ids)), is_word_char(key[0]), is_word_char(key[-1]))
                )
            automaton.make_automaton()
            self._automaton = automaton
        self._compiled = [compile_pattern(p) for p in patterns]
        opts = _options()
        self._bytes = [re2.compile(p.encode("utf-8"), opts) for p in patterns]
        self._set: re2.Set | None = None
        if patterns:
            pset = re2.Set.SearchSet(opts)
            for p in patterns:
                pset.Add(p.encode("utf-8"))
            pset.Compile()
            self._set = pset

    def match(self, text: str, folded: str, masks: Sequence[tuple[int, int]] = ()) -> TextMatches:
        """Find every term and pattern in ``folded`` (the folded form of ``text``).

        Matches lying wholly inside one of ``masks`` (character spans) are dropped.
        """
        found_terms: dict[int, list[Span]] = {}
        automaton = self._automaton
        if automaton is not None:
            n = len(folded)
            for last, (size, ids, word_start, word_end) in automaton.iter(folded):
                end = last + 1
                start = end - size
                if word_start and start:
                    before = folded[start - 1]
                    if before.isalnum() or before == "_":
                        continue
                if word_end and end < n:
                    after = folded[end]
                    if after.isalnum() or after == "_":
                        continue
                if masks:
                    inside = False
                    for s, e in masks:
                        if s <= start and end <= e:
                            inside = True
                            break
                    if inside:
                        continue
                span = _new_span(Span, (start, end, text[start:end], folded[start:end]))
                for list_id in ids:
                    found = found_terms.get(list_id)
                    if found is None:
                        found_terms[list_id] = [span]
                    else:
                        found.append(span)
        terms = {
            list_id: tuple(_outermost(spans) if len(spans) > 1 else spans)
            for list_id, spans in found_terms.items()
        }
        patterns: dict[int, list[Span]] = {}
        if self._set is not None:
            data = folded.encode("utf-8")
            hit = self._set.Match(data)
            if hit:
                ascii_text = len(data) == len(folded)
                for pid in sorted(hit):
                    found = _find_all(self._bytes[pid], data, text, folded, ascii_text, masks)
                    if found:
                        patterns[pid] = found
        return TextMatches(terms, patterns)


def _find_all(
    regex: Any,
    data: bytes,
    text: str,
    folded: str,
    ascii_text: bool,
    masks: Sequence[tuple[int, int]],
) -> list[Span]:
    """The non-empty matches of ``regex`` in ``data``, as ``finditer`` would find them
    in ``folded``, with character offsets."""
    out: list[Span] = []
    size = len(data)
    pos = 0
    # running byte -> character offset conversion (matches come in order)
    at_byte = at_char = 0
    match = _raw_match(regex)
    while True:
        if match is not None:
            # the wrapper's own call, without building a Match object
            whole = match(_UNANCHORED, data, pos, size)[0]
            if whole[0] < 0:
                break
            bstart, bend = whole
        else:  # pragma: no cover - other google-re2 versions
            m = regex.search(data, pos)
            if m is None:
                break
            bstart, bend = m.span()
        if bend > bstart:
            if ascii_text:
                start, end = bstart, bend
            else:
                at_char += len(data[at_byte:bstart].decode("utf-8"))
                start = at_char
                end = start + len(data[bstart:bend].decode("utf-8"))
                at_byte, at_char = bend, end
            if not (masks and _masked(start, end, masks)):
                out.append(_new_span(Span, (start, end, text[start:end], folded[start:end])))
        if pos == size:
            break
        if pos == bend:
            # an empty match at ``pos``: step one character forward
            pos += 1
            while pos < size and (data[pos] & 0xC0) == 0x80:
                pos += 1
        else:
            pos = bend
    return out


try:  # google-re2's internals: RE2.Match(anchor, bytes, pos, endpos) -> group spans
    from re2 import _re2

    _UNANCHORED: Any = _re2.RE2.Anchor.UNANCHORED
except (ImportError, AttributeError):  # pragma: no cover - other google-re2 versions
    _UNANCHORED = None


def _raw_match(regex: Any) -> Any:
    """``regex``'s underlying ``RE2.Match`` (what ``regex.search`` calls for bytes), or
    None if this google-re2 version has none."""
    if _UNANCHORED is None:  # pragma: no cover - other google-re2 versions
        return None
    return getattr(getattr(regex, "_regexp", None), "Match", None)


def _outermost(spans: list[Span]) -> list[Span]:
    """Drop spans contained in another span of the same list (keep the longest)."""
    spans.sort(key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    reach = -1
    for s in spans:
        if s.end > reach:
            out.append(s)
            reach = s.end
    return out
