"""Render a :class:`~vigil.legal.drafting.Draft` as Markdown, DOCX or PDF.

Every format carries the draft marker at the top of the document and in each page's
header (DOCX, PDF), each statement's trace (case facts; KB entries), and the list of
citations. The PDF uses the core Helvetica font, so its text is restricted to Latin-1:
other characters are transliterated (see :func:`latin1`). PDF streams are left
uncompressed so the text can be checked without a PDF parser.
"""

from __future__ import annotations

import io
import unicodedata

from vigil.legal.drafting import Draft, Statement

__all__ = ["FORMATS", "latin1", "render"]

FORMATS = ("md", "docx", "pdf")

_REPLACE = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "*",
    "\u00a0": " ",
    "\u2264": "<=",
    "\u2265": ">=",
}


def latin1(text: str) -> str:
    """Text the PDF core fonts can show: Latin-1 kept, the rest transliterated or '?'."""
    out = []
    for ch in text:
        if ch in _REPLACE:
            out.append(_REPLACE[ch])
        elif ord(ch) < 256:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def _trace(st: Statement) -> str:
    return f"[facts: {', '.join(st.facts)}; KB: {', '.join(st.kb)}]"


def _markdown(d: Draft) -> str:
    lines = [
        f"**{d.marker}**",
        "",
        f"# {d.title}",
        "",
        f"Case {d.case_id} - prepared {d.as_of} by vigil legal ({d.kind}).",
        "",
    ]
    for sec in d.sections:
        lines += [f"## {sec.heading}", ""]
        for st in sec.statements:
            lines.append(f"- {st.text}  \n  _{_trace(st)}_")
        lines.append("")
    lines += ["## Citations", ""]
    lines += [f"- `{k}`: {v}" for k, v in d.citations.items()]
    lines += ["", f"**{d.marker}**", ""]
    return "\n".join(lines)


def _docx(d: Draft) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = d.title
    doc.core_properties.subject = d.marker
    header = doc.sections[0].header.paragraphs[0]
    header.text = d.marker
    p = doc.add_paragraph()
    run = p.add_run(d.marker)
    run.bold = True
    doc.add_heading(d.title, level=1)
    doc.add_paragraph(f"Case {d.case_id} - prepared {d.as_of} by vigil legal ({d.kind}).")
    for sec in d.sections:
        doc.add_heading(sec.heading, level=2)
        for st in sec.statements:
            para = doc.add_paragraph(st.text, style="List Bullet")
            tr = para.add_run(" " + _trace(st))
            tr.italic = True
            tr.font.size = Pt(8)
    doc.add_heading("Citations", level=2)
    for k, v in d.citations.items():
        doc.add_paragraph(f"{k}: {v}", style="List Bullet")
    end = doc.add_paragraph().add_run(d.marker)
    end.bold = True
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _pdf(d: Draft) -> bytes:
    from fpdf import FPDF

    class _PDF(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "B", 9)
            self.cell(0, 6, d.marker, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

    pdf = _PDF(format="A4")
    pdf.set_compression(False)
    pdf.set_title(latin1(d.title))
    pdf.set_subject(d.marker)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def para(text: str, style: str = "", size: int = 10) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    para(d.marker, "B", 12)
    para(d.title, "B", 14)
    para(f"Case {d.case_id} - prepared {d.as_of} by vigil legal ({d.kind}).")
    for sec in d.sections:
        pdf.ln(2)
        para(sec.heading, "B", 11)
        for st in sec.statements:
            para(f"- {st.text}")
            para(f"  {_trace(st)}", "I", 7)
    pdf.ln(2)
    para("Citations", "B", 11)
    for k, v in d.citations.items():
        para(f"{k}: {v}", "", 8)
    pdf.ln(2)
    para(d.marker, "B", 12)
    return bytes(pdf.output())


def render(d: Draft, fmt: str) -> bytes:
    """The draft as ``md`` (UTF-8), ``docx`` or ``pdf`` bytes."""
    if fmt == "md":
        return _markdown(d).encode("utf-8")
    if fmt == "docx":
        return _docx(d)
    if fmt == "pdf":
        return _pdf(d)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
