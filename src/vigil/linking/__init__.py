"""Network linking: posts joined into clusters by shared identifiers, near-duplicate
text (MinHash LSH with templates) and shared images, in portable SQL.

See ``docs/linking.md`` for the method and every parameter.
"""

from vigil.linking.params import LINK_KINDS, LinkParams
from vigil.linking.result import LinkResult
from vigil.linking.run import link

__all__ = ["LINK_KINDS", "LinkParams", "LinkResult", "link"]
