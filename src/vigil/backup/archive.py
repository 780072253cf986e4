"""One tar file holds a whole data home, with a manifest of SHA-256 digests.

Layout of the archive::

    MANIFEST.json            format, vigil version, created_at, workbench kind, every file's
                             path, size and SHA-256
    home/...                 the data home's files (lake, vault, transparency log keys, ...)
    workbench/vigil.sqlite   the SQLite workbench, copied with SQLite's online backup API
    workbench/vigil.pgdump   or a PostgreSQL custom-format dump (pg_dump)

With the S3 blob store (``VIGIL_BLOB_STORE=s3``) the evidence blobs are not in the data
home and are **not** copied into the archive: the manifest's ``external_blobs`` names
where they are and lists their SHA-256, and ``verify_backup(path, blobs=store)`` re-hashes
them there.

Consistency: the lake is opened (which locks out writers) and checkpointed while it is
copied; SQLite is copied with its backup API (a consistent snapshot while others write);
PostgreSQL is dumped in one snapshot by pg_dump. The archive is written to a temporary file
and renamed, so a crash never leaves a half-written backup under the final name.

Restore refuses a non-empty target home, refuses members that would land outside it
(absolute paths, ``..``, links) and checks every digest before anything is moved in place.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import orjson
from sqlalchemy.engine import make_url

from vigil import __version__
from vigil.evidence.blobs import BlobError, BlobStore
from vigil.lake import Lake
from vigil.settings import Settings

__all__ = [
    "FORMAT",
    "BackupError",
    "BackupReport",
    "create_backup",
    "restore_backup",
    "verify_backup",
]

FORMAT = "vigil-backup/1"
_SKIP_NAMES = {"vigil.db", "vigil.db-wal", "vigil.db-shm", "vigil.db-journal"}
_SKIP_PREFIXES = (".tmp-",)
_CHUNK = 1 << 20


class BackupError(RuntimeError):
    """A backup cannot be made, does not verify, or cannot be restored; says why."""


@dataclass
class BackupReport:
    path: Path
    files: int = 0
    bytes: int = 0
    workbench: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "files": self.files,
            "bytes": self.bytes,
            "workbench": self.workbench,
            "ok": self.ok,
            "problems": self.problems,
            "notes": self.notes,
        }


class _HashingReader:
    """A binary reader that hashes (SHA-256) what is read through it."""

    def __init__(self, inner: BinaryIO) -> None:
        self._inner = inner
        self._digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size)
        self._digest.update(data)
        return data

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _home_files(home: Path) -> list[Path]:
    files = []
    for path in sorted(home.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        rel = path.relative_to(home)
        if len(rel.parts) == 1 and rel.name in _SKIP_NAMES:
            continue  # the SQLite workbench is copied with the backup API instead
        if rel.name.startswith(_SKIP_PREFIXES) or rel.name.endswith(".lock"):
            continue
        files.append(path)
    return files


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"{name} is needed to back up or restore a PostgreSQL workbench")


def _pg_args(url: str) -> tuple[list[str], dict[str, str]]:
    u = make_url(url)
    args = ["-h", u.host or "localhost", "-p", str(u.port or 5432), "-U", u.username or ""]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password  # passed in the environment, never on the command line
    return [*args, "-d", u.database or ""], env


def _snapshot_workbench(settings: Settings, into: Path) -> tuple[str, Path]:
    url = settings.workbench_url
    if url.startswith("sqlite"):
        db = Path(url.split("///", 1)[-1])
        target = into / "vigil.sqlite"
        if db.exists():
            src = sqlite3.connect(db)
            dst = sqlite3.connect(target)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
        else:
            sqlite3.connect(target).close()
        return "sqlite", target
    target = into / "vigil.pgdump"
    args, env = _pg_args(url)
    proc = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(target), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")
    return "postgresql", target


def create_backup(settings: Settings, out: Path) -> BackupReport:
    """Write a backup of ``settings.home`` and its workbench to ``out`` (a .tar file)."""
    home = settings.home
    if not home.is_dir():
        raise BackupError(f"{home}: no data home to back up")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = BackupReport(out)
    entries: list[dict[str, Any]] = []
    tmp_out = out.with_name(f".tmp-{out.name}")
    with tempfile.TemporaryDirectory(prefix="vigil-backup-") as scratch, Lake(settings.lake_dir):
        # The open lake keeps writers out while its files are copied.
        kind, wb_file = _snapshot_workbench(settings, Path(scratch))
        report.workbench = kind
        with tarfile.open(tmp_out, "w") as tar:

            def add(path: Path, arcname: str) -> None:
                # One read per file: the digest is taken as tar copies the bytes.
                info = tar.gettarinfo(str(path), arcname=arcname)
                size = info.size
                with path.open("rb") as fh:
                    reader = _HashingReader(fh)
                    tar.addfile(info, reader)
                entries.append({"path": arcname, "size": size, "sha256": reader.hexdigest()})
                report.files += 1
                report.bytes += size

            add(wb_file, f"workbench/{wb_file.name}")
            for path in _home_files(home):
                if out.resolve() == path.resolve() or path.name == tmp_out.name:
                    continue
                add(path, f"home/{path.relative_to(home).as_posix()}")
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "vigil": __version__,
                "created_at": datetime.now(UTC).isoformat(),
                "workbench": kind,
                "files": entries,
            }
            from vigil.evidence.vault import external_blobs

            try:
                external = external_blobs(settings)
            except BlobError as exc:
                raise BackupError(str(exc)) from None
            if external is not None:
                manifest["external_blobs"] = external
                report.notes.append(_external_note(external))
            data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2)
            info = tarfile.TarInfo("MANIFEST.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        with tmp_out.open("rb+") as fh:
            os.fsync(fh.fileno())
    tmp_out.replace(out)
    return report


def _external_note(external: dict[str, Any]) -> str:
    return (
        f"the evidence blobs ({len(external['sha256']):,}) live in {external['location']} "
        "and are not in this archive (their SHA-256 are in the manifest)"
    )


def _safe_member(member: tarfile.TarInfo) -> str | None:
    """Why ``member`` may not be restored, or None when it is a plain file inside the home."""
    path = PurePosixPath(member.name)
    if path.is_absolute() or ".." in path.parts:
        return f"{member.name}: path leaves the archive root"
    if not member.isfile():
        return f"{member.name}: not a regular file (links and devices are refused)"
    return None


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.getmember("MANIFEST.json")
    except KeyError:
        raise BackupError("MANIFEST.json is missing: not a vigil backup") from None
    fh = tar.extractfile(member)
    if fh is None:
        raise BackupError("MANIFEST.json is not a file")
    try:
        manifest: dict[str, Any] = orjson.loads(fh.read())
    except orjson.JSONDecodeError as exc:
        raise BackupError(f"MANIFEST.json is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (expected {FORMAT})")
    return manifest


def verify_backup(path: Path, blobs: BlobStore | None = None) -> BackupReport:
    """Re-hash every file of the backup against its manifest; list every problem found.

    Evidence blobs kept outside the archive (S3) are re-hashed in ``blobs`` when given.
    """
    report = BackupReport(path)
    try:
        tar = tarfile.open(path, "r")  # noqa: SIM115 - closed by the `with tar:` below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path}: cannot read the archive: {exc}") from None
    with tar:
        manifest = _read_manifest(tar)
        report.workbench = str(manifest.get("workbench", ""))
        expected = {e["path"]: e for e in manifest.get("files", [])}
        seen: set[str] = set()
        for member in tar.getmembers():
            if member.name == "MANIFEST.json":
                continue
            problem = _safe_member(member)
            if problem:
                report.problems.append(problem)
                continue
            entry = expected.get(member.name)
            if entry is None:
                report.problems.append(f"{member.name}: not listed in the manifest")
                continue
            seen.add(member.name)
            fh = tar.extractfile(member)
            digest = hashlib.sha256()
            assert fh is not None
            while block := fh.read(_CHUNK):
                digest.update(block)
            if digest.hexdigest() != entry["sha256"] or member.size != entry["size"]:
                report.problems.append(f"{member.name}: content does not match its SHA-256")
            report.files += 1
            report.bytes += member.size
        for missing in sorted(set(expected) - seen):
            report.problems.append(f"{missing}: listed in the manifest but missing")
        external = manifest.get("external_blobs")
        if external is not None:
            hashes = external.get("sha256") if isinstance(external, dict) else None
            if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
                report.problems.append("MANIFEST.json: external_blobs is malformed")
                return report
            report.notes.append(_external_note(external))
        if external and blobs is not None:
            for sha in external["sha256"]:
                try:
                    blobs.check(sha)
                except BlobError as exc:
                    report.problems.append(f"external blob: {exc}")
    return report


def restore_backup(path: Path, settings: Settings) -> BackupReport:
    """Restore a verified backup into ``settings.home`` (must be empty) and its workbench."""
    report = verify_backup(path)
    if not report.ok:
        raise BackupError("the backup does not verify: " + "; ".join(report.problems))
    home = settings.home
    if home.exists() and any(home.iterdir()):
        raise BackupError(f"{home}: not empty; restore into a new, empty data home")
    home.mkdir(parents=True, exist_ok=True)
    url = settings.workbench_url
    with tarfile.open(path, "r") as tar:
        manifest = _read_manifest(tar)
        kind = manifest["workbench"]
        if (kind == "sqlite") != url.startswith("sqlite"):
            raise BackupError(
                f"the backup holds a {kind} workbench but the target is {make_url(url).drivername}"
            )
        staging = Path(tempfile.mkdtemp(prefix=".tmp-restore-", dir=home))
        try:
            for member in tar.getmembers():
                if member.name == "MANIFEST.json":
                    continue
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                fh = tar.extractfile(member)
                assert fh is not None
                with target.open("wb") as out:
                    shutil.copyfileobj(fh, out, _CHUNK)
            for item in (staging / "home").glob("*") if (staging / "home").exists() else []:
                item.replace(home / item.name)
            if kind == "sqlite":
                (staging / "workbench" / "vigil.sqlite").replace(Path(url.split("///", 1)[-1]))
            else:
                args, env = _pg_args(url)
                proc = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
                    [
                        _pg_tool("pg_restore"),
                        "--no-owner",
                        "--exit-on-error",
                        *args,
                        str(staging / "workbench" / "vigil.pgdump"),
                    ],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if proc.returncode:
                    raise BackupError(f"pg_restore failed: {proc.stderr.strip()}")
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return report
