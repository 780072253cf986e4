#!/usr/bin/env bash
# Dependency audit (pip-audit) of the pinned lock file, written as a report.
# It needs a vulnerability service (PyPI's JSON API or OSV). Where neither can be reached
# (air-gapped machines, mirrors-only CI) the report says so and the build goes on: the audit
# is a report, not a gate. Known vulnerabilities found are printed and listed in the report.
set -uo pipefail
BIN="${BIN:-.venv/bin}"
OUT="${1:-test-artifacts/pip-audit.txt}"
mkdir -p "$(dirname "$OUT")"
for service in pypi osv; do
  if timeout 120 "$BIN/pip-audit" -r requirements.lock --no-deps --disable-pip \
      --vulnerability-service "$service" --progress-spinner off >"$OUT" 2>&1; then
    total=$(grep -cvE '^(#|$)' requirements.lock)
    skipped=$(grep -c "could not be audited" "$OUT")
    if [ "$skipped" -ge "$total" ]; then
      echo "dependency audit ($service): the service knows none of the $total pinned packages" \
        "(a mirror?); nothing was audited ($OUT)"
    else
      echo "dependency audit ($service): no known vulnerabilities in $((total - skipped)) of" \
        "$total packages ($skipped could not be audited); report in $OUT"
    fi
    exit 0
  fi
  if grep -qE "^Found [0-9]+ known vulnerabilit" "$OUT"; then
    echo "dependency audit ($service): KNOWN VULNERABILITIES, see $OUT:"
    grep -E "^Found|^Name|^----|GHSA|PYSEC|CVE" "$OUT" | head -40
    exit 0
  fi
done
echo "dependency audit: no vulnerability service reachable from here; nothing audited ($OUT)"
