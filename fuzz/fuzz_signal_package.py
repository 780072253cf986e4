"""Fuzz the signal-package importer of sharing (``vigil.sharing.package.parse``): size,
JSON, schema, dates, group key, trusted signer and signature checks.

Documented errors: :class:`PackageError` (with a JSON pointer where it applies).
Anything else raised is a finding. Seeds are packages signed by a synthetic partner.
"""

from __future__ import annotations

from collections.abc import Iterator

import _common

with _common.instrumented("vigil.sharing"):
    # the test suite's synthetic partners (tests/sharing_partners.py: keys, signed packages)
    from sharing_partners import key_pair, signed_package
    from vigil.sharing.model import SignalType
    from vigil.sharing.package import PackageError, parse

SENDER, RECEIVER = key_pair(_common.SCRATCH)


def one(data: bytes) -> None:
    try:
        parse(data, RECEIVER)
    except PackageError as exc:
        assert str(exc), "an error without a message"


def _package(n: int, kind: SignalType, values: list[str]) -> bytes:
    return signed_package(SENDER, kind, [values[i % len(values)] for i in range(n)])


def seeds() -> Iterator[bytes]:
    phones = [f"+1206555010{i}" for i in range(10)]
    yield _package(1, SignalType.PHONE, phones)
    yield _package(3, SignalType.PHONE, phones)
    yield _package(2, SignalType.EMAIL, ["recruiter@example.com", "jobs@example.org"])
    yield b'{"format": "vigil-signal-package/v1"}'


if __name__ == "__main__":
    _common.main(one, seeds)
