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
from vigil.indicators.matcher import Matcher, TextMatches
from vigil.indicators.rules import Result, Span, Tri
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

    def evaluate(
        self,
        text: str,
        identifiers: Sequence[Identifier] = (),
        features: Mapping[str, object] | None = None,
    ) -> Evaluation:
        """Evaluate every active and shadow indicator over one post's text and data."""
        folded = fold(text)
        matches = _outside_identifiers(self._matcher.match(text, folded), text, identifiers)
        ctx = MatchContext(text, folded, matches, identifiers, features or {})
        found_terms = matches.terms.keys()
        found_patterns = matches.patterns.keys()
        results: list[tuple[Indicator, Result]] = []
        for ind, terms, patterns, text_only in self._evaluated:
            # A rule that reads only text and found none of its terms or patterns cannot
            # be true (every indicator needs evidence) nor unknown: skip evaluating it.
            if text_only and terms.isdisjoint(found_terms) and patterns.isdisjoint(found_patterns):
                results.append((ind, _FALSE))
            else:
                results.append((ind, ind.rule.evaluate(ctx)))
        return Evaluation(tuple(results))

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


#: Words inside these identifiers are not evidence: "New" in "New Orleans", "sweet" in
#: an e-mail address or a URL path.
_MASKING_KINDS = frozenset({"place", "url", "email", "handle", "payment", "crypto"})


def _outside_identifiers(
    matches: TextMatches, text: str, identifiers: Sequence[Identifier]
) -> TextMatches:
    """Drop term and pattern matches that lie wholly inside a masking identifier."""
    spans = [
        (i.start, i.end)
        for i in identifiers
        if str(i.kind) in _MASKING_KINDS
        and 0 <= i.start < i.end <= len(text)
        and text[i.start : i.end] == i.raw
    ]
    if not spans:
        return matches

    def keep(found: dict[int, list[Span]]) -> dict[int, list[Span]]:
        out: dict[int, list[Span]] = {}
        for key, hits in found.items():
            kept = [h for h in hits if not any(s <= h.start and h.end <= e for s, e in spans)]
            if kept:
                out[key] = kept
        return out

    return TextMatches(keep(matches.terms), keep(matches.patterns))


def _read_yaml(path: Path, errors: list[str]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
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
