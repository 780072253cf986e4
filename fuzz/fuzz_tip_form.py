"""Fuzz the validation of the public tip form (``parse_tip_form``) and the text it scores.

Documented errors: :class:`TipFormError` (naming each bad field with a message). Checked
invariants: a valid form respects every field limit and contains no control characters
other than newline and tab. Anything else raised is a finding.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import _common
import atheris

with _common.instrumented("vigil.workflow.tips"):
    from vigil.workflow.tips.form import FIELDS, LIMITS, TipFormError, parse_tip_form


def fields_from(data: bytes) -> dict[str, object]:
    fdp = atheris.FuzzedDataProvider(data)
    fields: dict[str, object] = {}
    for name in FIELDS:
        kind = fdp.ConsumeIntInRange(0, 3)
        if kind == 0:
            continue  # absent
        if kind == 3:
            fields[name] = fdp.ConsumeInt(2)  # not a string (a JSON client)
            continue
        size = fdp.ConsumeIntInRange(0, 3000 if kind == 2 else 40)
        fields[name] = fdp.ConsumeUnicode(size)
    return fields


def one(data: bytes) -> None:
    try:
        form = parse_tip_form(fields_from(data))
    except TipFormError as exc:
        assert exc.errors and all(isinstance(v, str) and v for v in exc.errors.values())
        return
    for name, limit in LIMITS.items():
        value = getattr(form, name, None)
        assert value is None or len(value) <= limit, name
    text = form.text()
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t" for ch in text), (
        "control character kept"
    )


def seeds() -> Iterator[bytes]:
    # FuzzedDataProvider reads integers from the end of the input and strings from the
    # front: random bytes plus a few structured buffers are enough for libFuzzer to start.
    import random

    rng = random.Random(13)
    for _ in range(8):
        yield bytes(rng.randrange(256) for _ in range(rng.randrange(20, 400)))
    yield (
        b"I saw an advert at https://classifieds.example/ad-7 offering a new girl, "
        b"call 713-555-0142"
    ) * 2 + bytes(range(40))


if __name__ == "__main__":
    _common.main(one, seeds)
