"""On a small `vigil synth` corpus: incremental == full, quality."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from vigil.linking import link
from vigil.linking.evaluate import cluster_metrics
from vigil.linking.scandir import scan_dir_from_synth
from vigil.synth import generate


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("synth")
    summary = generate(2500, 11, root / "corpus")
    scan = scan_dir_from_synth(summary.posts_path, summary.truth_path, root / "full")
    return scan, summary.truth_path


def _partition(d: Path) -> list[tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for r in pq.read_table(d / "post_clusters.parquet").to_pylist():
        groups.setdefault(r["cluster_id"], []).append(r["post_id"])
    return sorted(tuple(sorted(g)) for g in groups.values())


def test_incremental_equals_full(corpus: tuple[Path, Path], tmp_path: Path) -> None:
    full, _ = corpus
    link(full, incremental=False)
    posts = pq.read_table(full / "posts.parquet")
    idents = pq.read_table(full / "identifiers.parquet")
    inc = tmp_path / "inc"
    inc.mkdir()
    first = posts.slice(0, 1700)
    pq.write_table(first, inc / "posts.parquet")
    pq.write_table(
        idents.filter(pc.is_in(idents["post_id"], first["id"])), inc / "identifiers.parquet"
    )
    assert not link(inc).run["incremental"]
    shutil.copy(full / "posts.parquet", inc / "posts.parquet")
    shutil.copy(full / "identifiers.parquet", inc / "identifiers.parquet")
    second = link(inc)
    assert second.run["incremental"] and second.run["new_posts"] == 800
    assert _partition(inc) == _partition(full)
    assert len(_partition(full)) > 10


def test_quality_on_planted_networks(corpus: tuple[Path, Path]) -> None:
    scan, truth = corpus
    link(scan, incremental=False)
    m = cluster_metrics(truth, scan)
    assert m["networks"]["f1"] >= 0.95
    assert m["false_link_rate"] <= 0.01
