"""What the geo routers read: scan data, itineraries, hotspots, imported routes, maps.

Geocoding a results directory takes a second or two, so its :class:`ScanData` is kept
in memory per directory and reloaded when a Parquet file changes. Maps are drawn once
per (results directory state, parameters) and kept as SVG under the data home's
``cache/geo/``. Imported case-data files are kept under ``geo/routes/`` in the data
home, named ``<sha256 prefix>-<uploaded name>`` (the same file imported twice is kept
once).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vigil.geo.errors import GeoInputError
from vigil.geo.hotspots import Flag, HotspotParams, HotspotReport, Metric, detect
from vigil.geo.movement import (
    Frame,
    Itinerary,
    MovementGraph,
    build_itineraries,
    frames,
    movement_graph,
)
from vigil.geo.results import ScanData, load_scan
from vigil.geo.routes.analysis import RouteReport, routes

__all__ = [
    "COUNTS",
    "MAX_IMPORT_BYTES",
    "GeoData",
    "Imported",
    "UploadRefused",
    "cached_svg",
    "flags_in_week",
    "import_route_file",
    "imported_files",
    "route_report",
]

#: ``count=`` of the API and console -> the hotspot metric.
COUNTS: dict[str, Metric] = {
    "new_networks": "new_clusters",
    "active_networks": "active_networks",
    "high_risk": "high_risk_posts",
}
MAX_IMPORT_BYTES = 20 * 1024 * 1024
_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
_WATCHED = ("posts.parquet", "post_clusters.parquet", "clusters.parquet", "identifiers.parquet")


def _state(results: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for name in _WATCHED:
        try:
            st = (results / name).stat()
        except OSError:
            continue
        out.append((name, st.st_mtime_ns, st.st_size))
    return tuple(out)


@dataclass
class _Entry:
    state: tuple[tuple[str, int, int], ...]
    data: ScanData
    network_items: list[Itinerary] | None = None
    graph: MovementGraph | None = None


_LOCK = threading.Lock()
_DATA: dict[str, _Entry] = {}

#: Networks on the movement map: clusters at or above this cluster risk (as the CLI).
MIN_NETWORK_RISK = 0.5


class GeoData:
    """The geo read model over one results directory (cheap to build per request)."""

    def __init__(self, results: Path) -> None:
        self.results = results

    def _entry(self) -> _Entry:
        key = str(self.results.resolve())
        state = _state(self.results)
        with _LOCK:
            entry = _DATA.get(key)
            if entry is None or entry.state != state:
                entry = _Entry(state, load_scan(self.results))
                _DATA[key] = entry
            return entry

    @property
    def version(self) -> str:
        """A digest of the results directory's path and file states (cache key)."""
        raw = repr((str(self.results.resolve()), _state(self.results)))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def networks(self) -> tuple[list[Itinerary], MovementGraph]:
        """Itineraries of clusters with risk >= 0.5 and 2+ geocoded posts, and their graph."""
        entry = self._entry()
        with _LOCK:
            if entry.network_items is None or entry.graph is None:
                items = build_itineraries(entry.data, min_risk=MIN_NETWORK_RISK, min_posts=2)
                entry.network_items, entry.graph = items, movement_graph(items)
            return entry.network_items, entry.graph

    def itinerary(self, cluster_id: str) -> Itinerary | None:
        """Any cluster's itinerary (whatever its risk), None when none of its posts placed."""
        data = self._entry().data
        mine = [p for p in data.posts if p.cluster_id == cluster_id]
        if not mine:
            return None
        items = build_itineraries(dataclasses.replace(data, posts=mine), min_posts=1)
        return items[0] if items else None

    def frames(self, item: Itinerary) -> tuple[Frame, ...]:
        return frames([item], window_days=7)

    def hotspots(self, count: str) -> HotspotReport:
        return detect(self._entry().data, HotspotParams(metric=COUNTS[count]))


def flags_in_week(report: HotspotReport, week: date | None) -> list[Flag]:
    """Flags whose tested windows contain ``week`` (all flags when None)."""
    if week is None:
        return list(report.flags)
    return [f for f in report.flags if f.window_start <= week < f.window_end]


# ------------------------------------------------------------------------- map cache


def cached_svg(cache_dir: Path, key: tuple[object, ...], draw: Callable[[Path], Path]) -> bytes:
    """The SVG drawn by ``draw(path)`` for ``key``, drawn once and kept in ``cache_dir``."""
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    path = cache_dir / f"{digest}.svg"
    if path.is_file():
        return path.read_bytes()
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(suffix=".svg", dir=cache_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        draw(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


# --------------------------------------------------------------------- imported routes


class UploadRefused(ValueError):
    """An upload refused: ``where`` is ``name:line:column`` when the importer knows it."""

    def __init__(
        self, message: str, *, name: str, line: int | None = None, column: object = None
    ) -> None:
        self.name, self.line, self.column, self.message = name, line, column, message
        where = name
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Imported:
    """A case-data file kept under the data home."""

    name: str
    path: Path
    size: int
    sha256: str
    format: str


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(filename: str | None) -> str:
    """The uploaded file's base name reduced to ``[A-Za-z0-9._-]`` (suffix checked)."""
    base = Path((filename or "").replace("\\", "/")).name
    name = _SAFE.sub("_", base).strip("._")[:100]
    if not name or Path(name).suffix.lower() not in _SUFFIXES:
        raise UploadRefused(
            "expected a GLOTIP export (.xlsx or .csv) or a CTDC file (.csv)",
            name=name or "(no name)",
        )
    return name


def routes_dir(home: Path) -> Path:
    return home / "geo" / "routes"


def _format(path: Path) -> str:
    from vigil.geo.routes.analysis import detect_format

    return detect_format(path)


def imported_files(home: Path) -> list[Imported]:
    """The kept case-data files, oldest first."""
    folder = routes_dir(home)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir(), key=lambda p: (p.stat().st_mtime_ns, p.name)):
        if not path.is_file() or path.name.startswith("."):
            continue
        digest, _, name = path.name.partition("-")
        try:
            fmt = _format(path)
        except GeoInputError:
            fmt = "unknown"
        out.append(Imported(name, path, path.stat().st_size, digest, fmt))
    return out


def import_route_file(home: Path, filename: str | None, content: bytes) -> Imported:
    """Check ``content`` with the importers and keep it; :class:`UploadRefused` if bad."""
    name = safe_name(filename)
    if not content:
        raise UploadRefused("the file is empty", name=name)
    if len(content) > MAX_IMPORT_BYTES:
        raise UploadRefused(f"larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB", name=name)
    folder = routes_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(content).hexdigest()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".upload-") as tmp:
        staged = Path(tmp) / name
        staged.write_bytes(content)
        try:
            report = routes([staged])
            fmt = _format(staged)
        except GeoInputError as exc:
            raise UploadRefused(exc.message, name=name, line=exc.line, column=exc.column) from None
        if report.flows == 0 and not report.left_out:
            raise UploadRefused("no flows found (no rows with both countries)", name=name)
        for old in imported_files(home):
            if old.sha256 == digest[:16]:
                return old
        kept = folder / f"{digest[:16]}-{name}"
        shutil.move(str(staged), kept)
    return Imported(name, kept, len(content), digest[:16], fmt)


def route_report(home: Path, *, n: int = 10) -> RouteReport | None:
    """Routes of every kept file (None when nothing was imported)."""
    files = imported_files(home)
    if not files:
        return None
    report = routes([f.path for f in files], n=n)
    names = tuple(f.name for f in files)
    return dataclasses.replace(report, files=names)
