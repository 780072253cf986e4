"""Loading and checking the legal knowledge base (``vigil/legal/kb/``).

Layout: ``sources.yaml``, ``vocabulary.yaml``, ``instruments.yaml`` and one
``jurisdictions/<ISO alpha-2>.yaml`` per state; ``schema.json`` holds the JSON Schema of
each file kind. :func:`check_kb` validates the schema, then the cross-references (sources,
instruments, offences, vocabulary terms, state codes, unique ids) and returns every
problem with its file, entry and field; :func:`load_kb` raises :class:`KBError` on any.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pycountry

from vigil.jsonschema_linear import LinearDraft202012Validator
from vigil.legal.model import (
    Basis,
    Cite,
    Deadline,
    Instrument,
    Item,
    Jurisdiction,
    KnowledgeBase,
    Offence,
    Party,
    Penalty,
    Provision,
    Source,
    Vocabulary,
)
from vigil.legal.yamlio import ReadError, read_file

__all__ = [
    "CATEGORIES",
    "KBError",
    "Problem",
    "check_kb",
    "default_kb",
    "default_kb_dir",
    "load_kb",
]

CATEGORIES = ("acts", "means", "purposes", "circumstances")


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    where: str
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.where}: {self.message}"
            if self.where
            else f"{self.file}: {self.message}"
        )


class KBError(ValueError):
    """The KB is invalid; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"legal KB invalid: {head}{more}")


def default_kb_dir() -> Path:
    return Path(str(resources.files("vigil.legal") / "kb"))


@cache
def _schema() -> dict[str, Any]:
    text = (resources.files("vigil.legal") / "kb" / "schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    defs = _schema()["$defs"]
    validator: jsonschema.Draft202012Validator = LinearDraft202012Validator(  # linear uniqueItems
        {"$ref": f"#/$defs/{kind}", "$defs": defs},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return validator


def _path_str(path: Iterator[Any] | Any) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _entry_id(data: Any, path: list[Any]) -> str | None:
    """The id of the innermost entry (dict with an ``id``) along ``path``."""
    found: str | None = None
    node = data
    for p in path:
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(node, dict) and isinstance(node.get("id"), str):
        found = node["id"]
    return found


def _schema_problems(name: str, data: Any, kind: str) -> list[Problem]:
    problems = []
    for err in sorted(_validator(kind).iter_errors(data), key=lambda e: list(e.absolute_path)):
        path = list(err.absolute_path)
        entry = _entry_id(data, path)
        where = _path_str(path) or "(top level)"
        if entry:
            where += f" (id {entry})"
        if err.validator == "required":
            missing = err.message.split("'")[1] if "'" in err.message else err.message
            msg = f"missing required field '{missing}'"
        elif path and isinstance(path[-1], str):
            msg = f"field '{path[-1]}': {err.message}"
        else:
            msg = err.message
        problems.append(Problem(name, where, msg))
    return problems


def _cite(d: Mapping[str, Any], default_checked: str) -> Cite:
    return Cite(
        citation=d["citation"],
        sources=tuple(d["sources"]),
        confidence=d["confidence"],
        checked=d.get("checked", default_checked),
        note=d.get("note"),
    )


def _item(d: Mapping[str, Any], checked: str, fallback_id: str = "") -> Item:
    if d.get("unknown"):
        return Item(d.get("id", fallback_id), None, None, d["note"])
    return Item(d.get("id", fallback_id), d.get("text") or d.get("value"), _cite(d, checked))


def _penalty(d: Mapping[str, Any] | None) -> Penalty | None:
    if d is None:
        return None
    if d.get("unknown"):
        return Penalty(None, unknown_note=d["note"])
    return Penalty(d["text"], d.get("years"), d.get("life"))


def _offence(d: Mapping[str, Any], owner: str, checked: str) -> Offence:
    return Offence(
        id=d["id"],
        owner=owner,
        title=d["title"],
        cite=_cite(d, checked),
        kind=d.get("offence_kind", "trafficking"),
        victim_scope=d.get("victim_scope", "any"),
        acts=frozenset(d.get("acts", ())),
        means=frozenset(d.get("means", ())),
        means_open=d.get("means_open", False),
        means_required_adult=d.get("means_required_adult"),
        child_age_below=d.get("child_age_below"),
        child_means_required=d.get("child_means_required"),
        disability_no_means=d.get("disability_no_means", False),
        purposes=frozenset(d.get("purposes", ())),
        purposes_open=d.get("purposes_open", False),
        purpose_required=d.get("purpose_required", True),
        circumstances=frozenset(d.get("circumstances", ())),
        penalty=_penalty(d.get("max_penalty")),
        related=tuple(d.get("related", ())),
    )


def _basis(d: Mapping[str, Any], owner: str, checked: str) -> Basis:
    return Basis(
        id=d["id"],
        owner=owner,
        kind=d["basis"],
        text=d["text"],
        cite=_cite(d, checked),
        double_criminality=d["double_criminality"],
        status=d.get("status", "recorded"),
        instrument=d.get("instrument"),
        applies_to=tuple(d.get("applies_to", ())),
        requires_purposes=frozenset(d.get("requires_purposes", ())),
        permanent_only=d.get("permanent_only", False),
    )


def _instrument(d: Mapping[str, Any], checked: str) -> Instrument:
    status = d.get("status")
    provisions = tuple(
        Provision(
            id=p["id"],
            instrument=d["id"],
            text=p["text"],
            cite=_cite(p, checked),
            fields=tuple((f["key"], f["text"]) for f in p.get("fields", ())),
            deadlines=tuple(
                Deadline(x["key"], x["text"], x.get("days"), x.get("hours"))
                for x in p.get("deadlines", ())
            ),
        )
        for p in d.get("provisions", ())
    )
    return Instrument(
        id=d["id"],
        title=d["title"],
        short=d["short"],
        cite=_cite(d, checked),
        related=tuple(d.get("related", ())),
        dates=tuple(
            (x["event"], x["date"], x.get("confidence", d["confidence"]))
            for x in d.get("dates", ())
        ),
        in_force=status["in_force"] if status else None,
        status_text=status["text"] if status else None,
        definition=_offence(d["definition"], d["id"], checked) if "definition" in d else None,
        provisions=provisions,
        parties=tuple(
            Party(p["state"], p["status"], _cite(p, checked), p.get("date"))
            for p in d.get("parties", ())
        ),
    )


def _jurisdiction(d: Mapping[str, Any]) -> Jurisdiction:
    code, checked = d["code"], d["checked"]
    return Jurisdiction(
        code=code,
        name=d["name"],
        checked=checked,
        mla_authority=_item(d["mla_central_authority"], checked, f"{code.lower()}-mla"),
        offences=tuple(_offence(o, code, checked) for o in d["offences"]),
        bases=tuple(_basis(b, code, checked) for b in d["jurisdiction_bases"]),
        buyer_offences=tuple(_item(x, checked) for x in d["buyer_offences"]),
        platform_liability=tuple(_item(x, checked) for x in d["platform_liability"]),
        definitions=tuple(_item(x, checked) for x in d.get("definitions", ())),
        online_provisions=tuple(_item(x, checked) for x in d.get("online_provisions", ())),
        notes=tuple(
            _item(x, checked, f"{code.lower()}-note-{i}") for i, x in enumerate(d.get("notes", ()))
        ),
    )


def _vocabulary(d: Mapping[str, Any]) -> Vocabulary:
    labels = {c: {t["id"]: t["label"] for t in d[c]} for c in CATEGORIES}
    implies = {c: {t["id"]: frozenset(t.get("implies", ())) for t in d[c]} for c in CATEGORIES}
    return Vocabulary(labels, implies)


def _is_state(code: str) -> bool:
    return pycountry.countries.get(alpha_2=code) is not None


def _cross_problems(kb: KnowledgeBase, files: dict[str, str]) -> list[Problem]:
    """Unknown references: sources, instruments, offences, terms, state codes."""
    out: list[Problem] = []
    voc = kb.vocabulary

    def cite_ok(where_file: str, eid: str, cite: Cite | None) -> None:
        if cite is None:
            return
        for s in cite.sources:
            if s not in kb.sources:
                out.append(
                    Problem(where_file, f"id {eid}", f"field 'sources': unknown source '{s}'")
                )

    def offence_ok(where_file: str, o: Offence) -> None:
        cite_ok(where_file, o.id, o.cite)
        for cat, terms in (
            ("acts", o.acts),
            ("means", o.means),
            ("purposes", o.purposes),
            ("circumstances", o.circumstances),
        ):
            for t in sorted(terms):
                if t not in voc.labels[cat]:
                    out.append(
                        Problem(
                            where_file,
                            f"id {o.id}",
                            f"field '{cat}': unknown term '{t}' (not in vocabulary.yaml)",
                        )
                    )
        for r in o.related:
            if r not in kb.instruments:
                out.append(
                    Problem(where_file, f"id {o.id}", f"field 'related': unknown instrument '{r}'")
                )

    for cat in CATEGORIES:
        for term, targets in voc.implies[cat].items():
            for t in sorted(targets):
                if t not in voc.labels[cat]:
                    out.append(
                        Problem(
                            "vocabulary.yaml",
                            f"{cat} {term}",
                            f"field 'implies': unknown term '{t}'",
                        )
                    )
    for inst in kb.instruments.values():
        f = "instruments.yaml"
        cite_ok(f, inst.id, inst.cite)
        for r in inst.related:
            if r not in kb.instruments:
                out.append(
                    Problem(f, f"id {inst.id}", f"field 'related': unknown instrument '{r}'")
                )
        if inst.definition:
            offence_ok(f, inst.definition)
        for p in inst.provisions:
            cite_ok(f, p.id, p.cite)
        for party in inst.parties:
            cite_ok(f, inst.id, party.cite)
            if not _is_state(party.state):
                out.append(
                    Problem(
                        f, f"id {inst.id}", f"field 'parties': unknown state code '{party.state}'"
                    )
                )
    for code, j in kb.jurisdictions.items():
        f = files[code]
        if not _is_state(code):
            out.append(Problem(f, "code", f"unknown state code '{code}' (ISO 3166 alpha-2)"))
        if Path(f).stem != code:
            out.append(Problem(f, "code", f"code '{code}' does not match the file name"))
        offence_ids = {o.id for o in j.offences}
        for o in j.offences:
            offence_ok(f, o)
        for b in j.bases:
            cite_ok(f, b.id, b.cite)
            if b.instrument and b.instrument not in kb.instruments:
                out.append(
                    Problem(
                        f, f"id {b.id}", f"field 'instrument': unknown instrument '{b.instrument}'"
                    )
                )
            for a in b.applies_to:
                if a not in offence_ids:
                    out.append(
                        Problem(f, f"id {b.id}", f"field 'applies_to': unknown offence '{a}'")
                    )
            for t in sorted(b.requires_purposes):
                if t not in voc.labels["purposes"]:
                    out.append(
                        Problem(f, f"id {b.id}", f"field 'requires_purposes': unknown term '{t}'")
                    )
        for item in (
            j.mla_authority,
            *j.buyer_offences,
            *j.platform_liability,
            *j.definitions,
            *j.online_provisions,
            *j.notes,
        ):
            cite_ok(f, item.id, item.cite)
    return out


def _index(kb: KnowledgeBase, problems: list[Problem]) -> None:
    seen: dict[str, str] = {}

    def add(eid: str, obj: object, where: str) -> None:
        if eid in seen:
            problems.append(Problem(where, f"id {eid}", f"duplicate id (also in {seen[eid]})"))
            return
        seen[eid] = where
        kb._index[eid] = obj

    for inst in kb.instruments.values():
        add(inst.id, inst, "instruments.yaml")
        if inst.definition:
            add(inst.definition.id, inst.definition, "instruments.yaml")
        for p in inst.provisions:
            add(p.id, p, "instruments.yaml")
    for code, j in kb.jurisdictions.items():
        where = f"jurisdictions/{code}.yaml"
        for o in j.offences:
            add(o.id, o, where)
        for b in j.bases:
            add(b.id, b, where)
        for item in (
            j.mla_authority,
            *j.buyer_offences,
            *j.platform_liability,
            *j.definitions,
            *j.online_provisions,
            *j.notes,
        ):
            add(item.id, item, where)


def _load(directory: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    problems: list[Problem] = []
    raw: dict[str, Any] = {}
    digest = hashlib.sha256()
    jdir = directory / "jurisdictions"
    if not directory.is_dir():
        return None, [Problem(str(directory), "", "not a directory")]
    files = [
        ("sources.yaml", "sources_file"),
        ("vocabulary.yaml", "vocabulary_file"),
        ("instruments.yaml", "instruments_file"),
    ]
    jfiles = sorted(jdir.glob("*.yaml")) if jdir.is_dir() else []
    if not jfiles:
        problems.append(Problem("jurisdictions/", "", "no jurisdiction files"))
    files += [(f"jurisdictions/{p.name}", "jurisdiction_file") for p in jfiles]
    for name, kind in files:
        path = directory / name
        try:
            data = read_file(path)
        except ReadError as exc:
            problems.append(Problem(name, "", str(exc).split(": ", 1)[-1]))
            continue
        digest.update(name.encode() + b"\0" + path.read_bytes())
        errs = _schema_problems(name, data, kind)
        problems += errs
        if not errs:
            raw[name] = data
    if problems:
        return None, problems
    jurisdictions: dict[str, Jurisdiction] = {}
    jfile_of: dict[str, str] = {}
    for name, data in raw.items():
        if name.startswith("jurisdictions/"):
            j = _jurisdiction(data)
            if j.code in jurisdictions:
                problems.append(Problem(name, "code", f"duplicate jurisdiction '{j.code}'"))
            jurisdictions[j.code] = j
            jfile_of[j.code] = name
    inst_data = raw["instruments.yaml"]
    instruments = {d["id"]: _instrument(d, inst_data["checked"]) for d in inst_data["instruments"]}
    kb = KnowledgeBase(
        sources={
            s["id"]: Source(s["id"], s["title"], s["locator"])
            for s in raw["sources.yaml"]["sources"]
        },
        vocabulary=_vocabulary(raw["vocabulary.yaml"]),
        instruments=instruments,
        jurisdictions=dict(sorted(jurisdictions.items())),
        fingerprint=digest.hexdigest()[:16],
    )
    _index(kb, problems)
    problems += _cross_problems(kb, jfile_of)
    return (None if problems else kb), problems


def check_kb(directory: Path | None = None) -> list[Problem]:
    """Every problem in the KB at ``directory`` (default: the bundled KB); [] if valid."""
    return _load(directory or default_kb_dir())[1]


def load_kb(directory: Path | None = None) -> KnowledgeBase:
    """Load and check the KB; raise :class:`KBError` listing every problem."""
    if directory is None:
        return default_kb()
    kb, problems = _load(directory)
    if kb is None:
        raise KBError(problems)
    return kb


@cache
def default_kb() -> KnowledgeBase:
    kb, problems = _load(default_kb_dir())
    if kb is None:
        raise KBError(problems)
    return kb
