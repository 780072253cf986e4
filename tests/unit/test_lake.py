"""Lake append/recovery: nothing half-written is ever visible."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from vigil.lake import Lake
from vigil.lake.schema import POSTS_SCHEMA


def row(pid: str) -> dict[str, object]:
    return {
        "id": pid,
        "platform": "p",
        "source_id": pid,
        "url": None,
        "posted_at": None,
        "title": "",
        "body": "b",
        "title_text": "",
        "body_text": "b",
        "location": None,
        "author": None,
        "images": [],
        "language": None,
        "meta_json": "{}",
        "content_hash": "h",
        "ingest_run": "r",
        "source_file": "f",
        "source_line": 1,
    }


def test_append_dedupes_against_lake_and_batch(tmp_path: Path) -> None:
    with Lake(tmp_path) as lake:
        first = lake.append([row("a"), row("b"), row("a")], run_id="r", part_no=0)
        assert (first.stored, first.duplicates) == (2, 1)
        second = lake.append([row("b"), row("c")], run_id="r", part_no=1)
        assert (second.stored, second.duplicates) == (1, 1)
        assert lake.append([row("c")], run_id="r", part_no=2).part is None
        assert lake.count() == 3
        assert len(lake.part_files()) == 2


def test_recover_discards_uncommitted_and_completes_committed(tmp_path: Path) -> None:
    with Lake(tmp_path) as lake:
        lake.append([row("a")], run_id="r", part_no=0)
        committed = lake.part_files()[0]
    # A crash between commit and rename: the committed part is still under its tmp name.
    committed.rename(committed.with_name(".tmp-" + committed.name))
    # A crash before commit: a tmp part nobody recorded.
    stray = tmp_path / "posts" / ".tmp-part-x-00009.parquet"
    pq.write_table(POSTS_SCHEMA.empty_table(), stray)
    with Lake(tmp_path) as lake:
        assert [p.name for p in lake.part_files()] == [committed.name]
        assert not stray.exists()
        with lake.query() as con:
            assert con.execute("SELECT id FROM posts").fetchall() == [("a",)]


def test_query_on_empty_lake(tmp_path: Path) -> None:
    with Lake(tmp_path) as lake, lake.query() as con:
        assert con.execute("SELECT count(*) FROM posts").fetchone() == (0,)


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    from vigil.lake import LakeBusyError

    with Lake(tmp_path):
        code = (
            "import sys; from pathlib import Path; from vigil.lake import Lake, LakeBusyError\n"
            "try:\n    Lake(Path(sys.argv[1]))\nexcept LakeBusyError as e:\n"
            "    print(e); sys.exit(7)\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
        )
    assert proc.returncode == 7, proc.stderr
    assert "another vigil process" in proc.stdout
    assert LakeBusyError.__mro__[1] is RuntimeError
