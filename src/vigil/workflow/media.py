"""Images for reviewers: blurred and greyscale by default, the original only on request.

The blurring is done on the server (Pillow), so an image that was not revealed never
reaches the reviewer's screen in clear, with or without CSS. Both versions are re-encoded
as PNG, no larger than ``MAX_SIDE`` pixels, without metadata (EXIF, GPS).
"""

from __future__ import annotations

import io
from pathlib import Path

import orjson

__all__ = ["MAX_SIDE", "images_root", "preview"]

MAX_SIDE = 640


def images_root(results_dir: Path, configured: Path | None = None) -> Path | None:
    """Where image refs resolve: ``VIGIL_IMAGES_ROOT``, else the link run's images root."""
    if configured is not None:
        return configured
    try:
        run = orjson.loads((results_dir / "link_run.json").read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    root = run.get("images_root") if isinstance(run, dict) else None
    return Path(root) if isinstance(root, str) else None


def preview(path: Path, *, reveal: bool = False) -> bytes:
    """PNG bytes of the image: blurred and greyscale unless ``reveal``."""
    from PIL import Image, ImageFilter

    with Image.open(path) as img:
        img.thumbnail((MAX_SIDE, MAX_SIDE))
        out = img.convert("RGB")
        if not reveal:
            out = out.convert("L").filter(ImageFilter.GaussianBlur(max(out.size) / 25 + 4))
        buf = io.BytesIO()
        out.save(buf, format="PNG")
        return buf.getvalue()
