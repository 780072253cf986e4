"""Write docs/indicators.md from the indicator catalogue.

Usage: python scripts/gen_indicator_docs.py [--check]
With --check, exit 1 (and write nothing) when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vigil.indicators import load_catalogue
from vigil.indicators.docgen import render_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"


def main(argv: list[str]) -> int:
    text = render_markdown(load_catalogue())
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if "--check" in argv:
        if current != text:
            print(f"{DOC} is stale; run: python scripts/gen_indicator_docs.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        DOC.write_text(text, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
