"""Fuzz the legal YAML loaders: the knowledge base (``load_kb``, a copy of the bundled KB
with one file replaced by the input) and the case-facts file (``parse_facts_text``).
The first input byte chooses the target and the KB file.

Documented errors: :class:`KBError` (every problem with file and path) and
:class:`FactsError` (the message names the file and, where it applies, the line).
Anything else raised is a finding.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import _common

with _common.instrumented("vigil.legal"):
    from vigil.legal.facts import FactsError, parse_facts_text
    from vigil.legal.kb import KBError, default_kb, default_kb_dir, load_kb

KB_DIR = _common.SCRATCH / "kb"
shutil.copytree(default_kb_dir(), KB_DIR)
FILES = sorted(p.relative_to(KB_DIR) for p in KB_DIR.rglob("*.yaml"))
FACTS = _common.REPO / "tests" / "fixtures" / "legal"  # synthetic case files
KB = default_kb()


def one(data: bytes) -> None:
    if not data:
        return
    choice, body = data[0], data[1:]
    if choice < 128:
        text = body.decode("utf-8", errors="replace")
        try:
            parse_facts_text(text, name="fuzz.yaml", kb=KB)
        except FactsError as exc:
            assert str(exc).startswith("fuzz.yaml"), str(exc)
        return
    target = KB_DIR / FILES[choice % len(FILES)]
    original = target.read_bytes()
    target.write_bytes(body)
    try:
        load_kb(KB_DIR)
    except KBError:
        pass
    finally:
        target.write_bytes(original)


def seeds() -> Iterator[bytes]:
    for i, path in enumerate(sorted(FACTS.glob("*.yaml"))):
        yield bytes([i]) + path.read_bytes()
    for i, rel in enumerate(FILES):
        choice = next(c for c in range(128, 256) if c % len(FILES) == i)
        yield bytes([choice]) + (default_kb_dir() / rel).read_bytes()


if __name__ == "__main__":
    _common.main(one, seeds)
