"""`vigil legal`: Palermo elements, jurisdictions, statute divergences and request drafts.

Output is decision support for lawyers, not legal advice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from vigil.cli._common import err_console, out_console

if TYPE_CHECKING:
    from vigil.legal.facts import CaseFacts
    from vigil.legal.model import KnowledgeBase

__all__ = ["register"]

DISCLAIMER = "Decision support for lawyers, not legal advice."

legal_app = typer.Typer(
    help="Legal analysis of a case: elements, jurisdictions, divergences, request drafts. "
    + DISCLAIMER,
    no_args_is_help=True,
)
kb_app = typer.Typer(help="The legal knowledge base: check, list, show.", no_args_is_help=True)
legal_app.add_typer(kb_app, name="kb")

KB_OPTION = typer.Option(None, "--kb", help="Knowledge-base directory (default: the bundled KB).")
JSON_OPTION = typer.Option(False, "--json", help="Print JSON.")


def _fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[red]error:[/] {message}", markup=True, highlight=False)
    return typer.Exit(code)


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {
            f.name: _jsonable(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if not f.name.startswith("_")
        }
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, frozenset | set):
        return sorted(obj)
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    return obj


def _print_json(obj: Any) -> None:
    import orjson

    typer.echo(orjson.dumps(_jsonable(obj), option=orjson.OPT_INDENT_2).decode())


def _kb(directory: Path | None) -> KnowledgeBase:
    from vigil.legal.kb import KBError, load_kb

    try:
        return load_kb(directory)
    except KBError as exc:
        for p in exc.problems:
            err_console.print(f"error: {p}", markup=False, highlight=False)
        raise typer.Exit(2) from None


def _facts(path: Path, kb: KnowledgeBase) -> CaseFacts:
    from vigil.legal.facts import FactsError, load_facts

    try:
        return load_facts(path, kb=kb)
    except FactsError as exc:
        raise _fail(str(exc)) from None


@kb_app.command("check")
def kb_check(kb_dir: Path | None = KB_OPTION) -> None:
    """Validate the KB: schema, citations, and every cross-reference. Exit 1 on a problem."""
    from vigil.legal.kb import check_kb, default_kb_dir, load_kb

    problems = check_kb(kb_dir)
    if problems:
        for p in problems:
            err_console.print(f"error: {p}", markup=False, highlight=False)
        err_console.print(f"{len(problems)} problem(s) in {kb_dir or default_kb_dir()}")
        raise typer.Exit(1)
    kb = load_kb(kb_dir)
    out_console.print(
        f"legal KB ok: {len(kb.instruments)} instruments, {len(kb.jurisdictions)} jurisdictions, "
        f"{sum(1 for _ in kb.ids())} entries (fingerprint {kb.fingerprint})"
    )


@kb_app.command("list")
def kb_list(kb_dir: Path | None = KB_OPTION, as_json: bool = JSON_OPTION) -> None:
    """List the instruments and jurisdictions in the KB."""
    from rich.table import Table

    kb = _kb(kb_dir)
    rows = [
        {"id": i.id, "type": "instrument", "name": i.short, "citation": i.cite.citation}
        for i in kb.instruments.values()
    ] + [
        {
            "id": j.code,
            "type": "jurisdiction",
            "name": j.name,
            "citation": "; ".join(o.cite.citation for o in j.trafficking_offences()),
        }
        for j in kb.jurisdictions.values()
    ]
    if as_json:
        _print_json(rows)
        return
    table = Table(title=f"legal KB {kb.fingerprint} - {DISCLAIMER}", show_edge=False)
    for col in ("id", "type", "name", "citation"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["type"], r["name"], r["citation"])
    out_console.print(table)


@kb_app.command("show")
def kb_show(
    entry: str = typer.Argument(
        ..., help="A jurisdiction code, instrument id, entry id, or 'vocabulary'."
    ),
    kb_dir: Path | None = KB_OPTION,
) -> None:
    """Show one KB entry as JSON."""
    kb = _kb(kb_dir)
    if entry == "vocabulary":
        _print_json(kb.vocabulary.labels)
        return
    code = entry.upper()
    if code in kb.jurisdictions:
        _print_json(kb.jurisdictions[code])
        return
    try:
        _print_json(kb.entry(entry))
    except KeyError:
        raise _fail(f"no KB entry {entry!r} (try `vigil legal kb list`)") from None


@legal_app.command("elements")
def elements(
    case: Path = typer.Argument(..., help="Case-facts file (YAML or JSON; see docs/legal.md)."),
    jurisdiction: list[str] = typer.Option(
        [],
        "--jurisdiction",
        "-j",
        help="Jurisdiction to assess (repeatable; default: the claimants).",
    ),
    kb_dir: Path | None = KB_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Which trafficking elements the facts establish, per Palermo and per jurisdiction."""
    from rich.table import Table

    from vigil.legal.service import analyse_elements

    kb = _kb(kb_dir)
    facts = _facts(case, kb)
    codes = [j.upper().replace("UK", "GB") for j in jurisdiction] or None
    try:
        report = analyse_elements(facts, codes, kb)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    if as_json:
        _print_json(report)
        return
    out_console.print(f"case {report.case_id} - {DISCLAIMER}")
    table = Table(show_edge=False, show_lines=True)
    for col in ("framework", "offence", "victim", "overall", "elements", "evidence"):
        table.add_column(col)
    for a in report.assessments:
        table.add_row(
            a.framework,
            f"{a.citation} [{a.confidence}]",
            f"{a.victim_id} ({a.victim_age})",
            a.overall,
            "\n".join(f"{f.element}: {f.status} - {f.reason}" for f in a.findings),
            "\n".join(f"{f.element}: {', '.join(f.evidence)}" for f in a.findings if f.evidence),
        )
    out_console.print(table)
    out_console.print("summary: " + ", ".join(f"{k} {v}" for k, v in report.summary.items()))
    out_console.print(f"not assessed: {report.not_assessed}")


@legal_app.command("jurisdictions")
def jurisdictions(
    case: Path = typer.Argument(..., help="Case-facts file (YAML or JSON)."),
    kb_dir: Path | None = KB_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Which states may claim the case: territory, nationality, presence, universal clauses."""
    from rich.table import Table

    from vigil.legal.service import resolve_jurisdictions

    kb = _kb(kb_dir)
    report = resolve_jurisdictions(_facts(case, kb), kb)
    if as_json:
        _print_json(report)
        return
    out_console.print(f"case {report.case_id} - {DISCLAIMER}")
    table = Table(show_edge=False, show_lines=True)
    for col in ("state", "basis", "reason", "citation", "double criminality", "status"):
        table.add_column(col)
    for s in report.states:
        for c in s.claims:
            table.add_row(
                f"{s.state} {s.name}",
                c.basis,
                c.reason,
                f"{c.citation} [{c.confidence}] ({c.kb_ref})",
                c.double_criminality,
                c.status,
            )
        for n in s.evidence_notes:
            table.add_row(f"{s.state} {s.name}", "evidence location", n, "", "", "")
    out_console.print(table)
    for n in report.notes:
        out_console.print(f"note: {n}")


@legal_app.command("compare")
def compare_cmd(
    codes: list[str] = typer.Argument(..., help="Jurisdiction codes, e.g. US SE NL PH."),
    case: Path | None = typer.Option(
        None, "--case", help="Case facts: say which divergences matter."
    ),
    kb_dir: Path | None = KB_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Side-by-side divergences of the jurisdictions' definitions (and which matter for a case)."""
    from rich.table import Table

    from vigil.legal.service import compare

    kb = _kb(kb_dir)
    facts = _facts(case, kb) if case else None
    wanted = list(dict.fromkeys(c.upper().replace("UK", "GB") for c in codes))
    try:
        report = compare(wanted, facts, kb)
    except KeyError as exc:
        raise _fail(str(exc.args[0])) from None
    if as_json:
        _print_json(report)
        return
    out_console.print(DISCLAIMER)
    table = Table(show_edge=False, show_lines=True)
    table.add_column("topic")
    for c in report.codes:
        table.add_column(c)
    table.add_column("diverges / matters")
    for r in report.rows:
        flag = "diverges" if r.diverges else "same"
        if r.matters is not None:
            flag += f"; {'MATTERS' if r.matters else 'does not matter'}: {r.why}"
        table.add_row(r.label, *[r.cells[c].value for c in report.codes], flag)
    out_console.print(table)


@legal_app.command("draft")
def draft_cmd(
    kind: str = typer.Argument(..., help="preservation | mla | eu-epoc | us-2703"),
    case: Path = typer.Argument(..., help="Case-facts file with a 'request' block."),
    out: Path = typer.Option(..., "--out", help="Output file (.md, .docx or .pdf)."),
    fmt: str | None = typer.Option(None, "--format", help="md, docx or pdf (default: from --out)."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the draft, YYYY-MM-DD (default: today)."
    ),
    kb_dir: Path | None = KB_OPTION,
) -> None:
    """Draft a cross-border request, marked DRAFT FOR LEGAL REVIEW, NOT LEGAL ADVICE."""
    from vigil.legal.drafting import KINDS, DraftError, build_draft
    from vigil.legal.render import FORMATS, render

    if kind not in KINDS:
        raise _fail(f"unknown draft kind {kind!r} (choose from {', '.join(KINDS)})")
    chosen = fmt or out.suffix.lower().lstrip(".")
    chosen = "md" if chosen == "markdown" else chosen
    if chosen not in FORMATS:
        raise _fail(f"cannot tell the format of {out}; use --format {'|'.join(FORMATS)}")
    try:
        date = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise _fail(f"--as-of: not a date: {as_of!r} (use YYYY-MM-DD)") from None
    kb = _kb(kb_dir)
    facts = _facts(case, kb)
    try:
        data = render(build_draft(kind, facts, kb, date), chosen)
    except DraftError as exc:
        raise _fail(str(exc)) from None
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise _fail(f"{out}: cannot write: {exc.strerror or exc}") from None
    out_console.print(
        f"wrote {out} ({chosen}, {len(data):,} bytes) - DRAFT FOR LEGAL REVIEW, NOT LEGAL ADVICE"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root application."""
    app.add_typer(legal_app, name="legal")
