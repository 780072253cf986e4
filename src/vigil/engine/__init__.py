"""SQL engines that run vigil's portable linking SQL (DuckDB now, Spark later).

The pattern is Splink's: algorithms are written once as engine-agnostic SQL strings
and executed through :class:`EngineAPI`; each engine only knows how to run SQL,
register Arrow tables and hand results back as Arrow.
"""

from vigil.engine.base import EngineAPI, check_identifier
from vigil.engine.duckdb import DuckDBEngine

__all__ = ["DuckDBEngine", "EngineAPI", "check_identifier"]
