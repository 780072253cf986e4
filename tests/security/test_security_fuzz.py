"""Fuzzing of the parsers not already fuzzed by their owners: the YAML loaders (legal
case facts, indicator catalogue) on random and hostile YAML (billion laughs, deep nesting,
Python tags), the public tip form end to end over HTTP (random fields and multipart), and
the login form. Every input gives a result or the loader's own error with a location;
never a traceback, never a 5xx.

(Owners' fuzzers: tests/unit/test_readers.py, test_evidence_verify_fuzz.py,
test_sharing_package.py, test_workflow_tips.py.)
"""

from __future__ import annotations

import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.indicators.catalogue import load_catalogue
from vigil.indicators.schema import CatalogueError
from vigil.legal.facts import FactsError, load_facts
from vigil.legal.yamlio import ReadError, parse_text

from .conftest import EXAMPLES, SecApp

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
DEEP = "a: " + "[" * 20_000 + "]" * 20_000 + "\n"
DEEP_MAP = "".join(" " * i + "k:\n" for i in range(3000)) + " " * 3000 + "k: 1\n"
HOSTILE = {
    "laughs": LAUGHS,
    "deep-flow": DEEP,
    "deep-block": DEEP_MAP,
    "python-tag": "!!python/object/apply:os.system ['echo pwned']\n",
    "nul": "a: \x00\n",
    "bad-indent": "a:\n  - b\n c: d\n",
}
HUGE_INT = "case_id: " + "9" * 5000 + "\n"

yaml_text = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                "a:",
                " b:",
                "- x",
                "&x",
                "*x",
                "[",
                "]",
                "{",
                "}",
                "!!str",
                ": ",
                "\n",
                "'",
                '"',
                "|",
                ">",
            ]
        ),
        max_size=60,
    ).map("".join),
)


# ------------------------------------------------------------------------- legal YAML


@settings(max_examples=EXAMPLES, deadline=None)
@given(yaml_text)
def test_yaml_reader_parses_or_reports(text: str) -> None:
    try:
        parse_text(text, "fuzz.yaml")
    except ReadError as exc:
        assert str(exc).startswith("fuzz.yaml: ")


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_case_facts_refuse_hostile_yaml(tmp_path: Path, name: str) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HOSTILE[name], encoding="utf-8")
    with pytest.raises(FactsError) as info:
        load_facts(path)
    assert str(path) in str(info.value)


@settings(max_examples=EXAMPLES, deadline=None)
@given(yaml_text)
def test_case_facts_fuzz(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("facts") / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_facts(path)
    except FactsError as exc:
        assert str(path) in str(exc)


def test_case_facts_refuse_huge_integer(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HUGE_INT, encoding="utf-8")
    with pytest.raises(FactsError):
        load_facts(path)


def test_billion_laughs_stays_small() -> None:
    """Aliases are shared references, never expanded copies."""
    data: Any = parse_text(LAUGHS, "laughs.yaml")
    assert data["i"][0] is data["i"][1]


# -------------------------------------------------------------------- the catalogue


def _catalogue_with(tmp: Path, text: str) -> Path:
    src = Path(str(resources.files("vigil.indicators") / "catalogue"))
    shutil.copytree(src, tmp, dirs_exist_ok=True)
    (tmp / "advertising.yaml").write_text(text, encoding="utf-8")
    return tmp


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - {"deep-flow", "deep-block"}))
def test_catalogue_refuses_hostile_yaml(tmp_path: Path, name: str) -> None:
    with pytest.raises(CatalogueError) as info:
        load_catalogue(_catalogue_with(tmp_path, HOSTILE[name]))
    assert "advertising.yaml" in str(info.value)


@pytest.mark.parametrize("name", ["deep-flow", "deep-block", "huge-int"])
def test_catalogue_refuses_deep_nesting(tmp_path: Path, name: str) -> None:
    text = HUGE_INT if name == "huge-int" else HOSTILE[name]
    try:
        load_catalogue(_catalogue_with(tmp_path, text))
    except CatalogueError as exc:
        assert "advertising.yaml" in str(exc)
    else:
        pytest.fail("deep nesting was accepted")


@settings(max_examples=max(10, EXAMPLES // 4), deadline=None)
@given(yaml_text)
def test_catalogue_fuzz(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    try:
        load_catalogue(_catalogue_with(tmp_path_factory.mktemp("cat"), text))
    except CatalogueError as exc:
        assert "advertising.yaml" in str(exc)


# ------------------------------------------------------------ forms over HTTP (public)

field_value = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["yes", "no", "unsure", "minor", "US", "https://example.com/a", "@h"]),
    st.text(alphabet="<>\"'&;/\\\x00%{}", max_size=50),
)
tip_fields = st.dictionaries(
    st.sampled_from(
        [
            "what",
            "url",
            "platform",
            "handle",
            "where",
            "when",
            "at_risk",
            "at_risk_details",
            "danger",
            "country",
            "extra",
            "csrf_token",
        ]
    ),
    field_value,
)


def _token(client: Any, path: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', client.get(path).text)
    assert found, path
    return found.group(1)


@pytest.fixture(scope="module")
def tip_client(sec: SecApp) -> Any:
    from vigil.workflow.tips.ratelimit import RateLimiter

    # the per-address daily limit would turn every request after the tenth into a 429
    sec.app.state.tip_submissions = RateLimiter(10**9)
    sec.app.state.tip_lookups = RateLimiter(10**9)
    client = sec.client()
    return client, _token(client, "/tip/form")


@settings(max_examples=EXAMPLES, deadline=None)
@given(tip_fields, st.booleans())
def test_tip_form_fuzz(tip_client: Any, fields: dict[str, str], multipart: bool) -> None:
    client, token = tip_client
    data = {**fields, "csrf_token": token} if "csrf_token" not in fields else fields
    if multipart:
        r = client.post("/tip", files={k: (None, v) for k, v in data.items()})
    else:
        r = client.post("/tip", data=data)
    assert r.status_code in (200, 403, 422), (r.status_code, r.text[:300])
    if r.status_code == 403:
        assert "csrf_token" in fields  # only a wrong token is refused
    assert "Traceback" not in r.text


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text(max_size=100))
def test_tip_receipt_lookup_fuzz(tip_client: Any, code: str) -> None:
    client, token = tip_client
    r = client.post("/tip/receipt", data={"code": code, "csrf_token": token})
    assert r.status_code in (200, 404), (r.status_code, r.text[:300])


@settings(max_examples=max(8, EXAMPLES // 6), deadline=None)  # each attempt costs an argon2 hash
@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=300))
def test_login_form_fuzz(sec: SecApp, username: str, password: str, nxt: str) -> None:
    client = sec.client()
    token = _token(client, "/login")
    r = client.post(
        "/login",
        data={"username": username, "password": password, "next": nxt, "csrf_token": token},
        follow_redirects=False,
    )
    # 429: the per-address lockout (20 failures) kicks in during the run
    assert r.status_code in (401, 422, 429), (r.status_code, r.text[:300])
