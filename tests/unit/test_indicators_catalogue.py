"""The built-in catalogue loads, validates and covers the shared vocabulary."""

from __future__ import annotations

import copy
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.indicators import CATEGORIES, CatalogueError, build_catalogue, load_catalogue
from vigil.indicators.catalogue import HEADER_FILE
from vigil.indicators.docgen import render_markdown

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = ROOT / "src" / "vigil" / "indicators" / "catalogue"


def vocabulary_ids() -> dict[str, str]:
    """Indicator id -> category, read from the table in docs/vocabulary.md."""
    text = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    section = text.split("## Indicator ids", 1)[1]
    names = {
        "advertising": "advertising",
        "youth": "youth",
        "control": "control",
        "deceptive": "deceptive_recruitment",
        "grooming": "grooming",
        "demand": "demand",
        "network": "network",
    }
    out: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 2 or cells[0] in ("category", "---"):
            continue
        category = names[cells[0].split()[0]]
        for ident in re.findall(r"`([a-z_]+)`", cells[1]):
            out[ident] = category
    return out


def test_builtin_catalogue_loads() -> None:
    cat = load_catalogue()
    assert cat.version
    assert set(cat.languages) >= {"en", "es"}
    assert 0 < cat.review < cat.high <= 1
    assert set(cat.categories) == set(CATEGORIES)


def test_every_vocabulary_id_exists_with_its_category() -> None:
    vocab = vocabulary_ids()
    assert len(vocab) == 25
    cat = load_catalogue()
    assert {i.id: i.category for i in cat.indicators} == vocab


def test_every_text_indicator_has_english_and_spanish() -> None:
    for ind in load_catalogue().indicators:
        if ind.category == "network":
            assert ind.languages == ()
            continue
        assert {"en", "es"} <= set(ind.languages), ind.id
        assert ind.is_text, ind.id


def test_every_indicator_cites_a_source() -> None:
    for ind in load_catalogue().indicators:
        assert len(ind.source) > 20, ind.id
        assert 0 < ind.weight < 1, ind.id


def test_docs_are_up_to_date() -> None:
    doc = ROOT / "docs" / "indicators.md"
    expected = render_markdown(load_catalogue())
    assert doc.read_text(encoding="utf-8") == expected, (
        "docs/indicators.md is stale: run python scripts/gen_indicator_docs.py"
    )


def test_docs_generator_check_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_indicator_docs as gen
    finally:
        sys.path.pop(0)
    stale = tmp_path / "indicators.md"
    stale.write_text("old\n", encoding="utf-8")
    monkeypatch.setattr(gen, "DOC", stale)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
    assert "third_person" in stale.read_text(encoding="utf-8")


# -- validation errors --------------------------------------------------------------


def _docs() -> tuple[dict[str, Any], dict[str, Any]]:
    header = yaml.safe_load((CATALOGUE_DIR / HEADER_FILE).read_text(encoding="utf-8"))
    docs = {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(CATALOGUE_DIR.glob("*.yaml"))
        if p.name != HEADER_FILE
    }
    return header, docs


def _first(docs: dict[str, Any], file: str) -> dict[str, Any]:
    entry: dict[str, Any] = docs[file]["indicators"][0]
    return entry


def test_dict_catalogue_equals_loaded() -> None:
    header, docs = _docs()
    assert [i.id for i in build_catalogue(header, docs).indicators] == [
        i.id for i in load_catalogue().indicators
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda e: e.update(weight=1.5), "indicator 'third_person': field 'weight'"),
        (lambda e: e.update(weight="high"), "indicator 'third_person': field 'weight'"),
        (lambda e: e.update(state="on"), "indicator 'third_person': field 'state'"),
        (lambda e: e.update(category="misc"), "indicator 'third_person': field 'category'"),
        (lambda e: e.pop("source"), "indicator 'third_person': missing field(s) ['source']"),
        (lambda e: e.update(colour="red"), "indicator 'third_person': unknown field(s) ['colour']"),
        (lambda e: e.update(languages=["en"]), "indicator 'third_person': field 'languages'"),
        (lambda e: e.update(languages=["en", "fr"]), "indicator 'third_person': field 'languages'"),
        (
            lambda e: e.update(match={"patterns": {"en": ["(unclosed"]}}),
            "indicator 'third_person': match.patterns.en: pattern '(unclosed' does not compile",
        ),
        (
            lambda e: e.update(match={"patterns": {"en": ["a*"]}, "terms": {"en": ["x"]}}),
            "indicator 'third_person': match: a rule needs exactly one key",
        ),
        (
            lambda e: e.update(match={"patterns": {"en": ["x*"]}}),
            "matches the empty string",
        ),
        (
            lambda e: e.update(match={"patterns": {"en": ["niña"]}}),
            "has accented or upper-case letters",
        ),
        (
            lambda e: e.update(match={"terms": {"fr": ["bonjour"]}}),
            "indicator 'third_person': match.terms: language 'fr' is not in the catalogue",
        ),
        (
            lambda e: e.update(match={"terms": {"en": ["ok", 3]}}),
            "indicator 'third_person': match.terms.en: must be a non-empty list",
        ),
        (
            lambda e: e.update(match={"ref": "nowhere"}),
            "indicator 'third_person': match.ref: unknown definition 'nowhere'",
        ),
        (
            lambda e: e.update(match={"not": {"terms": {"en": ["x"], "es": ["y"]}}}),
            "indicator 'third_person': match: the rule can be true without evidence",
        ),
        (
            lambda e: e.update(match={"identifier": {"kind": "shoe"}}),
            "indicator 'third_person': match.identifier.kind",
        ),
        (
            lambda e: e.update(match={"identifier": {"kind": "age", "value": {"lt": "x"}}}),
            "indicator 'third_person': match.identifier.value.lt: must be a number",
        ),
        (
            lambda e: e.update(match={"near": {"within": -1, "rules": [{"ref": "x"}]}}),
            "indicator 'third_person': match.near.within",
        ),
        (
            lambda e: e.update(match={"count": {"of": {"terms": ["x"]}}}),
            "indicator 'third_person': match.count: needs a comparison",
        ),
    ],
)
def test_schema_errors_name_indicator_and_field(mutate: Any, expected: str) -> None:
    header, docs = _docs()
    docs = copy.deepcopy(docs)
    mutate(_first(docs, "advertising.yaml"))
    with pytest.raises(CatalogueError) as info:
        build_catalogue(header, docs)
    assert expected in str(info.value)
    assert all(e.startswith(("advertising.yaml", "definition")) for e in info.value.errors)


def test_duplicate_ids_and_missing_categories() -> None:
    header, docs = _docs()
    docs = copy.deepcopy(docs)
    docs["youth.yaml"]["indicators"].append(copy.deepcopy(_first(docs, "advertising.yaml")))
    header = copy.deepcopy(header)
    del header["categories"]["network"]
    header["bands"] = {"review": 0.8, "high": 0.5}
    with pytest.raises(CatalogueError) as info:
        build_catalogue(header, docs)
    text = str(info.value)
    assert "indicator 'third_person': field 'id': duplicate" in text
    assert "missing vocabulary category 'network'" in text
    assert "field 'bands'" in text


def test_circular_definitions_are_rejected() -> None:
    header, docs = _docs()
    docs = copy.deepcopy(docs)
    docs["zz.yaml"] = {"defs": {"a": {"any": [{"ref": "b"}, {"terms": ["x"]}]}, "b": {"ref": "a"}}}
    with pytest.raises(CatalogueError, match="circular reference"):
        build_catalogue(header, docs)


def test_load_from_directory_reports_yaml_errors(tmp_path: Path) -> None:
    shutil.copytree(CATALOGUE_DIR, tmp_path / "cat")
    (tmp_path / "cat" / "broken.yaml").write_text("indicators: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"broken\.yaml: not valid YAML"):
        load_catalogue(tmp_path / "cat")
    with pytest.raises(CatalogueError, match=r"no catalogue\.yaml"):
        load_catalogue(tmp_path)


def test_language_added_by_data_alone(tmp_path: Path) -> None:
    header, docs = _docs()
    header = copy.deepcopy(header)
    docs = copy.deepcopy(docs)
    header["languages"].append("fr")
    entry = next(e for e in docs["advertising.yaml"]["indicators"] if e["id"] == "new_in_town")
    entry["languages"].append("fr")
    terms = next(r["terms"] for r in entry["match"]["any"] if "terms" in r)
    terms["fr"] = ["nouvelle en ville", "tout juste arrivée"]
    cat = build_catalogue(header, docs)
    from vigil.indicators import score_text

    scored = score_text("Tout juste ARRIVEE, appelle-moi", catalogue=cat)
    assert [h.matched for h in scored.hits if h.indicator_id == "new_in_town"] == [
        "Tout juste ARRIVEE"
    ]


def test_band_sql_bands_as_band_does() -> None:
    import math

    import duckdb

    catalogue = load_catalogue()
    edges = [catalogue.review, catalogue.high]
    risks = [0.0, 1.0, *edges, *(math.nextafter(e, 0.0) for e in edges), 0.5, 0.99]
    con = duckdb.connect()
    for risk in risks:
        sql = f"SELECT {catalogue.band_sql('r')} FROM (SELECT ?::DOUBLE AS r)"
        (got,) = con.execute(sql, [risk]).fetchone() or ("",)
        assert got == catalogue.band(risk), risk
