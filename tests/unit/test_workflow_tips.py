"""The tip form parser (property-based), the rate limiter, emergency numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.workflow.directory import emergency_countries, emergency_numbers, services_for
from vigil.workflow.tips.form import AT_RISK, DANGER, FIELDS, TipFormError, parse_tip_form
from vigil.workflow.tips.ratelimit import RateLimiter

field_values = st.one_of(st.text(max_size=300), st.none(), st.integers(), st.binary(max_size=20))


@given(st.dictionaries(st.sampled_from((*FIELDS, "extra", "ip")), field_values))
def test_any_input_parses_or_names_the_bad_fields(fields: dict[str, object]) -> None:
    try:
        form = parse_tip_form(fields)
    except TipFormError as exc:
        assert exc.errors and set(exc.errors) <= set(FIELDS)
        assert all(isinstance(m, str) and m for m in exc.errors.values())
        return
    assert len(form.what) >= 10
    assert form.danger in DANGER and form.at_risk in AT_RISK
    assert form.country is None or (len(form.country) == 2 and form.country.isupper())
    assert form.url is None or form.url.startswith(("http://", "https://"))
    assert "ip" not in form.as_json() and "extra" not in form.as_json()
    assert form.what in form.text()


@given(
    what=st.text(min_size=10, max_size=200).filter(lambda t: len(t.strip()) >= 10),
    danger=st.sampled_from(DANGER),
    at_risk=st.sampled_from(AT_RISK),
    country=st.sampled_from(["us", "DE", "gb", ""]),
)
def test_valid_forms_keep_what_was_written(
    what: str, danger: str, at_risk: str, country: str
) -> None:
    fields = {"what": what, "danger": danger.upper(), "at_risk": at_risk, "country": country}
    try:
        form = parse_tip_form(fields)
    except TipFormError as exc:  # only control characters can shorten it below 10
        assert set(exc.errors) == {"what"}
        return
    assert form.danger == danger and form.at_risk == at_risk
    assert form.country == (country.upper() or None)


def test_field_errors_are_specific() -> None:
    with pytest.raises(TipFormError) as exc:
        parse_tip_form(
            {
                "what": "short",
                "url": "not a url",
                "danger": "maybe",
                "country": "Narnia",
                "when": (date.today() + timedelta(days=3)).isoformat(),
            }
        )
    assert set(exc.value.errors) == {"what", "url", "danger", "country", "when"}
    form = parse_tip_form(
        {
            "what": "Saw an ad with a minor, handle below.",
            "url": "ads.example.com/x",
            "platform": "Instagram",
            "handle": "@someone",
            "when": "2026-11-01",
        }
    )
    assert form.url == "https://ads.example.com/x" and form.handle == "someone"
    assert form.when_date == "2026-11-01"


def test_rate_limit_counts_per_address_and_day_without_keeping_addresses() -> None:
    now = [datetime(2026, 11, 24, 10, tzinfo=UTC)]
    limiter = RateLimiter(limit=2, clock=lambda: now[0])
    assert limiter.hit("192.0.2.7") and limiter.hit("192.0.2.7")
    assert not limiter.hit("192.0.2.7")
    assert limiter.hit("198.51.100.1")
    keys = limiter.keys()
    assert len(keys) == 2 and all(len(k) == 32 for k in keys)
    assert all(b"192.0.2.7" not in k for k in keys)
    now[0] += timedelta(days=1)  # a new day: a new secret, fresh counters
    assert limiter.hit("192.0.2.7")
    assert not set(limiter.keys()) & set(keys)


def test_emergency_numbers_cover_the_form_countries() -> None:
    codes = {e.country for e in emergency_countries()}
    assert {"US", "GB", "DE", "AU", "EU"} <= codes
    assert emergency_numbers("us").general == "911"
    assert emergency_numbers("XX").general == "112"  # unknown: the EU/GSM number
    assert all(e.source.startswith("https://") for e in emergency_countries())
    de = services_for("DE")
    assert de and all(s.country in ("DE", "EU") for s in de)
    assert all(s.synthetic == ("PLACEHOLDER" in s.name) for s in services_for("US"))
