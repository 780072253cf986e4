"""Pure domain types of signal exchange: signals in clear (local) and blinded (on the wire).

A :class:`Signal` holds a normalised value and never leaves this installation. What is shared
is a :class:`SharedSignal`: the same metadata with the value replaced by an HMAC-SHA-256 token
under the sharing group's key (identifiers) or by the PDQ hash itself (images).

Opinions follow python-threatexchange's ``SignalOpinionCategory`` (POSITIVE_CLASS,
INVESTIGATION_SEED, NEGATIVE_CLASS), named for people: confirmed, investigation seed,
false positive (research/trust-and-safety.md §1.1, §4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "Feedback",
    "FeedbackKind",
    "Opinion",
    "SharedSignal",
    "Signal",
    "SignalCategory",
    "SignalType",
]


class SignalType(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    HANDLE = "handle"
    URL = "url"
    PAYMENT_ID = "payment_id"
    CRYPTO_ADDRESS = "crypto_address"
    PDQ = "pdq"
    TEXT_TEMPLATE_HASH = "text_template_hash"

    @property
    def blinded(self) -> bool:
        """True when the value travels as an HMAC token (everything but PDQ)."""
        return self is not SignalType.PDQ


class SignalCategory(StrEnum):
    """Form of exploitation a signal is about (vigil's trafficking taxonomy).

    The forms follow the Palermo Protocol's list of exploitation (Art. 3(a)) as grouped by
    UNODC's Global Report on Trafficking in Persons; ``deceptive_recruitment`` and
    ``grooming`` are the recruitment stages vigil's indicator catalogue detects.
    """

    SEXUAL_EXPLOITATION = "sexual_exploitation"
    CHILD_SEXUAL_EXPLOITATION = "child_sexual_exploitation"
    LABOUR_EXPLOITATION = "labour_exploitation"
    DOMESTIC_SERVITUDE = "domestic_servitude"
    FORCED_CRIMINALITY = "forced_criminality"
    FORCED_MARRIAGE = "forced_marriage"
    ORGAN_REMOVAL = "organ_removal"
    DECEPTIVE_RECRUITMENT = "deceptive_recruitment"
    GROOMING = "grooming"
    OTHER = "other"


class Opinion(StrEnum):
    CONFIRMED = "confirmed"
    INVESTIGATION_SEED = "investigation_seed"
    FALSE_POSITIVE = "false_positive"


class FeedbackKind(StrEnum):
    """What a recipient tells the source about one of its signals."""

    SEEN = "seen"
    TRUE_POSITIVE = "true_positive"
    FALSE_POSITIVE = "false_positive"


@dataclass(frozen=True, slots=True)
class Signal:
    """A signal as held locally: ``value`` is normalised and in clear."""

    type: SignalType
    value: str
    category: SignalCategory
    opinion: Opinion
    first_seen: datetime
    last_seen: datetime
    source_org: str
    tags: tuple[str, ...] = ()
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SharedSignal:
    """A signal as exchanged: ``value`` is an HMAC token (hex) or, for PDQ, the hash (hex)."""

    type: SignalType
    value: str
    category: SignalCategory
    opinion: Opinion
    first_seen: datetime
    last_seen: datetime
    source_org: str
    tags: tuple[str, ...] = ()
    expires_at: datetime | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of a signal across packages: (source org, type, value)."""
        return (self.source_org, str(self.type), self.value)


@dataclass(frozen=True, slots=True)
class Feedback:
    """One reaction to a received signal, addressed to the signal's source."""

    type: SignalType
    value: str
    kind: FeedbackKind
    source_org: str
    at: datetime
    tags: tuple[str, ...] = field(default=())
