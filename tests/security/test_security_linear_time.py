"""No super-linear time in the parsers: CPU time at 8n over CPU time at n, on adversarial
inputs (issue #13). A linear parser gives ~8, n log n ~9-10, a quadratic one ~64; the
bound is 8 x 2.5 = 20. n is doubled until the smaller input costs >= 20 ms of CPU (and
at least the parser's fixed cost, measured at size 1 and subtracted). Timed with the cyclic
garbage collector paused, as ingest runs (see tests/linear_time.py for why).

Parsers: the JSONL, CSV and Parquet ingest readers with the validation and normalisation
behind them (the path of ``vigil ingest`` without the lake), the bundle verifier, the
signal-package importer, the indicator catalogue and legal YAML loaders, the tip-form
validation, and WARC capture (a hostile server's response, captured and read back).
The helper is shared with the extractor's test (tests/linear_time.py).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from warcio.archiveiterator import ArchiveIterator

from canned_http import CannedServer
from linear_time import growth
from sharing_partners import key_pair
from vigil.evidence.capture import CaptureError, fetch_warc
from vigil.evidence.verify import BundleError, verify_bundle
from vigil.indicators.catalogue import load_catalogue
from vigil.indicators.schema import CatalogueError
from vigil.ingest.normalise import stream_safe
from vigil.ingest.prepare import prepare_records
from vigil.ingest.readers import read_records
from vigil.legal.facts import FactsError, parse_facts_text
from vigil.legal.kb import KBError, default_kb, default_kb_dir, load_kb
from vigil.sharing.keys import KeyStore
from vigil.sharing.package import PackageError, parse
from vigil.workflow.tips.form import TipFormError, parse_tip_form

FACTOR, SLACK = 8, 2.5
BOUND = FACTOR * SLACK

# Two combining marks of different classes (acute 230, grave below 220), alternating: every
# pair is out of canonical order, so a normaliser with an insertion sort does n^2/2 swaps.
MARKS = "\u0301\u0316"


def answering(fn: Callable[[Any], object], *errors: type[Exception]) -> Callable[[Any], object]:
    """``fn`` with its documented ``errors`` returned instead of raised (a refusal is an
    answer too, and is timed like one)."""

    def run(arg: Any) -> object:
        try:
            return fn(arg)
        except errors as exc:
            return exc

    return run


def check(make: Callable[[int], Any], run: Callable[[Any], object], n: int, max_n: int = 0) -> None:
    """``max_n`` keeps 8n within a limit the parser enforces (a post's 1,000,000
    characters), past which it refuses the input in constant time and measures nothing."""
    g = growth(make, run, n=n, factor=FACTOR, slack=SLACK, max_n=max_n or 256 * n, pause_gc=True)
    print(g)
    assert g.ratio <= BOUND, str(g)


# -- ingest: JSONL, CSV, Parquet -----------------------------------------------------------


def _post(body: str, i: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "platform": "social.example",
        "source_id": f"lt-{i}",
        "url": f"https://social.example/p/lt-{i}",
        "posted_at": "2026-06-30T19:47:00Z",
        "body": body,
        **extra,
    }


def _ingest(path: Path, fmt: str) -> int:
    read = 0
    chunks = prepare_records(
        read_records(path, fmt), run_id="lt", source=path.name, default_platform=None
    )
    for chunk in chunks:
        assert chunk.rows.num_rows + len(chunk.rejected) == chunk.read
        read += chunk.read
    return read


def _file(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


def _jsonl(posts: list[dict[str, Any]]) -> bytes:
    return b"\n".join(orjson.dumps(p) for p in posts) + b"\n"


ROWS = 8  # rows per file where one field is the adversarial input: more CPU, same ratio


def _bodies(body: str) -> bytes:
    return _jsonl([_post(body, i) for i in range(ROWS)])


# (input of size n, starting n, largest n or 0: 8n stays under a post's 1,000,000 characters)
Case = tuple[Callable[[int], Any], int, int]

JSONL: dict[str, Case] = {
    # many tiny rows: valid posts, blank lines, bad JSON lines
    "many_tiny_rows": (
        lambda n: b"".join(
            orjson.dumps(_post("hi", i)) + b"\n\n{bad\n" if i % 2 else b"[]\n" for i in range(n)
        ),
        2_000,
        0,
    ),
    # one huge post body of backslashes and quotes (JSON escapes)
    "escapes": (lambda n: _bodies('\\"' * n), 50_000, 60_000),
    # a body of combining marks in reverse canonical order (NFKC in normalise_text)
    "combining_marks": (lambda n: _bodies("a" + MARKS * n), 2_000, 60_000),
    # mojibake for ftfy to repair, HTML for the tag stripper, entities to decode
    "mojibake": (lambda n: _bodies("Ã©Ã¨ â€œ " * n), 500, 12_000),
    "html": (lambda n: _bodies("<a <b href='x' " * n + "&lt;i&gt;&amp;" * n), 250, 4_000),
    # one long key, and deep nesting (orjson refuses past its depth limit)
    "long_key": (lambda n: orjson.dumps({"k" * n: 1}) + b"\n", 200_000, 0),
    "deep_nesting": (lambda n: b"\n".join([b"[" * 2000 + b"]" * 2000] * n), 20, 0),
    "blank_space": (lambda n: _bodies(" \t\n\u3000" * n), 20_000, 30_000),
}


@pytest.mark.parametrize("case", list(JSONL))
def test_jsonl_reader_is_linear(case: str, tmp_path: Path) -> None:
    make, n, max_n = JSONL[case]
    check(lambda k: _file(tmp_path, f"{k}.jsonl", make(k)), lambda p: _ingest(p, "jsonl"), n, max_n)


def _csv_rows(n: int) -> bytes:
    return b"platform,source_id,posted_at,body\n" + b"".join(
        f"social.example,c{i},2026-06-30T19:47:00Z,hi\n".encode() if i % 2 else b",,,\n"
        for i in range(n)
    )


CSV: dict[str, Case] = {
    "many_tiny_rows": (_csv_rows, 2_000, 0),
    # a quoted field of doubled quotes, and an unterminated quote running to the end
    "quotes": (
        lambda n: b"platform,body\n" + (b'social.example,"' + b'""' * n + b'"\n') * ROWS,
        50_000,
        120_000,
    ),
    "unterminated_quote": (
        lambda n: b'platform,body\nsocial.example,"' + b"a\n" * n,
        50_000,
        60_000,
    ),
    # a row of separators (wrong cell count: quarantined with the row written back)
    "separators": (lambda n: b"platform,body\n" + b"," * n + b"\n", 50_000, 0),
    # one huge field of backslashes, and a huge header
    "backslashes": (
        lambda n: b"platform,body\n" + (b"social.example," + b"\\" * n + b"\n") * ROWS,
        100_000,
        120_000,
    ),
    "wide_header": (lambda n: b",".join(b"h%d" % i for i in range(n)) + b"\n" + b"x\n", 10_000, 0),
    "combining_marks": (
        lambda n: (
            b"platform,source_id,posted_at,body\n"
            + (b"social.example,c,2026-06-30T19:47:00Z,a" + (MARKS * n).encode() + b"\n") * ROWS
        ),
        2_000,
        60_000,
    ),
}


@pytest.mark.parametrize("case", list(CSV))
def test_csv_reader_is_linear(case: str, tmp_path: Path) -> None:
    make, n, max_n = CSV[case]
    check(lambda k: _file(tmp_path, f"{k}.csv", make(k)), lambda p: _ingest(p, "csv"), n, max_n)


def _parquet(table: pa.Table) -> bytes:
    out = io.BytesIO()
    pq.write_table(table, out)
    return out.getvalue()


PARQUET: dict[str, Case] = {
    "many_tiny_rows": (
        lambda n: _parquet(
            pa.table(
                {
                    "platform": ["social.example"] * n,
                    "source_id": [f"p{i}" for i in range(n)],
                    "posted_at": ["2026-06-30T19:47:00Z"] * n,
                    "body": ["hi" if i % 2 else "" for i in range(n)],
                }
            )
        ),
        2_000,
        0,
    ),
    "huge_field": (
        lambda n: _parquet(
            pa.table({"platform": ["social.example"] * ROWS, "body": ["a" + MARKS * n] * ROWS})
        ),
        2_000,
        60_000,
    ),
    "many_columns": (
        lambda n: _parquet(pa.table({f"c{i}": [i] for i in range(n)})),
        500,
        0,
    ),
}


@pytest.mark.parametrize("case", list(PARQUET))
def test_parquet_reader_is_linear(case: str, tmp_path: Path) -> None:
    make, n, max_n = PARQUET[case]
    check(
        lambda k: _file(tmp_path, f"{k}.parquet", make(k)),
        lambda p: _ingest(p, "parquet"),
        n,
        max_n,
    )


# -- the bundle verifier ---------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _manifest(items: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {
            "format": "vigil-evidence-bundle/v1",
            "log": {},
            "items": items,
            "contents": {"leaf_index": 0, "proof": "proofs/contents.tlog-proof"},
        }
    ).encode()


def _events(item: str, k: int, proof: Callable[[int], str]) -> list[dict[str, Any]]:
    return [
        {
            "record": {"item": item, "seq": s, "action": "captured" if s == 0 else "viewed"},
            "leaf_index": s,
            "salt": "00",
            "proof": proof(s),
        }
        for s in range(k)
    ]


def _nested(n: int, depth: int) -> bytes:
    return b"[" + b",".join([b"[" * depth + b"]" * depth] * n) + b"]"


def _bundle_shared_file(n: int) -> bytes:
    """n items all naming one file of n * 64 bytes: each check hashes the whole file."""
    items = [
        {"id": f"i{j}", "file": "items/f", "sha256": "0" * 64, "size": 1, "events": []}
        for j in range(n)
    ]
    return _zip({"manifest.json": _manifest(items), "items/f": hashlib.sha256().digest() * 2 * n})


def _bundle_shared_proof(n: int) -> bytes:
    """One item with n custody events all naming one proof of n * 64 bytes."""
    items = [{"id": "i", "file": "items/f", "events": _events("i", n, lambda s: "proofs/p")}]
    proof = "c2sp.org/tlog-proof@v1\nindex 0\n" + "AAAA\n" * (13 * n) + "\nnote\n"
    return _zip({"manifest.json": _manifest(items), "items/f": b"x", "proofs/p": proof.encode()})


def _bundle_many_members(n: int) -> bytes:
    members = {"manifest.json": _manifest([{"id": "i", "file": "items/f", "events": []}])}
    members.update({f"extra/{i}": b"" for i in range(n)})
    return _zip(members)


def _bundle_many_events(n: int) -> bytes:
    items = [{"id": "i", "file": "items/f", "events": _events("i", n, lambda s: f"proofs/{s}")}]
    proof = b"c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\nnote\n"
    members = {"manifest.json": _manifest(items), "items/f": b"x"}
    members.update({f"proofs/{s}": proof for s in range(n)})
    return _zip(members)


BUNDLES: dict[str, tuple[Callable[[int], bytes], int]] = {
    "shared_file": (_bundle_shared_file, 200),
    "shared_proof": (_bundle_shared_proof, 200),
    "many_members": (_bundle_many_members, 1_000),
    "many_events": (_bundle_many_events, 500),
    "long_manifest_string": (
        lambda n: _zip({"manifest.json": b'{"format": "' + b"\\u00e9" * n + b'"}'}),
        100_000,
    ),
    # nesting as deep as the JSON parser allows, n times
    "nested_manifest": (lambda n: _zip({"manifest.json": _nested(n, 900)}), 10),
}


def test_bundle_with_a_manifest_nested_too_deep_gets_a_verdict(tmp_path: Path) -> None:
    path = _file(tmp_path, "deep.zip", _zip({"manifest.json": b"[" * 100_000 + b"]" * 100_000}))
    verdict = verify_bundle(path)  # was a RecursionError traceback
    assert not verdict.ok and "manifest.json: not valid JSON" in verdict.failures[0]


_verify = answering(verify_bundle, BundleError)


@pytest.mark.parametrize("case", list(BUNDLES))
def test_bundle_verifier_is_linear(case: str, tmp_path: Path) -> None:
    make, n = BUNDLES[case]
    check(lambda k: _file(tmp_path, f"{k}.zip", make(k)), _verify, n)


# -- the signal-package importer -------------------------------------------------------------


@pytest.fixture(scope="module")
def receiver(tmp_path_factory: pytest.TempPathFactory) -> KeyStore:
    return key_pair(tmp_path_factory.mktemp("keys"))[1]


def _signal(i: int, tags: list[Any]) -> dict[str, Any]:
    return {
        "type": "phone",
        "value": f"{i:064x}",
        "category": "labour_exploitation",
        "opinion": "investigation_seed",
        "first_seen": "2026-11-01T12:00:00Z",
        "last_seen": "2026-11-01T12:00:00Z",
        "expires_at": None,
        "tags": tags,
    }


def _package(signals: list[dict[str, Any]], **extra: Any) -> bytes:
    doc = {
        "format": "vigil.signal-package",
        "version": 1,
        "kind": "signals",
        "id": "0" * 32,
        "group": "g1",
        "group_key_id": "0" * 16,
        "source_org": "org-a",
        "created_at": "2026-11-01T12:00:00Z",
        "blinding": "hmac-sha256",
        "signals": signals,
        "feedback": [],
        "signature": {
            "alg": "ed25519",
            "key_id": "0" * 16,
            "public_key": "A" * 43 + "=",
            "value": "A" * 86 + "==",
        },
        **extra,
    }
    return orjson.dumps(doc)


PACKAGES: dict[str, tuple[Callable[[int], bytes], int]] = {
    # tags that are objects: jsonschema's uniqueItems compares every pair when it cannot sort
    "unsortable_tags": (lambda n: _package([_signal(0, [{"t": i} for i in range(n)])]), 500),
    "many_signals": (lambda n: _package([_signal(i, ["job-ad"]) for i in range(n)]), 200),
    "long_value": (lambda n: _package([_signal(0, [])], id="a" * n), 200_000),
    "deep_nesting": (lambda n: _nested(n, 900), 10),
}


@pytest.mark.parametrize("case", list(PACKAGES))
def test_signal_package_importer_is_linear(case: str, receiver: KeyStore) -> None:
    make, n = PACKAGES[case]
    check(make, answering(lambda data: parse(data, receiver), PackageError), n)


# -- the YAML loaders --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    built_in = Path(str(resources.files("vigil.indicators") / "catalogue"))
    out = tmp_path_factory.mktemp("catalogue")
    shutil.copy(built_in / "catalogue.yaml", out / "catalogue.yaml")
    return out


CATALOGUE: dict[str, tuple[Callable[[int], str], int]] = {
    "many_bad_rules": (lambda n: "indicators:\n" + "- {id: x, weight: no}\n" * n, 200),
    "long_scalar": (lambda n: "indicators: '" + "''" * n + "'\n", 10_000),
    "many_aliases": (lambda n: "a: &a [x]\nb: [" + "*a, " * n + "]\n", 2_000),
    "nested_flow": (lambda n: "a: [" + ", ".join(["[" * 50 + "]" * 50] * n) + "]\n", 10),
}


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_catalogue_loader_is_linear(case: str, catalogue_dir: Path) -> None:
    make, n = CATALOGUE[case]

    def build(k: int) -> Path:
        (catalogue_dir / "rules.yaml").write_text(make(k), encoding="utf-8")
        return catalogue_dir

    check(build, answering(load_catalogue, CatalogueError), n)


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kb") / "kb"
    shutil.copytree(default_kb_dir(), out)
    return out


def _jurisdiction(terms: list[Any], offences: int = 1) -> str:
    offence = {
        "id": "zz-1",
        "title": "Test offence",
        "citation": "Test Act s.1",
        "sources": ["au-secondary"],
        "confidence": "V",
        "acts": terms,
    }
    doc = {
        "code": "ZZ",
        "name": "Test",
        "checked": "2026-11-24",
        "offences": [dict(offence, id=f"zz-{i}") for i in range(offences)],
    }
    return json.dumps(doc)


KB: dict[str, tuple[Callable[[int], str], int]] = {
    # a list of terms that are objects: the schema's uniqueItems on unsortable items
    "unsortable_terms": (lambda n: _jurisdiction([{"t": i} for i in range(n)]), 500),
    "many_offences": (lambda n: _jurisdiction(["recruit"], n), 100),
    "long_scalar": (lambda n: "code: '" + "''" * n + "'\n", 100_000),
}


@pytest.mark.parametrize("case", list(KB))
def test_legal_kb_loader_is_linear(case: str, kb_dir: Path) -> None:
    make, n = KB[case]
    target = kb_dir / "jurisdictions" / "ZZ.yaml"

    def build(k: int) -> Path:
        target.write_text(make(k), encoding="utf-8")
        return kb_dir

    check(build, answering(load_kb, KBError), n)


FACTS: dict[str, tuple[Callable[[int], str], int]] = {
    "many_observations": (
        lambda n: "jurisdiction: AU\nobservations:\n" + "- {text: seen, acts: [recruit]}\n" * n,
        200,
    ),
    "unsortable_list": (lambda n: "jurisdiction: AU\nacts: [" + "{t: 1}, " * n + "]\n", 1_000),
    "long_scalar": (lambda n: "jurisdiction: '" + "''" * n + "'\n", 100_000),
    "many_aliases": (lambda n: "a: &a [x]\nb: [" + "*a, " * n + "]\n", 20_000),
}


@pytest.mark.parametrize("case", list(FACTS))
def test_case_facts_loader_is_linear(case: str) -> None:
    make, n = FACTS[case]
    kb = default_kb()
    check(
        make,
        answering(lambda text: parse_facts_text(text, name="facts.yaml", kb=kb), FactsError),
        n,
    )


# -- the tip form ------------------------------------------------------------------------------


TIPS: dict[str, tuple[Callable[[int], dict[str, object]], int]] = {
    # every field over its limit is refused, but only after it was cleaned (NFC, controls)
    "combining_marks": (lambda n: {"what": "a" + MARKS * n, "where": "b" + MARKS * n}, 10_000),
    "control_characters": (lambda n: {"what": "\x00\x01 " * n, "handle": "\x7f" * n}, 50_000),
    "long_url": (lambda n: {"what": "a sentence of ten", "url": "a." * n}, 100_000),
    "spaces_in_url": (lambda n: {"what": "a sentence of ten", "url": " " * n + "x"}, 100_000),
    "long_enums": (
        lambda n: {"what": "x" * n, "at_risk": "minor" * n, "country": "A" * n},
        10_000,
    ),
}


@pytest.mark.parametrize("case", list(TIPS))
def test_tip_form_is_linear(case: str) -> None:
    make, n = TIPS[case]
    check(make, answering(parse_tip_form, TipFormError), n)


# -- WARC capture: a hostile server's response, captured, then read back ----------------------


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[CannedServer]:
    server = CannedServer()
    yield server
    server.close()


WARC: dict[str, tuple[Callable[[int], bytes], int]] = {
    # many tiny chunks (h11's chunked framing), and one big body
    "tiny_chunks": (
        lambda n: (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"1\r\na\r\n" * n
            + b"0\r\n\r\n"
        ),
        1_000,
    ),
    "big_body": (
        lambda n: (
            b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (64 * n) + b"\r\n\x00a" * 16 * n
        ),
        20_000,
    ),
}


@pytest.mark.parametrize("case", list(WARC))
def test_warc_capture_is_linear(case: str, hostile_server: CannedServer) -> None:
    url = hostile_server.url("/ad/7")
    make, n = WARC[case]

    def run(data: bytes) -> object:
        hostile_server.response = data
        try:
            warc, _ = fetch_warc(url, operator="lt", timeout=30, max_bytes=1 << 30)
        except CaptureError as exc:
            return exc
        for record in ArchiveIterator(io.BytesIO(warc)):
            record.raw_stream.read()
        return None

    check(make, run, n)


# -- the stream-safe guard in front of Unicode normalisation -----------------------------------


def test_stream_safe_breaks_every_run_of_non_starters() -> None:
    """Every code point that is (or whose NFKD starts with) a non-starter is one that
    ``stream_safe`` counts: 31 of them in a row get a U+034F, so no run that CPython's
    normaliser sorts is longer than 30 (plus a precomposed character's own marks)."""
    missed = []
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Cs":
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        non_starter = unicodedata.combining(ch) or unicodedata.combining(decomposed[:1] or "a")
        if non_starter and "\u034f" not in stream_safe("a" + ch * 31):
            missed.append(f"U+{cp:04X}")
    assert missed == []


def test_stream_safe_keeps_ordinary_text() -> None:
    for text in ("plain", "café Zürich", "e\u0301" * 50, "\u0915\u094d\u0937", "a" + "\u0301" * 30):
        assert stream_safe(text) == text
    long_run = "a" + MARKS * 40
    safe = stream_safe(long_run)
    assert safe.replace("\u034f", "") == long_run and safe.count("\u034f") == 2


def test_stream_safe_with_a_lone_surrogate() -> None:
    # found by the tip_form fuzzer (fuzz/regressions/tip_form/lone-surrogate): RE2 reads
    # UTF-8, which a lone surrogate is not; the Python path gives the same result
    text = "a\ud800" + MARKS * 40 + "b" + "\u0301" * 31
    safe = stream_safe(text)
    assert safe.replace("\u034f", "") == text and safe.count("\u034f") == 3
    assert stream_safe(text.replace("\ud800", "x")) == safe.replace("\ud800", "x")
    with pytest.raises(TipFormError):
        parse_tip_form({"what": "\ud800" * 3})
