"""Templates and slots of a near-duplicate group, in the spirit of InfoShield-Fine.

InfoShield aligns a group into a partial-order graph and keeps the MDL-optimal
consensus. For short ads a cheaper scheme works: take the group's *medoid* (the
member with the highest total token-set Jaccard to the others), align every other
member to it with :class:`difflib.SequenceMatcher` (longest matching blocks), and
call a run of medoid positions a *slot* where at least ``min_share`` of the members
differ. The template is the medoid with each slot replaced by ``{type}``; each slot
lists its distinct values. Slot types: ``age`` (whole numbers 16-70), ``number``,
``city`` (a known city name), ``contact`` (an identifier placeholder), ``name`` (one
capitalised word) or ``text``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Final

__all__ = [
    "MemberText",
    "Slot",
    "Template",
    "extract_template",
    "member_tokens",
    "template_blobs",
    "template_tokens",
]

#: a group member: title, body and identifier spans ``(start, end, kind, field)``
MemberText = tuple[str, str, list[tuple[int, int, str, str]]]

_TOKEN: Final = re.compile(r"\S+")
_EDGE_PUNCT: Final = re.compile(r"^[^\w<>]+|[^\w<>]+$")


@dataclass(frozen=True, slots=True)
class Slot:
    """One varying span of a template."""

    type: str
    distinct: int
    examples: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "distinct": self.distinct, "examples": list(self.examples)}


@dataclass(frozen=True, slots=True)
class Template:
    """A group's shared text with its slots."""

    text: str
    aligned: int
    slots: tuple[Slot, ...] = field(default_factory=tuple)

    def slot_counts(self) -> dict[str, int]:
        """Distinct values per slot type (summed over slots of that type)."""
        out: Counter[str] = Counter()
        for slot in self.slots:
            out[slot.type] += slot.distinct
        return dict(out)

    def summary(self) -> str:
        """E.g. ``name x 14, city x 9``."""
        return ", ".join(f"{k} x {v}" for k, v in sorted(self.slot_counts().items()))

    def to_json(self) -> dict[str, Any]:
        return {
            "template": self.text,
            "aligned": self.aligned,
            "slots": [s.to_json() for s in self.slots],
        }


def template_tokens(text: str, spans: Sequence[tuple[int, int, str]] = ()) -> list[str]:
    """Whitespace tokens of ``text`` with identifier spans replaced by ``<kind>``."""
    pieces: list[str] = []
    pos = 0
    for start, end, kind in sorted(spans):
        if start < pos or start < 0:
            continue
        pieces.append(text[pos:start])
        pieces.append(f" <{kind}> ")
        pos = end
    pieces.append(text[pos:])
    return _TOKEN.findall("".join(pieces))


def _key(token: str) -> str:
    return _EDGE_PUNCT.sub("", token.lower())


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _medoid(docs: Sequence[list[str]]) -> int:
    sets = [set(d) for d in docs]
    best, best_score = 0, -1.0
    for i, s in enumerate(sets):
        score = sum(_jaccard(s, t) for j, t in enumerate(sets) if j != i)
        if score > best_score:
            best, best_score = i, score
    return best


def _slot_type(values: Sequence[str], cities: frozenset[str]) -> str:
    votes: Counter[str] = Counter()
    for v in values:
        k = _key(v)
        if not k:
            continue
        if k.startswith("<") and k.endswith(">"):
            votes["contact"] += 1
        elif k.isdigit():
            votes["age" if 16 <= int(k) <= 70 else "number"] += 1
        elif k in cities:
            votes["city"] += 1
        elif " " not in v.strip() and v.strip(".,!?:;()")[:1].isupper() and k.isalpha():
            votes["name"] += 1
        else:
            votes["text"] += 1
    return votes.most_common(1)[0][0] if votes else "text"


def _alignment(med: list[str], other: list[str]) -> list[int]:
    """For each medoid position, the matching position in ``other`` (or -1)."""
    if med == other:
        return list(range(len(med)))
    match = [-1] * len(med)
    sm = SequenceMatcher(None, med, other, autojunk=False)
    for block in sm.get_matching_blocks():
        for k in range(block.size):
            match[block.a + k] = block.b + k
    return match


def _spans(
    start: int, end: int, aligns: Sequence[tuple[list[int], list[str]]], n: int
) -> list[tuple[int, int]]:
    """Each member's token span aligned to medoid positions ``[start, end)``."""
    out = []
    for match, doc in aligns:
        inner = match[start:end]
        if all(q >= 0 for q in inner) and inner[-1] - inner[0] == end - start - 1:
            out.append((inner[0], inner[-1] + 1))  # the member agrees here
            continue
        left = next((match[i] for i in range(start - 1, -1, -1) if match[i] >= 0), -1)
        right = next((match[i] for i in range(end, n) if match[i] >= 0), len(doc))
        out.append((left + 1, max(left + 1, right)))
    return out


def _split_runs(
    runs: list[tuple[int, int]], aligns: Sequence[tuple[list[int], list[str]]], n: int
) -> list[tuple[int, int, int, int]]:
    """Slots ``(start, end, run_start, run_end)``: a run is cut into one-token slots
    when most members substitute it token for token."""
    out: list[tuple[int, int, int, int]] = []
    for start, end in runs:
        width = end - start
        spans = _spans(start, end, aligns, n)
        same = sum(1 for a, b in spans if b - a == width)
        if width > 1 and 2 * same >= len(spans):
            out.extend((p, p + 1, start, end) for p in range(start, end))
        else:
            out.append((start, end, start, end))
    return out


def _values(
    slot: tuple[int, int, int, int], aligns: Sequence[tuple[list[int], list[str]]], n: int
) -> list[str]:
    start, end, run_start, run_end = slot
    out = []
    spans = _spans(run_start, run_end, aligns, n)
    for (a, b), (_, doc) in zip(spans, aligns, strict=True):
        if (start, end) != (run_start, run_end) and b - a == run_end - run_start:
            a, b = a + start - run_start, a + end - run_start
        out.append(" ".join(doc[a:b]))
    return out


def extract_template(
    docs: Sequence[list[str]], *, cities: frozenset[str] = frozenset(), min_share: float = 0.2
) -> Template:
    """The template and slots of ``docs`` (token lists, see :func:`template_tokens`)."""
    if not docs:
        return Template("", 0)
    memo: dict[str, str] = {}  # members share most tokens: each is keyed once
    keys = [[memo[t] if t in memo else memo.setdefault(t, _key(t)) for t in d] for d in docs]
    m = _medoid(keys)
    med = docs[m]
    others = [d for i, d in enumerate(docs) if i != m]
    aligns = [(_alignment(keys[m], keys[i]), d) for i, d in enumerate(docs) if i != m]
    differ = [0] * len(med)
    for match, _ in aligns:
        for p, q in enumerate(match):
            if q < 0:
                differ[p] += 1
    need = max(1.0, min_share * len(others))
    is_slot = [bool(others) and differ[p] >= need for p in range(len(med))]
    # runs of slot positions
    runs: list[tuple[int, int]] = []
    p = 0
    while p < len(med):
        if is_slot[p]:
            q = p
            while q < len(med) and is_slot[q]:
                q += 1
            runs.append((p, q))
            p = q
        else:
            p += 1
    slots: list[Slot] = []
    out_tokens: list[str] = []
    cursor = 0
    for slot in _split_runs(runs, aligns, len(med)):
        start, end = slot[0], slot[1]
        out_tokens.extend(med[cursor:start])
        values = [" ".join(med[start:end]), *_values(slot, aligns, len(med))]
        kind = _slot_type(values, cities)
        counts = Counter(c for c in (_EDGE_PUNCT.sub("", v) for v in values) if c)
        slots.append(Slot(kind, len(counts), tuple(v for v, _ in counts.most_common(5))))
        out_tokens.append("{" + kind + "}")
        cursor = end
    out_tokens.extend(med[cursor:])
    return Template(" ".join(out_tokens), len(docs), tuple(slots))


def member_tokens(member: MemberText) -> list[str]:
    """Title tokens, ``|``, body tokens (identifier spans as ``<kind>``)."""
    title, body, spans = member
    return [
        *template_tokens(title, [(s, e, k) for s, e, k, f in spans if f == "title"]),
        "|",
        *template_tokens(body, [(s, e, k) for s, e, k, f in spans if f == "body"]),
    ]


def template_blobs(
    groups: Sequence[tuple[int, Sequence[MemberText]]],
    cities: frozenset[str],
    min_share: float,
) -> list[tuple[int, str]]:
    """``(label, template JSON with its summary)`` of each ``(label, members)`` group."""
    out = []
    for label, members in groups:
        docs = [member_tokens(m) for m in members]
        tmpl = extract_template(docs, cities=cities, min_share=min_share)
        blob = {**tmpl.to_json(), "summary": tmpl.summary()}
        out.append((label, json.dumps(blob, ensure_ascii=False, sort_keys=True)))
    return out
