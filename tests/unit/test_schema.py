import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.ingest.schema import ALIASES, InvalidRow, parse_timestamp, validate_row

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "src/vigil/ingest/post.schema.json"


def test_aliases_are_read() -> None:
    row = validate_row(
        {
            "site": "ads.example",
            "ad_id": 42,
            "text": "hello",
            "date": "2026-01-02",
            "city": "Houston, TX",
            "image_urls": "a.jpg; b.jpg",
            "lang": "EN",
            "colour": "blue",
        }
    )
    assert row.platform == "ads.example"
    assert row.source_id == "42"
    assert row.body == "hello"
    assert row.posted_at == datetime(2026, 1, 2, tzinfo=UTC)
    assert row.location == "Houston, TX"
    assert row.images == ("a.jpg", "b.jpg")
    assert row.language == "en"
    assert row.meta == {"extra": {"colour": "blue"}}  # unknown fields are kept


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"body": "x"}, "platform: missing"),
        ({"platform": "p"}, "body: missing or empty"),
        ({"platform": "p", "body": "   "}, "body: missing or empty"),
        ({"platform": "p", "body": {"a": 1}}, "body: expected text, got dict"),
        ({"platform": "p", "body": "x", "posted_at": "yesterday"}, "posted_at: cannot read"),
        ({"platform": "p", "body": "x", "date": "2026-13-01"}, "date: cannot read"),
        ({"platform": "p", "body": "x", "images": 7}, "images: expected a list"),
        ({"platform": "p", "body": "x", "images": [1]}, "images: every image reference"),
        ({"platform": "p", "body": "x", "meta": "{bad"}, "meta: not valid JSON"),
        ({"platform": "p", "body": "x", "meta": [1]}, "meta: expected an object"),
        ({"platform": "p", "body": "x\x00y"}, "body: contains a NUL"),
        ({"platform": "p", "body": "x", "language": "x" * 40}, "language: expected a short"),
        ([1, 2], "expected an object"),
    ],
)
def test_invalid_rows_have_reasons(row: object, reason: str) -> None:
    with pytest.raises(InvalidRow) as info:
        validate_row(row)
    assert str(info.value).startswith(reason)


def test_default_platform_applies_only_when_missing() -> None:
    assert validate_row({"body": "x"}, default_platform="csv").platform == "csv"
    assert validate_row({"body": "x", "platform": "p"}, default_platform="csv").platform == "p"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-03T14:05:00Z", datetime(2026, 2, 3, 14, 5, tzinfo=UTC)),
        ("2026-02-03T16:05:00+02:00", datetime(2026, 2, 3, 14, 5, tzinfo=UTC)),
        ("2026-02-03 14:05", datetime(2026, 2, 3, 14, 5, tzinfo=UTC)),  # naive = UTC
        (1_770_127_500, datetime(2026, 2, 3, 14, 5, tzinfo=UTC)),
        ("1770127500", datetime(2026, 2, 3, 14, 5, tzinfo=UTC)),
    ],
)
def test_timestamps(value: object, expected: datetime) -> None:
    assert parse_timestamp(value) == expected


def test_json_schema_documents_every_alias() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    props = set(schema["properties"])
    for names in ALIASES.values():
        assert set(names) <= props, f"aliases missing from the JSON Schema: {set(names) - props}"
    jsonschema.Draft202012Validator.check_schema(schema)


_text = st.text(min_size=1, max_size=50).filter(lambda s: s.strip() and "\x00" not in s)


@given(
    st.fixed_dictionaries(
        {"platform": _text, "body": _text},
        optional={
            "source_id": _text,
            "title": _text,
            "url": _text,
            "location": _text,
            "author": _text,
            "language": st.sampled_from(["en", "es", "fr"]),
            "images": st.lists(_text, max_size=3),
            "meta": st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
            "posted_at": st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
        },
    )
)
def test_rows_we_accept_satisfy_the_json_schema(row: dict[str, object]) -> None:
    validate_row(row)
    jsonschema.validate(row, json.loads(SCHEMA_FILE.read_text()))
