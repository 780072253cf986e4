"""Rule nodes: the declarative ``match`` trees of the catalogue, and their evaluation.

Evaluation is three-valued (Kleene logic): a rule is TRUE, FALSE or UNKNOWN, where
UNKNOWN means the data it needs is missing (no age was extracted, the linking feature
was not computed). ``all`` is the minimum and ``any`` the maximum of its children
(FALSE < UNKNOWN < TRUE); ``not`` swaps TRUE and FALSE and keeps UNKNOWN.

A TRUE result carries its evidence: the spans of text (or identifiers, or features)
that made it true.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from vigil.indicators.text import WordIndex

if TYPE_CHECKING:
    from vigil.indicators.context import MatchContext

__all__ = [
    "All",
    "AnyOf",
    "Compare",
    "Context",
    "Count",
    "Feature",
    "IdentifierPredicate",
    "Near",
    "Node",
    "Not",
    "Patterns",
    "Ref",
    "Result",
    "Span",
    "Terms",
    "Tri",
]


class Tri(IntEnum):
    """A three-valued truth value, ordered so that AND is ``min`` and OR is ``max``."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2


class Span(NamedTuple):
    """Evidence for a TRUE result.

    ``start``/``end`` are offsets into the post text (``text[start:end] == text``), or
    ``-1``/``-1`` for evidence that is not in the text (a linking feature, an
    identifier whose offsets do not point into this text). ``key`` is what ``count``
    compares when it counts distinct matches (folded term, identifier value, ...).
    """

    start: int
    end: int
    text: str
    key: str


Result = tuple[Tri, tuple[Span, ...]]
# module constants: cheaper to read in the evaluation loops than ``Tri.X``
_F = Tri.FALSE
_U = Tri.UNKNOWN
_T = Tri.TRUE
_FALSE: Result = (_F, ())
_UNKNOWN: Result = (_U, ())

_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}
COMPARE_OPS = (*_OPS, "in")


@dataclass(frozen=True, slots=True)
class Compare:
    """A conjunction of comparisons, e.g. ``{gte: 2, lt: 10}`` or ``{in: [hour]}``."""

    checks: tuple[tuple[str, object], ...]

    def __call__(self, value: object) -> bool:
        for op, ref in self.checks:
            if op == "in":
                if value not in ref:  # type: ignore[operator]
                    return False
            elif not _OPS[op](value, ref):  # comparisons of numbers or strings
                return False
        return True

    @property
    def numeric(self) -> bool:
        """True when any check is an order comparison (needs a number)."""
        return any(op in ("lt", "lte", "gt", "gte") for op, _ in self.checks)

    def describe(self) -> str:
        return ", ".join(f"{op} {ref}" for op, ref in self.checks)


class Node:
    """Base class of rule nodes."""

    __slots__ = ()

    def evaluate(self, ctx: MatchContext) -> Result:
        raise NotImplementedError

    @property
    def yields_evidence(self) -> bool:
        """True when a TRUE result of this node always carries at least one span."""
        return True


@dataclass(frozen=True, slots=True, eq=False)
class Terms(Node):
    """Whole-word, case- and accent-insensitive term list (Aho-Corasick)."""

    list_id: int
    terms: Mapping[str, tuple[str, ...]]

    def evaluate(self, ctx: MatchContext) -> Result:
        spans = ctx.terms.get(self.list_id)
        return (_T, spans) if spans else _FALSE


@dataclass(frozen=True, slots=True, eq=False)
class Patterns(Node):
    """Linear-time (RE2) patterns over the folded text."""

    pattern_ids: tuple[int, ...]
    patterns: Mapping[str, tuple[str, ...]]

    def evaluate(self, ctx: MatchContext) -> Result:
        found = ctx.patterns
        if not found:
            return _FALSE
        spans = ctx.pattern_spans(self.pattern_ids)
        return (_T, spans) if spans else _FALSE


@dataclass(frozen=True, slots=True, eq=False)
class IdentifierPredicate(Node):
    """TRUE if an extracted identifier of ``kind`` satisfies every given test.

    UNKNOWN when the post has no identifier of that kind (it may simply not have been
    extracted); FALSE when it has some and none satisfies the tests.
    """

    kind: str
    value: Compare | None = None
    unit: frozenset[str] | None = None
    currency: frozenset[str] | None = None
    prefix: frozenset[str] | None = None

    def evaluate(self, ctx: MatchContext) -> Result:
        facts = ctx.identifiers(self.kind)
        if not facts:
            return _UNKNOWN
        spans = []
        unknown = False
        for fact in facts:
            if self.unit is not None and fact.unit not in self.unit:
                continue
            if self.currency is not None and fact.currency not in self.currency:
                continue
            if self.prefix is not None and fact.prefix not in self.prefix:
                continue
            if self.value is not None:
                subject: object = fact.number if self.value.numeric else fact.value
                if subject is None:
                    unknown = True
                    continue
                if not self.value(subject):
                    continue
            spans.append(fact.span)
        if spans:
            return Tri.TRUE, tuple(spans)
        return _UNKNOWN if unknown else _FALSE


@dataclass(frozen=True, slots=True, eq=False)
class Feature(Node):
    """A predicate over post metadata / linking features; UNKNOWN when absent."""

    name: str
    test: Compare

    def evaluate(self, ctx: MatchContext) -> Result:
        value = ctx.feature(self.name)
        if value is None:
            return _UNKNOWN
        if self.test.numeric and (isinstance(value, bool) or not isinstance(value, int | float)):
            return _UNKNOWN
        try:
            ok = self.test(value)
        except TypeError:
            return _UNKNOWN
        if not ok:
            return _FALSE
        return Tri.TRUE, (Span(-1, -1, f"{self.name}={value}", self.name),)


@dataclass(frozen=True, slots=True, eq=False)
class Count(Node):
    """Counts the evidence spans of ``of`` (distinct keys if ``distinct``) and compares."""

    of: Node
    test: Compare
    distinct: bool = True

    def evaluate(self, ctx: MatchContext) -> Result:
        tri, spans = self.of.evaluate(ctx)
        if tri is Tri.UNKNOWN:
            return _UNKNOWN
        n = len({s.key for s in spans}) if self.distinct else len(spans)
        if self.test(n):
            return (Tri.TRUE, spans) if spans else (Tri.TRUE, ())
        return _FALSE

    @property
    def yields_evidence(self) -> bool:
        return self.of.yields_evidence and not self.test(0)


@dataclass(frozen=True, slots=True, eq=False)
class All(Node):
    """Kleene AND; evidence is the union of the children's evidence."""

    children: tuple[Node, ...]

    def evaluate(self, ctx: MatchContext) -> Result:
        unknown = False
        spans: list[Span] = []
        for child in self.children:
            tri, s = child.evaluate(ctx)
            if tri is _F:
                return _FALSE
            if tri is _U:
                unknown = True
            elif s:
                spans.extend(s)
        return _UNKNOWN if unknown else (_T, tuple(spans))

    @property
    def yields_evidence(self) -> bool:
        return any(c.yields_evidence for c in self.children)


@dataclass(frozen=True, slots=True, eq=False)
class AnyOf(Node):
    """Kleene OR; evidence is the union of the TRUE children's evidence."""

    children: tuple[Node, ...]

    def evaluate(self, ctx: MatchContext) -> Result:
        best = _F
        spans: list[Span] = []
        for child in self.children:
            tri, s = child.evaluate(ctx)
            if tri is _T:
                best = _T
                if s:
                    spans.extend(s)
            elif tri is _U and best is _F:
                best = _U
        if best is _T:
            return (_T, tuple(spans))
        return _UNKNOWN if best is _U else _FALSE

    @property
    def yields_evidence(self) -> bool:
        return all(c.yields_evidence for c in self.children)


@dataclass(frozen=True, slots=True, eq=False)
class Not(Node):
    """Kleene NOT (no evidence)."""

    child: Node

    def evaluate(self, ctx: MatchContext) -> Result:
        tri, _ = self.child.evaluate(ctx)
        return (Tri(2 - tri), ())

    @property
    def yields_evidence(self) -> bool:
        return False


@dataclass(frozen=True, slots=True, eq=False)
class Context(Node):
    """Same truth value as ``child`` but contributes no evidence (a required setting)."""

    child: Node

    def evaluate(self, ctx: MatchContext) -> Result:
        return (self.child.evaluate(ctx)[0], ())

    @property
    def yields_evidence(self) -> bool:
        return False


@dataclass(frozen=True, slots=True, eq=False)
class Near(Node):
    """TRUE when every child matches and some chain of their spans lies within
    ``within`` words of each other (words strictly between consecutive children)."""

    children: tuple[Node, ...]
    within: int

    def evaluate(self, ctx: MatchContext) -> Result:
        results = []
        unknown = False
        for child in self.children:
            res = child.evaluate(ctx)
            if res[0] is _F:
                return _FALSE
            if res[0] is _U:
                unknown = True
            results.append(res)
        if unknown:
            return _UNKNOWN
        words = ctx.words()
        chosen: list[Span] = []
        frontier = [s for s in results[0][1] if s.start >= 0]
        for _, spans in results[1:]:
            nxt, partners = _near_pairs(words, frontier, spans, self.within)
            if not nxt:
                return _FALSE
            chosen.extend(partners)
            frontier = nxt
        chosen.extend(frontier)
        return Tri.TRUE, tuple(sorted(dict.fromkeys(chosen)))


def _near_pairs(
    words: WordIndex, frontier: list[Span], spans: tuple[Span, ...], within: int
) -> tuple[list[Span], list[Span]]:
    """Spans of ``spans`` within ``within`` words of some frontier span, and those partners.

    O((n + m) log n): frontier spans are sorted by their last word; a suffix minimum of
    their first word answers "is any frontier span close enough" with one bisection.
    """
    ranges = sorted(
        ((words.last_word(f.end), words.first_word(f.start), f) for f in frontier),
        key=lambda r: r[0],
    )
    lasts = [r[0] for r in ranges]
    suffix: list[tuple[int, Span]] = [(0, frontier[0])] * len(ranges) if ranges else []
    best: tuple[int, Span] | None = None
    for i in range(len(ranges) - 1, -1, -1):
        _last, first, f = ranges[i]
        if best is None or first < best[0]:
            best = (first, f)
        suffix[i] = best
    nxt: list[Span] = []
    partners: list[Span] = []
    for s in spans:
        if s.start < 0:
            continue
        first_s, last_s = words.first_word(s.start), words.last_word(s.end)
        i = bisect_left(lasts, first_s - within - 1)
        if i < len(suffix) and suffix[i][0] <= last_s + within + 1:
            nxt.append(s)
            partners.append(suffix[i][1])
    return nxt, partners


@dataclass(frozen=True, slots=True, eq=False)
class Ref(Node):
    """A reference to a named definition; evaluated once per post and memoised."""

    name: str
    target: list[Node]  # one-element holder, filled after all definitions are parsed

    def evaluate(self, ctx: MatchContext) -> Result:
        memo = ctx.memo
        hit = memo.get(self.name)
        if hit is None:
            hit = self.target[0].evaluate(ctx)
            memo[self.name] = hit
        return hit

    @property
    def yields_evidence(self) -> bool:
        return bool(self.target) and self.target[0].yields_evidence


Evaluator = Callable[["MatchContext"], Result]

# Results of ``not`` and ``context`` by their child's truth value (no evidence).
_NEGATED: dict[Tri, Result] = {_F: (_T, ()), _U: (_U, ()), _T: (_F, ())}
_SETTING: dict[Tri, Result] = {_F: (_F, ()), _U: (_U, ()), _T: (_T, ())}


def compile_rule(node: Node) -> Evaluator:
    """A function that evaluates ``node`` exactly as ``node.evaluate`` does, faster.

    The logical nodes (terms, patterns, all, any, not, context, ref) become closures
    over their compiled children, so evaluating a rule makes no attribute look-ups
    or method bindings; the other nodes keep their own ``evaluate``. A ``ref`` to a
    bare term list or pattern list is not memoised (the look-up is the evaluation).
    """
    if isinstance(node, Terms):
        return _terms(node.list_id)
    if isinstance(node, Patterns):
        return node.evaluate
    if isinstance(node, Ref):
        if not node.target:
            return node.evaluate
        target = node.target[0]
        if isinstance(target, Terms | Patterns):
            return compile_rule(target)
        return _memoised(node.name, compile_rule(target))
    if isinstance(node, All):
        return _all(tuple(compile_rule(c) for c in node.children))
    if isinstance(node, AnyOf):
        return _any(tuple(compile_rule(c) for c in node.children))
    if isinstance(node, Not):
        return _lookup(_NEGATED, compile_rule(node.child))
    if isinstance(node, Context):
        return _lookup(_SETTING, compile_rule(node.child))
    return node.evaluate


def _terms(list_id: int) -> Evaluator:
    def evaluate(ctx: MatchContext) -> Result:
        spans = ctx.terms.get(list_id)
        return (_T, spans) if spans else _FALSE

    return evaluate


def _memoised(name: str, inner: Evaluator) -> Evaluator:
    def evaluate(ctx: MatchContext) -> Result:
        memo = ctx.memo
        hit = memo.get(name)
        if hit is None:
            hit = memo[name] = inner(ctx)
        return hit

    return evaluate


def _lookup(table: dict[Tri, Result], inner: Evaluator) -> Evaluator:
    def evaluate(ctx: MatchContext) -> Result:
        return table[inner(ctx)[0]]

    return evaluate


def _all(children: tuple[Evaluator, ...]) -> Evaluator:
    def evaluate(ctx: MatchContext) -> Result:
        unknown = False
        spans: list[Span] = []
        for child in children:
            tri, s = child(ctx)
            if tri is _F:
                return _FALSE
            if tri is _U:
                unknown = True
            elif s:
                spans.extend(s)
        return _UNKNOWN if unknown else (_T, tuple(spans))

    return evaluate


def _any(children: tuple[Evaluator, ...]) -> Evaluator:
    def evaluate(ctx: MatchContext) -> Result:
        best = _F
        spans: list[Span] = []
        for child in children:
            tri, s = child(ctx)
            if tri is _T:
                best = _T
                if s:
                    spans.extend(s)
            elif tri is _U and best is _F:
                best = _U
        if best is _T:
            return (_T, tuple(spans))
        return _UNKNOWN if best is _U else _FALSE

    return evaluate
