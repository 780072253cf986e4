"""Evaluation of scan results against ground truth (e.g. `vigil synth`'s truth.jsonl)."""
