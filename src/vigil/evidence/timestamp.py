"""RFC 3161 timestamps of checkpoints from a timestamp authority (rfc3161-client).

The log proves order, not time; a TSA token over a checkpoint's text proves the
checkpoint existed at the token's ``genTime``. We keep the token *and* the TSA's
certificate chain (PEM), and verify at ``genTime`` (rfc3161-client does), so a token
still checks years later after the TSA certificate has expired.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID
from rfc3161_client import (
    PKIStatus,
    TimestampRequestBuilder,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

__all__ = ["TimestampError", "Token", "TsaConfig", "request_timestamp", "verify_token"]


class TimestampError(ValueError):
    """The TSA could not be reached, or a token does not verify."""


@dataclass(frozen=True)
class TsaConfig:
    """Where to ask for timestamps and which root certificates to trust for them."""

    url: str
    roots_pem: Path
    timeout: float = 30.0


@dataclass(frozen=True)
class Token:
    token: bytes
    chain_pem: str
    gen_time: datetime


def _load_pems(text: str) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(text.encode())
    except ValueError as exc:
        raise TimestampError(f"unreadable certificate chain: {exc}") from None


def _is_tsa_cert(cert: x509.Certificate) -> bool:
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.TIME_STAMPING in eku


def _verify(
    token: bytes,
    data: bytes,
    roots: list[x509.Certificate],
    others: list[x509.Certificate],
    nonce: int | None = None,
) -> datetime:
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise TimestampError(f"not an RFC 3161 response: {exc}") from None
    if not roots:
        raise TimestampError("no trusted root certificate for the TSA")
    builder = VerifierBuilder(roots=list(roots), intermediates=list(others))
    if nonce is not None:
        builder = builder.nonce(nonce)
    try:
        builder.build().verify_message(response, data)
    except VerificationError as exc:
        raise TimestampError(str(exc)) from None
    gen = response.tst_info.gen_time
    return gen if gen.tzinfo else gen.replace(tzinfo=UTC)


def request_timestamp(config: TsaConfig, data: bytes) -> Token:
    """Ask the TSA to timestamp ``data`` (SHA-256), verify the answer, keep the chain."""
    try:
        roots = _load_pems(config.roots_pem.read_text())
    except OSError as exc:
        raise TimestampError(f"cannot read TSA roots {config.roots_pem}: {exc.strerror}") from None
    request = (
        TimestampRequestBuilder()
        .data(data)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    try:
        resp = httpx.post(
            config.url,
            content=request.as_bytes(),
            headers={"Content-Type": "application/timestamp-query"},
            timeout=config.timeout,
            trust_env=False,
        )
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise TimestampError(f"TSA {config.url}: {exc}") from None
    token = resp.content
    try:
        response = decode_timestamp_response(token)
    except ValueError as exc:
        raise TimestampError(f"TSA {config.url} sent no RFC 3161 response: {exc}") from None
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        raise TimestampError(f"TSA {config.url} refused: status {response.status}")
    embedded = [x509.load_der_x509_certificate(c) for c in response.signed_data.certificates]
    between = [c for c in embedded if c.issuer != c.subject and not _is_tsa_cert(c)]
    gen = _verify(token, data, roots, between, nonce=request.nonce)
    chain = embedded + [r for r in roots if r not in embedded]
    pem = "".join(c.public_bytes(Encoding.PEM).decode() for c in chain)
    return Token(token, pem, gen)


def verify_token(
    token: bytes, data: bytes, chain_pem: str, trusted_roots: list[x509.Certificate] | None = None
) -> str:
    """Verify a stored token over ``data`` with its kept chain; describe it.

    Roots are the self-signed certificates of the kept chain unless ``trusted_roots``
    pins them; the description names the root's SHA-256 fingerprint to compare.
    """
    chain = _load_pems(chain_pem)
    self_signed = [c for c in chain if c.issuer == c.subject]
    roots = trusted_roots if trusted_roots is not None else self_signed
    # rfc3161-client trusts every certificate it is given, so pass only true
    # intermediates: never a self-signed certificate nor the TSA's own certificate
    others = [c for c in chain if c.issuer != c.subject and not _is_tsa_cert(c)]
    gen = _verify(token, data, roots, others)
    root = roots[0]
    fp = hashlib.sha256(root.public_bytes(Encoding.DER)).hexdigest()
    return (
        f"RFC 3161 timestamp {gen.isoformat()} by {root.subject.rfc4514_string()} "
        f"(root SHA-256 {fp[:16]}...)"
    )
