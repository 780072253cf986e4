"""Install a results directory (from ``vigil scan --out`` on either engine, or from
``spark-submit``) into the data home, where the console and the queue read it.

The console reads ``$VIGIL_HOME/results/`` (``VIGIL_WEB_RESULTS`` overrides it), so
results computed elsewhere (a Spark cluster) are brought home into that one layout:

* every known result file is checked (readable Parquet, the columns readers need),
  copied next to the target, then renamed into place, so a reader never sees half a
  file; result files the new run lacks are removed (a run without linking leaves no
  stale clusters);
* ``results/import.json`` records the import: source, time, engine, rows and
  SHA-256 of every file, flagged posts and clusters.

Queueing the flagged posts and risky clusters is the workflow's job
(:func:`vigil.workflow.feed.feed_results`); the CLI calls it after installing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pyarrow.parquet as pq

__all__ = ["REQUIRED_COLUMNS", "RESULT_FILES", "ImportReport", "ResultsError", "install_results"]

#: result files and the columns their readers need (posts.parquet is mandatory)
REQUIRED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "posts.parquet": ("post_id", "risk", "band", "hits"),
    "identifiers.parquet": ("post_id", "field", "kind", "value", "start", "end"),
    "clusters.parquet": ("cluster_id", "size", "post_ids", "risk"),
    "edges.parquet": ("post_a", "post_b", "kind", "evidence", "cluster_id"),
    "post_clusters.parquet": ("post_id", "cluster_id"),
    "identifier_hubs.parquet": ("kind", "value", "posts", "cities"),
}
RESULT_FILES: Final = (*REQUIRED_COLUMNS, "posts.jsonl", "link_run.json")
MANIFEST: Final = "import.json"


class ResultsError(ValueError):
    """The directory is not a usable results directory (the message says where)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    source: str
    target: str
    files: dict[str, dict[str, Any]]
    posts: int
    flagged: int
    clusters: int
    engine: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "posts": self.posts,
            "flagged": self.flagged,
            "clusters": self.clusters,
            "engine": self.engine,
            "files": self.files,
        }


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check(path: Path, columns: tuple[str, ...]) -> int:
    try:
        meta = pq.read_metadata(path)
    except Exception as exc:  # pyarrow raises several types for bad files
        raise ResultsError(f"{path}: not a readable Parquet file ({exc})") from None
    names = set(meta.schema.to_arrow_schema().names)
    missing = [c for c in columns if c not in names]
    if missing:
        raise ResultsError(f"{path}: missing column(s) {', '.join(missing)}")
    return int(meta.num_rows)


def _flagged(path: Path) -> int:
    import pyarrow.compute as pc

    bands = pq.read_table(path, columns=["band"]).column("band")
    return int(pc.sum(pc.not_equal(bands, "low")).as_py() or 0)


def install_results(source: Path, target: Path) -> ImportReport:
    """Check ``source`` and install its result files into ``target`` (created)."""
    if not source.is_dir():
        raise ResultsError(f"{source}: not a directory")
    if not (source / "posts.parquet").is_file():
        raise ResultsError(f"{source}: no posts.parquet (expected `vigil scan --out` results)")
    if source.resolve() == target.resolve():
        raise ResultsError(f"{source}: already the data home's results directory")
    present = [name for name in RESULT_FILES if (source / name).is_file()]
    files: dict[str, dict[str, Any]] = {}
    for name in present:
        path = source / name
        entry: dict[str, Any] = {"bytes": path.stat().st_size, "sha256": _sha256(path)}
        if name in REQUIRED_COLUMNS:
            entry["rows"] = _check(path, REQUIRED_COLUMNS[name])
        files[name] = entry
    engine = None
    if "link_run.json" in files:
        try:
            engine = json.loads((source / "link_run.json").read_text("utf-8")).get("engine")
        except (OSError, ValueError):
            raise ResultsError(f"{source / 'link_run.json'}: not valid JSON") from None
    target.mkdir(parents=True, exist_ok=True)
    stage = target / f".import-{uuid.uuid4().hex[:12]}"
    stage.mkdir()
    try:
        for name in present:
            shutil.copy2(source / name, stage / name)
        for name in present:
            (stage / name).replace(target / name)
        for name in RESULT_FILES:
            if name not in files and (target / name).exists():
                (target / name).unlink()
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    report = ImportReport(
        source=str(source.resolve()),
        target=str(target.resolve()),
        files=files,
        posts=int(files["posts.parquet"]["rows"]),
        flagged=_flagged(target / "posts.parquet"),
        clusters=int(files.get("clusters.parquet", {}).get("rows", 0)),
        engine=engine,
    )
    manifest = {**report.as_json(), "imported_at": datetime.now(UTC).isoformat()}
    tmp = target / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    tmp.replace(target / MANIFEST)
    return report
