"""Evidence vault and verifiable RFC 6962 transparency log.

Other domains put their own event hashes into the log with
:func:`vigil.evidence.log.append_entries`.
"""

from vigil.evidence.log import append_entries
from vigil.evidence.merkle import ProofError

__all__ = ["ProofError", "append_entries"]
