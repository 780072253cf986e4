"""extract_table (kind-by-kind over chunks of distinct texts) matches extract() per text."""

from __future__ import annotations

import random

import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.extract import extract, phone, stage
from vigil.extract.regions import region_for_location
from vigil.extract.stage import extract_table
from vigil.ingest.normalise import normalise_text
from vigil.synth import iter_records


def _table(n: int) -> pa.Table:
    posts = [r.post for r in iter_records(n, 11)]
    # Repeat some posts under other ids and locations: the same text read with
    # another region, and the same (text, region) memoised across blocks.
    posts += [dict(p, location="Sydney, AU") for p in posts[:20]] + posts[:20]
    return pa.table(
        {
            "id": [f"p{i}" for i in range(len(posts))],
            "title_text": [normalise_text(p.get("title") or "") for p in posts],
            "body_text": [normalise_text(p.get("body") or "") for p in posts],
            "location": [p.get("location") for p in posts],
        }
    )


def _expected(table: pa.Table) -> list[tuple[object, ...]]:
    rows = []
    for pid, title, body, loc in zip(
        *(table.column(c).to_pylist() for c in ("id", "title_text", "body_text", "location")),
        strict=True,
    ):
        region = region_for_location(loc, "US")
        for field, text in (("title", title), ("body", body)):
            for i in extract(text or "", region=region):
                rows.append((pid, field, str(i.kind), i.value, i.raw, i.start, i.end))
    return rows


@pytest.mark.parametrize(("block", "chunk", "memo"), [(4096, 1024, 200_000), (7, 3, 25)])
def test_extract_table_matches_extract_per_text(
    monkeypatch: pytest.MonkeyPatch, block: int, chunk: int, memo: int
) -> None:
    monkeypatch.setattr(stage, "_BLOCK", block)
    monkeypatch.setattr(stage, "_CHUNK", chunk)
    monkeypatch.setattr(stage, "_MEMO_LIMIT", memo)
    table = _table(120)
    got = [
        (r["post_id"], r["field"], r["kind"], r["value"], r["raw"], r["start"], r["end"])
        for r in extract_table(table, region="US").to_pylist()
    ]
    want = _expected(table)
    assert got == want
    assert {r[2] for r in want} >= {"phone", "email", "place"}


def _full_validate(digits: str, region: str) -> bool:
    try:
        num = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(num)


def test_nanp_length_shortcut_agrees_with_phonenumbers() -> None:
    # _validate answers None without parsing for these strings; phonenumbers agrees.
    rnd = random.Random(3)
    for region in sorted(phone._PLAIN_NANP):
        md = phonenumbers.PhoneMetadata.metadata_for_region(region)
        assert md is not None
        assert md.country_code == 1
        assert (md.international_prefix, md.national_prefix_for_parsing) == ("011", "1")
        assert md.national_prefix_transform_rule is None
        for _ in range(300):
            n = rnd.choice([8, 9, 11, 12, 13, 14, 15])
            digits = str(rnd.randint(2, 9)) + "".join(rnd.choices("0123456789", k=n - 1))
            assert phone._validate(digits, region, False) is None
            assert not _full_validate(digits, region)
    assert phone._possible_lengths(1) == phone._NANP_LENGTHS
    # Strings the shortcut leaves to phonenumbers still validate.
    assert phone._validate("2125550123", "US", False) == ("+12125550123", "US")
    assert phone._validate("12125550123", "US", False) == ("+12125550123", "US")


_PLACE_TEXT = st.lists(
    st.sampled_from(
        ["Paris", "New York", "NEW", "York", "Los Angeles", "Zürich", "São Paulo", "Houston",
         "TX", "Lyon", " ", ", ", "-", "—", "🌹", "✨", "™", "²", "٣", "_", "x", "é", "\n"]
    )
    | st.text(max_size=3),
    max_size=25,
).map("".join)  # fmt: skip


@given(_PLACE_TEXT)
@settings(max_examples=300, deadline=None)
def test_place_hits_fast_paths_agree_with_the_word_walk(text: str) -> None:
    from vigil.extract.base import Doc
    from vigil.extract.place import _hits, _hits_by_words, gazetteer

    low = Doc(text).lower
    assert _hits(gazetteer(), text, low) == _hits_by_words(gazetteer(), text, low)
