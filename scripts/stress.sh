#!/usr/bin/env bash
# `make stress`: the long reliability run (docs/reliability.md).
#   1. the kill -9 harnesses with many more kills (VIGIL_STRESS_KILLS, default 25);
#   2. the security tests with the hypothesis profile "stress" (2,000 examples per fuzzer),
#      the linear-time tests of every parser among them;
#   3. the atheris harnesses of fuzz/ (fuzz/run.py), FUZZ_SECONDS each (default 60); their
#      corpora, crashing inputs and summary go to test-artifacts/fuzz/;
#   4. the load benchmark (benchmarks/bench_load.py), its table printed and saved;
#   5. the load benchmark again with PostgreSQL stopped and started under it
#      (bench_load.py --pg-restart, on its own throwaway cluster).
# Reports go to test-artifacts/stress/. Exit status: non-zero if any step failed.
# Usage: scripts/stress.sh [KILLS]   (env: VIGIL_STRESS_SEED to replay a kill sequence,
#        FUZZ_SECONDS per harness, LOAD_SECONDS per endpoint and level, LOAD_POSTS corpus
#        size, PG_RESTART_SECONDS of load around the PostgreSQL restart)
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
OUT=test-artifacts/stress
mkdir -p "$OUT"
export VIGIL_STRESS_KILLS="${1:-${VIGIL_STRESS_KILLS:-25}}"
export HYPOTHESIS_PROFILE=stress
if [ -z "${VIGIL_TEST_DATABASE_URL:-}" ]; then
  VIGIL_TEST_DATABASE_URL="$(scripts/test-postgres.sh)" && export VIGIL_TEST_DATABASE_URL
fi
status=0
step() {
  local name="$1"; shift
  echo "== $name"
  local t0=$SECONDS
  if "$@" 2>&1 | tee "$OUT/$name.txt"; then
    echo "== $name: ok ($((SECONDS - t0)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - t0)) s), see $OUT/$name.txt"
    status=1
  fi
}
step crash "$BIN/pytest" -p no:cacheprovider -q -s \
  tests/integration/test_crash_scan.py tests/integration/test_crash_log.py tests/integration/test_ingest.py \
  tests/integration/test_backup.py tests/integration/test_reliability_pg_restart.py
step fuzz "$BIN/pytest" -p no:cacheprovider -q tests/security
step atheris "$BIN/python" fuzz/run.py --seconds "${FUZZ_SECONDS:-60}"
step load "$BIN/python" benchmarks/bench_load.py \
  --posts "${LOAD_POSTS:-5000}" --seconds "${LOAD_SECONDS:-10}"
step pg-restart "$BIN/python" benchmarks/bench_load.py --pg-restart \
  --seconds "${PG_RESTART_SECONDS:-30}"
exit $status
