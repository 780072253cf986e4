"""What a decision or case item is about: ``kind:id`` (``post:p123``, ``cluster:c9f...``)."""

from __future__ import annotations

from typing import NamedTuple

from vigil.workflow.errors import InvalidInput

__all__ = ["SUBJECT_KINDS", "Subject"]

SUBJECT_KINDS = ("post", "cluster", "tip", "case")


class Subject(NamedTuple):
    kind: str
    id: str

    @classmethod
    def parse(cls, value: Subject | str) -> Subject:
        if isinstance(value, Subject):
            return value
        kind, sep, ident = str(value).partition(":")
        if not sep or kind not in SUBJECT_KINDS or not ident.strip():
            raise InvalidInput(
                f"{value!r} is not a subject: write kind:id with kind one of "
                f"{', '.join(SUBJECT_KINDS)}",
                "subject",
            )
        return cls(kind, ident.strip())

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
