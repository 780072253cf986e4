"""How much of the corpus each class, language and kind of noise gets."""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Final

from vigil.model import PostClass

__all__ = ["CLASS_SHARES", "DEFAULT_START_DATE", "HTML_SHARE", "SPANISH_SHARE"]

#: Expected share of each class (sums to 1). Draws are independent per post, so a
#: corpus of N posts holds ``N * share`` +- a few ``sqrt(N * share)`` of each.
CLASS_SHARES: Final = MappingProxyType(
    {
        PostClass.TRAFFICKING: 0.10,
        PostClass.INDEPENDENT_ADULT: 0.15,
        PostClass.BENIGN_JOB: 0.12,
        PostClass.BENIGN_RENTAL: 0.10,
        PostClass.MASSAGE_SPA: 0.08,
        PostClass.DATING: 0.10,
        PostClass.LEGIT_RECRUITMENT: 0.10,
        PostClass.DECEPTIVE_RECRUITMENT: 0.08,
        PostClass.GROOMING: 0.07,
        PostClass.DEMAND: 0.10,
    }
)

#: Share of non-network posts written in Spanish (networks draw their language
#: once: 15% of networks are Spanish-speaking).
SPANISH_SHARE: Final = 0.15

#: Share of posts whose body carries HTML entities and ``<br>`` tags.
HTML_SHARE: Final = 0.05

#: First day of the 26-week window posts are spread over (a Monday).
DEFAULT_START_DATE: Final = date(2026, 1, 5)
