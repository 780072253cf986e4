"""Extraction time grows linearly on adversarial inputs (ratio test, not a time limit).

Timed in this process's CPU time, so other processes on the machine do not skew it
(tests/linear_time.py, shared with the parsers' test in tests/security).
"""

from __future__ import annotations

import pytest

from linear_time import best_cpu
from vigil.extract import extract

N = 25_000  # characters; 4N = 100k

ADVERSARIAL = {
    "digits": "1",
    "separators": "-",
    "nested_brackets": "(",
    "spelled": "one ",
    "ats": "@",
    "dotted": "a.",
    "mixed": "2O1l-",
    "cashtags": "$a",
    "email_ish": "a at b dot ",
    "handles": "sc: ",
}


def _time(text: str) -> float:
    return best_cpu(lambda: extract(text))


@pytest.mark.parametrize("unit", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_linear_time(unit: str) -> None:
    extract("warm up 212 555 0123 Houston")
    small = (unit * (N // len(unit) + 1))[:N]
    big = (unit * (4 * N // len(unit) + 1))[: 4 * N]
    ratio = _time(big) / max(_time(small), 1e-4)
    assert ratio < 8, f"time(4n)/time(n) = {ratio:.1f}"
