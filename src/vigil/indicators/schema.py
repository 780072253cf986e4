"""Catalogue schema: validates the YAML documents and builds typed indicators.

Every problem is reported with the file, the indicator id (or definition name) and the
field path, e.g. ``youth.yaml: indicator 'youth_terms': match.all[0].terms.es: must be a
list of non-empty strings``. All problems are collected and raised together.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vigil.indicators.matcher import compile_pattern, fold_term
from vigil.indicators.rules import (
    COMPARE_OPS,
    All,
    AnyOf,
    Compare,
    Context,
    Count,
    Feature,
    IdentifierPredicate,
    Near,
    Node,
    Not,
    Patterns,
    Ref,
    Terms,
)
from vigil.indicators.text import fold

__all__ = [
    "CATEGORIES",
    "COMMON",
    "STATES",
    "CatalogueError",
    "CatalogueSpec",
    "Category",
    "Indicator",
    "parse_catalogue",
    "rule_leaves",
]

CATEGORIES = (
    "advertising",
    "youth",
    "control",
    "deceptive_recruitment",
    "grooming",
    "demand",
    "network",
)
STATES = ("active", "shadow", "disabled")
COMMON = "common"  # term/pattern key for language-neutral entries (emoji, numbers)
IDENTIFIER_KINDS = ("phone", "email", "url", "handle", "payment", "crypto", "age", "price", "place")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_INDICATOR_FIELDS = (
    "id",
    "name",
    "description",
    "category",
    "languages",
    "weight",
    "state",
    "source",
    "match",
)
_RULE_KEYS = (
    "terms",
    "patterns",
    "identifier",
    "feature",
    "count",
    "all",
    "any",
    "not",
    "context",
    "near",
    "ref",
)


class CatalogueError(ValueError):
    """The catalogue does not validate; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__(
            f"invalid indicator catalogue ({len(errors)} problem(s)):\n  " + "\n  ".join(errors)
        )


@dataclass(frozen=True, slots=True)
class Indicator:
    """One catalogue entry."""

    id: str
    name: str
    description: str
    category: str
    languages: tuple[str, ...]
    weight: float
    state: str
    source: str
    rule: Node
    file: str = ""

    @property
    def is_text(self) -> bool:
        """True when the rule reads language-specific terms or patterns."""
        return _uses_text(self.rule)


@dataclass(frozen=True, slots=True)
class Category:
    """A scoring category: its cap and what it means."""

    name: str
    cap: float
    description: str


@dataclass(frozen=True, slots=True)
class CatalogueSpec:
    """A validated catalogue, before its matchers are compiled."""

    version: str
    languages: tuple[str, ...]
    review: float
    high: float
    categories: Mapping[str, Category]
    indicators: tuple[Indicator, ...]
    term_lists: tuple[Mapping[str, tuple[str, ...]], ...]
    patterns: tuple[str, ...]
    defs: Mapping[str, Node] = field(default_factory=dict)


def _uses_text(node: Node) -> bool:
    if isinstance(node, Terms | Patterns):
        return True
    if isinstance(node, All | AnyOf | Near):
        return any(_uses_text(c) for c in node.children)
    if isinstance(node, Not | Context):
        return _uses_text(node.child)
    if isinstance(node, Count):
        return _uses_text(node.of)
    if isinstance(node, Ref):
        return bool(node.target) and _uses_text(node.target[0])
    return False


def rule_leaves(node: Node) -> tuple[frozenset[int], frozenset[int], bool]:
    """Term-list ids and pattern ids a rule reads (through refs), and whether it reads
    nothing else (no identifiers, no features)."""
    terms: set[int] = set()
    patterns: set[int] = set()
    text_only = True
    stack = [node]
    seen: set[int] = set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        if isinstance(n, Terms):
            terms.add(n.list_id)
        elif isinstance(n, Patterns):
            patterns.update(n.pattern_ids)
        elif isinstance(n, IdentifierPredicate | Feature):
            text_only = False
        elif isinstance(n, Ref):
            stack.extend(n.target)
        else:
            stack.extend(_children(n))
    return frozenset(terms), frozenset(patterns), text_only


class _Parser:
    def __init__(self, languages: tuple[str, ...]) -> None:
        self.languages = languages
        self.errors: list[str] = []
        self.term_lists: list[Mapping[str, tuple[str, ...]]] = []
        self.patterns: list[str] = []
        self.refs: list[tuple[str, Ref]] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    # -- rules -----------------------------------------------------------------

    def rule(self, obj: object, where: str, path: str, langs: set[str]) -> Node | None:
        if not isinstance(obj, dict) or not obj:
            self.err(where, f"{path}: a rule must be a mapping with one of {', '.join(_RULE_KEYS)}")
            return None
        keys = [k for k in obj if k in _RULE_KEYS]
        if len(keys) != 1 or len(obj) != 1:
            self.err(
                where,
                f"{path}: a rule needs exactly one key of {', '.join(_RULE_KEYS)}, "
                f"got {sorted(obj)}",
            )
            return None
        key = keys[0]
        body = obj[key]
        sub = f"{path}.{key}"
        if key == "terms":
            return self.terms(body, where, sub, langs)
        if key == "patterns":
            return self.pattern_list(body, where, sub, langs)
        if key == "identifier":
            return self.identifier(body, where, sub)
        if key == "feature":
            return self.feature(body, where, sub)
        if key == "count":
            return self.count(body, where, sub, langs)
        if key in ("all", "any"):
            if not isinstance(body, list) or not body:
                self.err(where, f"{sub}: must be a non-empty list of rules")
                return None
            kids = [self.rule(c, where, f"{sub}[{i}]", langs) for i, c in enumerate(body)]
            if any(k is None for k in kids):
                return None
            children = tuple(k for k in kids if k is not None)
            return All(children) if key == "all" else AnyOf(children)
        if key in ("not", "context"):
            child = self.rule(body, where, sub, langs)
            if child is None:
                return None
            return Not(child) if key == "not" else Context(child)
        if key == "near":
            return self.near(body, where, sub, langs)
        # ref
        if not isinstance(body, str) or not body:
            self.err(where, f"{sub}: must be the name of a definition")
            return None
        node = Ref(body, [])
        self.refs.append((f"{where}: {sub}", node))
        return node

    def _lang_map(
        self, body: object, where: str, path: str, langs: set[str]
    ) -> dict[str, list[str]] | None:
        if isinstance(body, list):
            body = {COMMON: body}
        if not isinstance(body, dict) or not body:
            self.err(where, f"{path}: must map language codes to lists of strings")
            return None
        out: dict[str, list[str]] = {}
        for lang, items in body.items():
            if lang != COMMON and lang not in self.languages:
                self.err(
                    where,
                    f"{path}: language '{lang}' is not in the catalogue languages "
                    f"{list(self.languages)} (use '{COMMON}' for language-neutral entries)",
                )
                continue
            if (
                not isinstance(items, list)
                or not items
                or not all(isinstance(t, str) and t.strip() for t in items)
            ):
                self.err(where, f"{path}.{lang}: must be a non-empty list of non-empty strings")
                continue
            if lang != COMMON:
                langs.add(lang)
            out[lang] = items
        return out if out else None

    def terms(self, body: object, where: str, path: str, langs: set[str]) -> Node | None:
        table = self._lang_map(body, where, path, langs)
        if table is None:
            return None
        for lang, items in table.items():
            for term in items:
                if not fold_term(term):
                    self.err(where, f"{path}.{lang}: term {term!r} is empty after folding")
        frozen = {lang: tuple(items) for lang, items in table.items()}
        self.term_lists.append(frozen)
        return Terms(len(self.term_lists) - 1, frozen)

    def pattern_list(self, body: object, where: str, path: str, langs: set[str]) -> Node | None:
        table = self._lang_map(body, where, path, langs)
        if table is None:
            return None
        ids: list[int] = []
        ok = True
        for lang, items in table.items():
            for pattern in items:
                if any(not c.isascii() and fold(c) != c for c in pattern):
                    self.err(
                        where,
                        f"{path}.{lang}: pattern {pattern!r} has accented or upper-case "
                        "letters; text is folded, so write it in lower case without accents",
                    )
                    ok = False
                    continue
                try:
                    compiled = compile_pattern(pattern)
                except Exception as exc:  # re2.error carries the parse problem
                    self.err(where, f"{path}.{lang}: pattern {pattern!r} does not compile: {exc}")
                    ok = False
                    continue
                if compiled.search("") is not None:
                    self.err(where, f"{path}.{lang}: pattern {pattern!r} matches the empty string")
                    ok = False
                    continue
                self.patterns.append(pattern)
                ids.append(len(self.patterns) - 1)
        if not ok:
            return None
        frozen = {lang: tuple(items) for lang, items in table.items()}
        return Patterns(tuple(ids), frozen)

    def compare(self, body: Mapping[str, Any], where: str, path: str) -> Compare | None:
        checks: list[tuple[str, object]] = []
        for op, ref in body.items():
            if op not in COMPARE_OPS:
                continue
            if op == "in":
                if not isinstance(ref, list) or not ref:
                    self.err(where, f"{path}.in: must be a non-empty list")
                    return None
                checks.append((op, frozenset(ref)))
            elif op in ("lt", "lte", "gt", "gte") and (
                isinstance(ref, bool) or not isinstance(ref, int | float)
            ):
                self.err(where, f"{path}.{op}: must be a number, got {ref!r}")
                return None
            else:
                checks.append((op, ref))
        if not checks:
            self.err(where, f"{path}: needs a comparison ({', '.join(COMPARE_OPS)})")
            return None
        return Compare(tuple(checks))

    def _check_keys(
        self, body: Mapping[str, Any], allowed: tuple[str, ...], where: str, path: str
    ) -> bool:
        extra = sorted(set(body) - set(allowed))
        if extra:
            self.err(where, f"{path}: unknown field(s) {extra}; allowed: {list(allowed)}")
            return False
        return True

    def _str_set(self, value: object, where: str, path: str) -> frozenset[str] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
            self.err(where, f"{path}: must be a string or a list of strings")
            return None
        return frozenset(value)

    def identifier(self, body: object, where: str, path: str) -> Node | None:
        if not isinstance(body, dict):
            self.err(where, f"{path}: must be a mapping with 'kind'")
            return None
        if not self._check_keys(body, ("kind", "value", "unit", "currency", "prefix"), where, path):
            return None
        kind = body.get("kind")
        if kind not in IDENTIFIER_KINDS:
            self.err(where, f"{path}.kind: must be one of {list(IDENTIFIER_KINDS)}, got {kind!r}")
            return None
        value = None
        if "value" in body:
            if not isinstance(body["value"], dict):
                self.err(where, f"{path}.value: must be a comparison mapping, e.g. {{lt: 18}}")
                return None
            value = self.compare(body["value"], where, f"{path}.value")
            if value is None:
                return None
        sets: dict[str, frozenset[str] | None] = {}
        for name in ("unit", "currency", "prefix"):
            if name in body:
                parsed = self._str_set(body[name], where, f"{path}.{name}")
                if parsed is None:
                    return None
                sets[name] = parsed
        return IdentifierPredicate(
            str(kind), value, sets.get("unit"), sets.get("currency"), sets.get("prefix")
        )

    def feature(self, body: object, where: str, path: str) -> Node | None:
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            self.err(where, f"{path}: must be a mapping with 'name' and a comparison")
            return None
        if not self._check_keys(body, ("name", *COMPARE_OPS), where, path):
            return None
        test = self.compare(body, where, path)
        return None if test is None else Feature(body["name"], test)

    def count(self, body: object, where: str, path: str, langs: set[str]) -> Node | None:
        if not isinstance(body, dict) or "of" not in body:
            self.err(where, f"{path}: must be a mapping with 'of' (a rule) and a comparison")
            return None
        if not self._check_keys(body, ("of", "distinct", *COMPARE_OPS), where, path):
            return None
        distinct = body.get("distinct", True)
        if not isinstance(distinct, bool):
            self.err(where, f"{path}.distinct: must be true or false")
            return None
        of = self.rule(body["of"], where, f"{path}.of", langs)
        test = self.compare(body, where, path)
        if of is None or test is None:
            return None
        return Count(of, test, distinct)

    def near(self, body: object, where: str, path: str, langs: set[str]) -> Node | None:
        if not isinstance(body, dict) or not self._check_keys(
            body, ("within", "rules"), where, path
        ):
            if not isinstance(body, dict):
                self.err(where, f"{path}: must be a mapping with 'within' and 'rules'")
            return None
        within = body.get("within")
        rules = body.get("rules")
        if isinstance(within, bool) or not isinstance(within, int) or within < 0:
            self.err(where, f"{path}.within: must be a whole number of words >= 0")
            return None
        if not isinstance(rules, list) or len(rules) < 2:
            self.err(where, f"{path}.rules: must list at least two rules")
            return None
        kids = [self.rule(c, where, f"{path}.rules[{i}]", langs) for i, c in enumerate(rules)]
        if any(k is None for k in kids):
            return None
        return Near(tuple(k for k in kids if k is not None), within)

    # -- indicators ------------------------------------------------------------

    def indicator(
        self, raw: object, file: str, index: int, categories: Mapping[str, Category]
    ) -> Indicator | None:
        if not isinstance(raw, dict):
            self.err(f"{file}: indicators[{index}]", "must be a mapping")
            return None
        ident = raw.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            self.err(
                f"{file}: indicators[{index}]",
                f"field 'id': must match {_ID.pattern}, got {ident!r}",
            )
            return None
        where = f"{file}: indicator '{ident}'"
        n_errors = len(self.errors)
        missing = [f for f in _INDICATOR_FIELDS if f not in raw]
        if missing:
            self.err(where, f"missing field(s) {missing}")
        extra = sorted(set(raw) - set(_INDICATOR_FIELDS))
        if extra:
            self.err(where, f"unknown field(s) {extra}")
        for name in ("name", "description", "source"):
            if name in raw and (not isinstance(raw[name], str) or not raw[name].strip()):
                self.err(where, f"field '{name}': must be a non-empty string")
        category = raw.get("category")
        if "category" in raw and category not in categories:
            self.err(
                where, f"field 'category': must be one of {list(categories)}, got {category!r}"
            )
        weight = raw.get("weight")
        if "weight" in raw and (
            isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 <= weight <= 1
        ):
            self.err(where, f"field 'weight': must be a number in [0, 1], got {weight!r}")
        state = raw.get("state")
        if "state" in raw and state not in STATES:
            self.err(where, f"field 'state': must be one of {list(STATES)}, got {state!r}")
        languages = raw.get("languages")
        if "languages" in raw and (
            not isinstance(languages, list) or any(lang not in self.languages for lang in languages)
        ):
            self.err(
                where,
                f"field 'languages': must be a list of {list(self.languages)} ([] = any), "
                f"got {languages!r}",
            )
            languages = None
        used: set[str] = set()
        rule = self.rule(raw["match"], where, "match", used) if "match" in raw else None
        if isinstance(languages, list) and used:
            for lang in sorted(used - set(languages)):
                self.err(
                    where, f"field 'languages': rule has '{lang}' entries but it is not listed"
                )
            for lang in sorted(set(languages) - used):
                self.err(
                    where,
                    f"field 'languages': '{lang}' is listed but the rule has no "
                    f"'{lang}' terms or patterns",
                )
        if len(self.errors) > n_errors or rule is None:
            return None
        return Indicator(
            id=ident,
            name=raw["name"].strip(),
            description=" ".join(raw["description"].split()),
            category=str(category),
            languages=tuple(languages or ()),
            weight=float(weight),  # type: ignore[arg-type]
            state=str(state),
            source=" ".join(raw["source"].split()),
            rule=rule,
            file=file,
        )


def _header(
    doc: Mapping[str, Any], file: str, errors: list[str]
) -> tuple[str, tuple[str, ...], float, float, dict[str, Category]]:
    where = f"{file}: header"
    version = doc.get("version")
    if not isinstance(version, str) or not version.strip():
        errors.append(f"{where}: field 'version': must be a non-empty string (quote numbers)")
        version = ""
    languages = doc.get("languages")
    if (
        not isinstance(languages, list)
        or not languages
        or not all(
            isinstance(x, str) and re.match(r"^[a-z]{2,3}$", x) and x != COMMON for x in languages
        )
    ):
        errors.append(
            f"{where}: field 'languages': must be a list of ISO 639 codes, got {languages!r}"
        )
        languages = []
    review = high = 0.0
    bands = doc.get("bands")
    if isinstance(bands, dict) and all(
        isinstance(bands.get(k), int | float) and not isinstance(bands.get(k), bool)
        for k in ("review", "high")
    ):
        review, high = float(bands["review"]), float(bands["high"])
        if not 0 < review < high <= 1:
            errors.append(f"{where}: field 'bands': need 0 < review < high <= 1, got {bands!r}")
    else:
        errors.append(f"{where}: field 'bands': must be a mapping with numbers 'review' and 'high'")
    categories: dict[str, Category] = {}
    cats = doc.get("categories")
    if not isinstance(cats, dict):
        errors.append(
            f"{where}: field 'categories': must map each category to {{cap, description}}"
        )
        cats = {}
    for name, spec in cats.items():
        if name not in CATEGORIES:
            errors.append(
                f"{where}: categories.{name}: not a vocabulary category {list(CATEGORIES)}"
            )
            continue
        cap = spec.get("cap") if isinstance(spec, dict) else None
        desc = spec.get("description") if isinstance(spec, dict) else None
        if isinstance(cap, bool) or not isinstance(cap, int | float) or not 0 < cap <= 1:
            errors.append(f"{where}: categories.{name}.cap: must be a number in (0, 1]")
            continue
        if not isinstance(desc, str) or not desc.strip():
            errors.append(f"{where}: categories.{name}.description: must be a non-empty string")
            continue
        categories[name] = Category(name, float(cap), " ".join(desc.split()))
    for name in CATEGORIES:
        if name not in categories and name not in cats:
            errors.append(f"{where}: categories: missing vocabulary category '{name}'")
    return version.strip(), tuple(languages), review, high, categories


def parse_catalogue(
    header: tuple[str, Mapping[str, Any]], documents: list[tuple[str, Any]]
) -> CatalogueSpec:
    """Validate a header document and indicator documents; raise ``CatalogueError``."""
    errors: list[str] = []
    hfile, hdoc = header
    if not isinstance(hdoc, dict):
        raise CatalogueError(
            [f"{hfile}: must be a mapping with version, languages, bands, categories"]
        )
    version, languages, review, high, categories = _header(hdoc, hfile, errors)
    parser = _Parser(languages)
    parser.errors = errors
    defs: dict[str, Node] = {}
    indicators: list[Indicator] = []
    seen: dict[str, str] = {}
    for file, doc in documents:
        if not isinstance(doc, dict) or not set(doc) <= {"defs", "indicators"}:
            errors.append(f"{file}: must be a mapping with 'defs' and/or 'indicators' only")
            continue
        raw_defs = doc.get("defs") or {}
        if not isinstance(raw_defs, dict):
            errors.append(f"{file}: defs: must map names to rules")
            raw_defs = {}
        for name, body in raw_defs.items():
            where = f"{file}: definition '{name}'"
            if name in defs:
                errors.append(f"{where}: defined twice")
                continue
            node = parser.rule(body, where, "rule", set())
            if node is not None:
                defs[name] = node
        raw_inds = doc.get("indicators") or []
        if not isinstance(raw_inds, list):
            errors.append(f"{file}: indicators: must be a list")
            continue
        for i, raw in enumerate(raw_inds):
            ind = parser.indicator(raw, file, i, categories)
            if ind is None:
                continue
            if ind.id in seen:
                errors.append(
                    f"{file}: indicator '{ind.id}': field 'id': duplicate (also in {seen[ind.id]})"
                )
                continue
            seen[ind.id] = file
            indicators.append(ind)
    for where, ref in parser.refs:
        target = defs.get(ref.name)
        if target is None:
            errors.append(f"{where}: unknown definition '{ref.name}' (known: {sorted(defs)})")
        else:
            ref.target.append(target)
    if not errors:
        _check_cycles(defs, errors)
    if not errors:
        for ind in indicators:
            if not ind.rule.yields_evidence:
                errors.append(
                    f"{ind.file}: indicator '{ind.id}': match: the rule can be true without "
                    "evidence (only not/context at the top); add a term, pattern, identifier "
                    "or feature that must match"
                )
    if errors:
        raise CatalogueError(errors)
    return CatalogueSpec(
        version=version,
        languages=languages,
        review=review,
        high=high,
        categories=categories,
        indicators=tuple(indicators),
        term_lists=tuple(parser.term_lists),
        patterns=tuple(parser.patterns),
        defs=defs,
    )


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, All | AnyOf | Near):
        return node.children
    if isinstance(node, Not | Context):
        return (node.child,)
    if isinstance(node, Count):
        return (node.of,)
    return ()


def _check_cycles(defs: Mapping[str, Node], errors: list[str]) -> None:
    def refs_in(node: Node) -> set[str]:
        if isinstance(node, Ref):
            return {node.name}
        out: set[str] = set()
        for c in _children(node):
            out |= refs_in(c)
        return out

    graph = {name: refs_in(node) for name, node in defs.items()}
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            errors.append(f"definition '{name}': circular reference {' -> '.join([*trail, name])}")
            return
        state[name] = 1
        for nxt in graph.get(name, ()):
            visit(nxt, [*trail, name])
        state[name] = 2

    for name in sorted(graph):
        visit(name, [])
