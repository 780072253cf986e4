"""The compiled text matchers of a catalogue: one Aho-Corasick automaton per language
for every term list, and one RE2 set for every pattern.

Both run once per post over the folded text; rule nodes then only look up results.
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

    def __init__(self, terms: dict[int, list[Span]], patterns: dict[int, list[Span]]) -> None:
        self.terms = terms
        self.patterns = patterns


class Matcher:
    """Matches every term list and pattern of a catalogue in one pass per language."""

    def __init__(
        self, term_lists: Sequence[Mapping[str, Sequence[str]]], patterns: Sequence[str]
    ) -> None:
        by_lang: dict[str, dict[str, set[int]]] = {}
        for list_id, per_lang in enumerate(term_lists):
            for lang, terms in per_lang.items():
                table = by_lang.setdefault(lang, {})
                for term in terms:
                    key = fold_term(term)
                    if key:
                        table.setdefault(key, set()).add(list_id)
        self._automata: list[ahocorasick.Automaton] = []
        for lang in sorted(by_lang):
            automaton = ahocorasick.Automaton()
            for key, ids in by_lang[lang].items():
                automaton.add_word(
                    key, (len(key), tuple(sorted(ids)), is_word_char(key[0]), is_word_char(key[-1]))
                )
            if len(automaton):
                automaton.make_automaton()
                self._automata.append(automaton)
        self._compiled = [compile_pattern(p) for p in patterns]
        self._set: re2.Set | None = None
        if patterns:
            pset = re2.Set.SearchSet(_options())
            for p in patterns:
                pset.Add(p)
            pset.Compile()
            self._set = pset

    def match(self, text: str, folded: str) -> TextMatches:
        """Find every term and pattern in ``folded`` (the folded form of ``text``)."""
        terms: dict[int, list[Span]] = {}
        n = len(folded)
        for automaton in self._automata:
            for last, (size, ids, word_start, word_end) in automaton.iter(folded):
                start = last - size + 1
                end = last + 1
                if word_start and start > 0:
                    before = folded[start - 1]
                    if before.isalnum() or before == "_":
                        continue
                if word_end and end < n:
                    after = folded[end]
                    if after.isalnum() or after == "_":
                        continue
                span = Span(start, end, text[start:end], folded[start:end])
                for list_id in ids:
                    terms.setdefault(list_id, []).append(span)
        for list_id, spans in terms.items():
            if len(spans) > 1:
                terms[list_id] = _outermost(spans)
        patterns: dict[int, list[Span]] = {}
        if self._set is not None:
            for pid in self._set.Match(folded) or ():
                found = [
                    Span(m.start(), m.end(), text[m.start() : m.end()], folded[m.start() : m.end()])
                    for m in self._compiled[pid].finditer(folded)
                    if m.end() > m.start()
                ]
                if found:
                    patterns[pid] = found
        return TextMatches(terms, patterns)


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
