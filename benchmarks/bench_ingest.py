"""Ingest throughput (posts/s) and peak RSS on N synthetic posts.

Baseline, measured in the same run on the same file: read the JSONL with the standard
library's json module and write Parquet with pyarrow in batches, with no validation,
normalisation, dedupe or quarantine: the floor of "just copy the file". The ratio says
how close full ingest gets to it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from _harness import Figure, run_measured

BASELINE = """
import json, sys
import pyarrow as pa, pyarrow.parquet as pq
src, out = sys.argv[2], sys.argv[3]
writer = None
batch = []
def flush():
    global writer
    t = pa.Table.from_pylist(batch)
    writer = writer or pq.ParquetWriter(out, t.schema, compression="zstd")
    writer.write_table(t)
    batch.clear()
with open(src, "rb") as fh:
    for line in fh:
        row = json.loads(line)
        row["meta"] = json.dumps(row.get("meta"))
        batch.append(row)
        if len(batch) >= 20000:
            flush()
if batch:
    flush()
writer.close()
"""


def run(posts: int) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        run_measured(["vigil", "synth", "--posts", str(posts), "--seed", "1", "--out", str(corpus)])
        src = corpus / "posts.jsonl"
        vigil = run_measured(
            ["vigil", "ingest", str(src)], env={"VIGIL_HOME": str(Path(tmp) / "home")}
        )
        base = run_measured(["-c", BASELINE, str(src), str(Path(tmp) / "copy.parquet")])
    return [
        Figure(
            "ingest throughput",
            "posts/s",
            posts / vigil.seconds,
            posts / base.seconds,
            "json.loads + pyarrow copy",
        ),
        Figure(
            "ingest peak RSS",
            "MB",
            vigil.peak_rss_mb,
            base.peak_rss_mb,
            "json.loads + pyarrow copy",
            higher_is_better=False,
        ),
    ]


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    for fig in run(n):
        print(fig)
