"""Typed, immutable view of the legal knowledge base (built by :mod:`vigil.legal.kb`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "Basis",
    "Cite",
    "Deadline",
    "Instrument",
    "Item",
    "Jurisdiction",
    "KnowledgeBase",
    "Offence",
    "Party",
    "Penalty",
    "Provision",
    "Source",
    "Vocabulary",
]


@dataclass(frozen=True, slots=True)
class Cite:
    """Where a fact comes from: the legal citation, the sources and how sure we are."""

    citation: str
    sources: tuple[str, ...]
    confidence: str  # V verified, K general knowledge, ? needs checking
    checked: str
    note: str | None = None

    def short(self) -> str:
        return f"{self.citation} [{self.confidence}]"


@dataclass(frozen=True, slots=True)
class Item:
    """A recorded fact (``text`` + ``cite``) or an explicit unknown (``unknown_note``)."""

    id: str
    text: str | None
    cite: Cite | None
    unknown_note: str | None = None

    @property
    def known(self) -> bool:
        return self.cite is not None


@dataclass(frozen=True, slots=True)
class Penalty:
    text: str | None
    years: float | None = None
    life: bool | None = None
    unknown_note: str | None = None

    def describe(self) -> str:
        return self.text if self.text else f"unknown ({self.unknown_note})"


@dataclass(frozen=True, slots=True)
class Offence:
    """A statute (or an instrument's definition) as elements the checker can compare."""

    id: str
    owner: str  # jurisdiction code or instrument id
    title: str
    cite: Cite
    kind: str = "trafficking"
    victim_scope: str = "any"
    acts: frozenset[str] = frozenset()
    means: frozenset[str] = frozenset()
    means_open: bool = False
    means_required_adult: bool | None = None
    child_age_below: int | None = None
    child_means_required: bool | None = None
    disability_no_means: bool = False
    purposes: frozenset[str] = frozenset()
    purposes_open: bool = False
    purpose_required: bool = True
    circumstances: frozenset[str] = frozenset()
    penalty: Penalty | None = None
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Basis:
    """A ground on which a state claims jurisdiction."""

    id: str
    owner: str
    kind: str
    text: str
    cite: Cite
    double_criminality: str
    status: str = "recorded"
    instrument: str | None = None
    applies_to: tuple[str, ...] = ()
    requires_purposes: frozenset[str] = frozenset()
    permanent_only: bool = False


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str
    text: str
    days: int | None = None
    hours: int | None = None


@dataclass(frozen=True, slots=True)
class Provision:
    id: str
    instrument: str
    text: str
    cite: Cite
    fields: tuple[tuple[str, str], ...] = ()
    deadlines: tuple[Deadline, ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    state: str
    status: str
    cite: Cite
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Instrument:
    id: str
    title: str
    short: str
    cite: Cite
    related: tuple[str, ...] = ()
    dates: tuple[tuple[str, str, str], ...] = ()  # (event, date, confidence)
    in_force: bool | None = None
    status_text: str | None = None
    definition: Offence | None = None
    provisions: tuple[Provision, ...] = ()
    parties: tuple[Party, ...] = ()

    def party(self, state: str) -> Party | None:
        return next((p for p in self.parties if p.state == state), None)

    def date_of(self, event: str) -> str | None:
        return next((d for e, d, _ in self.dates if e == event), None)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    code: str
    name: str
    checked: str
    mla_authority: Item
    offences: tuple[Offence, ...]
    bases: tuple[Basis, ...]
    buyer_offences: tuple[Item, ...]
    platform_liability: tuple[Item, ...]
    definitions: tuple[Item, ...] = ()
    online_provisions: tuple[Item, ...] = ()
    notes: tuple[Item, ...] = ()

    def trafficking_offences(self) -> list[Offence]:
        return [o for o in self.offences if o.kind == "trafficking"]


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    locator: str


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Element terms per category, with the closure of their ``implies`` relation."""

    labels: dict[str, dict[str, str]]
    implies: dict[str, dict[str, frozenset[str]]]

    def terms(self, category: str) -> dict[str, str]:
        return self.labels[category]

    def label(self, category: str, term: str) -> str:
        return self.labels[category].get(term, term)

    def expand(self, category: str, terms: Iterable[str]) -> set[str]:
        """The terms plus every term they imply (transitively)."""
        out: set[str] = set()
        stack = list(terms)
        graph = self.implies.get(category, {})
        while stack:
            t = stack.pop()
            if t in out:
                continue
            out.add(t)
            stack.extend(graph.get(t, ()))
        return out


@dataclass(frozen=True)
class KnowledgeBase:
    sources: dict[str, Source]
    vocabulary: Vocabulary
    instruments: dict[str, Instrument]
    jurisdictions: dict[str, Jurisdiction]
    fingerprint: str = ""
    _index: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def provision(self, pid: str) -> Provision:
        obj = self._index.get(pid)
        if not isinstance(obj, Provision):
            raise KeyError(f"no provision {pid!r} in the legal KB")
        return obj

    def entry(self, eid: str) -> object:
        if eid not in self._index:
            raise KeyError(f"no entry {eid!r} in the legal KB")
        return self._index[eid]

    def ids(self) -> Iterator[str]:
        return iter(self._index)

    def party_status(self, instrument: str, state: str) -> Party | None:
        return self.instruments[instrument].party(state)

    def frameworks(self) -> dict[str, Offence]:
        """Instrument definitions usable by the element checker, keyed by instrument id."""
        return {i.id: i.definition for i in self.instruments.values() if i.definition}
