"""``vigil extract``: identifiers (phones, e-mails, handles, ...) from text."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

__all__ = ["register"]

_HELP = """Extract identifiers from text, one JSON line out per line in.

Reads one text per line from stdin, or with --jsonl a file of posts (JSON objects
with "title" and "body"), and writes one line per input line:
{"identifiers": [{"kind", "value", "raw", "start", "end", "confidence", "attrs"}, ...]}.
With --jsonl the offsets index title + "\\n\\n" + body.

Kinds: phone (E.164; plain, international and obfuscated: spelled digits in English,
Spanish, Portuguese and French, look-alike letters, full-width/math digits, keycap
emoji, separators, split across words), email (also "name at domain dot com"), url,
handle (platform:handle), payment (cashapp/venmo/paypal/zelle), crypto (btc/eth,
checksum-verified), age, price and place. Values are normalised as in
docs/vocabulary.md.

With --truth (and --jsonl), compares against a truth.jsonl written by `vigil synth`
and prints per-kind precision and recall instead (--json for JSON).

Examples:
  echo "call two one two 555 O123, sc: anna22" | vigil extract
  vigil extract --jsonl corpus/posts.jsonl --truth corpus/truth.jsonl
"""


def _parse_kinds(kinds: str | None) -> list[Any] | None:
    from vigil.model import IdentifierKind

    if not kinds:
        return None
    out = []
    for name in kinds.split(","):
        name = name.strip().lower()
        if not name:
            continue
        try:
            out.append(IdentifierKind(name))
        except ValueError:
            valid = ", ".join(k.value for k in IdentifierKind)
            typer.echo(f"error: unknown kind {name!r} (valid: {valid})", err=True)
            raise typer.Exit(2) from None
    return out


def extract(
    jsonl: Path | None = typer.Option(
        None,
        "--jsonl",
        help='Read posts from this JSONL file ("title"/"body" per line) instead of stdin.',
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
    region: str = typer.Option(
        "US", "--region", "-r", help="Default ISO 3166 region for phones without a country code."
    ),
    kinds: str | None = typer.Option(
        None,
        "--kinds",
        "-k",
        help="Comma-separated kinds to extract, e.g. phone,email (default: all).",
        show_default=False,
    ),
    truth: Path | None = typer.Option(
        None,
        "--truth",
        help="truth.jsonl from `vigil synth`: print precision/recall per kind (needs --jsonl).",
        exists=True,
        dir_okay=False,
        show_default=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="With --truth: print the report as JSON."),
) -> None:
    region = region.strip().upper()
    if len(region) != 2 or not region.isalpha():
        typer.echo(f"error: --region must be a two-letter code, e.g. US (got {region!r})", err=True)
        raise typer.Exit(2)
    wanted = _parse_kinds(kinds)

    import orjson

    from vigil.extract import extract as run_extract

    if truth is not None:
        if jsonl is None:
            typer.echo("error: --truth needs --jsonl (the posts the truth describes)", err=True)
            raise typer.Exit(2)
        from vigil.extract.evaluate import evaluate_extraction, format_report

        report = evaluate_extraction(jsonl, truth, region=region)
        if as_json:
            typer.echo(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode())
        else:
            typer.echo(format_report(report))
        return

    out = sys.stdout
    lines = jsonl.open("rb") if jsonl is not None else sys.stdin.buffer
    try:
        for line in lines:
            if jsonl is not None:
                if not line.strip():
                    out.write('{"identifiers": []}\n')
                    continue
                try:
                    post = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    typer.echo(f"error: bad JSON line: {exc}", err=True)
                    raise typer.Exit(1) from None
                title, body = post.get("title") or "", post.get("body") or ""
                text = f"{title}\n\n{body}" if title and body else title or body
            else:
                text = line.decode("utf-8", errors="replace").rstrip("\r\n")
            found = run_extract(text, region=region, kinds=wanted)
            payload = {"identifiers": [i.to_dict() for i in found]}
            out.write(orjson.dumps(payload).decode() + "\n")
    finally:
        if jsonl is not None:
            lines.close()


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to ``app``."""
    app.command("extract", help=_HELP)(extract)
