"""Reading labelled posts for training and evaluation.

A labels file is JSONL, one object per post, with ``post_id`` and either ``label``
(true/false, 1/0, "concern"/"no_concern") or ``class`` (a vigil post class; the
classes trafficking, deceptive_recruitment, grooming and demand are "of concern").
``vigil synth``'s truth.jsonl is a valid labels file; so is a reviewer export.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.ingest.readers import read_records
from vigil.model import PostClass

__all__ = ["Labels", "read_labels"]

_TRUE = {True, "1", "true", "yes", "concern"}
_FALSE = {False, "0", "false", "no", "no_concern"}


@dataclass
class Labels:
    """``label[post_id]`` is True for posts of concern; ``classes`` when given."""

    label: dict[str, bool] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def _label_of(row: dict[str, Any]) -> tuple[bool, str | None]:
    if "label" in row:
        value = row["label"]
        key = value.lower() if isinstance(value, str) else value
        if key in _TRUE:
            return True, row.get("class")
        if key in _FALSE:
            return False, row.get("class")
        raise ValueError(f"label {value!r} is not one of true/false/1/0/concern/no_concern")
    if "class" in row:
        try:
            cls = PostClass(row["class"])
        except ValueError:
            raise ValueError(f"unknown class {row['class']!r}") from None
        return cls.is_concern, cls.value
    raise ValueError("neither 'label' nor 'class' given")


def read_labels(path: Path) -> Labels:
    """Read a labels file; bad lines are collected in ``rejected``, never fatal."""
    labels = Labels()
    for record in read_records(path, "jsonl"):
        try:
            if record.error is not None:
                raise ValueError(record.error)
            row = record.row
            if not isinstance(row, dict) or not isinstance(row.get("post_id"), str):
                raise ValueError("expected an object with a text post_id")
            value, cls = _label_of(row)
        except ValueError as exc:
            labels.rejected.append((record.line, str(exc)))
            continue
        labels.label[row["post_id"]] = value
        if cls:
            labels.classes[row["post_id"]] = cls
    return labels
