"""Loading and compiling the indicator catalogue.

The catalogue is versioned data under ``vigil/indicators/catalogue/``:
``catalogue.yaml`` holds the header (version, languages, bands, category caps) and
every other ``*.yaml`` file holds ``defs`` (named shared rules) and ``indicators``.
Adding a language is a data change: list it in the header and add its terms and
patterns under each indicator.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from vigil.indicators.context import MatchContext
from vigil.indicators.matcher import Matcher
from vigil.indicators.rules import (
    All,
    AnyOf,
    Context,
    Count,
    Near,
    Node,
    Patterns,
    Ref,
    Result,
    Terms,
    Tri,
    compile_rule,
)
from vigil.indicators.schema import (
    CatalogueError,
    CatalogueSpec,
    Indicator,
    parse_catalogue,
    rule_leaves,
)
from vigil.indicators.text import fold
from vigil.model import Identifier

__all__ = [
    "HEADER_FILE",
    "Catalogue",
    "Evaluation",
    "build_catalogue",
    "default_catalogue",
    "load_catalogue",
]

HEADER_FILE = "catalogue.yaml"
_FALSE: Result = (Tri.FALSE, ())


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Raw rule results of one post: ``(indicator, result)`` for every evaluated indicator."""

    results: tuple[tuple[Indicator, Result], ...]

    def fired(self) -> list[tuple[Indicator, Result]]:
        return [(ind, res) for ind, res in self.results if res[0] is Tri.TRUE]


class Catalogue:
    """A validated, compiled catalogue. Build it once and reuse it for every post."""

    def __init__(self, spec: CatalogueSpec) -> None:
        self.spec = spec
        self.version = spec.version
        self.languages = spec.languages
        self.review = spec.review
        self.high = spec.high
        self.categories = spec.categories
        self.indicators = spec.indicators
        self.by_id = {ind.id: ind for ind in spec.indicators}
        self._evaluated = tuple(
            (ind, *rule_leaves(ind.rule)) for ind in spec.indicators if ind.state != "disabled"
        )
        # Which evaluated indicators (by position) a found term list or pattern (an
        # "atom": a list id, or ``~pattern id``) can make true; indicators that read
        # more than text are always candidates. A candidate is then evaluated only if
        # some clause of its requirements (atoms that must all be found for the rule
        # not to be FALSE) holds; ``None`` means no requirement.
        by_atom: dict[int, list[int]] = {}
        always: list[int] = []
        for pos, (_ind, terms, patterns, text_only) in enumerate(self._evaluated):
            if not text_only:
                always.append(pos)
            for atom in (*terms, *(~pid for pid in patterns)):
                by_atom.setdefault(atom, []).append(pos)
        self._by_atom = {k: tuple(v) for k, v in by_atom.items()}
        self._always = frozenset(always)
        self._requires = tuple(_requirements(ind.rule) for ind, *_ in self._evaluated)
        self._rules = tuple((ind, compile_rule(ind.rule)) for ind, *_ in self._evaluated)
        self.caps = {name: c.cap for name, c in spec.categories.items()}
        self._matcher = Matcher(spec.term_lists, spec.patterns)

    def __repr__(self) -> str:
        return f"Catalogue(version={self.version!r}, indicators={len(self.indicators)})"

    @property
    def fingerprint(self) -> str:
        """A short hash of the whole catalogue (terms, patterns, weights, states).

        Cached results are keyed on it, so any edit to the catalogue data rescores.
        """
        return hashlib.sha256(repr(self.spec).encode("utf-8")).hexdigest()[:16]

    def band(self, risk: float) -> str:
        """``low``, ``review`` or ``high`` for a risk, by the catalogue thresholds."""
        if risk >= self.high:
            return "high"
        if risk >= self.review:
            return "review"
        return "low"

    def band_sql(self, risk: str) -> str:
        """:meth:`band` as a SQL expression of the SQL expression ``risk`` (a DOUBLE)."""
        high, review = float(self.high), float(self.review)
        return (
            f"CASE WHEN ({risk}) >= {high!r}::DOUBLE THEN 'high' "
            f"WHEN ({risk}) >= {review!r}::DOUBLE THEN 'review' ELSE 'low' END"
        )

    def evaluate(
        self,
        text: str,
        identifiers: Sequence[Identifier] = (),
        features: Mapping[str, object] | None = None,
    ) -> Evaluation:
        """Evaluate every active and shadow indicator over one post's text and data."""
        candidates = self.evaluate_candidates(text, identifiers, features)
        evaluated = {ind.id: res for ind, res in candidates}
        return Evaluation(tuple((ind, evaluated.get(ind.id, _FALSE)) for ind, _rule in self._rules))

    def evaluate_candidates(
        self,
        text: str,
        identifiers: Sequence[Identifier] = (),
        features: Mapping[str, object] | None = None,
    ) -> list[tuple[Indicator, Result]]:
        """``(indicator, result)`` of the indicators that may not be FALSE, in
        catalogue order; every active or shadow indicator left out is FALSE.

        A rule that reads only text and found none of its terms or patterns cannot be
        true (every indicator needs evidence) nor unknown; nor can a rule none of
        whose required combinations of terms and patterns was found. Neither is
        evaluated.
        """
        folded = fold(text)
        matches = self._matcher.match(text, folded, _masks(text, identifiers))
        found = set(matches.terms)
        if matches.patterns:
            found.update(~pid for pid in matches.patterns)
        todo = set(self._always)
        by_atom = self._by_atom
        for atom in found:
            todo.update(by_atom.get(atom, ()))
        requires = self._requires
        todo_list = []
        for pos in sorted(todo):
            req = requires[pos]
            if req is not None:
                singles, clauses = req
                if singles.isdisjoint(found) and not any(c <= found for c in clauses):
                    continue
            todo_list.append(pos)
        if not todo_list:
            return []
        ctx = MatchContext(text, folded, matches, identifiers, features or {})
        rules = self._rules
        out = []
        for pos in todo_list:
            ind, evaluate = rules[pos]
            out.append((ind, evaluate(ctx)))
        return out

    def with_states(self, states: Mapping[str, str]) -> Catalogue:
        """A copy with some indicators' states changed (e.g. to try a shadow rule)."""
        unknown = sorted(set(states) - set(self.by_id))
        if unknown:
            raise KeyError(f"unknown indicator id(s): {unknown}")
        inds = tuple(
            replace(ind, state=states[ind.id]) if ind.id in states else ind
            for ind in self.indicators
        )
        return Catalogue(replace(self.spec, indicators=inds))


_MAX_CLAUSES = 256


def _requirements(node: Node) -> tuple[frozenset[int], tuple[frozenset[int], ...]] | None:
    """When ``node`` can be other than FALSE: it is FALSE unless every atom of some
    clause was found (term list ids, ``~pattern id``). ``None``: no requirement (it
    may be TRUE or UNKNOWN whatever the text, or the clauses would be too many).
    Returned as ``(atoms that are one-atom clauses, the other clauses)``.

    Sound by construction: ``all``/``near`` are FALSE when one child is, ``any`` when
    every child is; ``not``, ``count`` that accepts 0, identifier and feature tests
    can be non-FALSE without any text match.
    """
    clauses = _clauses(node)
    if clauses is None or frozenset() in clauses:
        return None
    singles = frozenset(atom for c in clauses if len(c) == 1 for atom in c)
    return singles, tuple(c for c in clauses if len(c) > 1)


def _clauses(node: Node) -> list[frozenset[int]] | None:
    out: list[frozenset[int]] | None
    if isinstance(node, Terms):
        return [frozenset((node.list_id,))]
    if isinstance(node, Patterns):
        return [frozenset((~pid,)) for pid in node.pattern_ids]
    if isinstance(node, Ref):
        return _clauses(node.target[0]) if node.target else None
    if isinstance(node, Context):
        return _clauses(node.child)
    if isinstance(node, Count):
        return None if node.test(0) else _clauses(node.of)
    if isinstance(node, AnyOf):
        out = []
        for child in node.children:
            sub = _clauses(child)
            if sub is None:
                return None
            out.extend(sub)
    elif isinstance(node, All | Near):
        out = [frozenset()]
        for child in node.children:
            sub = _clauses(child)
            if sub is None:
                continue  # no requirement from this child
            out = [a | b for a in out for b in sub]
            if len(out) > _MAX_CLAUSES:
                return None
    else:  # not, identifier, feature: may be non-FALSE without any text
        return None
    out = list(dict.fromkeys(out))
    if frozenset() in out:
        return None
    return out if len(out) <= _MAX_CLAUSES else None


#: Words inside these identifiers are not evidence: "New" in "New Orleans", "sweet" in
#: an e-mail address or a URL path.
_MASKING_KINDS = frozenset({"place", "url", "email", "handle", "payment", "crypto"})


def _masks(text: str, identifiers: Sequence[Identifier]) -> list[tuple[int, int]]:
    """Spans of the masking identifiers that point into ``text``: term and pattern
    matches lying wholly inside one are dropped (by the matcher)."""
    n = len(text)
    return [
        (i.start, i.end)
        for i in identifiers
        if i.kind in _MASKING_KINDS and 0 <= i.start < i.end <= n and text[i.start : i.end] == i.raw
    ]


def _read_yaml(path: Path, errors: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        errors.append(f"{path.name}: not valid YAML: {exc}")
        return None
    except RecursionError:
        errors.append(f"{path.name}: not valid YAML: nesting too deep")
        return None
    except ValueError as exc:  # e.g. an integer longer than Python will convert
        errors.append(f"{path.name}: not valid YAML: {exc}")
        return None


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load, validate and compile the catalogue in directory ``path`` (default: built-in)."""
    if path is None:
        root = Path(str(resources.files("vigil.indicators") / "catalogue"))
    else:
        root = Path(path)
    header_path = root / HEADER_FILE
    if not header_path.is_file():
        raise CatalogueError([f"{root}: no {HEADER_FILE} (the catalogue header)"])
    errors: list[str] = []
    header = _read_yaml(header_path, errors)
    docs = [
        (p.name, _read_yaml(p, errors))
        for p in sorted(root.glob("*.yaml"))
        if p.name != HEADER_FILE
    ]
    if errors:
        raise CatalogueError(errors)
    return Catalogue(parse_catalogue((HEADER_FILE, header), docs))


def build_catalogue(header: Mapping[str, Any], documents: Mapping[str, Any]) -> Catalogue:
    """Build a catalogue from already-parsed documents (``{file name: document}``)."""
    return Catalogue(parse_catalogue((HEADER_FILE, header), sorted(documents.items())))


@cache
def default_catalogue() -> Catalogue:
    """The built-in catalogue, loaded and compiled once per process."""
    return load_catalogue()
