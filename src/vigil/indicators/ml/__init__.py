"""The trainable risk model: features, a calibrated linear classifier, persistence.

The model is stored as plain JSON (weights and calibration table), never as a pickle,
so a model file can be read, diffed and audited, and loading one cannot run code.
"""

from vigil.indicators.ml.features import FeatureSpec, featurize
from vigil.indicators.ml.model import RiskModel, active_model, load_model, save_model

__all__ = ["FeatureSpec", "RiskModel", "active_model", "featurize", "load_model", "save_model"]
