"""Ingest end to end: quarantine, idempotency, formats, crash safety."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigil.ingest import ingest_files
from vigil.lake import Lake
from vigil.settings import Settings

GOOD = [
    {
        "platform": "ads.example",
        "source_id": f"a{i}",
        "title": f"Ad {i}",
        "body": f"Body &amp; text {i}",
        "posted_at": f"2026-01-0{1 + i % 9}T10:00:00Z",
        "location": "Houston, TX",
    }
    for i in range(250)
]
BAD_LINES = [
    ("not json at all", "invalid JSON"),
    (json.dumps({"platform": "ads.example", "source_id": "x1"}), "body: missing or empty"),
    (
        json.dumps({"platform": "ads.example", "body": "b", "posted_at": "soon"}),
        "posted_at: cannot read",
    ),
    (json.dumps(["a", "list"]), "expected an object"),
]


def write_jsonl(
    path: Path, rows: list[dict[str, object]], bad: list[tuple[str, str]] = ()
) -> dict[int, str]:
    """Write rows with bad lines spread through; return {line: expected reason}."""
    lines = [json.dumps(r) for r in rows]
    expected: dict[int, str] = {}
    for k, (line, _reason) in enumerate(bad):
        at = 10 + k * 37
        lines.insert(at, line)
    for number, line in enumerate(lines, start=1):
        for bad_line, reason in bad:
            if line == bad_line:
                expected[number] = reason
    path.write_text("\n".join(lines) + "\n")
    return expected


def lake_ids(settings: Settings) -> list[str]:
    with Lake(settings.lake_dir) as lake, lake.query() as con:
        return [r[0] for r in con.execute("SELECT id FROM posts ORDER BY id").fetchall()]


def test_quarantine_keeps_valid_rows_and_records_line_and_reason(
    settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "posts.jsonl"
    expected = write_jsonl(path, GOOD, BAD_LINES)
    summary = ingest_files([path], settings)
    assert (summary.read, summary.stored, summary.quarantined) == (254, 250, 4)
    assert summary.exit_code == 3
    assert summary.quarantine_file is not None
    entries = [json.loads(line) for line in Path(summary.quarantine_file).read_text().splitlines()]
    assert {e["line"]: e["reason"][: len(expected[e["line"]])] for e in entries} == expected
    assert all(e["source_file"] == str(path) for e in entries)
    assert entries[0]["raw"] is not None
    assert len(lake_ids(settings)) == 250


def test_reingest_stores_nothing_twice(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    write_jsonl(path, GOOD + GOOD[:10])  # duplicates inside the file too
    first = ingest_files([path], settings)
    assert (first.stored, first.duplicates, first.exit_code) == (250, 10, 0)
    second = ingest_files([path], settings)
    assert (second.stored, second.duplicates) == (0, 260)
    assert len(lake_ids(settings)) == 250


def test_posts_without_source_id_dedupe_by_content(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    rows = [
        {"platform": "p", "body": "same text"},
        {"platform": "p", "body": "same text"},
        {"platform": "p", "body": "other text"},
    ]
    write_jsonl(path, rows)
    assert ingest_files([path], settings).stored == 2
    assert ingest_files([path], settings).stored == 0


def test_all_formats_store_the_same_posts(tmp_path: Path, settings: Settings) -> None:
    from vigil.settings import get_settings

    rows = GOOD[:40]
    jl = tmp_path / "p.jsonl"
    write_jsonl(jl, rows)
    cs = tmp_path / "p.csv"
    with cs.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    pa_path = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pa_path)
    results = {}
    for path in (jl, cs, pa_path):
        s = get_settings(home=tmp_path / path.suffix.strip("."), progress=False)
        assert ingest_files([path], s).stored == 40
        with Lake(s.lake_dir) as lake, lake.query() as con:
            results[path.suffix] = con.execute(
                "SELECT id, platform, source_id, title_text, body_text, posted_at, location "
                "FROM posts ORDER BY id"
            ).fetchall()
    assert results[".jsonl"] == results[".csv"] == results[".parquet"]
    assert results[".jsonl"][0][4].startswith("Body & text")


def test_normalised_text_is_kept_beside_the_raw(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    write_jsonl(
        path,
        [
            {
                "platform": "p",
                "source_id": "1",
                "body": "<b>caf\u00c3\u00a9</b> &amp; \uff12\uff11\uff12",
            }
        ],
    )
    ingest_files([path], settings)
    with Lake(settings.lake_dir) as lake, lake.query() as con:
        body, text = con.execute("SELECT body, body_text FROM posts").fetchone()
    assert body == "<b>caf\u00c3\u00a9</b> &amp; \uff12\uff11\uff12"
    assert text == "café & 212"


def test_missing_file_and_unknown_format_write_nothing(settings: Settings, tmp_path: Path) -> None:
    from vigil.ingest.readers import UnknownFormat

    with pytest.raises(FileNotFoundError):
        ingest_files([tmp_path / "nope.jsonl"], settings)
    odd = tmp_path / "posts.txt"
    odd.write_text("{}")
    with pytest.raises(UnknownFormat):
        ingest_files([odd], settings)
    assert not settings.lake_dir.exists()


def test_run_is_recorded_in_the_workbench(settings: Settings, tmp_path: Path) -> None:
    from sqlalchemy import select

    from vigil.store import IngestRun, make_engine, session_factory

    path = tmp_path / "p.jsonl"
    write_jsonl(path, GOOD[:5], BAD_LINES[:1])
    summary = ingest_files([path], settings)
    engine = make_engine(settings.workbench_url)
    with session_factory(engine)() as session:
        run = session.scalars(select(IngestRun)).one()
    engine.dispose()
    assert (run.id, run.status, run.read, run.stored, run.quarantined) == (
        summary.run_id,
        "done",
        6,
        5,
        1,
    )
    assert run.sources == [str(path)]


def _ingest_subprocess(path: Path, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "VIGIL_HOME": str(home),
        "VIGIL_BATCH_SIZE": "100",
        "VIGIL_PROGRESS": "false",
    }
    return subprocess.Popen([sys.executable, "-m", "vigil", "ingest", str(path)], env=env)


@pytest.mark.parametrize("kill_after_parts", [1, 3, 7])
def test_a_killed_run_rerun_ends_with_exactly_one_clean_run(
    tmp_path: Path, kill_after_parts: int
) -> None:
    rows = [dict(r, source_id=f"k{i}") for i, r in enumerate(GOOD * 12)]  # 3,000 posts
    path = tmp_path / "big.jsonl"
    write_jsonl(path, rows, BAD_LINES)
    killed_home, clean_home = tmp_path / "killed", tmp_path / "clean"
    parts = killed_home / "lake" / "posts"
    proc = _ingest_subprocess(path, killed_home)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if parts.exists() and len(list(parts.glob("part-*.parquet"))) >= kill_after_parts:
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    rerun = _ingest_subprocess(path, killed_home)
    assert rerun.wait() == 3
    clean = _ingest_subprocess(path, clean_home)
    assert clean.wait() == 3

    def contents(home: Path) -> list[tuple[object, ...]]:
        files = str(home / "lake" / "posts" / "part-*.parquet")
        return duckdb.sql(
            "SELECT id, platform, source_id, title, body, body_text, posted_at "
            f"FROM read_parquet('{files}') ORDER BY id"
        ).fetchall()

    killed_rows, clean_rows = contents(killed_home), contents(clean_home)
    assert len(clean_rows) == 3000
    assert killed_rows == clean_rows
    assert not list(parts.glob(".tmp-*"))


def test_worker_processes_store_and_quarantine_exactly_what_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.ingest import service
    from vigil.settings import get_settings

    path = tmp_path / "posts.jsonl"
    rows = GOOD * 20  # duplicates inside the file too
    rows = [dict(r, source_id=f"{r['source_id']}-{k // 250}") for k, r in enumerate(rows)]
    expected = write_jsonl(path, rows, BAD_LINES)
    monkeypatch.setattr(service, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr("vigil.ingest.prepare.CHUNK", 333)  # chunks straddle the batches
    results = {}
    for workers in (1, 2):
        s = get_settings(home=tmp_path / f"w{workers}", batch_size=700, workers=workers)
        summary = ingest_files([path], s, default_platform=None)
        quarantined = [
            (e["line"], e["reason"])
            for e in map(json.loads, Path(summary.quarantine_file or "").read_text().splitlines())
        ]
        with Lake(s.lake_dir) as lake, lake.query() as con:
            stored = con.execute(
                "SELECT id, body_text, source_line FROM posts ORDER BY source_line"
            ).fetchall()
        results[workers] = (summary.read, summary.stored, stored, quarantined)
    assert results[1] == results[2]
    assert sorted(line for line, _ in results[2][3]) == sorted(expected)
    assert results[2][1] == 5000
