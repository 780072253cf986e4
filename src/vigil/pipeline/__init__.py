"""The pipeline over the corpus lake: derived stages run after ingest."""

from vigil.pipeline.stages import IDENTIFIERS_SCHEMA, extraction_stage, run_pipeline

__all__ = ["IDENTIFIERS_SCHEMA", "extraction_stage", "run_pipeline"]
