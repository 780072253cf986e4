"""Migration 0006 (sharing and referrals) applies, downgrades alone and re-applies."""

from __future__ import annotations

import sqlalchemy as sa

from vigil.store import make_engine, upgrade
from vigil.store.db import downgrade

OURS = {"share_signals", "share_packages", "share_received", "share_matches",
        "share_review_items", "share_feedback", "referrals", "referral_holds"}  # fmt: skip


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migration_up_down_up(workbench_url: str) -> None:
    upgrade(workbench_url)
    tables = _tables(workbench_url)
    assert tables >= OURS | {"audit_events"}
    downgrade(workbench_url, "0006@-1")  # only this branch
    after = _tables(workbench_url)
    assert not after & OURS
    assert after >= tables - OURS  # the other domains' tables stay
    upgrade(workbench_url)
    assert _tables(workbench_url) == tables
