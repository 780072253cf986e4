"""The read model: query services over scan results, used by the API and the console."""

from vigil.explore.cursor import BadCursor
from vigil.explore.service import BANDS, SORTS, Explorer, PostFilter, post_text

__all__ = ["BANDS", "SORTS", "BadCursor", "Explorer", "PostFilter", "post_text"]
