"""Parquet in and out of the engine, and batched post reads for linking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from vigil.engine import DuckDBEngine
from vigil.engine.base import EngineAPI
from vigil.linking.inputs import iter_post_batches, read_inputs


def test_register_parquet_and_write_parquet_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "it's in.parquet"  # a quote in the path must not break the SQL
    pq.write_table(pa.table({"k": [3, 1, 2], "v": ["c", "a", "b"]}), src)
    engine = DuckDBEngine()
    engine.register_parquet("t_in", str(src))
    assert engine.to_arrow("SELECT k FROM t_in ORDER BY k").column("k").to_pylist() == [1, 2, 3]
    out = tmp_path / "out.parquet"
    engine.write_parquet("SELECT v FROM t_in WHERE k > 1 ORDER BY v", str(out))
    assert pq.read_table(out).column("v").to_pylist() == ["b", "c"]
    # The portable defaults (through Arrow) give the same result as DuckDB's overrides.
    again = tmp_path / "again.parquet"
    EngineAPI.register_parquet(engine, "t_copy", str(src))
    EngineAPI.write_parquet(engine, "SELECT v FROM t_copy WHERE k > 1 ORDER BY v", str(again))
    assert pq.read_table(again).column("v").to_pylist() == ["b", "c"]


def test_post_batches_map_file_rows_to_nodes(tmp_path: Path) -> None:
    ids = [f"p{i:03d}" for i in (5, 1, 9, 3, 7, 2, 8)]  # file order is not id order
    pq.write_table(
        pa.table({"post_id": ids, "title_text": [f"t{i}" for i in ids], "body_text": ids}),
        tmp_path / "posts.parquet",
    )
    inputs = read_inputs(tmp_path)
    seen: dict[int, str] = {}
    for nodes, table in iter_post_batches(inputs, ["title_text", "images"], batch_size=3):
        assert len(nodes) == table.num_rows <= 3
        assert table.column("images").null_count == table.num_rows  # absent column: nulls
        for node, pid, title in zip(
            nodes.tolist(),
            table.column("id").to_pylist(),
            table.column("title_text").to_pylist(),
            strict=True,
        ):
            assert title == f"t{pid}"
            seen[node] = pid
    assert len(seen) == len(ids)
    # nodes number the posts in id order, as read_inputs sorts them
    assert [seen[n] for n in sorted(seen)] == sorted(ids)
    assert np.array_equal(np.sort(inputs.row_node), np.arange(len(ids)))
