"""The generated corpus: deterministic, consistent truth, realistic structure."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vigil.model import PostClass, post_id
from vigil.synth import CLASS_SHARES, PHONE_STYLES, Record, SynthRun, generate, iter_records
from vigil.synth.areacodes import NANP_AREA_CODES
from vigil.synth.crypto import eth_checksum
from vigil.synth.decode import decode_digits

VOCAB = (Path(__file__).resolve().parents[2] / "docs" / "vocabulary.md").read_text()
N = 5000


def _section(title: str) -> str:
    return VOCAB.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


INDICATORS = set(re.findall(r"`([a-z_]+)`", _section("Indicator ids")))
HANDLE_PLATFORMS = set(
    re.findall(r"`([a-z]+)`", VOCAB.split("Handle platforms:", 1)[1].split("Payment", 1)[0])
)
PAYMENT_SERVICES = {"cashapp", "venmo", "paypal", "zelle"}
assert "third_person" in INDICATORS and {"instagram", "line"} <= HANDLE_PLATFORMS

_FICTIONAL_NANP = re.compile(r"\+1(\d{3})5550(1\d\d)")
_FICTIONAL_AU = re.compile(r"\+61491570\d{3}")
_EMAIL = re.compile(r"[a-z0-9._%+-]+@([a-z0-9-]+\.)*example\.(com|org|net)")


@pytest.fixture(scope="module")
def corpus() -> list[Record]:
    return list(iter_records(N, seed=11))


def _phones(record: Record) -> set[str]:
    return {i["value"] for i in record.truth["identifiers"] if i["kind"] == "phone"}


def _check_record(record: Record) -> None:
    post, truth = record.post, record.truth
    assert truth["post_id"] == post_id(post["platform"], post["source_id"], "")
    assert truth["source_id"] == post["source_id"] and truth["platform"] == post["platform"]
    assert post["url"].endswith("/" + post["source_id"]) and post["url"].startswith("https://")
    assert truth["language"] == post["language"] in {"en", "es"}
    assert PostClass(truth["class"])
    assert set(truth["indicators"]) <= INDICATORS, truth["indicators"]
    assert (truth["network_id"] is not None) == (truth["class"] == "trafficking")
    assert re.fullmatch(r"2026-\d\d-\d\dT\d\d:\d\d:00Z", post["posted_at"])
    assert post["meta"]["category"] in {
        "adult",
        "jobs",
        "housing",
        "massage",
        "dating",
        "personals",
    }
    for ident in truth["identifiers"]:
        assert ident["raw"] in post[ident["field"]], ident
        kind, value = ident["kind"], ident["value"]
        if kind == "phone":
            assert phonenumbers.is_valid_number(phonenumbers.parse(value)), value
            nanp = _FICTIONAL_NANP.fullmatch(value)
            assert (nanp and nanp.group(1) in NANP_AREA_CODES) or _FICTIONAL_AU.fullmatch(value)
            assert ident["style"] in PHONE_STYLES
            national = "0" + value[3:] if value.startswith("+61") else value[2:]
            assert decode_digits(ident["raw"]) in {national, value[1:]}, ident
        elif kind == "email":
            assert _EMAIL.fullmatch(value), value
        elif kind == "handle":
            platform, _, name = value.partition(":")
            assert platform in HANDLE_PLATFORMS and name == name.lower() and "@" not in name
        elif kind == "payment":
            service, _, name = value.partition(":")
            assert service in PAYMENT_SERVICES and name and "$" not in name
            if service in {"zelle", "paypal"} and "@" in name:
                assert _EMAIL.fullmatch(name)
        elif kind == "crypto":
            coin, _, address = value.partition(":")
            assert address == ident["raw"] if coin == "btc" else address == ident["raw"].lower()
            if coin == "eth":
                assert eth_checksum(address[2:]) == ident["raw"]
        elif kind == "age":
            assert value.isdigit() and 18 <= int(value) <= 70 and value in ident["raw"]
        else:
            assert kind == "url" and value.startswith("https://")


def _leftover(record: Record, field: str) -> str:
    """The field's text with every planted raw cut out."""
    text = record.post[field]
    for ident in sorted(record.truth["identifiers"], key=lambda i: -len(i["raw"])):
        if ident["field"] == field:
            text = text.replace(ident["raw"], " ")
    return text


def test_truth_is_consistent(corpus: list[Record]) -> None:
    assert len(corpus) == N
    assert len({r.truth["post_id"] for r in corpus}) == N
    for record in corpus:
        _check_record(record)


def test_truth_is_complete_for_contact_kinds(corpus: list[Record]) -> None:
    """Nothing that looks like a contact or an age is left outside the listed raws."""
    stray = re.compile(
        r"@|example\.(com|org|net)|\$[A-Za-z]|\b555\b|"
        r"\b\d\d ?(yrs|yo|y/o|years old|años)\b|\bage \d|\bedad \d",
    )
    for record in corpus:
        for field in ("title", "body"):
            left = _leftover(record, field)
            assert not stray.search(left), (left, record.truth["identifiers"])


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a = generate(400, 5, tmp_path / "a")
    b = generate(400, 5, tmp_path / "b")
    c = generate(400, 6, tmp_path / "c")
    for name in ("posts_path", "truth_path"):
        assert getattr(a, name).read_bytes() == getattr(b, name).read_bytes()
        assert getattr(a, name).read_bytes() != getattr(c, name).read_bytes()
    lines = a.posts_path.read_bytes().splitlines()
    assert len(lines) == len(a.truth_path.read_bytes().splitlines()) == 400
    assert a.classes == b.classes and sum(a.classes.values()) == 400


def test_class_shares_within_tolerance(corpus: list[Record]) -> None:
    counts = Counter(r.truth["class"] for r in corpus)
    assert abs(sum(CLASS_SHARES.values()) - 1.0) < 1e-9
    for cls, share in CLASS_SHARES.items():
        assert abs(counts[cls.value] / N - share) < 0.02, (cls, counts[cls.value])


def test_spanish_share_and_markets(corpus: list[Record]) -> None:
    others = [r for r in corpus if r.truth["class"] != "trafficking"]
    spanish = [r for r in others if r.truth["language"] == "es"]
    assert abs(len(spanish) / len(others) - 0.15) < 0.03
    countries = Counter(r.post["location"].rsplit(", ", 1)[1] for r in spanish)
    assert {"ES", "MX", "AR"} <= set(countries)
    assert any(len(code) == 2 and code not in {"ES", "MX", "AR", "AU"} for code in countries)


def test_all_phone_styles_and_noise_appear(corpus: list[Record]) -> None:
    styles = Counter(
        i["style"] for r in corpus for i in r.truth["identifiers"] if i["kind"] == "phone"
    )
    assert set(styles) == set(PHONE_STYLES)
    kinds = Counter(i["kind"] for r in corpus for i in r.truth["identifiers"])
    assert {"phone", "email", "handle", "payment", "crypto", "age", "url"} <= set(kinds)
    bodies = [r.post["body"] for r in corpus]
    assert 0.02 < sum("<br>" in b or "&amp;" in b or "&#39;" in b for b in bodies) / N < 0.1
    benign = [r for r in corpus if r.truth["class"] in {"benign_job", "benign_rental"}]
    assert all(re.search(r"\d[\d,.:/]*\d", r.post["body"]) for r in benign)  # false friends
    plain_share = styles["plain"] / sum(styles.values())
    assert 0.4 < plain_share < 0.9


def test_networks_share_contacts_and_images_and_move(corpus: list[Record]) -> None:
    by_net: dict[str, list[Record]] = defaultdict(list)
    for r in corpus:
        if r.truth["network_id"]:
            by_net[r.truth["network_id"]].append(r)
    assert len(by_net) >= 3
    owner_of: dict[str, str] = {}
    for net, posts in by_net.items():
        for r in posts:
            for phone in _phones(r):
                assert owner_of.setdefault(phone, net) == net  # no phone across networks
        if len(posts) < 10:
            continue
        phones = Counter(p for r in posts for p in _phones(r))
        assert phones.most_common(1)[0][1] >= len(posts) / 4
        images = Counter(img for r in posts for img in r.post["images"])
        assert images.most_common(1)[0][1] >= 2
        assert any("third_person" in r.truth["indicators"] for r in posts)
        cities = {r.post["location"] for r in posts}
        assert len(cities) >= 2, net
        where: dict[str, set[str]] = defaultdict(set)
        for r in posts:
            where[r.post["posted_at"][:10]].add(r.post["location"])
        assert all(len(locs) == 1 for locs in where.values())  # one city per day
    for r in corpus:
        if not r.truth["network_id"]:
            assert not (_phones(r) & owner_of.keys())


def test_independents_never_share_phones_across_authors(corpus: list[Record]) -> None:
    authors: dict[str, set[str]] = defaultdict(set)
    cities: dict[str, set[str]] = defaultdict(set)
    for r in corpus:
        if r.truth["class"] == "independent_adult":
            assert r.post["author"]
            assert not {"third_person", "youth_terms", "youth_emoji"} & set(r.truth["indicators"])
            for phone in _phones(r):
                authors[phone].add(r.post["author"])
                cities[phone].add(r.post["location"])
    assert len(authors) > 30
    assert all(len(a) == 1 for a in authors.values())
    assert all(len(c) == 1 for c in cities.values())
    assert any(sum(phone in _phones(r) for r in corpus) > 1 for phone in list(authors)[:30]), (
        "independents should reuse their own number across a few ads"
    )


def test_concern_classes_carry_their_indicators(corpus: list[Record]) -> None:
    expected = {
        "deceptive_recruitment": {"recruitment_fee", "passport_held", "unrealistic_pay"},
        "grooming": {"romance_promise", "isolation", "gift_offers", "move_invitation"},
        "demand": {"seek_young", "seek_new"},
        "trafficking": {"youth_emoji", "age_claim_young", "third_party_contact", "movement"},
    }
    for cls, ids in expected.items():
        seen = {i for r in corpus if r.truth["class"] == cls for i in r.truth["indicators"]}
        assert ids <= seen, (cls, ids - seen)
    demand = [r for r in corpus if r.truth["class"] == "demand"]
    assert all({"seek_young", "seek_new"} & set(r.truth["indicators"]) for r in demand)


def test_run_exposes_its_network_plan() -> None:
    run = SynthRun(20000, seed=3)
    sizes = len(run.plan.networks)
    assert 10 <= sizes <= 40
    for net in run.plan.networks:
        assert 2 <= len(net.victims) <= 6 and 1 <= len(net.phones) <= 4
        assert len(net.route) >= 2
        for a, b in zip(net.route, net.route[1:], strict=False):
            assert a.end == b.start and a.city != b.city and 3 <= a.end - a.start <= 14


def test_negative_post_count_is_rejected() -> None:
    with pytest.raises(ValueError, match="n_posts"):
        SynthRun(-1, seed=0)


@settings(max_examples=15, deadline=None)
@given(st.integers(min_value=0, max_value=2**63))
def test_any_seed_gives_valid_truth(seed: int) -> None:
    for record in iter_records(60, seed):
        _check_record(record)
