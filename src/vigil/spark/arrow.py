"""``mapInArrow`` without pandas: vectorised Python over Arrow batches on executors.

pyspark's ``DataFrame.mapInArrow`` builds its UDF through ``pandas_udf``, which
refuses to run unless pandas is installed, although the Arrow-iterator evaluation
(``SQL_MAP_ARROW_ITER_UDF``) never touches pandas. vigil does not depend on pandas,
so :func:`map_in_arrow` builds the same UDF through ``pyspark.sql.udf._create_udf``
(the call ``pandas_udf`` makes after its import check) and hands it to the JVM's
``mapInArrow``. When pandas *is* installed, or a pyspark release moves that
function, the public ``mapInArrow`` is used instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

__all__ = ["ArrowBatchFn", "map_in_arrow", "spark_schema"]

ArrowBatchFn = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


def spark_schema(schema: pa.Schema) -> Any:
    """The Spark ``StructType`` of an Arrow schema (as pyspark converts it)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _has_pandas() -> bool:
    from importlib.util import find_spec

    return find_spec("pandas") is not None


def map_in_arrow(frame: DataFrame, fn: ArrowBatchFn, schema: pa.Schema) -> DataFrame:
    """``frame.mapInArrow(fn, schema)``, with or without pandas installed."""
    struct = spark_schema(schema)
    if _has_pandas():
        return frame.mapInArrow(fn, struct)
    try:
        from pyspark.sql import DataFrame as SparkDataFrame
        from pyspark.sql.udf import _create_udf
        from pyspark.util import PythonEvalType
    except ImportError:  # pragma: no cover - a pyspark that moved its internals
        return frame.mapInArrow(fn, struct)
    udf = _create_udf(fn, struct, PythonEvalType.SQL_MAP_ARROW_ITER_UDF)
    column = udf(*[frame[c] for c in frame.columns])
    jdf = frame._jdf.mapInArrow(column._jc, False, None)
    return SparkDataFrame(jdf, frame.sparkSession)
