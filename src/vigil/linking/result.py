"""What a link run returns, and how a cluster explains itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = ["CLUSTERS_FILE", "EDGES_FILE", "HUBS_FILE", "MEMBERSHIP_FILE", "RUN_FILE", "LinkResult"]

CLUSTERS_FILE: Final = "clusters.parquet"
EDGES_FILE: Final = "edges.parquet"
MEMBERSHIP_FILE: Final = "post_clusters.parquet"
HUBS_FILE: Final = "identifier_hubs.parquet"
RUN_FILE: Final = "link_run.json"


@dataclass(frozen=True)
class LinkResult:
    """The clusters of a run (sorted by risk, then size) and where its files are."""

    out_dir: Path
    clusters: pa.Table
    run: dict[str, Any] = field(default_factory=dict)

    @property
    def edges_path(self) -> Path:
        return self.out_dir / EDGES_FILE

    def cluster(self, cluster_id: str) -> dict[str, Any]:
        """One cluster's summary row."""
        rows = self.clusters.filter(pc.equal(self.clusters.column("cluster_id"), cluster_id))
        if rows.num_rows == 0:
            raise KeyError(cluster_id)
        row: dict[str, Any] = rows.to_pylist()[0]
        return row

    def explain(self, cluster_id: str) -> list[dict[str, Any]]:
        """The links that joined the cluster's posts: ``post_a``, ``post_b``, ``kind``,
        ``evidence`` (identifier value, shared image, or MinHash bands in common)."""
        edges = pq.read_table(
            self.edges_path,
            filters=[("cluster_id", "=", cluster_id)],
            columns=["post_a", "post_b", "kind", "evidence"],
        )
        rows: list[dict[str, Any]] = edges.sort_by(
            [("post_a", "ascending"), ("post_b", "ascending"), ("kind", "ascending")]
        ).to_pylist()
        return rows

    def top(self, n: int = 10) -> list[dict[str, Any]]:
        """The first ``n`` clusters (highest risk first)."""
        rows: list[dict[str, Any]] = self.clusters.slice(0, n).to_pylist()
        return rows
