"""Generators for the parts of docs/ that are derived from code (kept in step by tests)."""
