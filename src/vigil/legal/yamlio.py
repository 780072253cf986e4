"""Reading YAML and JSON files for the legal module, with locations in every error.

Dates stay strings (``2026-11-24``): the KB schema checks their format, and a lawyer's
file is compared as written, not as Python converts it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

__all__ = ["ReadError", "parse_text", "read_file"]


class ReadError(ValueError):
    """A file could not be read or parsed; the message names the file and position."""


_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml if built


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader without the timestamp resolver (dates stay strings)."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_text(text: str, name: str, *, json_only: bool = False) -> Any:
    """Parse YAML (a superset of JSON) or, with ``json_only``, strict JSON."""
    try:
        if json_only:
            return json.loads(text)
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except json.JSONDecodeError as exc:
        raise ReadError(f"{name}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise ReadError(f"{name}: {where}{exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ReadError(f"{name}: not valid YAML: {exc}") from None
    except RecursionError:
        raise ReadError(f"{name}: nesting too deep") from None
    except ValueError as exc:  # e.g. an integer longer than Python will convert
        raise ReadError(f"{name}: {exc}") from None


def read_file(path: Path) -> Any:
    """Read ``path`` as JSON (``.json``) or YAML (anything else)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_text(text, str(path), json_only=path.suffix.lower() == ".json")
