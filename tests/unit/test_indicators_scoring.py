"""Bands on realistic ads, the Post-level API and catalogue diffs."""

from __future__ import annotations

import pytest

from vigil.indicators import default_catalogue, diff, score, score_text
from vigil.model import Identifier, IdentifierKind, Post


def make_post(body: str, title: str = "", pid: str = "p1", **meta: object) -> Post:
    return Post(
        id=pid,
        platform="test",
        source_id=None,
        url=None,
        posted_at=None,
        title=title,
        body=body,
        title_text=title,
        body_text=body,
        location=None,
        author=None,
        images=(),
        language=None,
        meta=dict(meta),
    )


INDEPENDENT = [
    "Hi gentlemen, I'm Anna, 28, independent and discreet. Incall in my private apartment "
    "or outcall to your hotel. Screening required. Call or text me directly.",
    "Sexy latina Valeria here, new in town for the weekend! I'm 31, GFE, upscale "
    "companionship. Text me to book, no blocked numbers.",
    "Mature provider, 45, sensual massage and companionship. I answer my own phone. "
    "Donations 200 hh / 300 hr. Available 24/7 for incall.",
    "Soy Lucía, 27 años, independiente. Encuentros discretos en mi piso privado o "
    "salidas a hotel. Escríbeme por WhatsApp, atiendo yo misma.",
    "Hola, soy Carla, recién llegada a tu ciudad, muy cariñosa y discreta. Servicio "
    "completo, media hora o hora completa. Llámame.",
    "Young at heart, 24, sweet and petite, fresh from the shower 😘 incall only, text me.",
]

JOBS = [
    "Hiring: cashier at our family bakery. Fresh bread daily, young and friendly team. "
    "No experience needed, we train you. Apply in store.",
    "Urgent hiring! Warehouse staff, start immediately, $18/hour, no experience required.",
    "We are looking for young, dynamic sales people for our office. Full-time position, "
    "competitive salary. Send your CV.",
    "Nanny jobs in Canada with visa sponsorship. Flights paid by the family. No fees "
    "charged to candidates.",
    "Se busca personal de cocina urgente, sin experiencia, incorporación inmediata. "
    "Jornada completa, sueldo 1.200 euros al mes.",
    "Trabajo en España para cuidadoras, pasaje pagado, sin costo para las candidatas.",
    "Massage therapist wanted for licensed spa. Must hold state license. Apply with resume.",
    "Teen summer jobs at the pool: lifeguards and snack bar staff, ages 16 and up.",
]

TRAFFICKING = [
    "New girl in town 🍭🎀 she is young and sweet, only 3 days! Call my manager to book, "
    "incall only.",
    "2 new girls just arrived from Miami, she is ready for you. Text our booker, donations "
    "go to my manager. Leaving soon!",
    "Chicas nuevas recién llegadas 🍒, ella es muy jovencita. Llama a mi encargado, el "
    "pago se le paga al encargado. Solo por 3 días.",
    "Fresh new arrivals every week, our girls are barely legal. Ask for daddy. Girls "
    "available 24/7, incall.",
]


@pytest.mark.parametrize("text", INDEPENDENT)
def test_independent_adult_ads_stay_low(text: str) -> None:
    s = score_text(text)
    assert s.band == "low", (s.risk, [(h.indicator_id, h.matched) for h in s.hits])


@pytest.mark.parametrize("text", JOBS)
def test_ordinary_job_ads_stay_low(text: str) -> None:
    s = score_text(text)
    assert s.band == "low", (s.risk, [(h.indicator_id, h.matched) for h in s.hits])


@pytest.mark.parametrize("text", TRAFFICKING)
def test_trafficking_style_ads_reach_review_or_high(text: str) -> None:
    s = score_text(text)
    assert s.band in ("review", "high"), (s.risk, [(h.indicator_id, h.matched) for h in s.hits])
    categories = {h.category for h in s.hits}
    assert {"advertising", "control"} <= categories or "youth" in categories


def test_canonical_trafficking_ad_is_high() -> None:
    s = score_text(TRAFFICKING[0])
    assert s.band == "high"
    assert {"third_person", "new_in_town", "youth_emoji", "third_party_contact"} <= set(
        s.indicator_ids
    )


def test_post_api_merges_meta_and_features() -> None:
    text = "Call my manager to book"
    post = make_post(text, shared_contact_ads=50)
    s = score(post)
    assert {"third_party_contact", "shared_contact_many_ads"} <= set(s.indicator_ids)
    assert "shared_contact_many_cities" in s.unknown
    s = score(post, features={"shared_contact_ads": 2, "shared_contact_cities": 9})
    assert "shared_contact_many_ads" not in s.indicator_ids
    assert "shared_contact_many_cities" in s.indicator_ids
    assert s.catalogue_version == default_catalogue().version


def test_post_text_offsets_cover_title_and_body() -> None:
    post = make_post("call my manager", title="New girl in town")
    s = score(post, [Identifier(IdentifierKind.AGE, "17", "17", 0, 0)])
    assert "age_claim_young" in s.indicator_ids
    for h in s.hits:
        if h.start >= 0:
            assert post.text[h.start : h.end] == h.matched
    age_hit = next(h for h in s.hits if h.indicator_id == "age_claim_young")
    assert (age_hit.start, age_hit.end) == (-1, -1)


def test_diff_reports_shadow_promotion() -> None:
    a = default_catalogue().with_states({"new_in_town": "shadow"})
    b = default_catalogue()
    posts = [
        (make_post(TRAFFICKING[0], pid="t1"), []),
        (make_post("New in town, call my manager", pid="t2"), []),
        (make_post(JOBS[0], pid="j1"), []),
        (make_post("Nothing here", pid="n1"), [], {"shared_contact_ads": 99}),
    ]
    report = diff(a, b, posts)
    assert report.posts == 4
    change = report.indicators["new_in_town"]
    assert (change.state_a, change.state_b) == ("shadow", "active")
    assert change.fired_a == change.fired_b == 2  # shadow hits count as fired
    assert change.added == change.removed == ()
    assert [c.indicator_id for c in report.changed_indicators] == ["new_in_town"]
    risk_changes = {c.post_id: c for c in report.band_changes}
    assert set(risk_changes) <= {"t1", "t2"}
    assert sum(report.bands_a.values()) == sum(report.bands_b.values()) == 4
    d = report.to_dict()
    assert d["indicators"][0]["id"] == "new_in_town"


def test_diff_reports_added_and_removed_hits() -> None:
    a = default_catalogue()
    b = a.with_states({"third_party_contact": "disabled"})
    posts = [(make_post("Call my manager now, she is new", pid="x"), [])]
    report = diff(a, b, posts)
    change = report.indicators["third_party_contact"]
    assert change.removed == ("x",)
    assert change.added == ()
    assert change.fired_b == 0
