"""Plain JSON-ready data from the geo dataclasses (for ``--json`` and the console)."""

from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime
from typing import Any

__all__ = ["plain"]


def plain(obj: Any) -> Any:
    """Dataclasses -> dicts, tuples -> lists, dates -> ISO strings, inf -> None."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [plain(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
