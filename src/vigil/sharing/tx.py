"""Interoperability with python-threatexchange (pytx), the library under Meta's HMA.

* PDQ signals are validated and compared with pytx's ``PdqSignal`` (Hamming distance, match
  at a distance of at most ``PDQ_CONFIDENT_MATCH_THRESHOLD`` = 31 bits, HMA's default;
  research/trust-and-safety.md §1.2).
* Opinions map onto pytx's ``SignalOpinionCategory`` (confirmed = POSITIVE_CLASS,
  investigation seed = INVESTIGATION_SEED, false positive = NEGATIVE_CLASS).
* :func:`write_hma_file` writes PDQ signals in the line format of pytx's ``local_file``
  exchange (``LocalFileSignalExchangeAPI``: ``<signal type> <signal>`` per line), which an
  HMA curator can load as an exchange. Identifier signals are HMAC tokens under a group key
  that HMA cannot compute for its own content, so they are not exported to HMA.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

from threatexchange.exchanges.fetch_state import SignalOpinion, SignalOpinionCategory
from threatexchange.signal_type.pdq.pdq_index2 import PDQIndex2
from threatexchange.signal_type.pdq.pdq_utils import PDQ_CONFIDENT_MATCH_THRESHOLD
from threatexchange.signal_type.pdq.signal import PdqSignal

from vigil.sharing.model import Opinion, SharedSignal, SignalType

__all__ = [
    "PDQ_THRESHOLD",
    "PdqMatcher",
    "opinion_of",
    "pdq_match",
    "to_pytx_opinion",
    "valid_pdq",
    "write_hma_file",
]

PDQ_THRESHOLD: int = PDQ_CONFIDENT_MATCH_THRESHOLD

_CATEGORY = {
    Opinion.CONFIRMED: SignalOpinionCategory.POSITIVE_CLASS,
    Opinion.INVESTIGATION_SEED: SignalOpinionCategory.INVESTIGATION_SEED,
    Opinion.FALSE_POSITIVE: SignalOpinionCategory.NEGATIVE_CLASS,
}


def to_pytx_opinion(
    opinion: Opinion, tags: Iterable[str] = (), *, mine: bool = False
) -> SignalOpinion:
    return SignalOpinion(mine, _CATEGORY[opinion], set(tags))


def opinion_of(category: SignalOpinionCategory) -> Opinion:
    return next(o for o, c in _CATEGORY.items() if c == category)


def valid_pdq(value: str) -> bool:
    try:
        PdqSignal.validate_signal_str(value)
    except ValueError:
        return False
    return True


def pdq_match(a: str, b: str, threshold: int = PDQ_THRESHOLD) -> int | None:
    """The Hamming distance of two PDQ hashes when it is within ``threshold``, else None."""
    result = PdqSignal.compare_hash(a, b, threshold)
    distance = int(getattr(result.distance, "distance", 256))
    return distance if result.match else None


T = TypeVar("T")


class PdqMatcher(Generic[T]):
    """Received PDQ hashes in pytx's FAISS index (``PDQIndex2``): exact Hamming search.

    Building the index once and querying each local hash replaces comparing every pair
    (``pdq_match``), which is about a thousand times slower on thousands of hashes.
    """

    def __init__(self, entries: Sequence[tuple[str, T]], threshold: int = PDQ_THRESHOLD) -> None:
        self._index: PDQIndex2[T] = PDQIndex2(entries=entries, threshold=threshold)

    def __len__(self) -> int:
        return len(self._index)

    def query(self, pdq: str) -> list[tuple[T, int]]:
        """Every entry within the threshold of ``pdq``, with its distance."""
        if not len(self._index):
            return []
        return [(m.metadata, int(m.similarity_info.distance)) for m in self._index.query(pdq)]


def write_hma_file(signals: Iterable[SharedSignal], out: Path) -> int:
    """Write PDQ signals (not false positives) for HMA's ``local_file`` exchange; return count."""
    lines = sorted(
        {
            f"{PdqSignal.get_name()} {s.value}"
            for s in signals
            if s.type is SignalType.PDQ and s.opinion is not Opinion.FALSE_POSITIVE
        }
    )
    out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return len(lines)
