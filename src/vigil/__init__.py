"""vigil: find, link, explain and evidence human-trafficking signals in online posts."""

__version__ = "0.1.0"

__all__ = ["__version__"]
