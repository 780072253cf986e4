"""RE2 helpers. Every pattern run on untrusted text in vigil.extract goes through RE2
(linear-time automata, no backtracking) unless its module argues otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import re2

__all__ = ["compile_re2", "finditer"]

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20  # room for the DFA of the larger alternations


def compile_re2(pattern: str) -> Any:
    """Compile ``pattern`` with RE2 (raises re2.error if RE2 cannot express it)."""
    return re2.compile(pattern, options=_OPTIONS)


def finditer(pattern: Any, text: str) -> Iterator[Any]:
    """``pattern.finditer(text)``, typed for mypy."""
    it: Iterator[Any] = pattern.finditer(text)
    return it
