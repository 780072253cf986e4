"""A pipeline worker orphaned by a killed `vigil scan` cannot break the next run.

A worker notices its parent is gone only at its next check, so it can still be writing
the part it was given while the re-run (started at once) computes the same part. Both
write complete, equal files; neither may rename the other's temporary file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from vigil.lake import Lake
from vigil.lake.derived import run_stage, stage_dir
from vigil.pipeline.stages import extraction_stage
from vigil.synth import iter_records

ORPHAN = """
import sys, time
from pathlib import Path
from vigil.lake.derived import _compute_part
from vigil.pipeline.stages import extraction_stage

stage, root, part = extraction_stage("US"), Path(sys.argv[1]), Path(sys.argv[2])
print("ready", flush=True)
writes, end = 0, time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    try:
        _compute_part(stage, root, part)
        writes += 1
    except FileNotFoundError:  # the re-run cleared this worker's temporary file
        pass
print(writes, flush=True)
"""


def _row(i: int, post: dict[str, object]) -> dict[str, object]:
    body = str(post.get("body") or "")
    return {
        "id": f"p{i}", "platform": "p", "source_id": f"p{i}", "url": None, "posted_at": None,
        "title": "", "body": body, "title_text": "", "body_text": body,
        "location": post.get("location"), "author": None, "images": [], "language": None,
        "meta_json": "{}", "content_hash": f"p{i}", "ingest_run": "r", "source_file": "f",
        "source_line": i,
    }  # fmt: skip


def test_next_run_survives_an_orphan_writing_the_same_part(tmp_path: Path) -> None:
    stage = extraction_stage("US")
    with Lake(tmp_path / "lake") as lake:
        rows = [_row(i, r.post) for i, r in enumerate(iter_records(300, 3))]
        lake.append(rows, run_id="r", part_no=0)
        [part] = lake.part_files()
        target = stage_dir(lake, stage.name) / part.name
        run_stage(lake, stage)
        want = pq.read_table(target)

        orphan = subprocess.Popen(
            [sys.executable, "-c", ORPHAN, str(lake.root), str(part), "4"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert orphan.stdout is not None
        assert orphan.stdout.readline().strip() == "ready"
        runs = 0
        while orphan.poll() is None:
            target.unlink(missing_ok=True)
            run_stage(lake, stage)  # raised FileNotFoundError when the orphan renamed its file
            assert pq.read_table(target).equals(want)
            runs += 1
        assert orphan.wait() == 0
        orphan_writes = int(orphan.stdout.read().strip())
    assert runs >= 3 and orphan_writes >= 3, (runs, orphan_writes)
