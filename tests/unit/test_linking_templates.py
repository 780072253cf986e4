"""Templates and slots of a small hand-made near-duplicate group."""

from __future__ import annotations

from vigil.linking.templates import extract_template, template_tokens

ADS = [
    "Sweet Anna just arrived in Houston, 19 years young. Call now",
    "Sweet Maria just arrived in Dallas, 21 years young. Call now",
    "Sweet Lola just arrived in Austin, 19 years young. Call now",
    "Sweet Jade just arrived in Houston, 22 years young. Call now",
]
CITIES = frozenset({"houston", "dallas", "austin"})


def test_template_and_slots() -> None:
    tmpl = extract_template([template_tokens(a) for a in ADS], cities=CITIES)
    assert tmpl.text == "Sweet {name} just arrived in {city} {age} years young. Call now"
    assert tmpl.slot_counts() == {"name": 4, "city": 3, "age": 3}
    assert tmpl.summary() == "age x 3, city x 3, name x 4"
    assert tmpl.aligned == 4


def test_identifier_spans_become_contact_slots() -> None:
    ads = ["Text Anna at 555-0101 tonight", "Text Mia at 555-0199 tonight"]
    docs = [template_tokens(a, [(a.index("555"), a.index("555") + 8, "phone")]) for a in ads]
    assert docs[0] == ["Text", "Anna", "at", "<phone>", "tonight"]
    tmpl = extract_template(docs)
    assert tmpl.text == "Text {name} at <phone> tonight"


def test_identical_group_has_no_slots() -> None:
    tmpl = extract_template([template_tokens(ADS[0])] * 3, cities=CITIES)
    assert tmpl.slots == ()
    assert tmpl.text == ADS[0]
