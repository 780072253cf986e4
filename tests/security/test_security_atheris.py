"""The atheris harnesses of fuzz/ run for a fixed number of inputs each (``-runs``, never a
time, so the result does not depend on the machine's speed): the seed corpus generated
from synthetic data plus libFuzzer's mutations of it. Every harness must finish with no
finding: no exception other than the target's documented error types, no input running
longer than the per-input timeout, no blow-up of memory. ``make stress`` runs the same
harnesses for a minute each (fuzz/run.py --seconds).

The inputs that once broke a parser are kept in fuzz/regressions/<harness>/ and replayed
without instrumentation: each must now give a result or the documented error.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUNNER = REPO / "fuzz" / "run.py"
HARNESSES = sorted(p.stem.removeprefix("fuzz_") for p in (REPO / "fuzz").glob("fuzz_*.py"))
RUNS = 150
REGRESSIONS = sorted(p for p in (REPO / "fuzz" / "regressions").iterdir() if p.is_dir())

pytestmark = pytest.mark.slow


def test_every_target_has_a_harness() -> None:
    expected = {
        "ingest_jsonl", "ingest_csv", "ingest_parquet", "warc_capture", "bundle_verify",
        "signal_package", "yaml_catalogue", "yaml_legal", "extract", "tip_form",
    }  # fmt: skip
    assert expected <= set(HARNESSES)


@pytest.mark.parametrize("name", HARNESSES)
def test_harness_finds_nothing(name: str, tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "--runs", str(RUNS), "--only", name, "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    [result] = json.loads((tmp_path / "summary.json").read_text())
    log = (tmp_path / name / "log.txt").read_text()
    assert result["executions"] >= RUNS, log[-3000:]
    assert result["coverage"] > 0, log[-3000:]
    assert result["findings"] == [] and result["error"] == "", log[-3000:]
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("folder", REGRESSIONS, ids=[p.name for p in REGRESSIONS])
def test_past_findings_stay_fixed(folder: Path) -> None:
    inputs = sorted(str(p) for p in folder.iterdir())
    assert inputs
    script = REPO / "fuzz" / f"fuzz_{folder.name}.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--replay", *inputs],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
