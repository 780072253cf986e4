"""Words inside identifiers (place names, e-mails, URLs) are not indicator evidence."""

from vigil.extract import extract
from vigil.indicators import score_text


def test_place_names_are_not_evidence() -> None:
    text = (
        "Visiting New Orleans, looking\n\n"
        "Want someone fresh, first timers welcome. Can host near downtown."
    )
    hits = score_text(text, extract(text)).hits
    matched = {h.matched for h in hits}
    assert "New" not in matched
    assert {"fresh", "first timers"} <= matched


def test_without_identifiers_the_word_still_matches() -> None:
    text = (
        "Visiting New Orleans, looking\n\n"
        "Want someone fresh, first timers welcome. Can host near downtown."
    )
    assert "New" in {h.matched for h in score_text(text, []).hits}
