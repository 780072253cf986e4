"""The DuckDB engine behind EngineAPI."""

from __future__ import annotations

import pyarrow as pa
import pytest

from vigil.engine import DuckDBEngine, check_identifier


def test_register_materialise_drop() -> None:
    with DuckDBEngine(threads=1) as eng:
        eng.register("t", pa.table({"a": [1, 2, 3]}))
        assert eng.table_exists("t")
        eng.materialise("u", "SELECT a * 2 AS b FROM t")
        assert eng.count("u") == 3
        assert eng.to_arrow("SELECT sum(b) AS s FROM u").column("s")[0].as_py() == 12
        eng.drop("u")
        eng.drop("t")
        assert not eng.table_exists("u")
        assert not eng.table_exists("t")
        assert eng.version().startswith("duckdb ")


@pytest.mark.parametrize("bad", ["a b", "t;drop", "1x", "", "x" * 70])
def test_identifiers_are_checked(bad: str) -> None:
    with pytest.raises(ValueError):
        check_identifier(bad)
