"""Append-only, hash-chained audit log of sensitive reads and decisions."""

from vigil.audit.log import AuditChainError, AuditEvent, event_hash, record, verify_chain

__all__ = ["AuditChainError", "AuditEvent", "event_hash", "record", "verify_chain"]
