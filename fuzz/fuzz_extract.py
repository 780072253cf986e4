"""Fuzz the identifier extractor ``vigil.extract.extract`` (phones, e-mail, URLs, handles,
payments, crypto addresses, prices, ages, places) on arbitrary text.

Documented errors: none; any text gives a (possibly empty) list. Checked invariants: every
identifier's span lies inside the text and its ``raw`` is the text at that span, and the
list is sorted by (start, end, kind). Anything raised is a finding.
"""

from __future__ import annotations

from collections.abc import Iterator

import _common
import atheris

with _common.instrumented("vigil.extract", "phonenumbers"):
    from vigil.extract import extract

REGIONS = ("US", "AU", "GB", "MX", "IN", "PH")


def one(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    region = REGIONS[fdp.ConsumeIntInRange(0, len(REGIONS) - 1)]
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    found = extract(text, region=region)
    keys = [(i.start, i.end, i.kind.value) for i in found]
    assert keys == sorted(keys), "not sorted"
    for ident in found:
        assert 0 <= ident.start <= ident.end <= len(text), ident
        assert text[ident.start : ident.end] == ident.raw, ident


def seeds() -> Iterator[bytes]:
    texts = [
        "Call 713-555-0142 or text (410) 555-0191, ask for Misty",
        "New in town! 0491 570 156, 22yo, $200/hr incall, www.example.com/ad/7",
        "email jason.silk5@example.net | insta @honey_jason_4 | cashapp $misty28",
        "BTC 1BoatSLRHtKNngkdXEeobR76b6GhN7V9Fx and 0x52908400098527886E0F7030069857D2E4169EE7",
        "Llámame al 555 ZERO1 4 6, cinco cinco cinco, en Denver CO, 19 años",
        "5525 Park Blvd, Baltimore 82224. 60 min $110, 90 min $90; \u0661\u0662 \uff15\uff15\uff15",
    ]
    for i, text in enumerate(texts):
        yield bytes([i % len(REGIONS)]) + text.encode("utf-8")
    from _ingest import synthetic_posts

    for j, post in enumerate(synthetic_posts(4)):
        yield bytes([j]) + f"{post['title']}\n{post['body']}".encode()


if __name__ == "__main__":
    _common.main(one, seeds)
