"""Fuzz evidence capture (``fetch_warc``) against a hostile web server: the input is the
raw HTTP response a loopback server sends back (status line, headers, body, framing).

Documented errors: :class:`CaptureError` (the fetch failed or the page is too large).
Checked invariant: what is captured reads back with warcio as warcinfo, request,
response, metadata records, and the response payload has the SHA-256 the capture
reports. Anything else raised is a finding.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator

import _common

# h11 parses the hostile response, httpx frames it, warcio writes the records
with _common.instrumented("vigil.evidence", "h11", "warcio"):
    from vigil.evidence.capture import CaptureError, fetch_warc

from warcio.archiveiterator import ArchiveIterator

from canned_http import CannedServer

SERVER = CannedServer(timeout=2)  # tests/canned_http.py
URL = SERVER.url("/ad/7")


def one(data: bytes) -> None:
    SERVER.response = data
    try:
        warc, summary = fetch_warc(URL, operator="fuzz", timeout=3, max_bytes=1 << 20)
    except CaptureError as exc:
        assert str(exc), "an error without a message"
        return
    records = list(ArchiveIterator(io.BytesIO(warc)))
    kinds = [r.rec_type for r in records]
    assert kinds == ["warcinfo", "request", "response", "metadata"], kinds
    stream = ArchiveIterator(io.BytesIO(warc))
    for record in stream:
        if record.rec_type == "response":
            payload = record.raw_stream.read()
            assert hashlib.sha256(payload).hexdigest() == summary["payload_sha256"]


def seeds() -> Iterator[bytes]:
    body = (
        b"<html><head><title>New in town</title></head><body>"
        b"<p>Call 713-555-0142, ask for Misty. example.com/ad/7</p></body></html>"
    )
    yield (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    ) + body
    yield (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"10\r\n0123456789abcdef\r\n0\r\n\r\n"
    )
    yield b"HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n\r\nno such ad"
    yield b"HTTP/1.1 302 Found\r\nLocation: /ad/7\r\nContent-Length: 0\r\n\r\n"
    yield b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\n\x1f\x8b\x08\x00"


if __name__ == "__main__":
    _common.main(one, seeds)
