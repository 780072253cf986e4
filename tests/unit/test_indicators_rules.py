"""Rule semantics: three-valued logic, identifiers, features, near, count, states."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linear_time import best_cpu
from vigil.indicators import CATEGORIES, Catalogue, Tri, build_catalogue, score_text
from vigil.indicators.text import WordIndex, fold
from vigil.model import Identifier, IdentifierKind


def header(**bands: float) -> dict[str, Any]:
    return {
        "version": "test",
        "languages": ["en", "es"],
        "bands": {"review": bands.get("review", 0.3), "high": bands.get("high", 0.6)},
        "categories": {
            c: {"cap": 0.5 if c == "advertising" else 1.0, "description": c} for c in CATEGORIES
        },
    }


def entry(ident: str, match: dict[str, Any], **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": ident,
        "name": ident,
        "description": ident,
        "category": "control",
        "languages": [],
        "weight": 0.5,
        "state": "active",
        "source": "test",
        "match": match,
    }
    base.update(kw)
    return base


def cat(*entries: dict[str, Any], defs: dict[str, Any] | None = None) -> Catalogue:
    doc: dict[str, Any] = {"indicators": list(entries)}
    if defs:
        doc["defs"] = defs
    return build_catalogue(header(), {"t.yaml": doc})


def ident(kind: str, value: str, text: str = "", raw: str | None = None) -> Identifier:
    raw = raw if raw is not None else value
    start = text.find(raw) if text else -1
    if start < 0:
        return Identifier(IdentifierKind(kind), value, raw, 0, 0)
    return Identifier(IdentifierKind(kind), value, raw, start, start + len(raw))


def result(
    c: Catalogue, text: str, ids: list[Identifier] | None = None, **features: object
) -> dict[str, Tri]:
    ev = c.evaluate(text, ids or [], features)
    return {ind.id: res[0] for ind, res in ev.results}


# -- folding -------------------------------------------------------------------------


@given(st.text())
def test_fold_preserves_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_fold_lowercases_and_strips_accents() -> None:
    assert fold("NIÑA Recién ÉTÉ İx ’s") == "nina recien ete ix 's"


def test_word_gap() -> None:
    w = WordIndex("one two three four")
    assert w.gap((0, 3), (4, 7)) == 0
    assert w.gap((0, 3), (14, 18)) == 2
    assert w.gap((14, 18), (0, 3)) == 2


# -- terms ------------------------------------------------------------------------------


def test_terms_are_whole_word_case_and_accent_insensitive() -> None:
    c = cat(
        entry(
            "t", {"terms": {"en": ["new girl"], "es": ["recién llegada"]}}, languages=["en", "es"]
        )
    )
    assert result(c, "NEW GIRL here")["t"] is Tri.TRUE
    assert result(c, "renew girls")["t"] is Tri.FALSE
    assert result(c, "Recien LLEGADA!")["t"] is Tri.TRUE
    assert result(c, "recién llegadas")["t"] is Tri.FALSE
    scored = score_text("Hola, recién llegada.", catalogue=c)
    assert [(h.matched, h.start, h.end) for h in scored.hits] == [("recién llegada", 6, 20)]


def test_emoji_terms_need_no_word_boundary() -> None:
    c = cat(entry("e", {"terms": ["🍭"]}))
    assert result(c, "sweet🍭🍭x")["e"] is Tri.TRUE
    hits = score_text("sweet🍭🍭x", catalogue=c).hits
    assert [(h.start, h.end) for h in hits] == [(5, 6), (6, 7)]


# -- three-valued logic ----------------------------------------------------------------


def test_identifier_predicate_is_unknown_without_identifier() -> None:
    c = cat(entry("minor", {"identifier": {"kind": "age", "value": {"lt": 18}}}))
    text = "hi I'm 17"
    assert result(c, text)["minor"] is Tri.UNKNOWN
    assert result(c, text, [ident("age", "17", text)])["minor"] is Tri.TRUE
    assert result(c, "hi I'm 25", [ident("age", "25", "hi I'm 25")])["minor"] is Tri.FALSE
    assert result(c, text, [ident("phone", "+12125550123")])["minor"] is Tri.UNKNOWN
    assert score_text(text, catalogue=c).unknown == ("minor",)


def test_kleene_all_any_not() -> None:
    age_lt = {"identifier": {"kind": "age", "value": {"lt": 18}}}
    word = {"terms": ["incall"]}
    c = cat(
        entry("and_", {"all": [word, age_lt]}),
        entry("or_", {"any": [word, age_lt]}),
        entry("not_", {"all": [word, {"not": age_lt}]}),
    )
    r = result(c, "incall")  # word TRUE, age UNKNOWN
    assert (r["and_"], r["or_"], r["not_"]) == (Tri.UNKNOWN, Tri.TRUE, Tri.UNKNOWN)
    r = result(c, "outcall")  # word FALSE, age UNKNOWN
    assert (r["and_"], r["or_"], r["not_"]) == (Tri.FALSE, Tri.UNKNOWN, Tri.FALSE)
    r = result(c, "incall 25", [ident("age", "25", "incall 25")])
    assert (r["and_"], r["or_"], r["not_"]) == (Tri.FALSE, Tri.TRUE, Tri.TRUE)


def test_feature_predicates_unknown_when_absent() -> None:
    c = cat(entry("net", {"feature": {"name": "shared_contact_ads", "gte": 10}}))
    assert result(c, "x")["net"] is Tri.UNKNOWN
    assert result(c, "x", shared_contact_ads=None)["net"] is Tri.UNKNOWN
    assert result(c, "x", shared_contact_ads="many")["net"] is Tri.UNKNOWN
    assert result(c, "x", shared_contact_ads=3)["net"] is Tri.FALSE
    assert result(c, "x", shared_contact_ads=12)["net"] is Tri.TRUE
    hit = score_text("x", catalogue=c, features={"shared_contact_ads": 12}).hits[0]
    assert (hit.matched, hit.start, hit.end) == ("shared_contact_ads=12", -1, -1)


def test_builtin_network_indicators() -> None:
    s = score_text("hello")
    assert {"shared_contact_many_ads", "shared_contact_many_cities"} <= set(s.unknown)
    s = score_text("hello", features={"shared_contact_ads": 40, "shared_contact_cities": 6})
    assert {"shared_contact_many_ads", "shared_contact_many_cities"} <= set(s.indicator_ids)


# -- identifiers, counts, near -----------------------------------------------------------


def test_price_unit_and_distinct_phone_count() -> None:
    c = cat(
        entry("hourly", {"identifier": {"kind": "price", "unit": ["hour"], "value": {"gte": 100}}}),
        entry(
            "phones",
            {"count": {"of": {"identifier": {"kind": "phone"}}, "distinct": True, "gte": 2}},
        ),
        entry("snap", {"identifier": {"kind": "handle", "prefix": "snapchat"}}),
    )
    text = "150 an hour, call 212 555 0123 or 212 555 0199 or 2125550123, sc sweetanna"
    ids = [
        ident("price", "150 USD/hour", text, "150 an hour"),
        ident("phone", "+12125550123", text, "212 555 0123"),
        ident("phone", "+12125550199", text, "212 555 0199"),
        ident("phone", "+12125550123", text, "2125550123"),
        ident("handle", "snapchat:sweetanna", text, "sweetanna"),
    ]
    r = result(c, text, ids)
    assert r == {"hourly": Tri.TRUE, "phones": Tri.TRUE, "snap": Tri.TRUE}
    r = result(
        c,
        text,
        [ids[0].__class__(IdentifierKind.PRICE, "150 USD/night", "x", 0, 0), ids[1], ids[3]],
    )
    assert r == {"hourly": Tri.FALSE, "phones": Tri.FALSE, "snap": Tri.UNKNOWN}
    hits = score_text(text, ids, catalogue=c).hits
    for h in hits:
        assert text[h.start : h.end] == h.matched


def test_count_distinct_terms() -> None:
    c = cat(
        entry(
            "two", {"count": {"of": {"terms": ["anna", "mia", "eva"]}, "distinct": True, "gte": 2}}
        )
    )
    assert result(c, "Anna and Mia")["two"] is Tri.TRUE
    assert result(c, "Anna, anna, ANNA")["two"] is Tri.FALSE
    c2 = cat(entry("three", {"count": {"of": {"terms": ["anna"]}, "distinct": False, "gte": 3}}))
    assert result(c2, "Anna, anna, ANNA")["three"] is Tri.TRUE


def test_near_within_n_words() -> None:
    c = cat(
        entry(
            "near",
            {"near": {"within": 2, "rules": [{"terms": ["looking for"]}, {"terms": ["teen"]}]}},
        )
    )
    assert result(c, "looking for a teen")["near"] is Tri.TRUE
    assert result(c, "teen, I am looking for")["near"] is Tri.TRUE
    assert result(c, "looking for a nice and quiet teen")["near"] is Tri.FALSE
    assert result(c, "looking for a room")["near"] is Tri.FALSE
    hits = score_text("looking for a teen", catalogue=c).hits
    assert sorted(h.matched for h in hits) == ["looking for", "teen"]


def test_context_contributes_truth_but_no_evidence() -> None:
    c = cat(entry("ctx", {"all": [{"terms": ["teen"]}, {"context": {"terms": ["incall"]}}]}))
    assert [h.matched for h in score_text("teen incall", catalogue=c).hits] == ["teen"]
    assert score_text("teen only", catalogue=c).hits == []


def test_refs_share_definitions() -> None:
    c = cat(
        entry("a", {"all": [{"terms": ["x"]}, {"ref": "ctx"}]}),
        entry("b", {"all": [{"terms": ["y"]}, {"not": {"ref": "ctx"}}]}),
        defs={"ctx": {"terms": ["zed"]}},
    )
    assert result(c, "x y zed") == {"a": Tri.TRUE, "b": Tri.FALSE}
    assert result(c, "x y") == {"a": Tri.FALSE, "b": Tri.TRUE}


# -- states ---------------------------------------------------------------------------------


def test_shadow_is_reported_not_scored_and_disabled_not_evaluated() -> None:
    m = {"terms": ["incall"]}
    c = cat(
        entry("act", m, weight=0.5),
        entry("sha", m, state="shadow", weight=0.9),
        entry("dis", m, state="disabled", weight=0.9),
    )
    s = score_text("incall", catalogue=c)
    assert s.indicator_ids == ("act",)
    assert s.shadow_ids == ("sha",)
    assert s.risk == pytest.approx(0.5)
    assert "dis" not in result(c, "incall")
    promoted = c.with_states({"sha": "active"})
    assert score_text("incall", catalogue=promoted).risk == pytest.approx(1 - 0.5 * 0.1)
    with pytest.raises(KeyError):
        c.with_states({"nope": "active"})


# -- scoring --------------------------------------------------------------------------------


def test_noisy_or_with_category_caps() -> None:
    c = cat(
        entry("a1", {"terms": ["aa"]}, category="advertising", weight=0.4),
        entry("a2", {"terms": ["bb"]}, category="advertising", weight=0.4),
        entry("y1", {"terms": ["cc"]}, category="youth", weight=0.3),
    )
    assert score_text("aa", catalogue=c).risk == pytest.approx(0.4)
    s = score_text("aa bb", catalogue=c)  # 1 - 0.6*0.6 = 0.64, capped at 0.5
    assert s.risk == pytest.approx(0.5)
    assert s.category_scores == {"advertising": pytest.approx(0.5)}
    s = score_text("aa bb cc aa", catalogue=c)
    assert s.risk == pytest.approx(1 - 0.5 * 0.7)
    assert s.band == "high"
    assert score_text("cc", catalogue=c).band == "review"
    assert score_text("zz", catalogue=c).band == "low"


# -- robustness -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.lists(st.integers(0, 120), max_size=3))
def test_score_never_raises(text: str, ages: list[int]) -> None:
    ids = [Identifier(IdentifierKind.AGE, str(a), str(a), 0, len(str(a))) for a in ages]
    s = score_text(text, ids, features={"shared_contact_ads": len(text)})
    assert 0.0 <= s.risk <= 1.0
    assert s.band in ("low", "review", "high")
    for h in s.hits:
        if h.start >= 0:
            assert text[h.start : h.end] == h.matched


@settings(max_examples=100, deadline=None)
@given(
    st.text(
        alphabet="she is new in town call my manager looking for teen 🍭ÑñÉé'’ \n", max_size=300
    )
)
def test_score_never_raises_on_ad_like_text(text: str) -> None:
    s = score_text(text)
    assert 0.0 <= s.risk <= 1.0
    for h in s.hits + s.shadow_hits:
        assert text[h.start : h.end] == h.matched


ADVERSARIAL = [
    "pay " * 50 + "x",
    "a " * 200,
    "new " * 100 + "in ",
    "1" * 400,
    "she is " * 60,
    "$" + "9" * 300 + " per ",
    "earn up to " * 40,
    "don't tell " * 40,
    "looking for " * 60,
    "🍭" * 300,
    "no " * 150,
    "looking for teen tonight cash ",
    "looking for " * 30 + "teen " * 30,
    "ask for anna ask for mia ",
]


def _time(text: str) -> float:
    return best_cpu(lambda: score_text(text), 5)


@pytest.mark.parametrize("unit", ADVERSARIAL)
def test_scoring_time_is_linear_on_adversarial_text(unit: str) -> None:
    score_text("warm up")
    small = unit * 4
    large = unit * 16
    ratio = _time(large) / max(_time(small), 1e-6)
    # Quadratic behaviour would give ~16x; linear gives ~4x (allow noise).
    assert ratio < 9, ratio
