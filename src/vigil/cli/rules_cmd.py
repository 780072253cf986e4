"""`vigil rules`: the indicator catalogue: list it, and diff a change over the corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from vigil.cli._common import err_console, load_settings, out_console

__all__ = ["register"]

rules_app = typer.Typer(help="The indicator catalogue: list it, diff a change over the corpus.")


@rules_app.command("list")
def list_rules(
    catalogue: Path | None = typer.Option(None, "--catalogue", help="Catalogue directory."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the indicators: id, category, state, weight, languages."""
    from vigil.indicators import CatalogueError, load_catalogue

    try:
        cat = load_catalogue(catalogue)
    except CatalogueError as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    rows: list[dict[str, Any]] = [
        {"id": i.id, "category": i.category, "state": i.state, "weight": i.weight,
         "languages": list(i.languages)}
        for i in cat.indicators
    ]  # fmt: skip
    if as_json:
        typer.echo(orjson.dumps({"version": cat.version, "indicators": rows}).decode())
        return
    table = Table(title=f"indicator catalogue {cat.version}", show_edge=False)
    for col in ("id", "category", "state", "weight", "languages"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["id"], r["category"], r["state"], f"{r['weight']:.2f}", ",".join(r["languages"])
        )
    out_console.print(table)


def _states(pairs: list[str], state: str) -> dict[str, str]:
    return {ind: state for ind in pairs}


@rules_app.command("diff")
def diff_rules(
    catalogue: Path | None = typer.Option(
        None, "--catalogue", help="Candidate catalogue directory (B). Default: the built-in one."
    ),
    shadow: list[str] = typer.Option([], "--shadow", help="In B, set this indicator to shadow."),
    activate: list[str] = typer.Option([], "--activate", help="In B, set this indicator active."),
    disable: list[str] = typer.Option([], "--disable", help="In B, disable this indicator."),
    limit: int = typer.Option(20, "--limit", help="Band changes to list."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole report as JSON."),
    home: Path | None = typer.Option(None, "--home", help="Data home (default: VIGIL_HOME)."),
) -> None:
    """Compare the built-in catalogue (A) with a candidate (B) over every post in the lake.

    B is --catalogue DIR, with --shadow/--activate/--disable applied on top. Reports,
    per indicator, the posts where it starts or stops firing, and the posts whose band
    changes, before anything goes live. Run `vigil scan` first (identifiers are needed).
    """
    from vigil.indicators import CatalogueError, default_catalogue, load_catalogue
    from vigil.pipeline.rules_diff import diff_over_lake

    settings = load_settings(home=home)
    try:
        cat_a = default_catalogue()
        cat_b = load_catalogue(catalogue) if catalogue else cat_a
        states = {
            **_states(shadow, "shadow"),
            **_states(activate, "active"),
            **_states(disable, "disabled"),
        }
        if states:
            cat_b = cat_b.with_states(states)
        report = diff_over_lake(settings, cat_a, cat_b)
    except (CatalogueError, KeyError, RuntimeError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(orjson.dumps(report.to_dict()).decode())
        return
    out_console.print(
        f"{report.posts:,} posts; bands A {dict(report.bands_a)} → B {dict(report.bands_b)}"
    )
    table = Table(title="indicators that change", show_edge=False)
    for col in ("indicator", "state A → B", "fired A", "fired B", "added", "removed"):
        table.add_column(col, justify="left" if col.startswith(("indicator", "state")) else "right")
    for c in report.changed_indicators:
        table.add_row(c.indicator_id, f"{c.state_a} → {c.state_b}", f"{c.fired_a:,}",
                      f"{c.fired_b:,}", f"{len(c.added):,}", f"{len(c.removed):,}")  # fmt: skip
    out_console.print(table)
    if report.band_changes:
        bt = Table(title=f"band changes (first {limit})", show_edge=False)
        for col in ("post", "band A", "band B", "risk A", "risk B"):
            bt.add_column(col)
        for b in report.band_changes[:limit]:
            bt.add_row(b.post_id, b.band_a, b.band_b, f"{b.risk_a:.2f}", f"{b.risk_b:.2f}")
        out_console.print(bt)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
