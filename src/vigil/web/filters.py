"""Jinja filters: highlighting (escape first, then mark), numbers, dates, small SVG charts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any
from urllib.parse import quote

from jinja2 import Environment
from markupsafe import Markup, escape

__all__ = ["Span", "bar_chart", "highlight", "install"]


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    css: str
    label: str


def highlight(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with ``<mark>`` around every span (overlaps are split).

    Every character of ``text`` goes through :func:`markupsafe.escape`; only the
    ``<mark>`` tags are markup, and their attributes are escaped too.
    """
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out: list[str] = []
    for a, b in pairwise(cuts):
        piece = escape(text[a:b])
        covering = [s for s in valid if s.start <= a and b <= s.end]
        if not covering:
            out.append(str(piece))
            continue
        css = " ".join(sorted({s.css for s in covering}))
        label = ", ".join(dict.fromkeys(s.label for s in covering))
        out.append(f'<mark class="{escape(css)}" title="{escape(label)}">{piece}</mark>')
    return Markup("".join(out))  # noqa: S704 (every piece above is escaped)


def pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def when(value: datetime | date | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def urlpart(value: str) -> str:
    """Quote a value for one URL path segment (``/`` included)."""
    return quote(str(value), safe="")


def bar_chart(
    rows: Sequence[dict[str, Any]],
    *,
    label: str,
    value: str,
    highlight_key: str | None = None,
    title: str = "",
    height: int = 120,
) -> Markup:
    """A small SVG bar chart (no script, scales with the page); every value escaped."""
    if not rows:
        return Markup("<p>No data.</p>")
    top = max(int(r[value]) for r in rows) or 1
    width = 10
    gap = 2
    total_w = len(rows) * (width + gap)
    bars = []
    for i, r in enumerate(rows):
        v = int(r[value])
        h = round(height * v / top)
        x = i * (width + gap)
        tip = f"{r[label]}: {v}"
        bars.append(
            f'<rect class="bar" x="{x}" y="{height - h}" width="{width}" height="{h}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if highlight_key:
            hv = int(r[highlight_key])
            hh = round(height * hv / top)
            bars.append(
                f'<rect class="bar-high" x="{x}" y="{height - hh}" width="{width}" '
                f'height="{hh}"><title>{escape(f"{r[label]}: {hv} high")}</title></rect>'
            )
    return Markup(  # noqa: S704 (values are integers, labels escaped)
        f'<svg class="chart" viewBox="0 0 {total_w} {height}" preserveAspectRatio="none" '
        f'role="img" aria-label="{escape(title)}">{"".join(bars)}</svg>'
    )


def install(env: Environment) -> None:
    env.filters["pct"] = pct
    env.filters["when"] = when
    env.filters["urlpart"] = urlpart
    env.globals["highlight"] = highlight
    env.globals["Span"] = Span
    env.globals["bar_chart"] = bar_chart
