"""Fuzz the indicator catalogue loader (``load_catalogue``): YAML parsing, schema checks
and rule compilation of a catalogue directory holding the built-in header and one
fuzzed rules file.

Documented errors: :class:`CatalogueError`, listing every problem with the file name.
Anything else raised is a finding.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import _common

with _common.instrumented("vigil.indicators"):
    import yaml

    from vigil.indicators.catalogue import load_catalogue
    from vigil.indicators.schema import CatalogueError

BUILT_IN = Path(str(resources.files("vigil.indicators") / "catalogue"))
HEADER = "catalogue.yaml"
DIR = _common.SCRATCH / "catalogue"
DIR.mkdir()
shutil.copy(BUILT_IN / HEADER, DIR / HEADER)
RULES = DIR / "rules.yaml"


def one(data: bytes) -> None:
    RULES.write_bytes(data)
    try:
        load_catalogue(DIR)
    except CatalogueError as exc:
        assert exc.errors, "an error without a message"


def seeds() -> Iterator[bytes]:
    """Each built-in rules file merged with the shared ``defs`` it refers to."""
    shared = yaml.safe_load((BUILT_IN / "context.yaml").read_text(encoding="utf-8"))
    for path in sorted(BUILT_IN.glob("*.yaml")):
        if path.name == HEADER:
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        merged = {
            "defs": {**shared.get("defs", {}), **doc.get("defs", {})},
            "indicators": doc.get("indicators", []),
        }
        yield yaml.safe_dump(merged, allow_unicode=True, sort_keys=False).encode()
    yield b"indicators:\n  - id: x\n    match: {any: [{ref: missing}]}\n"


if __name__ == "__main__":
    _common.main(one, seeds)
