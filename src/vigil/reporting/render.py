"""The transparency report as HTML (charts inline) and PDF (fpdf2), charts by matplotlib."""

from __future__ import annotations

import base64
import io
from pathlib import Path

from jinja2 import Environment, select_autoescape

from vigil.reporting.transparency import TransparencyReport

__all__ = ["charts", "latin1", "to_html", "to_pdf"]


def _label(value: str) -> str:
    for prefix in ("STATEMENT_CATEGORY_", "KEYWORD_", "DECISION_GROUND_", "AUTOMATED_DECISION_"):
        value = value.removeprefix(prefix)
    return value.replace("_", " ").lower()


def _bar(title: str, counts: dict[str, int]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]))
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(items), 2) + 1.2), dpi=100)
    try:
        if items:
            ax.barh([_label(k) for k, _ in items], [v for _, v in items], color="#3b6ea5")
            for i, (_, v) in enumerate(items):
                ax.text(v, i, f" {v}", va="center")
        else:
            ax.text(0.5, 0.5, "none in this period", ha="center", va="center")
            ax.set_yticks([])
        ax.set_title(title)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def charts(r: TransparencyReport) -> dict[str, bytes]:
    """PNG charts: decisions by keyword, by category, by detection, by action."""
    return {
        "Decisions by keyword": _bar("Decisions by keyword", r.by_keyword),
        "Decisions by category": _bar("Decisions by category", r.by_category),
        "Detection: automated or human": _bar("How the content was detected", r.by_detection),
        "Decisions by action": _bar("Decisions by action", r.by_action),
    }


def _summary(r: TransparencyReport) -> list[tuple[str, str]]:
    def hours(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.1f} h"

    return [
        ("Notices received", str(r.notices)),
        ("Notices actioned", str(r.notices_actioned)),
        ("Median time to act on a notice", hours(r.notice_median_hours)),
        ("Decisions", str(r.decisions)),
        ("Own-initiative decisions", str(r.own_initiative)),
        ("Median time from detection to decision", hours(r.decision_median_hours)),
        ("Referrals to law enforcement", str(r.referrals)),
        ("Appeals received", str(r.appeals_received)),
        (
            "Appeals decided (upheld / reversed)",
            f"{r.appeals_decided} ({r.appeals_upheld} / {r.appeals_reversed})",
        ),
        ("Median time to decide an appeal", hours(r.appeal_median_hours)),
    ]


_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Transparency report {{ r.provider }} {{ r.start }} to {{ r.end }}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
img{max-width:100%;display:block;margin:1rem 0}</style></head><body>
<h1>Transparency report</h1>
<p>{{ r.provider }}, {{ r.start }} to {{ r.end }} (generated {{ r.generated }}).</p>
<h2>Summary</h2>
<table>{% for k, v in summary %}<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}</table>
{% for title, png in images %}<h2>{{ title }}</h2>
<img alt="{{ title }}" src="data:image/png;base64,{{ png }}">{% endfor %}
<h2>Decisions by ground</h2>
<table><tr><th>ground</th><th>decisions</th></tr>
{% for k, v in r.by_ground|dictsort %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>{% endfor %}</table>
</body></html>
"""


def to_html(r: TransparencyReport, pictures: dict[str, bytes] | None = None) -> str:
    """The report as one self-contained HTML page (``pictures``: from :func:`charts`)."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    pictures = charts(r) if pictures is None else pictures
    images = [(t, base64.b64encode(png).decode()) for t, png in pictures.items()]
    return env.from_string(_HTML).render(r=r, summary=_summary(r), images=images)


def latin1(text: str) -> str:
    """Text the PDF core fonts can draw (anything else becomes '?')."""
    return text.encode("latin-1", "replace").decode("latin-1")


def to_pdf(r: TransparencyReport, out: Path, pictures: dict[str, bytes] | None = None) -> None:
    from fpdf import FPDF

    pictures = charts(r) if pictures is None else pictures
    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Transparency report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, latin1(f"{r.provider}, {r.start} to {r.end} (generated {r.generated})"))
    pdf.ln(2)
    for key, value in _summary(r):
        pdf.cell(100, 6, latin1(key), border=1)
        pdf.cell(0, 6, latin1(value), border=1, new_x="LMARGIN", new_y="NEXT")
    for title, png in pictures.items():
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, latin1(title), new_x="LMARGIN", new_y="NEXT")
        pdf.image(io.BytesIO(png), w=180)
    pdf.output(str(out))
