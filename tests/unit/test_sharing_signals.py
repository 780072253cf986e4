"""Normalisation, blinding, key files and the threatexchange (pytx/HMA) bridge."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from threatexchange.exchanges.collab_config import CollaborationConfigBase
from threatexchange.exchanges.fetch_state import SignalOpinionCategory
from threatexchange.exchanges.impl.file_api import (
    FileCollaborationConfig,
    LocalFileSignalExchangeAPI,
)
from threatexchange.signal_type.pdq.signal import PdqSignal

from vigil.extract import extract
from vigil.sharing.blind import Blinder, token
from vigil.sharing.keys import GroupKey, KeyError_, KeyStore
from vigil.sharing.model import Opinion, SharedSignal, SignalCategory, SignalType
from vigil.sharing.normalise import SignalValueError, normalise
from vigil.sharing.tx import PDQ_THRESHOLD, opinion_of, pdq_match, to_pytx_opinion, write_hma_file

KEY = GroupKey("g", bytes(range(32)))


@pytest.mark.parametrize(
    "spelling", ["(206) 555-0101", "206.555.0101", "+1 206 555 0101", "+12065550101", "2065550101"]
)
def test_phone_spellings_normalise_to_one_token(spelling: str) -> None:
    assert normalise(SignalType.PHONE, spelling) == "+12065550101"
    assert token(KEY, SignalType.PHONE, normalise(SignalType.PHONE, spelling)) == token(
        KEY, SignalType.PHONE, "+12065550101"
    )


def test_values_normalise_as_the_extractors_write_them() -> None:
    """A signal typed by hand and the same identifier found in a post give one value."""
    text = "call 206 555 0177, mail Anna.B@Example.com, sc: Sweet_Anna, cashapp $AnnaPay"
    found = {(str(i.kind), i.value) for i in extract(text)}
    assert ("phone", normalise(SignalType.PHONE, "+1 (206) 555-0177")) in found
    assert ("email", normalise(SignalType.EMAIL, " ANNA.B@example.COM ")) in found
    assert ("handle", normalise(SignalType.HANDLE, "Snapchat:@Sweet_Anna")) in found
    assert normalise(SignalType.PAYMENT_ID, "CashApp:$AnnaPay") == "cashapp:annapay"
    assert normalise(SignalType.PHONE, "0491 570 156", region="AU") == "+61491570156"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (SignalType.PHONE, "12"),
        (SignalType.PHONE, "not a phone"),
        (SignalType.EMAIL, "no-at-sign.example.com"),
        (SignalType.HANDLE, "justahandle"),
        (SignalType.PDQ, "abc"),
        (SignalType.PDQ, "g" * 64),
        (SignalType.CRYPTO_ADDRESS, "0x123"),
        (SignalType.TEXT_TEMPLATE_HASH, "xyz"),
        (SignalType.URL, "two words"),
        (SignalType.EMAIL, ""),
    ],
)
def test_invalid_values_are_refused_clearly(kind: SignalType, value: str) -> None:
    with pytest.raises(SignalValueError):
        normalise(kind, value)


@given(st.sampled_from(list(SignalType)), st.text(max_size=80))
def test_normalise_is_idempotent_or_refuses(kind: SignalType, value: str) -> None:
    try:
        once = normalise(kind, value)
    except SignalValueError:
        return
    assert normalise(kind, once) == once


def test_tokens_separate_types_and_keys() -> None:
    other = GroupKey("h", bytes(32))
    assert token(KEY, SignalType.HANDLE, "x:anna") != token(KEY, SignalType.EMAIL, "x:anna")
    assert token(KEY, SignalType.PHONE, "+12065550101") != token(
        other, SignalType.PHONE, "+12065550101"
    )
    assert Blinder(KEY)(SignalType.PHONE, "+12065550101") == token(
        KEY, SignalType.PHONE, "+12065550101"
    )
    assert "00010203" not in repr(KEY) and KEY.id in repr(KEY)


def test_key_files_are_private_and_checked(tmp_path: Path) -> None:
    keys = KeyStore(tmp_path)
    keys.init_org("org-a")
    key = keys.new_group("g1")
    path = tmp_path / "sharing" / "groups" / "g1.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "sharing" / "org.key").stat().st_mode) == 0o600
    assert keys.group("g1") == key
    path.chmod(0o644)
    with pytest.raises(KeyError_, match="readable by others"):
        keys.group("g1")
    with pytest.raises(KeyError_, match="group"):
        keys.new_group("../escape")
    with pytest.raises(KeyError_, match="already"):
        keys.init_org("org-b")
    with pytest.raises(KeyError_, match="base64"):
        keys.trust("org-b", "not-a-key")


def test_pdq_matching_uses_pytx_and_the_hma_threshold() -> None:
    base = "f" * 64
    assert PDQ_THRESHOLD == 31
    flipped = format(int(base, 16) ^ ((1 << 31) - 1), "064x")  # 31 bits differ
    further = format(int(base, 16) ^ ((1 << 32) - 1), "064x")  # 32 bits differ
    assert pdq_match(base, flipped) == 31
    assert pdq_match(base, further) is None
    assert pdq_match(base, further, threshold=40) == 32


def test_opinions_map_to_pytx_categories() -> None:
    assert to_pytx_opinion(Opinion.CONFIRMED).category is SignalOpinionCategory.POSITIVE_CLASS
    for o in Opinion:
        assert opinion_of(to_pytx_opinion(o).category) is o


def test_hma_local_file_exchange_reads_our_pdq_export(tmp_path: Path) -> None:
    at = datetime(2026, 11, 1, tzinfo=UTC)
    good, fp = PdqSignal.get_examples()[0], PdqSignal.get_examples()[1]
    signals = [
        SharedSignal(SignalType.PDQ, good, SignalCategory.SEXUAL_EXPLOITATION, Opinion.CONFIRMED,
                     at, at, "org-a"),
        SharedSignal(SignalType.PDQ, fp, SignalCategory.OTHER, Opinion.FALSE_POSITIVE, at, at,
                     "org-a"),
        SharedSignal(SignalType.PHONE, "a" * 64, SignalCategory.OTHER, Opinion.CONFIRMED, at, at,
                     "org-a"),
    ]  # fmt: skip
    out = tmp_path / "hma.txt"
    assert write_hma_file(signals, out) == 1
    api = LocalFileSignalExchangeAPI.for_collab(
        FileCollaborationConfig(
            name="vigil", api=LocalFileSignalExchangeAPI.get_name(), enabled=True, filename=str(out)
        )
    )
    assert isinstance(api.collab, CollaborationConfigBase)
    updates = {}
    for delta in api.fetch_iter([PdqSignal], None):
        updates.update(delta.updates)
    assert set(updates) == {("pdq", good)}


def test_hma_can_fetch_a_signed_vigil_package(tmp_path: Path) -> None:
    import base64
    import json

    from threatexchange.extensions.manifest import ThreatExchangeExtensionManifest

    from vigil.sharing.package import PackageError, SignalPackage, sign
    from vigil.sharing.tx_exchange import (
        VigilPackageCollabConfig,
        VigilPackageSignalExchangeAPI,
    )

    manifest = ThreatExchangeExtensionManifest.load_from_module_name("vigil.sharing.tx_exchange")
    assert manifest.apis == (VigilPackageSignalExchangeAPI,)
    keys = KeyStore(tmp_path / "k")
    keys.init_org("org-a")
    gkey = keys.new_group("g")
    at = datetime(2026, 11, 1, tzinfo=UTC)
    pdq = PdqSignal.get_examples()[0]
    signals = (
        SharedSignal(SignalType.PDQ, pdq, SignalCategory.LABOUR_EXPLOITATION, Opinion.CONFIRMED,
                     at, at, "org-a", ("job-ad",)),
        SharedSignal(SignalType.PHONE, "b" * 64, SignalCategory.OTHER, Opinion.CONFIRMED, at, at,
                     "org-a"),
    )  # fmt: skip
    package = SignalPackage("signals", SignalPackage.new_id(), "g", gkey.id, "org-a", at, signals)
    path = tmp_path / "package.json"
    path.write_bytes(sign(package, keys))
    public = base64.b64encode(keys.public_key()).decode()
    collab = VigilPackageCollabConfig(name="partner", api="vigil_package", filename=str(path),
                                      public_key=public)  # fmt: skip
    api = VigilPackageSignalExchangeAPI.for_collab(collab)
    updates = {}
    for delta in api.fetch_iter([PdqSignal], None):
        updates.update(delta.updates)
    assert list(updates) == [("pdq", pdq)]
    meta = updates["pdq", pdq]
    assert meta is not None
    (opinion,) = meta.get_as_opinions()
    assert opinion.category is SignalOpinionCategory.POSITIVE_CLASS
    assert {"job-ad", "category:labour_exploitation", "source:org-a"} == opinion.tags
    by_type = VigilPackageSignalExchangeAPI.naive_convert_to_signal_type(
        [PdqSignal], collab, updates
    )
    assert list(by_type[PdqSignal]) == [pdq]

    doc = json.loads(path.read_text())
    doc["signals"][0]["opinion"] = "false_positive"
    path.write_text(json.dumps(doc))
    with pytest.raises(PackageError, match="signature"):
        list(api.fetch_iter([PdqSignal], None))


def test_pdq_index_finds_what_pairwise_comparison_finds() -> None:
    import random

    from vigil.sharing.tx import PdqMatcher

    rnd = random.Random(7)
    received = [format(rnd.getrandbits(256), "064x") for _ in range(60)]
    local = [format(int(h, 16) ^ rnd.getrandbits(40), "064x") for h in received[:20]]
    local += [format(rnd.getrandbits(256), "064x") for _ in range(40)]
    index = PdqMatcher([(h, i) for i, h in enumerate(received)], threshold=PDQ_THRESHOLD)
    for q in local:
        expected = sorted(
            (i, d) for i, h in enumerate(received) if (d := pdq_match(h, q)) is not None
        )
        assert sorted(index.query(q)) == expected
    assert sum(1 for q in local[:20] if index.query(q)) >= 10  # near copies are found
    assert PdqMatcher([]).query(received[0]) == []
