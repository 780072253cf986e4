"""sharing and referrals

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "share_signals",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("group", sa.String(64), nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("opinion", sa.String(24), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("first_seen", _TZ, nullable=False),
        sa.Column("last_seen", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("ref_type", sa.String(40), nullable=True),
        sa.Column("ref_id", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_signals")),
        sa.UniqueConstraint("group", "type", "value", name="uq_share_signals_gtv"),
    )
    op.create_index(op.f("ix_share_signals_group"), "share_signals", ["group"])
    op.create_table(
        "share_packages",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("group", sa.String(64), nullable=False),
        sa.Column("source_org", sa.String(64), nullable=False),
        sa.Column("recipient_org", sa.String(64), nullable=True),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("processed_at", _TZ, nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_packages")),
    )
    op.create_table(
        "share_received",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group", sa.String(64), nullable=False),
        sa.Column("source_org", sa.String(64), nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("opinion", sa.String(24), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("first_seen", _TZ, nullable=False),
        sa.Column("last_seen", _TZ, nullable=False),
        sa.Column("expires_at", _TZ, nullable=True),
        sa.Column("package_id", sa.String(32), nullable=False),
        sa.Column("received_at", _TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["share_packages.id"],
            name=op.f("fk_share_received_package_id_share_packages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_received")),
        sa.UniqueConstraint("group", "source_org", "type", "value", name="uq_share_received_key"),
    )
    op.create_index(op.f("ix_share_received_group"), "share_received", ["group"])
    op.create_index(op.f("ix_share_received_value"), "share_received", ["value"])
    op.create_table(
        "share_matches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("matched_at", _TZ, nullable=False),
        sa.Column("review_item_id", sa.String(64), nullable=True),
        sa.ForeignKeyConstraint(
            ["received_id"],
            ["share_received.id"],
            name=op.f("fk_share_matches_received_id_share_received"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_matches")),
        sa.UniqueConstraint(
            "received_id", "subject_type", "subject_id", name="uq_share_matches_key"
        ),
    )
    op.create_index(op.f("ix_share_matches_received_id"), "share_matches", ["received_id"])
    op.create_table(
        "share_review_items",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_review_items")),
    )
    op.create_table(
        "share_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("direction", sa.String(4), nullable=False),
        sa.Column("group", sa.String(64), nullable=False),
        sa.Column("org", sa.String(64), nullable=False),
        sa.Column("type", sa.String(24), nullable=False),
        sa.Column("value", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at", _TZ, nullable=False),
        sa.Column("package_id", sa.String(32), nullable=True),
        sa.Column("signal_id", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_feedback")),
        sa.UniqueConstraint(
            "direction", "org", "type", "value", "kind", name="uq_share_feedback_key"
        ),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(200), nullable=False),
        sa.Column("decision_id", sa.String(200), nullable=False),
        sa.Column("created_at", _TZ, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("schema_version", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("preservation_status", sa.String(24), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index(op.f("ix_referrals_case_id"), "referrals", ["case_id"])
    op.create_table(
        "referral_holds",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("referral_id", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("held_at", _TZ, nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_referral_holds_referral_id_referrals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_holds")),
    )
    op.create_index(op.f("ix_referral_holds_referral_id"), "referral_holds", ["referral_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_referral_holds_referral_id"), table_name="referral_holds")
    op.drop_table("referral_holds")
    op.drop_index(op.f("ix_referrals_case_id"), table_name="referrals")
    op.drop_table("referrals")
    op.drop_table("share_feedback")
    op.drop_table("share_review_items")
    op.drop_index(op.f("ix_share_matches_received_id"), table_name="share_matches")
    op.drop_table("share_matches")
    op.drop_index(op.f("ix_share_received_value"), table_name="share_received")
    op.drop_index(op.f("ix_share_received_group"), table_name="share_received")
    op.drop_table("share_received")
    op.drop_table("share_packages")
    op.drop_index(op.f("ix_share_signals_group"), table_name="share_signals")
    op.drop_table("share_signals")
