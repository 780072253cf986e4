"""Capture a web page over HTTP into a WARC file (ISO 28500) and put it in the vault.

The WARC holds a ``warcinfo`` record (tool, version, operator, UTC time), the
``request`` and ``response`` records with every header, and a ``metadata`` record with
the requested and final URL, the redirect chain, and our own SHA-256 of the payload.
Record digests are SHA-256 (warcio's writer hard-codes SHA-1, so the writer is
subclassed); the vault's hash of the whole WARC file is SHA-256 too.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from typing import Any

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from vigil import __version__
from vigil.evidence.tables import ItemRow
from vigil.evidence.vault import Vault, VaultError

__all__ = ["CaptureError", "capture_url", "fetch_warc"]

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
USER_AGENT = f"vigil/{__version__} (evidence capture)"


class CaptureError(VaultError):
    """The page could not be fetched or is too large."""


class _Sha256WARCWriter(WARCWriter):  # type: ignore[misc]
    @staticmethod
    def _create_digester() -> Digester:
        return Digester("sha256")


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fetch_warc(
    url: str, *, operator: str, timeout: float = 30.0, max_bytes: int = DEFAULT_MAX_BYTES
) -> tuple[bytes, dict[str, Any]]:
    """Fetch ``url`` and return the WARC bytes and a summary for the item's metadata."""
    if not url.lower().startswith(("http://", "https://")):
        raise CaptureError(f"{url!r}: only http:// and https:// URLs can be captured")
    started = datetime.now(UTC)
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Accept-Encoding": "identity"}
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True, trust_env=False) as client,
            client.stream("GET", url, headers=headers) as resp,
        ):
            body = bytearray()
            for chunk in resp.iter_raw():
                body += chunk
                if len(body) > max_bytes:
                    raise CaptureError(f"{url}: response larger than {max_bytes:,} bytes")
            request = resp.request
            history = [str(r.url) for r in resp.history]
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        # InvalidURL is not an HTTPError: a redirect to a malformed Location raises it
        raise CaptureError(f"{url}: {type(exc).__name__}: {exc}") from None
    finished = datetime.now(UTC)
    final_url = str(resp.url)
    payload = bytes(body)

    payload_sha = hashlib.sha256(payload).hexdigest()
    out = io.BytesIO()
    writer = _Sha256WARCWriter(out, gzip=True, warc_version="WARC/1.1")
    info = writer.create_warcinfo_record(
        "capture.warc.gz",
        {
            "software": f"vigil {__version__}",
            "operator": operator,
            "format": "WARC File Format 1.1",
            "isPartOf": "vigil evidence vault",
        },
    )
    writer.write_record(info)
    req_line = f"GET {request.url.raw_path.decode('ascii', 'replace')} HTTP/1.1"
    req_headers = StatusAndHeaders(
        req_line, [(k, v) for k, v in request.headers.items()], is_http_request=True
    )
    req = writer.create_warc_record(
        final_url,
        "request",
        payload=io.BytesIO(b""),
        http_headers=req_headers,
        warc_headers_dict={"WARC-Date": _iso(started)},
    )
    status_line = f"{resp.status_code} {resp.reason_phrase}".strip()
    resp_headers = StatusAndHeaders(
        status_line, list(resp.headers.multi_items()), protocol=f"{resp.http_version}"
    )
    response = writer.create_warc_record(
        final_url,
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=resp_headers,
        warc_headers_dict={"WARC-Date": _iso(started)},
    )
    req.rec_headers.add_header(
        "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
    )
    writer.write_record(req)
    writer.write_record(response)
    summary: dict[str, Any] = {
        "requested_url": url,
        "final_url": final_url,
        "redirects": history,
        "status": resp.status_code,
        "started_at": _iso(started),
        "finished_at": _iso(finished),
        "payload_sha256": payload_sha,
        "payload_bytes": len(payload),
        "content_type": resp.headers.get("content-type", ""),
        "operator": operator,
        "tool": f"vigil {__version__}",
        "clock": "system clock (UTC)",
    }
    meta = writer.create_warc_record(
        final_url,
        "metadata",
        payload=io.BytesIO(json.dumps(summary, sort_keys=True).encode()),
        warc_content_type="application/json",
        warc_headers_dict={
            "WARC-Date": _iso(finished),
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    writer.write_record(meta)
    return out.getvalue(), summary


def capture_url(
    vault: Vault,
    url: str,
    *,
    actor: str,
    reason: str,
    timeout: float = 30.0,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ItemRow:
    """Fetch a page into a WARC and store it in the vault as a new item."""
    warc, summary = fetch_warc(url, operator=actor, timeout=timeout, max_bytes=max_bytes)
    meta = {
        "final_url": summary["final_url"],
        "status": summary["status"],
        "started_at": summary["started_at"],
        "payload_sha256": summary["payload_sha256"],
    }
    return vault.capture_bytes(
        warc,
        filename="capture.warc.gz",
        media_type="application/warc",
        source_kind="url",
        source_ref=url,
        actor=actor,
        reason=reason,
        meta=meta,
    )
