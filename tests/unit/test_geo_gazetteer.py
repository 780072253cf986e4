"""Geocoding post locations and reading a scan results directory."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigil.geo.errors import GeoInputError
from vigil.geo.gazetteer import city_from_place_attrs, geocode, normalise_name
from vigil.geo.results import load_scan
from vigil.linking.inputs import IDENTIFIERS_SCHEMA


@pytest.mark.parametrize(
    ("location", "label", "lat", "lon"),
    [
        ("Houston, TX", "Houston, TX", 29.76, -95.36),
        ("Washington, DC", "Washington, DC", 38.90, -77.04),
        ("Ciudad de México, MX", "Mexico City, MX", 19.43, -99.13),  # alternate name
        ("Córdoba, AR", "Córdoba, AR", -31.41, -64.19),  # AR: Arkansas has none -> Argentina
        ("Los Angeles, CA", "Los Angeles, CA", 34.05, -118.24),  # CA: California first
        ("Toronto, Canada", "Toronto, CA", 43.71, -79.39),
        ("valencia, es", "Valencia, ES", 39.47, -0.38),  # case and region code ignored
    ],
)
def test_geocode_known_places(location: str, label: str, lat: float, lon: float) -> None:
    city = geocode(location)
    assert city is not None
    assert city.label == label
    assert city.lat == pytest.approx(lat, abs=0.05) and city.lon == pytest.approx(lon, abs=0.05)


def test_unqualified_names_take_the_most_populous_city() -> None:
    # The documented ambiguity: "Valencia" alone is Venezuela's, not Spain's.
    city = geocode("Valencia")
    assert city is not None and city.country == "VE"


@pytest.mark.parametrize("location", [None, "", "  ", "Nowhere, XX", "Qqqzville", "Houston, ZZ"])
def test_unknown_places_are_none(location: str | None) -> None:
    assert geocode(location) is None


def test_normalise_name_strips_accents_and_spaces() -> None:
    assert normalise_name("  Málaga  City ") == "malaga city"


def test_city_from_place_attrs_needs_a_city_with_coordinates() -> None:
    attrs = {"type": "city", "lat": 36.2, "lon": -86.8, "geonameid": 4644585, "admin1": "TN"}
    city = city_from_place_attrs("Nashville, US", attrs)
    assert city is not None and city.label == "Nashville, TN"
    assert city_from_place_attrs("Texas, US", {"type": "state"}) is None
    assert city_from_place_attrs("X, US", {"type": "city", "lat": "n/a", "lon": 1}) is None


def _write(tmp: Path, posts: list[dict[str, object]], idents: list[dict[str, object]]) -> Path:
    pq.write_table(pa.Table.from_pylist(posts), tmp / "posts.parquet")
    pq.write_table(
        pa.Table.from_pylist(idents, schema=IDENTIFIERS_SCHEMA), tmp / "identifiers.parquet"
    )
    return tmp


def test_load_scan_uses_location_then_extracted_city(tmp_path: Path) -> None:
    when = datetime(2026, 3, 1, tzinfo=UTC)
    posts = [
        {"post_id": "a", "posted_at": when, "location": "Houston, TX", "risk": 0.9, "band": "high"},
        {"post_id": "b", "posted_at": when, "location": None, "risk": 0.2, "band": "low"},
        {"post_id": "c", "posted_at": when, "location": "Gotham", "risk": 0.2, "band": "low"},
        {"post_id": "d", "posted_at": None, "location": "Houston, TX", "risk": 0.2, "band": "low"},
    ]
    attrs = {"type": "city", "lat": 32.78, "lon": -96.8, "geonameid": 1, "admin1": "TX"}
    idents = [
        {
            "post_id": "b",
            "field": "body",
            "kind": "place",
            "value": "Dallas, US",
            "raw": "Dallas",
            "start": 5,
            "end": 11,
            "confidence": 0.85,
            "attrs_json": json.dumps(attrs),
        },
    ]
    data = load_scan(_write(tmp_path, posts, idents))
    placed = {p.post_id: p.city.label for p in data.posts}
    assert placed == {"a": "Houston, TX", "b": "Dallas, TX"}
    assert data.undated == 1 and data.unplaced == 1
    assert data.unplaced_locations == {"Gotham": 1}
    assert all(p.cluster_id is None for p in data.posts)


def test_load_scan_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(GeoInputError, match=r"posts\.parquet: missing"):
        load_scan(tmp_path)
    pq.write_table(pa.table({"post_id": ["a"]}), tmp_path / "posts.parquet")
    with pytest.raises(GeoInputError, match="missing column"):
        load_scan(tmp_path)
    (tmp_path / "posts.parquet").write_text("not parquet")
    with pytest.raises(GeoInputError, match="not a Parquet file"):
        load_scan(tmp_path)
