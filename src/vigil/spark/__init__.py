"""vigil on Apache Spark: the session builder, Arrow batch stages and the
``spark-submit`` entry point (``python -m vigil.spark.submit``). See docs/scale.md.

Nothing here imports pyspark at module import time.
"""

from vigil.spark.session import SparkConfig, build_session, spark_available

__all__ = ["SparkConfig", "build_session", "spark_available"]
