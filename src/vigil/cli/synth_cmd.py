"""``vigil synth``: write a synthetic corpus of ads with ground truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NoReturn

import typer

from vigil.cli._common import err_console, progress_bar

__all__ = ["register"]

_HELP = """Generate a synthetic, fully fictional corpus of online ads with ground truth.

Writes OUT/posts.jsonl (vigil's ingest format: one ad per line) and OUT/truth.jsonl
(one line per post, same order: class, network id, every planted phone, email,
handle, payment id, crypto address and age with its exact raw text, and the
indicators planted).

The corpus mixes ten classes (trafficking-network ads, independent adults, jobs,
rentals, massage spas, dating, legitimate and deceptive recruitment, grooming
and demand posts), about 15% in Spanish. Trafficking networks share rotated
phones and images and move between cities week by week. Phone numbers are
written plain or obfuscated (spelled, mixed, look-alike letters, full-width or
math digits, separators, emoji, split across words).

All contact data is fictional: NANP 555-01XX numbers, Australian 0491 570 xxx
drama numbers, example.com/.org/.net emails, random checksum-valid crypto
addresses. The same --posts/--seed/--start-date always gives byte-identical files.

Example: vigil synth --posts 10000 --seed 7 --out demo/
"""


def synth(
    posts: int = typer.Option(
        ..., "--posts", "-n", help="Number of posts to generate (1 or more).", show_default=False
    ),
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        help="Directory to write posts.jsonl, truth.jsonl and plan.json into (created if missing).",
        show_default=False,
    ),
    seed: int = typer.Option(0, "--seed", "-s", help="Random seed; same seed, same files."),
    start_date: str = typer.Option(
        "2026-01-05",
        "--start-date",
        help="First day (YYYY-MM-DD) of the 26-week window the posts are spread over.",
    ),
) -> None:
    from vigil.synth import generate

    if posts < 1:
        _fail(f"--posts must be 1 or more (got {posts})")
    try:
        start = date.fromisoformat(start_date)
    except ValueError:
        _fail(f"--start-date must be YYYY-MM-DD (got {start_date!r})")
    if out.exists() and not out.is_dir():
        _fail(f"--out {out} exists and is not a directory")

    with progress_bar("synth", posts, unit="posts") as bar:
        task = bar.tasks[0].id
        summary = generate(
            posts,
            seed,
            out,
            start_date=start,
            progress=lambda done: bar.update(task, completed=done),
            progress_every=max(1000, posts // 200),
        )
    typer.echo(summary.line())


def _fail(message: str) -> NoReturn:
    err_console.print(f"[red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    """Add the ``synth`` command to ``app``."""
    app.command("synth", help=_HELP, no_args_is_help=True)(synth)
