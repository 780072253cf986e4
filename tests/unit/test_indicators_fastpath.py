"""The fast paths of indicator evaluation give exactly what the plain paths give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.indicators import Tri, default_catalogue
from vigil.indicators.context import MatchContext
from vigil.indicators.matcher import Matcher, compile_pattern
from vigil.indicators.rules import compile_rule
from vigil.indicators.text import fold
from vigil.model import Identifier, IdentifierKind

TEXTS = [
    "Looking for a young girl tonight, incall only, ask for Anna",
    "Busco chica jovencita, nueva en la ciudad, salidas y besos",
    "Hiring waitresses abroad, earn $5,000 per week, no experience needed, visa fee",
    "She is new in town, only 3 days. My manager handles bookings. 🍭🎀 escort",
    "I love you, don't tell your parents, I'll buy you a phone. Come live with me",
    "Trabajo en España, sueldo de 3.000 € por semana, pasaje pagado, urgente",
    "ñandú café — São Paulo: ÉL ES NUEVO, she's 17, hh 100 roses",
    "",
]
AGE = Identifier(IdentifierKind.AGE, "17", "17", 0, 0)


def _context(text: str) -> MatchContext:
    cat = default_catalogue()
    folded = fold(text)
    matches = cat._matcher.match(text, folded)
    return MatchContext(text, folded, matches, [AGE], {})


def test_compiled_rules_equal_plain_evaluation() -> None:
    cat = default_catalogue()
    for text in TEXTS:
        for ind in cat.indicators:
            expected = ind.rule.evaluate(_context(text))
            assert compile_rule(ind.rule)(_context(text)) == expected, (ind.id, text)


def test_skipped_indicators_are_false() -> None:
    cat = default_catalogue()
    for text in TEXTS:
        evaluated = {ind.id for ind, _ in cat.evaluate_candidates(text, [AGE])}
        for ind in cat.indicators:
            if ind.state != "disabled" and ind.id not in evaluated:
                assert ind.rule.evaluate(_context(text))[0] is Tri.FALSE, (ind.id, text)


def _plain_finditer(pattern: str, text: str) -> list[tuple[int, int, str]]:
    folded = fold(text)
    return [
        (m.start(), m.end(), text[m.start() : m.end()])
        for m in compile_pattern(pattern).finditer(folded)
        if m.end() > m.start()
    ]


PATTERNS = [r"\bcafe\b", r"a*", r"(?:x|)", r"\b\w+\b", r"ni.o", r"[^a-z ]+", r"\d+ ?€?"]


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="aáxñ€😀 .\n19cafeÉniño", max_size=40),
    st.sampled_from(PATTERNS),
)
def test_pattern_offsets_match_re2_on_str(text: str, pattern: str) -> None:
    """Bytes matching maps back to the character offsets str matching gives, also
    with multi-byte characters and patterns that can match the empty string."""
    matcher = Matcher([], [pattern])
    found = matcher.match(text, fold(text)).patterns.get(0, [])
    assert [(s.start, s.end, s.text) for s in found] == _plain_finditer(pattern, text)


def test_pattern_matches_inside_masks_are_dropped() -> None:
    text = "email cafe@example.org or cafe now"
    matcher = Matcher([{"en": ("cafe",)}], [r"\bcafe\b"])
    at = text.index("cafe@")
    masked = matcher.match(text, fold(text), [(at, at + len("cafe@example.org"))])
    assert [s.start for s in masked.terms[0]] == [text.rindex("cafe")]
    assert [s.start for s in masked.patterns[0]] == [text.rindex("cafe")]
