from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vigil.ingest.readers import UnknownFormat, detect_format, read_records


def test_detect_format(tmp_path: Path) -> None:
    assert detect_format(Path("a.jsonl")) == "jsonl"
    assert detect_format(Path("a.NDJSON")) == "jsonl"
    assert detect_format(Path("a.csv")) == "csv"
    assert detect_format(Path("a.parquet")) == "parquet"
    assert detect_format(Path("a.txt"), "csv") == "csv"
    with pytest.raises(UnknownFormat, match="--format"):
        detect_format(Path("a.txt"))
    with pytest.raises(UnknownFormat, match="decompress"):
        detect_format(Path("a.jsonl.gz"))
    with pytest.raises(UnknownFormat, match="unknown format"):
        detect_format(Path("a.csv"), "xml")


def test_jsonl_lines_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 1}\n\n{broken\n[1]\n{"b": 2}\n')
    seen: list[int] = []
    records = list(read_records(path, "jsonl", on_bytes=seen.append))
    assert [r.line for r in records] == [1, 3, 4, 5]
    assert records[1].error is not None and records[1].error.startswith("invalid JSON")
    assert records[1].raw == "{broken"
    assert records[2].row == [1] and records[2].error is None
    assert sum(seen) == path.stat().st_size


def test_csv_multiline_cells_keep_their_starting_line(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"two\nlines"\n2,ok\n3,x,extra\n4,last\n', encoding="utf-8")
    records = list(read_records(path, "csv"))
    assert [(r.line, r.error is None) for r in records] == [
        (2, True),
        (4, True),
        (5, False),
        (6, True),
    ]
    assert records[0].row == {"id": "1", "text": "two\nlines"}
    assert records[2].raw == "3,x,extra"
    assert records[2].error == "CSV row has 3 cells, the header has 2"


def test_csv_with_bom_and_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffid,text\n1,hi\n".encode())
    assert [r.row for r in read_records(path, "csv")] == [{"id": "1", "text": "hi"}]
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert list(read_records(empty, "csv")) == []


def test_parquet_rows_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pq.write_table(pa.table({"body": ["a", "b", "c"], "platform": ["p"] * 3}), path)
    records = list(read_records(path, "parquet"))
    assert [r.line for r in records] == [1, 2, 3]
    assert records[2].row == {"body": "c", "platform": "p"}
