"""Fuzz the CSV reader of ``vigil ingest`` and the row validation behind it.

Documented errors: none. A row with the wrong number of cells or invalid fields is
quarantined with its line number and reason; it never raises. Anything raised is a finding.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import _common

with _common.instrumented("vigil", "_ingest"):
    import _ingest

PATH = _common.SCRATCH / "posts.csv"
COLUMNS = ["platform", "source_id", "url", "posted_at", "title", "body", "location", "author"]


def one(data: bytes) -> None:
    PATH.write_bytes(data)
    _ingest.ingest(PATH, "csv")


def _csv(rows: list[dict[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def seeds() -> Iterator[bytes]:
    posts = _ingest.synthetic_posts()
    for post in posts[:3]:
        yield _csv([post])
    yield _csv(posts)
    yield _csv(posts[:2]) + b'"unterminated,quote\nshort,row\n'
    yield '\ufeffbody,title\n"multi\nline",x\r\n'.encode()


if __name__ == "__main__":
    _common.main(one, seeds)
