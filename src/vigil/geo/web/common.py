"""What the geo routers share: the read model of a request, error translation, SVG maps."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import re2
from fastapi import Request, UploadFile

from vigil.geo.errors import GeoInputError
from vigil.geo.web.service import MAX_IMPORT_BYTES, GeoData, UploadRefused
from vigil.web.deps import problem

__all__ = ["cache_dir", "geo_data", "geo_errors", "home", "read_upload", "svg_with_title"]

_SVG_OPEN = re2.compile(r"<svg\b[^>]*>")


def home(request: Request) -> Path:
    path: Path = request.app.state.settings.home
    return path


def geo_data(request: Request) -> GeoData:
    results: Path = request.app.state.explorer.results  # the app's one results directory
    return GeoData(results)


def cache_dir(request: Request) -> Path:
    return home(request) / "cache" / "geo"


@contextmanager
def geo_errors() -> Iterator[None]:
    """Missing or malformed scan results -> a 409 problem naming the file."""
    try:
        yield
    except GeoInputError as exc:
        raise problem(
            409,
            "Scan results unusable",
            f"{Path(exc.path).name}: {exc.message}",
        ) from None


def import_problem(exc: UploadRefused) -> Exception:
    loc: list[object] = ["file", exc.name]
    if exc.line is not None:
        loc.append(exc.line)
        if exc.column is not None:
            loc.append(exc.column)
    return problem(
        422, "Invalid case-data file", str(exc), errors=[{"loc": loc, "msg": exc.message}]
    )


async def read_upload(file: UploadFile) -> bytes:
    """The upload's bytes, refusing more than MAX_IMPORT_BYTES with 413."""
    content = await file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise problem(
            413,
            "File too large",
            f"{file.filename}: case-data files are limited to "
            f"{MAX_IMPORT_BYTES // (1024 * 1024)} MiB",
        )
    return content


def svg_with_title(svg: bytes, title: str) -> bytes:
    """``svg`` with ``role="img"``, an ``aria-label`` and a ``<title>`` (accessible name)."""
    text: str = svg.decode("utf-8")
    match = _SVG_OPEN.search(text)
    if match is None:
        return svg
    safe = html.escape(title, quote=True)
    start: int = match.start()
    end: int = match.end()
    head = str(match.group(0))[:-1] + f' role="img" aria-label="{safe}">'
    out = text[:start] + head + f"<title>{safe}</title>" + text[end:]
    return out.encode("utf-8")
