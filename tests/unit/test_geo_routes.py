"""Case-data importers (UNODC GLOTIP, CTDC), censored counts and route analysis."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.geo.errors import GeoInputError
from vigil.geo.routes import (
    ALL_FORMS,
    Count,
    changes,
    ctdc_flows,
    glotip_flows,
    load_flows,
    parse_count,
    read_ctdc,
    read_glotip,
    routes,
    top_routes,
    trend,
)
from vigil.geo.routes.countries import resolve_country
from vigil.geo.routes.glotip import COLUMNS
from vigil.geo.routes.interval import total

FIX = Path(__file__).parents[1] / "fixtures" / "geo"


# -- censored counts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("12", 12, 12),
        ("1,234", 1234, 1234),
        ("<5", 0, 4),
        ("<=4", 0, 4),
        (">100", 101, None),
        (">=7", 7, None),
        ("5-10", 5, 10),
        (" 3 ", 3, 3),
        ("7.0", 7, 7),
    ],
)
def test_parse_count(text: str, lo: int, hi: int | None) -> None:
    assert parse_count(text) == Count(lo, hi)


@pytest.mark.parametrize("text", ["", "..", "-", "n/a", None])
def test_missing_cells_are_none_not_zero(text: str | None) -> None:
    assert parse_count(text) is None


@pytest.mark.parametrize("text", ["12x", "-3", "<0", "10-5", "2.5", "five", "<"])
def test_bad_counts_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_count(text)


@given(st.integers(min_value=0, max_value=10**9))
def test_exact_counts_round_trip(n: int) -> None:
    assert parse_count(str(n)) == Count.exact(n)
    assert parse_count(f"{n:,}") == Count.exact(n)
    assert parse_count(f"<{n + 1}") == Count(0, n)


counts = st.builds(
    lambda lo, width, open_: Count(lo, None if open_ else lo + width),
    st.integers(0, 1000),
    st.integers(0, 50),
    st.booleans(),
)


@given(st.lists(counts, max_size=10))
def test_interval_sums_bound_every_choice(items: list[Count]) -> None:
    s = total(items)
    assert s.lo == sum(c.lo for c in items)
    if all(c.hi is not None for c in items):
        assert s.hi == sum(c.hi for c in items if c.hi is not None)
    else:
        assert s.hi is None
    assert str(s)  # renders as "n", "lo-hi" or ">=lo"


def test_certainly_greater_respects_censoring() -> None:
    assert Count.exact(12).certainly_greater(Count(0, 4))
    assert not Count.exact(4).certainly_greater(Count(0, 4))
    assert not Count(0, 4).certainly_greater(Count.exact(1))


# -- countries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("MX", "MEX"),
        ("MEX", "MEX"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Türkiye", "TUR"),
        ("Republic of Moldova", "MDA"),
        ("Viet Nam", "VNM"),
        ("Côte d'Ivoire", "CIV"),
        ("United States of America", "USA"),
        ("484", "MEX"),
    ],
)
def test_resolve_country(text: str, iso3: str) -> None:
    found = resolve_country(text)
    assert found is not None and found.iso3 == iso3


@pytest.mark.parametrize(
    "text", ["Other", "Unknown", "Central America and the Caribbean", "", "ZZ"]
)
def test_regions_and_unknowns_are_never_guessed(text: str) -> None:
    assert resolve_country(text) is None


# -- GLOTIP ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["glotip_export.csv", "glotip_export.xlsx"])
def test_glotip_fixture_in_both_formats(name: str) -> None:
    rows = read_glotip(FIX / name)
    assert len(rows) == 23
    honduras = [r for r in rows if r.category == "Honduras" and r.year == 2019]
    assert honduras[0].value == Count(0, 4) and honduras[0].raw == "<5"
    rate = [r for r in rows if r.unit.startswith("Rate")]
    assert rate[0].value is None and rate[0].raw == "0.2"
    convicted = [r for r in rows if r.indicator == "Persons convicted"]
    assert convicted[0].value is None  # ".." is missing, not zero
    flows, unresolved = glotip_flows(rows)
    assert unresolved == {"Other": 1, "Central America and the Caribbean": 1}
    # the Female breakdown row is not added to the Total row
    mex21 = [f for f in flows if (f.origin, f.destination, f.year) == ("MEX", "USA", 2021)]
    assert [f.count for f in mex21] == [Count.exact(160)]
    assert {f.basis for f in flows} == {"citizenship", "repatriation"}
    assert all(f.form == ALL_FORMS and f.source == "glotip" for f in flows)


def test_glotip_csv_and_xlsx_give_the_same_flows() -> None:
    a, _ = load_flows([FIX / "glotip_export.csv"])
    b, _ = load_flows([FIX / "glotip_export.xlsx"])
    assert a == b


def test_glotip_route_analysis() -> None:
    report = routes(FIX / "glotip_export.csv")
    top = {(t.origin, t.destination): t.count for t in report.top}
    assert top[("MEX", "USA")] == Count.exact(120 + 95 + 160)
    assert top[("HND", "USA")] == Count(42, 46)  # <5 + 12 + 30
    assert top[("NGA", "ESP")] == Count(0, 8)  # two censored cells stay a range
    assert report.top[0].origin == "MEX"
    kinds = {(c.origin, c.destination, c.year): c.kind for c in report.changes}
    assert kinds[("MEX", "USA", 2021)] == "grows"  # 95 -> 160
    assert ("MEX", "USA", 2020) not in kinds  # 120 -> 95 falls
    assert kinds[("HND", "USA", 2020)] == "grows"  # <5 -> 12: more than any value of <5
    assert kinds[("COL", "ESP", 2021)] == "appears"
    assert kinds[("PHL", "USA", 2021)] == "possibly appears"  # only "<5"
    assert ("NGA", "ESP", 2021) not in kinds  # <5 -> <5: no evidence of growth
    assert trend(load_flows([FIX / "glotip_export.csv"])[0], "HND", "USA") == {
        2019: Count(0, 4),
        2020: Count.exact(12),
        2021: Count.exact(30),
    }
    assert set(report.by_region) == {"Americas", "Europe"}
    americas = {(t.origin, t.destination) for t in report.by_region["Americas"]}
    assert ("ROU", "ESP") not in americas
    assert report.censored_flows == 4 and report.flows == 16


def test_domestic_routes_can_be_left_out() -> None:
    flows, _ = load_flows([FIX / "glotip_export.csv"])
    assert any(t.origin == t.destination for t in top_routes(flows, 50))
    assert all(t.origin != t.destination for t in top_routes(flows, 50, domestic=False))


@pytest.mark.parametrize(
    ("name", "where", "message"),
    [
        ("bad_glotip_year.csv", ":3:10 (Year)", "year must be four digits"),
        ("bad_glotip_value.csv", ":2:12 (txtVALUE)", "bad count"),
        ("bad_ctdc_country.csv", ":3:3 (CountryOfExploitation)", "ISO 3166"),
    ],
)
def test_malformed_files_name_file_line_and_column(name: str, where: str, message: str) -> None:
    with pytest.raises(GeoInputError) as info:
        routes(FIX / name)
    text = str(info.value)
    assert text.startswith(str(FIX / name) + where), text
    assert message in text


def test_unknown_layouts_and_binary_files_are_rejected(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(GeoInputError, match="neither a GLOTIP export"):
        routes(other)
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(GeoInputError):
        routes(binary)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(GeoInputError, match="not a readable XLSX"):
        routes(fake)
    with pytest.raises(GeoInputError, match="no such file"):
        routes(tmp_path / "missing.csv")


def test_glotip_missing_required_column(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("Iso3_code,Country,txtVALUE\nUSA,United States,3\n")
    with pytest.raises(GeoInputError, match=r"g.csv:1: missing column\(s\) Indicator"):
        read_glotip(path)


_row = st.fixed_dictionaries(
    {
        "iso3": st.sampled_from(["USA", "ESP", "ARG", "NGA"]),
        "category": st.sampled_from(["Mexico", "Romania", "Nigeria", "Other", "Paraguay"]),
        "year": st.integers(2003, 2023),
        "value": st.one_of(
            st.integers(0, 5000).map(str), st.integers(1, 10).map(lambda n: f"<{n}"), st.just("..")
        ),
    }
)


def _glotip_csv(rows: list[dict[str, object]], preamble: int) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for i in range(preamble):
        writer.writerow([f"preamble line {i}"])
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r["iso3"],
                "Country",
                "Region",
                "Sub",
                "Detected trafficking victims",
                "by country of citizenship",
                r["category"],
                "Total",
                "Total",
                r["year"],
                "Counts",
                r["value"],
                "src",
            ]
        )
    return buf.getvalue()


@settings(max_examples=40, deadline=None)
@given(st.lists(_row, max_size=12), st.integers(0, 3))
def test_glotip_csv_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, object]], preamble: int
) -> None:
    path = tmp_path_factory.mktemp("g") / "g.csv"
    path.write_text(_glotip_csv(rows, preamble), encoding="utf-8")
    parsed = read_glotip(path)
    assert [(p.iso3, p.category, p.year, p.value) for p in parsed] == [
        (r["iso3"], r["category"], r["year"], parse_count(str(r["value"]))) for r in rows
    ]
    assert [p.line for p in parsed] == list(range(preamble + 2, preamble + 2 + len(rows)))
    flows, unresolved = glotip_flows(parsed)
    assert sum(unresolved.values()) == sum(
        1 for r in rows if r["category"] == "Other" and r["value"] != ".."
    )
    assert len(flows) == sum(1 for r in rows if r["category"] != "Other" and r["value"] != "..")


@settings(max_examples=40, deadline=None)
@given(st.lists(_row, min_size=1, max_size=8), st.data())
def test_glotip_bad_year_is_reported_at_its_line(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, object]], data: st.DataObject
) -> None:
    bad = data.draw(st.integers(0, len(rows) - 1))
    rows[bad] = {**rows[bad], "year": data.draw(st.sampled_from(["19x9", "", "99", "20211"]))}
    path = tmp_path_factory.mktemp("g") / "g.csv"
    path.write_text(_glotip_csv(rows, 2), encoding="utf-8")
    with pytest.raises(GeoInputError) as info:
        read_glotip(path)
    assert info.value.line == 4 + bad and info.value.column == "10 (Year)"


def test_glotip_xlsx_errors_name_the_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            "USA",
            "US",
            "R",
            "S",
            "Detected trafficking victims",
            "by country of citizenship",
            "Mexico",
            "Total",
            "Total",
            2020,
            "Counts",
            "4a",
            "x",
        ]
    )
    path = tmp_path / "g.xlsx"
    book.save(path)
    with pytest.raises(GeoInputError, match=r"g.xlsx:2:L \(txtVALUE\): bad count"):
        read_glotip(path)


# -- CTDC ----------------------------------------------------------------------------------


def test_ctdc_k_anonymised_layout() -> None:
    records = read_ctdc(FIX / "ctdc_kanon.csv")
    assert len(records) == 11
    first = records[0]
    assert (
        first.year,
        first.citizenship and first.citizenship.iso3,
        first.exploitation and first.exploitation.iso3,
    ) == (2019, "MEX", "USA")
    assert first.forms == ("sexual exploitation",)
    assert first.means == ("TakesEarnings", "Threats")  # NotSpecified/Concatenated skipped
    assert records[8].citizenship is None  # -99
    assert records[10].year is None and records[10].forms == ("forced marriage",)
    assert set(records[7].forms) == {
        "sexual exploitation",
        "forced labour",
        "sexual exploitation and forced labour",
    }
    flows, skipped = ctdc_flows(records)
    assert skipped == {"no citizenship": 1, "no country of exploitation": 1}
    assert sum(1 for f in flows if f.form == ALL_FORMS) == 9


def test_ctdc_synthetic_layout_and_forms() -> None:
    report = routes(FIX / "ctdc_synthetic.csv")
    top = {(t.origin, t.destination): t.count for t in report.top}
    assert top[("MEX", "USA")] == Count.exact(3) and top[("VNM", "CHN")] == Count.exact(2)
    forms = {f: {(t.origin, t.destination) for t in ts} for f, ts in report.by_form.items()}
    assert forms["forced labour"] == {("MEX", "USA"), ("BLR", "RUS")}
    assert set(report.by_region) == {"North America", "Asia", "Europe"}
    assert report.censored_flows == 0
    records = read_ctdc(FIX / "ctdc_synthetic.csv")
    assert records[0].means == ("DebtBondageEarnings", "Threats", "FalsePromises")


def test_ctdc_changes_need_an_earlier_reported_year() -> None:
    flows, _ = load_flows([FIX / "ctdc_synthetic.csv"])
    # USA: MEX 2 -> 1 (no growth); CHN: VNM 1 -> 1; RUS reports one year only, so its
    # route cannot "appear": there is no earlier year to compare with.
    assert changes(flows) == ()
    more = [*flows, *[f for f in flows if f.destination == "CHN" and f.year == 2022] * 3]
    grown = changes(more)
    assert [(c.origin, c.destination, c.year, c.kind, c.before, c.after) for c in grown] == [
        ("VNM", "CHN", 2022, "grows", Count.exact(1), Count.exact(4))
    ]


_ctdc_row = st.fixed_dictionaries(
    {
        "year": st.one_of(st.integers(2002, 2023).map(str), st.just("-99")),
        "cit": st.sampled_from(["MX", "UA", "-99", "PH", "NG"]),
        "exp": st.sampled_from(["US", "RU", "", "LY"]),
        "sex": st.sampled_from(["0", "1"]),
        "lab": st.sampled_from(["0", "1"]),
    }
)


@settings(max_examples=40, deadline=None)
@given(st.lists(_ctdc_row, max_size=12), st.sampled_from([";", ","]))
def test_ctdc_round_trip(
    tmp_path_factory: pytest.TempPathFactory, rows: list[dict[str, str]], sep: str
) -> None:
    lines = [
        sep.join(
            [
                "",
                "yearOfRegistration",
                "citizenship",
                "isSexualExploit",
                "isForcedLabour",
                "CountryOfExploitation",
            ]
        )
    ]
    lines += [
        sep.join([str(i), r["year"], r["cit"], r["sex"], r["lab"], r["exp"]])
        for i, r in enumerate(rows)
    ]
    path = tmp_path_factory.mktemp("c") / "c.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = read_ctdc(path)
    assert len(records) == len(rows)
    for rec, r in zip(records, rows, strict=True):
        assert rec.year == (None if r["year"] == "-99" else int(r["year"]))
        assert (rec.citizenship.iso2 if rec.citizenship else "-99") == r["cit"]
        assert (rec.exploitation.iso2 if rec.exploitation else "") == r["exp"]
        assert ("sexual exploitation" in rec.forms) == (r["sex"] == "1")
        assert ("forced labour" in rec.forms) == (r["lab"] == "1")
    flows, _ = ctdc_flows(records)
    complete = sum(1 for r in rows if r["cit"] != "-99" and r["exp"])
    assert sum(1 for f in flows if f.form == ALL_FORMS) == complete


def test_ctdc_bad_flag_and_year(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "yearOfRegistration;citizenship;CountryOfExploitation;isSexualExploit\n2021;MX;US;maybe\n"
    )
    with pytest.raises(GeoInputError, match=r"c.csv:2:4 \(isSexualExploit\): flag must be 0 or 1"):
        read_ctdc(path)
    path.write_text("yearOfRegistration;citizenship;CountryOfExploitation\n2O21;MX;US\n")
    with pytest.raises(GeoInputError, match=r"c.csv:2:1 \(yearOfRegistration\)"):
        read_ctdc(path)
    path.write_text("citizenship;CountryOfExploitation\nMX;US\n")
    with pytest.raises(GeoInputError, match="missing column yearOfRegistration"):
        read_ctdc(path)
