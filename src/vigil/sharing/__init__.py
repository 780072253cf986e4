"""Privacy-preserving signal exchange between organisations (see docs/sharing.md)."""

from vigil.sharing.model import (
    Feedback,
    FeedbackKind,
    Opinion,
    SharedSignal,
    Signal,
    SignalCategory,
    SignalType,
)

__all__ = [
    "Feedback",
    "FeedbackKind",
    "Opinion",
    "SharedSignal",
    "Signal",
    "SignalCategory",
    "SignalType",
]
