"""The ingest path shared by the three reader harnesses: read a file, then validate and
normalise every record exactly as ``vigil ingest`` does (in this process, no lake).

Invariant checked: every record read is either a lake row or a quarantined row with a
reason and a 1-based line; nothing is dropped and nothing raises.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vigil.ingest.prepare import prepare_records
from vigil.ingest.readers import read_records
from vigil.synth.generator import iter_records


def ingest(path: Path, fmt: str) -> None:
    chunks = prepare_records(
        read_records(path, fmt), run_id="fuzz", source=path.name, default_platform=None
    )
    for chunk in chunks:
        assert chunk.rows.num_rows + len(chunk.rejected) == chunk.read, "rows lost"
        for bad in chunk.rejected:
            assert bad.line >= 0 and bad.reason, bad


def synthetic_posts(n: int = 6) -> list[dict[str, Any]]:
    """Synthetic posts from ``vigil synth`` (seed 13): invented people, 555-01xx phones."""
    return [r.post for r in iter_records(n, 13)]
