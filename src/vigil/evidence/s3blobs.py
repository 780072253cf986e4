"""Content-addressed, write-once blobs in an S3-compatible bucket (boto3).

Blobs live at ``<prefix>sha256/ab/cd/<hash>``, the layout of
:class:`~vigil.evidence.blobs.FileBlobStore`. Content is streamed, never held whole in
memory:

- a blob smaller than one part is hashed in memory, then written with a single
  ``PutObject`` straight to its content address;
- a larger blob is hashed while it is uploaded, part by part, to a temporary key
  ``<prefix>tmp/<uuid>``; it is then copied on the server to its content address with a
  multipart copy (``UploadPartCopy``), and the temporary key is deleted.

Write-once: a content address that exists is never written again (storing the same
content twice is a no-op), and every write to a content address is conditional
(``If-None-Match: *`` on ``PutObject`` and ``CompleteMultipartUpload``), so a concurrent
writer cannot replace it either, on servers that honour the condition. With
``object_lock_days`` every content address is also written under S3 Object Lock in
compliance mode.

Credentials come from boto3's usual chain (AWS_* variables, AWS_PROFILE, config files,
instance roles); they are never part of an error message. Every botocore failure is
turned into a :class:`~vigil.evidence.blobs.BlobError` that says what to check.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

from vigil.evidence.blobs import BlobError, BlobStoreBase, blob_key

__all__ = ["S3BlobStore", "S3RequestError"]

_MIB = 1 << 20
_MIN_PART = 5 * _MIB  # S3's smallest part, except the last one
_MAX_COPY_PART = 5 * 1024 * _MIB  # S3's largest UploadPartCopy range
_CHUNK = _MIB
_AUTH_CODES = frozenset(
    {
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidToken",
        "ExpiredToken",
        "InvalidClientTokenId",
        "AuthorizationHeaderMalformed",
        "403",
    }
)
_MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
_CONFLICT_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})


class S3RequestError(BlobError):
    """S3 answered a request with an error; ``code`` is S3's error code (or HTTP status)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code

    @property
    def missing(self) -> bool:
        return self.code in _MISSING_CODES

    @property
    def conflict(self) -> bool:
        return self.code in _CONFLICT_CODES


def _public_endpoint(url: str | None) -> str:
    """The endpoint for messages, without any user:password@ or query string."""
    if not url:
        return "AWS S3"
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}".rstrip("/")


def _import(module: str) -> Any:
    """Import boto3 or botocore, or say how to install them."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise BlobError("the S3 blob store needs boto3: pip install 'vigil[s3]'") from None


class _BodyReader(io.RawIOBase):
    """A raw binary stream over a botocore ``StreamingBody``."""

    def __init__(self, body: Any) -> None:
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data: bytes = self._body.read(len(view))
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._body.close()
        super().close()


class S3BlobStore(BlobStoreBase):
    """Blobs in ``bucket`` under ``prefix``; the client is made on first use."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        object_lock_days: int | None = None,
        part_size: int = 8 * _MIB,
        copy_part_size: int = 512 * _MIB,
        max_attempts: int = 4,
        connect_timeout: float = 10.0,
    ) -> None:
        if not bucket.strip():
            raise BlobError("the S3 blob store needs a bucket name (VIGIL_S3_BUCKET)")
        if not _MIN_PART <= part_size <= _MAX_COPY_PART:
            raise BlobError(f"part_size must be between {_MIN_PART} and {_MAX_COPY_PART} bytes")
        if not _MIN_PART <= copy_part_size <= _MAX_COPY_PART:
            raise BlobError(
                f"copy_part_size must be between {_MIN_PART} and {_MAX_COPY_PART} bytes"
            )
        self.bucket = bucket
        self.prefix = prefix.lstrip("/")
        if self.prefix and not self.prefix.endswith("/"):
            self.prefix += "/"
        self.endpoint_url = endpoint_url or None
        self.region = region or None
        self.object_lock_days = object_lock_days
        self.part_size = part_size
        self.copy_part_size = copy_part_size
        self._max_attempts = max_attempts
        self._connect_timeout = connect_timeout
        self._bucket_checked = False

    def __repr__(self) -> str:
        return f"S3BlobStore({self.location})"

    @property
    def location(self) -> str:
        """Where the blobs are, for messages (no credentials)."""
        return f"s3://{self.bucket}/{self.prefix} at {_public_endpoint(self.endpoint_url)}"

    # -- the client and its errors ------------------------------------------------------
    @cached_property
    def _client(self) -> Any:
        boto3 = _import("boto3")
        config = _import("botocore.config").Config(
            retries={"max_attempts": self._max_attempts, "mode": "standard"},
            connect_timeout=self._connect_timeout,
            read_timeout=120,
            s3={"addressing_style": "path" if self.endpoint_url else "auto"},
        )
        with self._errors("connect to"):
            return boto3.session.Session().client(
                "s3", endpoint_url=self.endpoint_url, region_name=self.region, config=config
            )

    @contextmanager
    def _errors(self, doing: str, sha256: str | None = None) -> Iterator[None]:
        """Turn botocore failures into :class:`BlobError` (no traceback, no secrets)."""
        bex = _import("botocore.exceptions")

        where = _public_endpoint(self.endpoint_url)
        try:
            yield
        except BlobError:
            raise
        except bex.ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(
                error.get("Code")
                or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
            )
            if code == "NoSuchBucket":
                raise self._no_bucket() from None
            if code in _MISSING_CODES and sha256 is not None:
                raise S3RequestError(str(self._missing(sha256)), code) from None
            if code in _AUTH_CODES:
                raise S3RequestError(
                    f"S3 at {where} refused to {doing} bucket {self.bucket!r} ({code}): check "
                    "the AWS credentials (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                    "AWS_PROFILE) and the bucket's policy",
                    code,
                ) from None
            raise S3RequestError(
                f"S3 at {where} could not {doing} bucket {self.bucket!r}: {code}", code
            ) from None
        except (bex.NoCredentialsError, bex.PartialCredentialsError):
            raise BlobError(
                "no AWS credentials for the S3 blob store: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
            ) from None
        except (bex.EndpointConnectionError, bex.ConnectTimeoutError) as exc:
            raise BlobError(
                f"cannot reach the S3 endpoint {where} ({type(exc).__name__}): check "
                "VIGIL_S3_ENDPOINT_URL and the network"
            ) from None
        except bex.NoRegionError:
            raise BlobError(
                "no region for the S3 blob store: set VIGIL_S3_REGION or AWS_REGION"
            ) from None
        except bex.BotoCoreError as exc:
            raise BlobError(
                f"S3 at {where} failed to {doing} bucket {self.bucket!r}: {type(exc).__name__}"
            ) from None

    def _no_bucket(self) -> BlobError:
        where = _public_endpoint(self.endpoint_url)
        return BlobError(
            f"S3 bucket {self.bucket!r} does not exist at {where}: create it, or fix "
            "VIGIL_S3_BUCKET / VIGIL_S3_ENDPOINT_URL"
        )

    def _missing(self, sha256: str) -> BlobError:
        return BlobError(f"blob {sha256} is missing from the vault ({self.location})")

    def _check_bucket(self) -> None:
        """A 404 on an object may mean that the bucket is missing: ask once."""
        if self._bucket_checked:
            return
        try:
            with self._errors("read"):
                self._client.head_bucket(Bucket=self.bucket)
        except S3RequestError as exc:
            if exc.missing:
                raise self._no_bucket() from None
            raise
        self._bucket_checked = True

    def key(self, sha256: str) -> str:
        return self.prefix + blob_key(sha256)

    # -- reading ------------------------------------------------------------------------
    def exists(self, sha256: str) -> bool:
        return self._exists_key(self.key(sha256))

    def _exists_key(self, key: str) -> bool:
        try:
            with self._errors("read"):
                self._client.head_object(Bucket=self.bucket, Key=key)
        except S3RequestError as exc:
            if exc.missing:
                self._check_bucket()
                return False
            raise
        return True

    def open(self, sha256: str) -> BinaryIO:
        key = self.key(sha256)
        try:
            with self._errors("read", sha256):
                body = self._client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except S3RequestError as exc:
            if exc.missing:
                self._check_bucket()
            raise
        return cast(BinaryIO, io.BufferedReader(_BodyReader(body), _CHUNK))

    # -- writing ------------------------------------------------------------------------
    def _lock_args(self) -> dict[str, Any]:
        if not self.object_lock_days:
            return {}
        until = datetime.now(UTC) + timedelta(days=self.object_lock_days)
        return {"ObjectLockMode": "COMPLIANCE", "ObjectLockRetainUntilDate": until}

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        buffer = bytearray()
        stream = iter(chunks)
        for chunk in stream:
            digest.update(chunk)
            size += len(chunk)
            buffer += chunk
            if len(buffer) >= self.part_size:
                return self._put_large(buffer, stream, digest, size)
        sha = digest.hexdigest()
        key = self.key(sha)
        if not self._exists_key(key):
            self._put_new(key, bytes(buffer))
        return sha, size

    def _put_new(self, key: str, data: bytes) -> bool:
        """Write ``data`` at ``key`` unless something is there; True if it was written."""
        try:
            with self._errors("write to"):
                self._client.put_object(
                    Bucket=self.bucket, Key=key, Body=data, IfNoneMatch="*", **self._lock_args()
                )
        except S3RequestError as exc:
            if exc.conflict and self._exists_key(key):
                return False  # written meanwhile by someone else: write-once holds
            raise
        return True

    def _put_large(
        self, buffer: bytearray, rest: Iterator[bytes], digest: Any, size: int
    ) -> tuple[str, int]:
        """Upload to a temporary key part by part while hashing, then copy into place."""
        tmp_key = f"{self.prefix}tmp/{uuid.uuid4().hex}"
        client = self._client
        with self._errors("write to"):
            upload_id = client.create_multipart_upload(Bucket=self.bucket, Key=tmp_key)["UploadId"]
        completed = False
        try:
            parts: list[dict[str, Any]] = []

            def send(data: bytes | bytearray) -> None:
                number = len(parts) + 1
                with self._errors("write to"):
                    etag = client.upload_part(
                        Bucket=self.bucket,
                        Key=tmp_key,
                        UploadId=upload_id,
                        PartNumber=number,
                        Body=bytes(data),
                    )["ETag"]
                parts.append({"PartNumber": number, "ETag": etag})

            while len(buffer) >= self.part_size:
                send(buffer[: self.part_size])
                del buffer[: self.part_size]
            for chunk in rest:
                digest.update(chunk)
                size += len(chunk)
                buffer += chunk
                while len(buffer) >= self.part_size:
                    send(buffer[: self.part_size])
                    del buffer[: self.part_size]
            if buffer:
                send(buffer)
            buffer.clear()
            with self._errors("write to"):
                client.complete_multipart_upload(
                    Bucket=self.bucket,
                    Key=tmp_key,
                    UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )
            completed = True
            sha: str = digest.hexdigest()
            key = self.key(sha)
            if not self._exists_key(key):
                self._copy_new(tmp_key, key, size)
        finally:
            self._discard(tmp_key, upload_id, completed)
        return sha, size

    def _copy_new(self, source_key: str, key: str, size: int) -> bool:
        """Server-side multipart copy to ``key``, completed only if ``key`` is still free."""
        client = self._client
        lock = self._lock_args()
        with self._errors("write to"):
            upload_id = client.create_multipart_upload(Bucket=self.bucket, Key=key, **lock)[
                "UploadId"
            ]
        try:
            parts: list[dict[str, Any]] = []
            for number, start in enumerate(range(0, size, self.copy_part_size), 1):
                end = min(start + self.copy_part_size, size) - 1
                with self._errors("write to"):
                    result = client.upload_part_copy(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        PartNumber=number,
                        CopySource={"Bucket": self.bucket, "Key": source_key},
                        CopySourceRange=f"bytes={start}-{end}",
                    )
                parts.append({"PartNumber": number, "ETag": result["CopyPartResult"]["ETag"]})
            try:
                with self._errors("write to"):
                    client.complete_multipart_upload(
                        Bucket=self.bucket,
                        Key=key,
                        UploadId=upload_id,
                        MultipartUpload={"Parts": parts},
                        IfNoneMatch="*",
                    )
            except S3RequestError as exc:
                if exc.conflict and self._exists_key(key):
                    self._abort(key, upload_id)
                    return False  # written meanwhile by someone else: write-once holds
                raise
        except BaseException:
            self._abort(key, upload_id)
            raise
        if lock:
            # The same retention again: some S3-compatible servers ignore the lock headers
            # of a multipart upload. (A compliance-mode date can be kept, never shortened.)
            with self._errors("lock objects in"):
                client.put_object_retention(
                    Bucket=self.bucket,
                    Key=key,
                    Retention={
                        "Mode": lock["ObjectLockMode"],
                        "RetainUntilDate": lock["ObjectLockRetainUntilDate"],
                    },
                )
        return True

    def _abort(self, key: str, upload_id: str) -> None:
        # best effort: a lifecycle rule removes incomplete uploads
        with suppress(BlobError), self._errors("clean up"):
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def _discard(self, tmp_key: str, upload_id: str, completed: bool) -> None:
        if not completed:
            self._abort(tmp_key, upload_id)
            return
        # best effort: a lifecycle rule on tmp/ removes leftovers
        with suppress(BlobError), self._errors("clean up"):
            self._client.delete_object(Bucket=self.bucket, Key=tmp_key)
