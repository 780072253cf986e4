"""workflow: review queue, decisions, watches, tips, cases, victims

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def upgrade() -> None:
    op.create_table(
        "wf_queue_items",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False),
        sa.Column("queue", sa.String(40), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_at", TS, nullable=True),
        sa.Column("claim_expires_at", TS, nullable=True),
        sa.Column("assigned_to", sa.String(200), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("decided_at", TS, nullable=True),
        _pk("wf_queue_items"),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_wf_queue_items_dedupe_key")),
    )
    for col in ("subject_id", "queue", "status"):
        op.create_index(op.f(f"ix_wf_queue_items_{col}"), "wf_queue_items", [col])

    op.create_table(
        "wf_decisions",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("item_id", sa.String(40), nullable=True),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(100), nullable=False),
        sa.Column("reviewer", sa.String(200), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("reason_id", sa.String(60), nullable=False),
        sa.Column("statement_category", sa.String(80), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("case_id", sa.String(40), nullable=True),
        sa.Column("qa_of", sa.String(40), nullable=True),
        _pk("wf_decisions"),
    )
    for col in ("item_id", "subject_id", "qa_of"):
        op.create_index(op.f(f"ix_wf_decisions_{col}"), "wf_decisions", [col])

    op.create_table(
        "wf_feed_runs",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("results_dir", sa.Text(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        _pk("wf_feed_runs"),
    )

    op.create_table(
        "wf_watches",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("removed_at", TS, nullable=True),
        _pk("wf_watches"),
    )
    op.create_index(op.f("ix_wf_watches_owner"), "wf_watches", ["owner"])

    op.create_table(
        "wf_alerts",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("watch_id", sa.String(40), nullable=False),
        sa.Column("post_id", sa.String(100), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("seen_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["wf_watches.id"],
            name=op.f("fk_wf_alerts_watch_id_wf_watches"),
            ondelete="CASCADE",
        ),
        _pk("wf_alerts"),
        sa.UniqueConstraint("watch_id", "post_id", name=op.f("uq_wf_alerts_watch_id")),
    )

    op.create_table(
        "wf_tips",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_activity_at", TS, nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("immediate_danger", sa.String(8), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("risk", sa.Float(), nullable=False),
        sa.Column("band", sa.String(10), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("identifiers", sa.JSON(), nullable=False),
        sa.Column("linked_posts", sa.JSON(), nullable=False),
        sa.Column("linked_clusters", sa.JSON(), nullable=False),
        sa.Column("receipt_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        _pk("wf_tips"),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_wf_tips_receipt_hash")),
    )

    op.create_table(
        "wf_tip_messages",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("tip_id", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("direction", sa.String(10), nullable=False),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tip_id"],
            ["wf_tips.id"],
            name=op.f("fk_wf_tip_messages_tip_id_wf_tips"),
            ondelete="CASCADE",
        ),
        _pk("wf_tip_messages"),
    )
    op.create_index(op.f("ix_wf_tip_messages_tip_id"), "wf_tip_messages", ["tip_id"])

    op.create_table(
        "wf_cases",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("team", sa.String(100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("legal_hold_reason", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_at", TS, nullable=True),
        _pk("wf_cases"),
    )
    op.create_index(op.f("ix_wf_cases_team"), "wf_cases", ["team"])

    def case_child(table: str, *columns: sa.schema.SchemaItem) -> None:
        op.create_table(
            table,
            sa.Column("id", sa.String(40), nullable=False),
            sa.Column("case_id", sa.String(40), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                ["case_id"],
                ["wf_cases.id"],
                name=op.f(f"fk_{table}_case_id_wf_cases"),
                ondelete="CASCADE",
            ),
            _pk(table),
        )
        op.create_index(op.f(f"ix_{table}_case_id"), table, ["case_id"])

    case_child(
        "wf_case_items",
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(300), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", TS, nullable=False),
        sa.UniqueConstraint("case_id", "kind", "ref", name=op.f("uq_wf_case_items_case_id")),
    )
    case_child(
        "wf_case_tasks",
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("done_at", TS, nullable=True),
    )
    case_child(
        "wf_case_notes",
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )

    op.create_table(
        "wf_victims",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("key_id", sa.String(80), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(64), nullable=True),
        sa.Column("shredded_at", TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["wf_cases.id"], name=op.f("fk_wf_victims_case_id_wf_cases")
        ),
        _pk("wf_victims"),
    )
    op.create_index(op.f("ix_wf_victims_case_id"), "wf_victims", ["case_id"])

    op.create_table(
        "wf_victim_fields",
        sa.Column("victim_id", sa.String(40), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("nonce", sa.LargeBinary(12), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["wf_victims.id"],
            name=op.f("fk_wf_victim_fields_victim_id_wf_victims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("victim_id", "field", name=op.f("pk_wf_victim_fields")),
    )

    op.create_table(
        "wf_referrals",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("victim_id", sa.String(40), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("nonce", sa.LargeBinary(12), nullable=False),
        sa.Column("ciphertext", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["victim_id"],
            ["wf_victims.id"],
            name=op.f("fk_wf_referrals_victim_id_wf_victims"),
            ondelete="CASCADE",
        ),
        _pk("wf_referrals"),
    )
    op.create_index(op.f("ix_wf_referrals_victim_id"), "wf_referrals", ["victim_id"])


def downgrade() -> None:
    for table in (
        "wf_referrals",
        "wf_victim_fields",
        "wf_victims",
        "wf_case_notes",
        "wf_case_tasks",
        "wf_case_items",
        "wf_cases",
        "wf_tip_messages",
        "wf_tips",
        "wf_alerts",
        "wf_watches",
        "wf_feed_runs",
        "wf_decisions",
        "wf_queue_items",
    ):
        op.drop_table(table)
