"""Extraction and scoring fused into one pass give the tables of the two stages run apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigil.extract import stage
from vigil.extract.stage import extract_table
from vigil.indicators import default_catalogue
from vigil.ingest.normalise import normalise_text
from vigil.lake import Lake
from vigil.lake.derived import FusedStages, Stage, run_fused, stage_dir
from vigil.pipeline.scoring import extract_and_score, score_table
from vigil.synth import iter_records


def _posts(n: int) -> pa.Table:
    posts = [r.post for r in iter_records(n, 5)]
    # Reposts under other ids (memoised texts) and an empty title and body.
    posts += [dict(p, location="Sydney, AU") for p in posts[:15]] + posts[:15]
    posts.append({"title": "", "body": ""})
    return pa.table(
        {
            "id": [f"p{i}" for i in range(len(posts))],
            "title_text": [normalise_text(p.get("title") or "") for p in posts],
            "body_text": [normalise_text(p.get("body") or "") for p in posts],
            "location": [p.get("location") for p in posts],
            "meta_json": [
                '{"price_per_hour": 300}' if i % 7 == 0 else "{}" for i in range(len(posts))
            ],
            "language": [p.get("language") for p in posts],
        }
    )


def test_extract_and_score_equals_the_two_stages(monkeypatch: pytest.MonkeyPatch) -> None:
    # Small blocks and memo: identifiers are kept across blocks and a cleared memo.
    monkeypatch.setattr(stage, "_BLOCK", 50)
    monkeypatch.setattr(stage, "_MEMO_LIMIT", 60)
    posts = _posts(300)
    catalogue = default_catalogue()
    identifiers = extract_table(posts, region="US")
    scores = score_table(posts, identifiers, catalogue=catalogue)
    fused_identifiers, fused_scores = extract_and_score(posts, region="US", catalogue=catalogue)
    assert fused_identifiers.equals(identifiers)
    assert fused_scores.equals(scores)
    # The corpus exercises what matters: hits at body offsets, several kinds.
    assert sum(len(h) for h in scores.column("hits").to_pylist()) > 100
    assert len(set(identifiers.column("kind").to_pylist())) >= 6


def _row(pid: str, body: str) -> dict[str, object]:
    return {
        "id": pid, "platform": "p", "source_id": pid, "url": None, "posted_at": None,
        "title": "", "body": body, "title_text": "", "body_text": body, "location": None,
        "author": None, "images": [], "language": None, "meta_json": "{}",
        "content_hash": pid, "ingest_run": "r", "source_file": "f", "source_line": 1,
    }  # fmt: skip


_LEN = pa.schema([("post_id", pa.string()), ("n", pa.int64())])
_DOUBLE = pa.schema([("post_id", pa.string()), ("n2", pa.int64())])
calls: Counter[str] = Counter()


def _lengths(posts: pa.Table) -> pa.Table:
    ids = posts.column("id").to_pylist()
    return pa.table({"post_id": ids, "n": [len(b) for b in posts.column("body_text").to_pylist()]})


def _doubled(lengths: pa.Table) -> pa.Table:
    return pa.table(
        {
            "post_id": lengths.column("post_id"),
            "n2": [2 * n for n in lengths.column("n").to_pylist()],
        }
    )


def _stages(second_version: str = "1") -> FusedStages:
    def first_fn(posts: pa.Table, _inputs: dict[str, pa.Table]) -> pa.Table:
        calls["first"] += 1
        return _lengths(posts)

    def second_fn(_posts: pa.Table, inputs: dict[str, pa.Table]) -> pa.Table:
        calls["second"] += 1
        return _doubled(inputs["first"])

    def fused_fn(posts: pa.Table) -> tuple[pa.Table, ...]:
        calls["fused"] += 1
        lengths = _lengths(posts)
        return lengths, _doubled(lengths)

    first = Stage("first", "1", ("id", "body_text"), _LEN, first_fn)
    second = Stage("second", f"1/{second_version}", ("id",), _DOUBLE, second_fn, ("first",))
    return FusedStages((first, second), ("id", "body_text"), fused_fn)


def _read(lake: Lake, name: str) -> list[dict[str, object]]:
    rows = [
        r
        for p in sorted(stage_dir(lake, name).glob("*.parquet"))
        for r in pq.read_table(p).to_pylist()
    ]
    return sorted(rows, key=lambda r: str(r["post_id"]))


def test_run_fused_one_pass_then_completes_stage_by_stage(tmp_path: Path) -> None:
    calls.clear()
    with Lake(tmp_path) as lake:
        lake.append([_row("a", "x"), _row("b", "yy")], run_id="r", part_no=0)
        lake.append([_row("c", "zzz")], run_id="r", part_no=1)
        first, second = run_fused(lake, _stages())
        assert calls == Counter(fused=2)
        assert (first.parts_done, first.parts_skipped, first.rows) == (2, 0, 3)
        assert (second.parts_done, second.parts_skipped) == (2, 0)
        want = [{"post_id": "a", "n2": 2}, {"post_id": "b", "n2": 4}, {"post_id": "c", "n2": 6}]
        assert _read(lake, "second") == want

        # A crash after the first stage's part was written: the second is computed alone.
        part = lake.part_files()[1]
        (stage_dir(lake, "second") / part.name).unlink()
        lake.append([_row("d", "wwww")], run_id="r", part_no=2)
        calls.clear()
        first, second = run_fused(lake, _stages())
        assert calls == Counter(fused=1, second=1)
        assert (first.parts_done, first.parts_skipped) == (1, 2)
        assert (second.parts_done, second.parts_skipped) == (2, 1)
        assert _read(lake, "second") == [*want, {"post_id": "d", "n2": 8}]

        # Only the second stage's version changed: the first is kept, the second redone.
        calls.clear()
        first, second = run_fused(lake, _stages(second_version="2"))
        assert calls == Counter(second=3)
        assert (first.parts_done, second.parts_done) == (0, 3)
        assert len(_read(lake, "first")) == 4 and len(_read(lake, "second")) == 4
