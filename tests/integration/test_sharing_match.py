"""Matching beyond phones: PDQ image hashes by Hamming distance, text templates, clusters,
expiry and false positives; matches land in the review queue with provenance."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image
from sqlalchemy import select

from vigil.ingest.service import ingest_files
from vigil.linking.images import hamming, pdq_hex
from vigil.pipeline.stages import run_pipeline
from vigil.settings import get_settings
from vigil.sharing.blind import token
from vigil.sharing.keys import KeyStore
from vigil.sharing.local import (
    cluster_members,
    cluster_values,
    lake_pdqs,
    lake_values,
    template_hash,
)
from vigil.sharing.model import Opinion, SharedSignal, SignalCategory, SignalType
from vigil.sharing.package import SignalPackage, sign
from vigil.sharing.service import import_package, match
from vigil.store import make_engine, session_factory, upgrade
from vigil.workflow.tables import QueueItem

NOW = datetime(2026, 11, 20, tzinfo=UTC)
TEMPLATE = "New in town {place}, sweet and young, call {phone}"


def _picture(path: Path, seed: int, brighten: int = 0) -> None:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 200, size=(8, 8, 3), dtype=np.uint8)
    img = np.kron(base, np.ones((32, 32, 1), dtype=np.uint8)).astype(np.int16) + brighten
    Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(path)


def test_pdq_templates_clusters_expiry_and_false_positives(tmp_path: Path) -> None:
    settings = get_settings(home=tmp_path / "home", progress=False, batch_size=100, workers=1)
    (tmp_path / "img").mkdir()
    _picture(tmp_path / "img" / "ad.png", seed=1)
    _picture(tmp_path / "img" / "other.png", seed=2)
    _picture(tmp_path / "partner.png", seed=1, brighten=12)  # the partner's copy, re-encoded
    posts = tmp_path / "posts.jsonl"
    posts.write_text("".join(json.dumps(r) + "\n" for r in [
        {"platform": "x", "source_id": "1", "title": "ad", "body": "call 206-555-0161",
         "images": ["img/ad.png"]},
        {"platform": "x", "source_id": "2", "title": "ad", "body": "call 206-555-0162",
         "images": ["img/other.png"]},
        {"platform": "x", "source_id": "3", "title": "ad", "body": "call 206-555-0163"},
    ]))  # fmt: skip
    ingest_files([posts], settings)
    run_pipeline(settings)
    ids = sorted({v.subject_id for v in lake_values(settings)})
    by_phone = {v.value: v.subject_id for v in lake_values(settings)}

    results = tmp_path / "results"
    results.mkdir()
    tmpl = pa.list_(pa.struct([("template", pa.string())]))
    templates = pa.array([[{"template": TEMPLATE}]], type=tmpl)
    pq.write_table(pa.table({"cluster_id": ["c-1"], "templates": templates}),
                   results / "clusters.parquet")  # fmt: skip
    ad = by_phone["+12065550161"]
    clusters = ["c-1" if i == ad else None for i in ids]
    pq.write_table(pa.table({"post_id": ids, "cluster_id": clusters}),
                   results / "post_clusters.parquet")  # fmt: skip

    mine, partner = KeyStore(settings.home), KeyStore(tmp_path / "partner")
    partner.init_org("org-p")
    gkey = partner.new_group("g")
    partner.export_group("g", tmp_path / "g.key")
    mine.import_group(tmp_path / "g.key")
    mine.trust("org-p", base64.b64encode(partner.public_key()).decode())
    partner_pdq = pdq_hex(tmp_path / "partner.png")
    assert partner_pdq is not None

    def sig(kind: SignalType, value: str, **kw: object) -> SharedSignal:
        fields: dict[str, object] = {"category": SignalCategory.SEXUAL_EXPLOITATION,
                                     "opinion": Opinion.CONFIRMED, "first_seen": NOW,
                                     "last_seen": NOW, "source_org": "org-p", **kw}  # fmt: skip
        return SharedSignal(kind, value, **fields)  # type: ignore[arg-type]

    blind = lambda k, v: token(gkey, k, v)  # noqa: E731
    signals = (
        sig(SignalType.PDQ, partner_pdq[0]),
        sig(SignalType.TEXT_TEMPLATE_HASH,
            blind(SignalType.TEXT_TEMPLATE_HASH, template_hash(TEMPLATE.upper() + "  "))),
        sig(SignalType.PHONE, blind(SignalType.PHONE, "+12065550162"),
            opinion=Opinion.FALSE_POSITIVE),
        sig(SignalType.PHONE, blind(SignalType.PHONE, "+12065550163"),
            expires_at=NOW - timedelta(days=1)),
    )  # fmt: skip
    package = SignalPackage("signals", SignalPackage.new_id(), "g", gkey.id, "org-p", NOW, signals)

    upgrade(settings.workbench_url)
    sessions = session_factory(make_engine(settings.workbench_url))
    with sessions.begin() as s:
        assert import_package(s, mine, sign(package, partner), actor="ana").new == 4
        local = [*lake_values(settings), *cluster_values(results),
                 *lake_pdqs(settings, tmp_path)]  # fmt: skip
        found = match(s, mine, local, actor="ana", clusters=cluster_members(results), now=NOW)
    got = {(m["subject_type"], m["subject_id"], m["signal_type"]) for m in found.subjects}
    assert got == {
        ("post", ad, "pdq"),
        ("cluster", "c-1", "pdq"),  # the post's cluster, via the post
        ("cluster", "c-1", "text_template_hash"),
    }
    pdq_hit = next(
        m for m in found.subjects if m["signal_type"] == "pdq" and m["subject_type"] == "post"
    )
    own = pdq_hex(tmp_path / "img" / "ad.png")
    assert own is not None
    assert pdq_hit["match"]["distance"] == hamming(own[0], partner_pdq[0]) <= 31
    with sessions() as s:
        queued = s.scalars(select(QueueItem).where(QueueItem.source == "signal")).all()
        assert len(queued) == 3
        assert all(q.reason["signal"]["source_org"] == "org-p" for q in queued)


@pytest.mark.parametrize("brighten", [0, 40])
def test_pdq_of_a_re_encoded_picture_stays_close(tmp_path: Path, brighten: int) -> None:
    _picture(tmp_path / "a.png", 3)
    _picture(tmp_path / "b.png", 3, brighten)
    a, b = pdq_hex(tmp_path / "a.png"), pdq_hex(tmp_path / "b.png")
    assert a is not None and b is not None and a[1] >= 50
    assert hamming(a[0], b[0]) <= 31
