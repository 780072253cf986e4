"""Regenerate the docs derived from code: docs/cli.md, docs/settings.md."""

from pathlib import Path

from vigil.docs.generate import write_all

if __name__ == "__main__":
    for path in write_all(Path(__file__).resolve().parents[1] / "docs"):
        print(f"wrote {path}")
