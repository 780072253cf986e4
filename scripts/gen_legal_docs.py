"""Write docs/legal-kb.md from the legal knowledge base (src/vigil/legal/kb/).

Usage: python scripts/gen_legal_docs.py [--check]
With --check, exit 1 (and write nothing) when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vigil.legal.docgen import render_markdown
from vigil.legal.kb import load_kb

DOC = Path(__file__).resolve().parents[1] / "docs" / "legal-kb.md"


def main(argv: list[str]) -> int:
    text = render_markdown(load_kb())
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if "--check" in argv:
        if current != text:
            print(f"{DOC} is stale; run: python scripts/gen_legal_docs.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
