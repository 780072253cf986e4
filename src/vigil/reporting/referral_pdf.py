"""A readable PDF of a referral package (fpdf2, core fonts)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigil.reporting.render import latin1

__all__ = ["referral_pdf"]


def _lines(value: Any, indent: str = "") -> list[str]:
    if isinstance(value, dict):
        out: list[str] = []
        for k, v in value.items():
            if v in (None, [], {}, ""):
                continue
            if isinstance(v, dict | list):
                out.append(f"{indent}{k.replace('_', ' ')}:")
                out += _lines(v, indent + "    ")
            else:
                out.append(f"{indent}{k.replace('_', ' ')}: {v}")
        return out
    if isinstance(value, list):
        out = []
        for i, v in enumerate(value, start=1):
            if isinstance(v, dict | list):
                out.append(f"{indent}#{i}")
                out += _lines(v, indent + "    ")
            else:
                out.append(f"{indent}- {v}")
        return out
    return [f"{indent}{value}"]


_SECTIONS = (
    ("Case", "case"),
    ("Recorded decision", "decision"),
    ("Reporter", "reporter"),
    ("Incident summary", "incident_summary"),
    ("Internet details", "internet_details"),
    ("Suspects", "suspects"),
    ("Victims at risk", "victims_at_risk"),
    ("Law enforcement", "law_enforcement"),
    ("Preservation", "preservation"),
)


def referral_pdf(doc: dict[str, Any], out: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Law-enforcement referral", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    intro = f"Referral {doc['id']}, created {doc['created_at']}. "
    intro += "The JSON package is authoritative; this is a reading copy."
    pdf.multi_cell(0, 5, latin1(intro))
    for title, key in _SECTIONS:
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        for line in _lines(doc.get(key)) or ["(none)"]:
            pdf.multi_cell(0, 5, latin1(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, "Files", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 8)
    for head, width in (("file", 45), ("sha256", 105), ("viewed", 20), ("exif", 20)):
        pdf.cell(width, 6, head, border=1)
    pdf.ln()
    pdf.set_font("Courier", size=6)
    for f in doc.get("files") or []:
        pdf.cell(45, 5, latin1(str(f["name"]))[:40], border=1)
        pdf.cell(105, 5, f["sha256"], border=1)
        pdf.cell(20, 5, "yes" if f["viewed_by_person"] else "NO", border=1)
        pdf.cell(20, 5, "yes" if f["exif_viewed_by_person"] else "no", border=1)
        pdf.ln()
    pdf.output(str(out))
