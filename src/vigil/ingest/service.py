"""The ingest service: read files, validate, normalise, dedupe, store, quarantine.

Used by the CLI (`vigil ingest`) and, later, the HTTP push API. Rows are processed in
batches of ``settings.batch_size``; each batch is committed to the lake atomically
(see :mod:`vigil.lake.store`), so a run killed at any point can simply be run again.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from vigil import __version__
from vigil.ingest.prepare import prepare_records
from vigil.ingest.quarantine import QuarantineWriter
from vigil.ingest.readers import detect_format, read_records
from vigil.lake import Lake
from vigil.settings import Settings
from vigil.store import IngestRun, make_engine, session_factory, upgrade

__all__ = ["PARALLEL_MIN_BYTES", "IngestSummary", "ProgressHook", "ingest_files", "new_run_id"]

#: inputs smaller than this are prepared in-process: starting workers would cost more.
PARALLEL_MIN_BYTES = 8 * 1024 * 1024

#: called with (bytes_done_increment) while reading; the CLI draws a progress bar.
ProgressHook = Callable[[int], None]


@dataclass
class IngestSummary:
    run_id: str
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    quarantine_file: str | None = None
    parts: int = 0
    sources: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every row was accepted, 3 when some were quarantined."""
        return 3 if self.quarantined else 0

    def as_json(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "quarantine_file": self.quarantine_file,
            "run_id": self.run_id,
        }


def new_run_id() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def ingest_files(
    paths: Sequence[Path],
    settings: Settings,
    *,
    fmt: str | None = None,
    default_platform: str | None = None,
    on_bytes: ProgressHook | None = None,
) -> IngestSummary:
    """Ingest ``paths`` into the lake of ``settings.home``; return the counts.

    Raises :class:`vigil.ingest.readers.UnknownFormat` or :class:`FileNotFoundError`
    before anything is written when an input cannot be read at all.
    """
    formats = [(path, detect_format(path, fmt)) for path in paths]
    for path, _ in formats:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")

    run_id = new_run_id()
    summary = IngestSummary(run_id=run_id, sources=[str(p) for p in paths])
    quarantine_path = settings.quarantine_dir / f"{run_id}.jsonl"
    runs = _RunLog(settings)
    runs.start(summary)
    pending: list[pa.Table] = []
    try:
        with Lake(settings.lake_dir) as lake, QuarantineWriter(quarantine_path) as quarantine:

            def flush(rows: pa.Table) -> None:
                result = lake.append_table(rows, run_id=run_id, part_no=summary.parts)
                summary.stored += result.stored
                summary.duplicates += result.duplicates
                summary.parts += result.part is not None
                quarantine.flush()

            size = settings.batch_size
            for path, path_fmt in formats:
                source = str(path)
                workers = settings.workers if path.stat().st_size >= PARALLEL_MIN_BYTES else 1
                chunks = prepare_records(
                    # Workers parse JSON lines themselves: the reader only splits lines.
                    read_records(path, path_fmt, on_bytes=on_bytes, parse=workers <= 1),
                    run_id=run_id,
                    source=source,
                    default_platform=default_platform,
                    workers=workers,
                )
                for chunk in chunks:
                    summary.read += chunk.read
                    for bad in chunk.rejected:
                        quarantine.write(source, bad.line, bad.reason, bad.kept)
                    if chunk.rows.num_rows:
                        pending.append(chunk.rows)
                    # Parts hold exactly ``batch_size`` rows (the last one fewer), as before.
                    while sum(t.num_rows for t in pending) >= size:
                        rows = pa.concat_tables(pending)
                        flush(rows.slice(0, size))
                        rest = rows.slice(size)
                        pending = [rest] if rest.num_rows else []
            if pending:
                flush(pa.concat_tables(pending))
            summary.quarantined = quarantine.count
            summary.quarantine_file = str(quarantine_path) if quarantine.used else None
    except BaseException as exc:
        runs.finish(summary, status="failed", error=f"{type(exc).__name__}: {exc}")
        raise
    runs.finish(summary, status="done")
    return summary


class _RunLog:
    """Records each run in the workbench (``ingest_runs``)."""

    def __init__(self, settings: Settings) -> None:
        url = settings.workbench_url
        upgrade(url)
        self._engine = make_engine(url)
        self._sessions = session_factory(self._engine)
        self._started = datetime.now(UTC)

    def start(self, summary: IngestSummary) -> None:
        with self._sessions.begin() as session:
            session.add(
                IngestRun(
                    id=summary.run_id,
                    started_at=self._started,
                    status="running",
                    sources=summary.sources,
                    read=0,
                    stored=0,
                    duplicates=0,
                    quarantined=0,
                    parts=0,
                    tool_version=__version__,
                )
            )

    def finish(self, summary: IngestSummary, *, status: str, error: str | None = None) -> None:
        try:
            with self._sessions.begin() as session:
                run = session.get(IngestRun, summary.run_id)
                if run is None:
                    return
                counts = asdict(summary)
                for key in (
                    "read",
                    "stored",
                    "duplicates",
                    "quarantined",
                    "quarantine_file",
                    "parts",
                ):
                    setattr(run, key, counts[key])
                run.status = status
                run.error = error
                run.finished_at = datetime.now(UTC)
        finally:
            self._engine.dispose()
