"""Transparency report: figures, the 2024/2835-shaped CSV and its validation, HTML and PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.reporting.render import charts, to_html, to_pdf
from vigil.reporting.transparency import (
    CSV_COLUMNS,
    AppealRow,
    DecisionRow,
    NoticeRow,
    ReferralRow,
    compute_report,
    to_csv,
    validate_csv,
)

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
KW = ("KEYWORD_HUMAN_TRAFFICKING",)


def _report():  # type: ignore[no-untyped-def]
    decisions = [
        DecisionRow("d1", T0 + timedelta(hours=2), T0, "refer", "STATEMENT_CATEGORY_VIOLENCE",
                    (*KW, "KEYWORD_TRAFFICKING_WOMEN_GIRLS"), automated_detection=True),
        DecisionRow("d2", T0 + timedelta(hours=10), T0, "open_case",
                    "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
                    ("KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS",), automated_detection=True),
        DecisionRow("d3", T0 + timedelta(hours=4), T0, "no_concern",
                    "STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE", (), source_type="SOURCE_ARTICLE_16",
                    restricted=False),
        DecisionRow("old", T0 - timedelta(days=90), T0 - timedelta(days=91), "refer",
                    "STATEMENT_CATEGORY_VIOLENCE", KW),  # outside the period
    ]  # fmt: skip
    notices = [
        NoticeRow("n1", T0, category="STATEMENT_CATEGORY_VIOLENCE",
                  actioned_at=T0 + timedelta(hours=6)),
        NoticeRow("n2", T0 + timedelta(days=1)),
    ]  # fmt: skip
    appeals = [AppealRow("a1", T0, T0 + timedelta(hours=48), "reversed"), AppealRow("a2", T0)]
    return compute_report(
        provider="Example Classifieds",
        start=date(2026, 3, 1),
        end=date(2026, 3, 31),
        notices=notices,
        decisions=decisions,
        appeals=appeals,
        referrals=[ReferralRow("r1", T0 + timedelta(days=2))],
        generated=date(2026, 4, 2),
    )


def test_figures_of_the_period() -> None:
    r = _report()
    assert r.decisions == 3 and r.own_initiative == 2
    assert r.by_keyword == {
        "KEYWORD_HUMAN_TRAFFICKING": 1,
        "KEYWORD_TRAFFICKING_WOMEN_GIRLS": 1,
        "KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS": 1,
    }
    assert r.by_ground == {"DECISION_GROUND_INCOMPATIBLE_CONTENT": 2}
    assert r.by_detection == {"automated": 2, "human": 1}
    assert r.decision_median_hours == 4.0
    assert r.notices == 2 and r.notices_actioned == 1 and r.notice_median_hours == 6.0
    assert r.referrals == 1
    assert (r.appeals_received, r.appeals_decided, r.appeals_reversed) == (2, 1, 1)
    assert r.appeal_median_hours == 48.0
    with pytest.raises(ValueError, match="ends before"):
        compute_report(provider="x", start=date(2026, 3, 2), end=date(2026, 3, 1))


def test_csv_has_the_template_shape_and_validates() -> None:
    text = to_csv(_report())
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert validate_csv(text) == []
    got = {(r["section"], r["field"], r["breakdown"]): r["value"] for r in rows}
    assert got[("4", "decisions_by_keyword", "KEYWORD_HUMAN_TRAFFICKING")] == "1"
    assert got[("6", "decisions_by_detection", "automated")] == "2"
    assert got[("3", "notices_received", "")] == "2"
    assert got[("1", "period_end", "")] == "2026-03-31"
    assert {r["section"] for r in rows} == {"1", "2", "3", "4", "5", "6"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("KEYWORD_HUMAN_TRAFFICKING", "KEYWORD_MADE_UP", 1), "not an allowed"),
        (lambda t: t.replace("own_initiative_decisions", "own_decisions"), "not a field"),
        (lambda t: t.replace("section,section_title", "sec,section_title"), "header"),
        (lambda t: t + '4,x,decisions_by_keyword,KEYWORD_PHISHING,-1\r\n', "titled"),
        (lambda t: t + "6,\"" + "Arts. 15(1)(b)(c)(e), 42(2)(c) use of automated means"
         + "\",decisions_by_detection,automated,lots\r\n", "not a number"),
    ],
)  # fmt: skip
def test_csv_validation_finds_each_problem(edit: object, message: str) -> None:
    bad = edit(to_csv(_report()))  # type: ignore[operator]
    assert any(message in p for p in validate_csv(bad)), validate_csv(bad)


def test_html_and_pdf_with_charts(tmp_path: Path) -> None:
    r = _report()
    pictures = charts(r)
    assert all(png.startswith(b"\x89PNG") for png in pictures.values())
    html = to_html(r, pictures)
    assert html.count('src="data:image/png;base64,') == 4
    assert "Example Classifieds" in html and "<script" not in html
    to_pdf(r, tmp_path / "r.pdf", pictures)
    data = (tmp_path / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000


@given(st.text(max_size=300))
def test_csv_validation_of_junk_reports_instead_of_crashing(text: str) -> None:
    assert validate_csv(text) != [] or text.startswith(",".join(CSV_COLUMNS))


def test_statement_profile_file(tmp_path: Path) -> None:
    from vigil.reporting.sources import StatementProfile

    path = tmp_path / "profile.json"
    path.write_text(
        '{"restrictions": {"refer": {"visibility": ["DECISION_VISIBILITY_CONTENT_DISABLED"],'
        ' "end_date_visibility": "2027-01-31"}}, "territorial_scope": ["DE"]}'
    )
    profile = StatementProfile.load(path)
    assert profile.restrictions["refer"].visibility == ("DECISION_VISIBILITY_CONTENT_DISABLED",)
    assert profile.restrictions["refer"].end_date_visibility == date(2027, 1, 31)
    assert "open_case" not in profile.restrictions and profile.territorial_scope == ("DE",)
    for bad in ('{"restrictions": {"refer": {"colour": 1}}}', "[1, 2]", "{", '{"nope": 1}'):
        path.write_text(bad)
        with pytest.raises(ValueError, match="not a statement profile"):
            StatementProfile.load(path)
