"""Roles and the permission matrix: the one place that says who may do what.

Routes and services ask for a permission, never for a role, so the matrix below is the whole
policy; docs/console.md renders it and a test walks every route for every role against it.
Object-level rules (e.g. victim records readable only by investigators on the case's team)
are checked by the services on top of these permissions.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["MATRIX", "Permission", "Role", "allowed", "permissions_of"]


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    REVIEWER = "reviewer"
    INVESTIGATOR = "investigator"
    AUDITOR = "auditor"


class Permission(StrEnum):
    POSTS_READ = "posts.read"
    POSTS_INGEST = "posts.ingest"
    SCORE = "score"
    CLUSTERS_READ = "clusters.read"
    QUEUE_READ = "queue.read"
    QUEUE_DECIDE = "queue.decide"
    QUEUE_ASSIGN = "queue.assign"
    TIPS_READ = "tips.read"
    WATCH_MANAGE = "watch.manage"
    CASES_READ = "cases.read"
    CASES_WRITE = "cases.write"
    VICTIMS_READ = "victims.read"
    VICTIMS_WRITE = "victims.write"
    VICTIMS_SHRED = "victims.shred"
    EVIDENCE_READ = "evidence.read"
    EVIDENCE_CAPTURE = "evidence.capture"
    EVIDENCE_EXPORT = "evidence.export"
    LEGAL_READ = "legal.read"
    SHARE_EXCHANGE = "share.exchange"
    REFERRALS_MAKE = "referrals.make"
    REPORTS_READ = "reports.read"
    AUDIT_READ = "audit.read"
    ACCOUNTS_MANAGE = "accounts.manage"


P = Permission
_WORK = {P.POSTS_READ, P.SCORE, P.CLUSTERS_READ, P.QUEUE_READ, P.TIPS_READ, P.LEGAL_READ}

MATRIX: dict[Role, frozenset[Permission]] = {
    # Admins run the installation; they do not read cases, victims or evidence by default.
    Role.ADMIN: frozenset(
        {P.POSTS_READ, P.POSTS_INGEST, P.SCORE, P.CLUSTERS_READ, P.QUEUE_READ, P.QUEUE_ASSIGN}
        | {P.REPORTS_READ, P.AUDIT_READ, P.ACCOUNTS_MANAGE, P.SHARE_EXCHANGE}
    ),
    Role.ANALYST: frozenset(
        _WORK
        | {P.POSTS_INGEST, P.WATCH_MANAGE, P.CASES_READ, P.EVIDENCE_CAPTURE}
        | {P.SHARE_EXCHANGE, P.REPORTS_READ}
    ),
    Role.REVIEWER: frozenset(_WORK | {P.QUEUE_DECIDE}),
    Role.INVESTIGATOR: frozenset(
        _WORK
        | {P.QUEUE_DECIDE, P.QUEUE_ASSIGN, P.WATCH_MANAGE, P.CASES_READ, P.CASES_WRITE}
        | {P.VICTIMS_READ, P.VICTIMS_WRITE, P.VICTIMS_SHRED}
        | {P.EVIDENCE_READ, P.EVIDENCE_CAPTURE, P.EVIDENCE_EXPORT, P.REFERRALS_MAKE}
    ),
    # Auditors read the audit trail and reports, nothing about people.
    Role.AUDITOR: frozenset({P.AUDIT_READ, P.REPORTS_READ}),
}


def permissions_of(roles: set[Role] | frozenset[Role]) -> frozenset[Permission]:
    """Every permission granted by any of ``roles``."""
    granted: set[Permission] = set()
    for role in roles:
        granted |= MATRIX[role]
    return frozenset(granted)


def allowed(roles: set[Role] | frozenset[Role], permission: Permission) -> bool:
    return permission in permissions_of(roles)
