"""Errors raised by the workflow services: each says what to do about it."""

from __future__ import annotations

__all__ = [
    "ClaimConflict",
    "ConsentRequired",
    "DecisionRequired",
    "Forbidden",
    "InvalidInput",
    "LegalHold",
    "NotFound",
    "Shredded",
    "WorkflowError",
]


class WorkflowError(ValueError):
    """Base class: a workflow rule refused the operation."""


class NotFound(WorkflowError):
    def __init__(self, kind: str, ident: str) -> None:
        super().__init__(f"{kind} {ident!r} not found")
        self.kind = kind
        self.ident = ident


class Forbidden(WorkflowError):
    """The actor lacks the permission (or the team membership) the operation needs."""


class InvalidInput(WorkflowError):
    """Bad input; ``field`` names where it is when it applies."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field


class ClaimConflict(WorkflowError):
    """Someone else holds the item's claim (or the item is no longer open)."""


class DecisionRequired(WorkflowError):
    """No recorded human decision allows this (referral or sharing of a person's data)."""


class LegalHold(WorkflowError):
    """A legal hold on the case blocks deletion and shredding."""


class Shredded(WorkflowError):
    """The victim record's data key was destroyed: it can never be decrypted again."""


class ConsentRequired(WorkflowError):
    """A referral needs the person's recorded consent."""
