"""Fuzz the JSONL reader of ``vigil ingest`` and the row validation behind it.

Documented errors: none. A bad line is quarantined with its line number and reason; it
never raises. Anything raised is a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

import _common
import orjson

with _common.instrumented("vigil", "_ingest"):
    import _ingest

PATH = _common.SCRATCH / "posts.jsonl"


def one(data: bytes) -> None:
    PATH.write_bytes(data)
    _ingest.ingest(PATH, "jsonl")


def seeds() -> Iterator[bytes]:
    posts = _ingest.synthetic_posts()
    for post in posts:
        yield orjson.dumps(post) + b"\n"
    yield b"".join(orjson.dumps(p) + b"\n" for p in posts)
    yield orjson.dumps(posts[0]) + b"\n{not json\n\n" + orjson.dumps({"body": 7}) + b"\n"
    yield b'{"platform": "example.com", "body": "\\ud800 lone surrogate", "title": null}\n'
    yield "\ufeff".encode() + orjson.dumps(posts[1]) + b"\r\n"


if __name__ == "__main__":
    _common.main(one, seeds)
