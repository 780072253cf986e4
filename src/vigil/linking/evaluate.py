"""Cluster quality against planted ground truth (``vigil synth``'s ``truth.jsonl``).

Pairwise precision / recall / F1 and the adjusted Rand index are computed from the
contingency table of (true group, predicted cluster) counts, never by listing
pairs: with ``n_ij`` posts in true group ``i`` and predicted cluster ``j``,
``TP = sum C(n_ij, 2)``, predicted pairs ``= sum_j C(b_j, 2)``, true pairs
``= sum_i C(a_i, 2)``.

Scores reported:

* ``networks`` (the headline): pairs that involve at least one post of a planted
  trafficking network (``network_id``). A true pair is two posts of the same
  network; a predicted pair is two posts in one cluster with at least one network
  post among them, so merging a network with outsiders costs precision, while an
  advertiser's own ads linked together (right, but not a planted network) do not.
  Predicted pairs touching network posts are counted per cluster as
  ``C(b_j, 2) - C(b_j - m_j, 2)`` (``m_j`` network posts in cluster ``j``). ``ari``
  here is the adjusted Rand index over all posts with non-network posts as
  singletons.
* ``all_posts``: plain pairwise scores over all posts, every post without a
  network being its own true group. Same-advertiser links count as false here,
  so its precision mostly measures how much non-network linking there is.
* ``entities``: true group = network, else author (a fixed username only for some
  classes, so this is indicative).

``false_link_rate`` is the share of ``independent_adult`` posts whose cluster holds a
post of another entity (another author or any network).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow.parquet as pq

from vigil.lake.files import sql_literal
from vigil.linking.result import MEMBERSHIP_FILE

__all__ = ["cluster_metrics", "pair_counts", "pairwise_scores"]


def _comb2(x: npt.NDArray[np.int64]) -> float:
    return float(np.sum(x.astype(np.float64) * (x - 1) / 2))


def pair_counts(truth: list[Any], pred: list[Any]) -> tuple[float, float, float, float]:
    """``(TP, predicted pairs, true pairs, all pairs)`` from two labelings."""
    if len(truth) != len(pred):
        raise ValueError("labelings differ in length")
    n = len(truth)
    _, t = np.unique(np.asarray(truth, dtype=object).astype(str), return_inverse=True)
    _, p = np.unique(np.asarray(pred, dtype=object).astype(str), return_inverse=True)
    joint = t.astype(np.int64) * (int(p.max()) + 1 if n else 1) + p
    _, nij = np.unique(joint, return_counts=True)
    _, ai = np.unique(t, return_counts=True)
    _, bj = np.unique(p, return_counts=True)
    return _comb2(nij), _comb2(bj), _comb2(ai), n * (n - 1) / 2


def network_scores(network: list[str | None], pred: list[Any], ari_all: float) -> dict[str, float]:
    """Pairwise scores over pairs touching at least one network post (see module doc)."""
    pred_arr = np.asarray(pred, dtype=object).astype(str)
    is_net = np.array([n is not None for n in network])
    _, p = np.unique(pred_arr, return_inverse=True)
    size = np.bincount(p).astype(np.int64)
    net_in = np.bincount(p, weights=is_net.astype(np.float64)).astype(np.int64)
    predicted = _comb2(size) - _comb2(size - net_in)
    idx = np.flatnonzero(is_net)
    tp, _, true_pairs, _ = pair_counts([network[i] for i in idx], [str(pred_arr[i]) for i in idx])
    precision = tp / predicted if predicted else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "ari": ari_all,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
    }


def pairwise_scores(truth: list[Any], pred: list[Any]) -> dict[str, float]:
    """Pairwise precision, recall, F1 and adjusted Rand index of ``pred``."""
    tp, pp, tpairs, total = pair_counts(truth, pred)
    precision = tp / pp if pp else 1.0
    recall = tp / tpairs if tpairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    expected = pp * tpairs / total if total else 0.0
    maximum = (pp + tpairs) / 2
    ari = (tp - expected) / (maximum - expected) if maximum != expected else 1.0
    return {
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "ari": round(ari, 6),
        "true_pairs": tpairs,
        "predicted_pairs": pp,
    }


def cluster_metrics(truth_jsonl: Path, results_dir: Path) -> dict[str, Any]:
    """Score the clusters in ``results_dir`` against ``truth_jsonl``."""
    con = duckdb.connect()
    try:
        con.execute(
            "CREATE TABLE truth AS SELECT post_id, class, network_id FROM "
            f"read_json({sql_literal(str(truth_jsonl))}, format = 'newline_delimited', "
            "columns = {post_id: 'VARCHAR', class: 'VARCHAR', network_id: 'VARCHAR'})"
        )
        posts_path = results_dir / "posts.parquet"
        id_column = "post_id" if "post_id" in pq.read_schema(posts_path).names else "id"
        con.execute(
            f"CREATE TABLE posts AS SELECT {id_column} AS id, author FROM "
            f"read_parquet({sql_literal(str(posts_path))})"
        )
        con.execute(
            "CREATE TABLE pc AS SELECT post_id, cluster_id FROM "
            f"read_parquet({sql_literal(str(results_dir / MEMBERSHIP_FILE))})"
        )
        rows = con.execute(
            "SELECT t.post_id, t.class, t.network_id, p.author, "
            "coalesce(c.cluster_id, 'single:' || t.post_id) AS cluster "
            "FROM truth t JOIN posts p ON p.id = t.post_id "
            "LEFT JOIN pc c ON c.post_id = t.post_id ORDER BY t.post_id"
        ).fetchall()
        if not rows:
            raise ValueError("no post of truth.jsonl is in the results")
        pred = [r[4] for r in rows]
        net_truth = [r[2] if r[2] else f"single:{r[0]}" for r in rows]
        ent_truth = [
            r[2] if r[2] else (f"author:{r[3]}" if r[3] else f"single:{r[0]}") for r in rows
        ]
        entity = dict(zip([r[0] for r in rows], ent_truth, strict=True))
        clusters: dict[str, set[str]] = {}
        for r, e in zip(rows, ent_truth, strict=True):
            clusters.setdefault(r[4], set()).add(e)
        indep = [r for r in rows if r[1] == "independent_adult"]
        false_links = sum(1 for r in indep if len(clusters[r[4]]) > 1)
        all_posts = pairwise_scores(net_truth, pred)
        return {
            "posts": len(rows),
            "networks": network_scores([r[2] for r in rows], pred, all_posts["ari"]),
            "all_posts": all_posts,
            "entities": pairwise_scores(ent_truth, pred),
            "independent_posts": len(indep),
            "false_link_rate": round(false_links / len(indep), 6) if indep else 0.0,
            "entities_count": len(set(entity.values())),
        }
    finally:
        con.close()
