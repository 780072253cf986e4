"""``vigil synth``: a synthetic, fully fictional corpus of ads with ground truth.

Library entry points:

* :func:`generate` writes ``posts.jsonl`` + ``truth.jsonl`` and returns a
  :class:`SynthSummary`.
* :func:`iter_records` yields :class:`Record` objects (``post`` and ``truth``
  dicts) without touching the disk, for tests and pipelines.

See ``docs/synth.md`` for what is planted and how truth is written.
"""

from vigil.synth.generator import Record, SynthRun, iter_records
from vigil.synth.obfuscate import PHONE_STYLES
from vigil.synth.shares import CLASS_SHARES, DEFAULT_START_DATE, HTML_SHARE, SPANISH_SHARE
from vigil.synth.writer import POSTS_FILE, TRUTH_FILE, SynthSummary, generate

__all__ = [
    "CLASS_SHARES",
    "DEFAULT_START_DATE",
    "HTML_SHARE",
    "PHONE_STYLES",
    "POSTS_FILE",
    "SPANISH_SHARE",
    "TRUTH_FILE",
    "Record",
    "SynthRun",
    "SynthSummary",
    "generate",
    "iter_records",
]
