"""Signed packages: round trip, tampering, keys, and hostile input (never a traceback)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from sharing_partners import key_pair, signed_package
from vigil.sharing.blind import token
from vigil.sharing.keys import KeyStore
from vigil.sharing.model import Opinion, SignalType
from vigil.sharing.package import PackageError, parse, schema


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[KeyStore, KeyStore]:
    return key_pair(tmp_path_factory.mktemp("keys"))


def _package(a: KeyStore, n: int = 2) -> bytes:
    return signed_package(a, SignalType.PHONE, [f"+1206555010{i}" for i in range(n)])


def test_schema_is_valid_json_schema() -> None:
    Draft202012Validator.check_schema(schema())


def test_round_trip_and_schema(pair: tuple[KeyStore, KeyStore]) -> None:
    a, b = pair
    data = _package(a)
    Draft202012Validator(schema()).validate(json.loads(data))
    pkg, key = parse(data, b)
    assert key.id == a.group("g1").id
    assert len(pkg.signals) == 2 and pkg.signals[0].opinion is Opinion.INVESTIGATION_SEED
    assert pkg.signals[0].value == token(key, SignalType.PHONE, "+12065550100")


@pytest.mark.parametrize(
    ("edit", "pointer"),
    [
        (lambda d: d["signals"][0].update(opinion="confirmed"), "/signature/value"),
        (lambda d: d["signals"].pop(), "/signature/value"),
        (lambda d: d.update(source_org="org-x"), "/source_org"),
        (lambda d: d.update(group="g2"), "/group"),
        (lambda d: d.update(group_key_id="0" * 16), "/group_key_id"),
        (lambda d: d["signature"].update(public_key=base64.b64encode(b"\1" * 32).decode()),
         "/signature/public_key"),
        (lambda d: d["signals"][0].update(value="+12065550100"), "/signals/0/value"),
        (lambda d: d["signals"][0].pop("category"), "/signals/0/category"),
        (lambda d: d["signals"][0].update(extra=1), "/signals/0/extra"),
        (lambda d: d["signals"][1].update(last_seen="2020-01-01T00:00:00Z"),
         "/signals/1/last_seen"),
        (lambda d: d["signals"][0].update(first_seen="2026-13-45T00:00:00Z"),
         "/signals/0/first_seen"),
        (lambda d: d.update(version=2), "/version"),
    ],
)  # fmt: skip
def test_tampered_or_wrong_packages_are_refused_with_location(
    pair: tuple[KeyStore, KeyStore], edit: object, pointer: str
) -> None:
    a, b = pair
    doc = json.loads(_package(a))
    edit(doc)  # type: ignore[operator]
    with pytest.raises(PackageError) as caught:
        parse(orjson.dumps(doc), b)
    assert caught.value.pointer == pointer, str(caught.value)


def test_untrusted_and_unknown_group(pair: tuple[KeyStore, KeyStore], tmp_path: Path) -> None:
    a, _ = pair
    stranger = KeyStore(tmp_path / "c")
    stranger.init_org("org-c")
    with pytest.raises(PackageError, match="not in group"):
        parse(_package(a), stranger)
    a.export_group("g1", tmp_path / "g1.key")
    stranger.import_group(tmp_path / "g1.key")
    with pytest.raises(PackageError, match="not trusted"):
        parse(_package(a), stranger)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_hostile_bytes_give_a_clear_error(pair: tuple[KeyStore, KeyStore], data: bytes) -> None:
    _, b = pair
    with pytest.raises(PackageError):
        parse(data, b)


_CACHE: dict[int, bytes] = {}


def _signed(a: KeyStore) -> bytes:
    """One signed package per key store (signing is not what these tests exercise)."""
    return _CACHE.setdefault(id(a), _package(a))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=120, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_hostile_json_mutations_give_a_clear_error(
    pair: tuple[KeyStore, KeyStore], data: st.DataObject
) -> None:
    """Replace any member of a valid package with arbitrary JSON: a PackageError, never more."""
    a, b = pair
    doc = json.loads(_signed(a))
    paths: list[tuple[object, ...]] = []

    def walk(node: object, path: tuple[object, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, (*path, i))

    walk(doc, ())
    path = data.draw(st.sampled_from(paths[1:]))
    target: object = doc
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    target[path[-1]] = data.draw(_json)  # type: ignore[index]
    try:
        parse(json.dumps(doc).encode(), b)
    except PackageError as exc:
        assert str(exc)
    else:  # the draw may equal the original value; then the package is still valid
        assert doc == json.loads(_signed(a))
