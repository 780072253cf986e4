"""docs/console.md's permission matrix and route table are generated from the code."""

from __future__ import annotations

from pathlib import Path

from vigil.auth.permissions import MATRIX, Permission, Role
from vigil.web.docgen import BEGIN, END, generated_block, render_matrix

DOC = Path(__file__).resolve().parents[2] / "docs" / "console.md"


def test_console_doc_is_up_to_date() -> None:
    text = DOC.read_text()
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == generated_block(), "run: python -m vigil.web.docgen"


def test_matrix_rows_follow_the_policy() -> None:
    lines = render_matrix().splitlines()[2:]
    assert len(lines) == len(Permission)
    for line, perm in zip(lines, Permission, strict=True):
        cells = [c.strip() for c in line.strip("|").split("|")][1:]
        assert cells == ["yes" if perm in MATRIX[r] else "" for r in Role]
