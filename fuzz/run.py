"""Run the atheris harnesses in fuzz/, each in its own process, and summarise.

    python fuzz/run.py --seconds 60            # every harness for 60 s (make stress)
    python fuzz/run.py --runs 300 --only extract --only tip_form
    python fuzz/run.py --list

Each harness gets a seed corpus generated from synthetic data, then libFuzzer options
``-max_total_time`` (or ``-runs``), ``-timeout`` (one input running longer is a hang
finding) and ``-rss_limit_mb``. Its corpus grows under ``OUT/corpus/<name>/`` and is
reused by the next run; any crashing, hanging or out-of-memory input is kept as
``OUT/<name>/crash-*`` (``timeout-*``, ``oom-*``) and replayed once without coverage
instrumentation to tell a real finding from an instrumentation artefact. The summary
(executions, coverage, features, findings) is printed and written to ``OUT/summary.json``
and ``OUT/summary.md``. Exit status 1 when any harness has a finding.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
HARNESSES = sorted(p.stem.removeprefix("fuzz_") for p in HERE.glob("fuzz_*.py"))
_STATUS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)", re.MULTILINE)
_EXECUTED = re.compile(r"stat::number_of_executed_units: (\d+)")
_ARTIFACT = re.compile(r"Test unit written to (\S+)")


@dataclass
class Result:
    name: str
    seconds: float
    executions: int = 0
    coverage: int = 0
    features: int = 0
    corpus: int = 0
    findings: list[str] = field(default_factory=list)
    reproduced: list[bool] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.findings and not self.error


def _python() -> str:
    venv = REPO / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def run_one(
    name: str, out: Path, *, seconds: int | None, runs: int | None, timeout: int, rss_mb: int
) -> Result:
    script = str(HERE / f"fuzz_{name}.py")
    corpus, artifacts = out / "corpus" / name, out / name
    artifacts.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    seeds = [_python(), script, "--write-seeds", str(corpus)]
    subprocess.run(seeds, env=env, check=True, capture_output=True)
    flags = [
        f"-timeout={timeout}",
        f"-rss_limit_mb={rss_mb}",
        "-print_final_stats=1",
        f"-artifact_prefix={artifacts}/",
        "-max_len=65536",
    ]
    flags.append(f"-runs={runs}" if runs is not None else f"-max_total_time={seconds}")
    # a hard stop for the whole process: the fuzz time plus start-up, seeds and one hang
    limit = (seconds or 0) + (runs or 0) // 5 + timeout + 180
    started = time.monotonic()
    result = Result(name, 0.0)
    try:
        # past findings (fuzz/regressions/<name>/) are read as extra seeds, never written
        extra = [str(HERE / "regressions" / name)] if (HERE / "regressions" / name).is_dir() else []
        command = [_python(), script, *flags, str(corpus), *extra]
        proc = subprocess.run(command, env=env, text=True, capture_output=True, timeout=limit)
        log = proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as exc:
        log = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        result.error = f"did not finish within {limit} s"
    result.seconds = time.monotonic() - started
    (artifacts / "log.txt").write_text(log)
    if statuses := _STATUS.findall(log):
        result.coverage, result.features = int(statuses[-1][1]), int(statuses[-1][2])
    if executed := _EXECUTED.search(log):
        result.executions = int(executed.group(1))
    result.corpus = sum(1 for _ in corpus.iterdir())
    result.findings = _ARTIFACT.findall(log)
    for path in result.findings:
        replay = subprocess.run(
            [_python(), script, "--replay", path],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout + 120,
        )
        result.reproduced.append(replay.returncode != 0)
    if not result.findings and not result.error and "DONE" not in log and "Done" not in log:
        result.error = "libFuzzer did not report completion; see log.txt"
    return result


def table(results: list[Result]) -> str:
    lines = [
        "| harness | seconds | executions | exec/s | coverage | features | corpus | findings |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        if r.findings:
            found = "; ".join(
                f"{Path(f).name} ({'reproduces' if rep else 'instrumentation only'})"
                for f, rep in zip(r.findings, r.reproduced, strict=False)
            )
        else:
            found = r.error or "none"
        rate = r.executions / r.seconds if r.seconds else 0.0
        lines.append(
            f"| {r.name} | {r.seconds:.0f} | {r.executions:,} | {rate:,.0f} | {r.coverage:,} | "
            f"{r.features:,} | {r.corpus:,} | {found} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--seconds", type=int, default=60, help="fuzzing time per harness")
    group.add_argument("--runs", type=int, help="a fixed number of inputs instead of a time")
    parser.add_argument("--only", action="append", choices=HARNESSES, help="repeatable")
    parser.add_argument("--timeout", type=int, default=20, help="seconds for one input")
    parser.add_argument("--rss-limit-mb", type=int, default=2048)
    parser.add_argument("--out", type=Path, default=REPO / "test-artifacts" / "fuzz")
    parser.add_argument("--list", action="store_true", help="list the harnesses and exit")
    args = parser.parse_args()
    if args.list:
        print("\n".join(HARNESSES))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for name in args.only or HARNESSES:
        seconds = None if args.runs else args.seconds
        r = run_one(
            name,
            args.out,
            seconds=seconds,
            runs=args.runs,
            timeout=args.timeout,
            rss_mb=args.rss_limit_mb,
        )
        error = f" ({r.error})" if r.error else ""
        print(
            f"{name}: {r.executions:,} executions, coverage {r.coverage}, "
            f"features {r.features}, findings {len(r.findings)}{error}",
            flush=True,
        )
        results.append(r)
    text = table(results)
    print(text)
    (args.out / "summary.md").write_text(text + "\n")
    (args.out / "summary.json").write_text(
        json.dumps([{**asdict(r), "ok": r.ok} for r in results], indent=2) + "\n"
    )
    sys.exit(0 if all(r.ok for r in results) else 1)


if __name__ == "__main__":
    main()
