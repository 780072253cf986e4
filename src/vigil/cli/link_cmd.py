"""`vigil link`: join the posts of a scan results directory into networks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import typer
from rich.table import Table

from vigil.cli._common import err_console, out_console

if TYPE_CHECKING:
    from vigil.linking.result import LinkResult

__all__ = ["clusters_table", "register"]


def _explain_lines(edges: list[dict[str, Any]], limit: int) -> str:
    lines = [f"{e['post_a']} - {e['post_b']}  {e['kind']}: {e['evidence']}" for e in edges[:limit]]
    if len(edges) > limit:
        lines.append(f"... {len(edges) - limit:,} more links")
    return "\n".join(lines)


def clusters_table(result: LinkResult, clusters: list[dict[str, Any]]) -> Table:
    """The clusters with what they share and the links that joined them."""
    table = Table(title="top clusters", show_edge=False, show_lines=True)
    for col in ("cluster", "posts", "risk", "cities", "shared contacts", "templates", "links"):
        table.add_column(col, justify="right" if col in ("posts", "risk") else "left")
    for c in clusters:
        idents = ", ".join(
            f"{i['kind']}:{i['value']} x{i['posts']}" for i in c["shared_identifiers"][:3]
        )
        tmpls = "; ".join(
            f"{t['posts']} posts ({t['summary'] or 'no slots'})" for t in c["templates"][:2]
        )
        table.add_row(
            c["cluster_id"],
            f"{c['size']:,}",
            f"{c['risk']:.2f}",
            f"{c['n_cities']} ({c['moves']} moves)",
            idents,
            tmpls,
            _explain_lines(result.explain(c["cluster_id"]), 4),
        )
    return table


def link(
    in_dir: Path = typer.Option(
        ...,
        "--in",
        help="Scan results directory (posts.parquet, identifiers.parquet).",
        exists=True,
        file_okay=False,
        dir_okay=True,
        show_default=False,
    ),
    images_root: Path | None = typer.Option(
        None, "--images-root", help="Folder that image refs are relative to (for image hashing)."
    ),
    top: int = typer.Option(10, "--top", min=0, help="How many clusters to print."),
    full: bool = typer.Option(
        False, "--full", help="Ignore the incremental index and relink every post."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the run record and top clusters."),
) -> None:
    """Link posts that share contacts, near-duplicate text or images into clusters.

    Writes clusters.parquet, edges.parquet, post_clusters.parquet,
    identifier_hubs.parquet, link_run.json and index/ into the directory, then prints
    the highest-risk clusters with the links that joined them. A later run over the
    same directory with more posts only processes the new ones.
    """
    from vigil.linking import link as run_link

    try:
        result = run_link(in_dir, images_root=images_root, incremental=not full)
    except (FileNotFoundError, ValueError) as exc:
        err_console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    clusters = result.top(top)
    if as_json:
        payload = {
            "run": result.run,
            "clusters": [
                {**c, "explanation": result.explain(c["cluster_id"])[:50]} for c in clusters
            ],
        }
        typer.echo(orjson.dumps(payload, default=str).decode())
        return
    run = result.run
    out_console.print(
        f"linked {run['posts']:,} posts ({run['new_posts']:,} new) into {run['clusters']:,} "
        f"clusters holding {run['clustered_posts']:,} posts in {run['seconds']:.1f}s"
    )
    if clusters:
        out_console.print(clusters_table(result, clusters))


def register(app: typer.Typer) -> None:
    app.command("link")(link)
