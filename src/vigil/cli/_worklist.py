"""Rendering the explained worklist in the terminal."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

__all__ = ["worklist_table"]

_BAND_STYLE = {"high": "bold red", "review": "yellow", "low": "dim"}


def _why(hits: list[dict[str, Any]], limit: int = 4) -> Text:
    text = Text()
    seen: set[str] = set()
    for hit in hits:
        if hit["indicator_id"] in seen:
            continue
        seen.add(hit["indicator_id"])
        if len(seen) > limit:
            text.append(f" +{len({h['indicator_id'] for h in hits}) - limit} more", style="dim")
            break
        if text:
            text.append("\n")
        text.append(hit["indicator_id"], style="bold")
        if hit["matched"]:
            text.append(f' "{hit["matched"][:40]}"', style="italic")
    return text


def worklist_table(rows: list[dict[str, Any]], title: str = "worklist") -> Table:
    table = Table(title=title, show_lines=True, expand=False)
    table.add_column("risk", justify="right")
    table.add_column("band")
    table.add_column("post")
    table.add_column("where / when")
    table.add_column("why (indicator, words)")
    for row in rows:
        snippet = (row["title_text"] or row["body_text"] or "")[:60]
        when = row["posted_at"].strftime("%Y-%m-%d") if row["posted_at"] else ""
        table.add_row(
            f"{row['risk']:.2f}",
            Text(row["band"], style=_BAND_STYLE.get(row["band"], "")),
            Text(f"{snippet}\n", style="") + Text(row["post_id"], style="dim"),
            f"{row['location'] or ''}\n{when}",
            _why(row["hits"]),
        )
    return table
