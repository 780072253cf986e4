"""Pairwise precision/recall/F1 and ARI, by counting, on hand-computed cases."""

from __future__ import annotations

import itertools
import random

import pytest

from vigil.linking.evaluate import network_scores, pair_counts, pairwise_scores


def _brute(truth: list[str], pred: list[str]) -> tuple[int, int, int]:
    tp = pp = tpairs = 0
    for i, j in itertools.combinations(range(len(truth)), 2):
        same_t, same_p = truth[i] == truth[j], pred[i] == pred[j]
        tp += same_t and same_p
        pp += same_p
        tpairs += same_t
    return tp, pp, tpairs


def test_hand_computed_case() -> None:
    truth = ["a", "a", "a", "b", "b", "c"]
    pred = ["x", "x", "y", "y", "y", "z"]
    # pred pairs: (0,1) (2,3) (2,4) (3,4) -> TP: (0,1) (3,4); true pairs: 3 + 1 = 4
    s = pairwise_scores(truth, pred)
    assert (s["precision"], s["recall"]) == (0.5, 0.5)
    assert s["f1"] == 0.5
    # ARI by hand: index 2, expected 4*4/15, max 4
    assert s["ari"] == pytest.approx((2 - 16 / 15) / (4 - 16 / 15), abs=1e-6)


def test_perfect_and_singletons() -> None:
    assert pairwise_scores(["a", "a", "b"], ["x", "x", "y"])["ari"] == 1.0
    s = pairwise_scores(["a", "b", "c"], ["x", "y", "z"])
    assert (s["precision"], s["recall"], s["predicted_pairs"]) == (1.0, 1.0, 0)


@pytest.mark.parametrize("seed", range(10))
def test_counting_equals_enumeration(seed: int) -> None:
    rnd = random.Random(seed)
    truth = [rnd.choice("abcde") for _ in range(40)]
    pred = [rnd.choice("vwxyz") for _ in range(40)]
    tp, pp, tpairs, total = pair_counts(truth, pred)
    assert (tp, pp, tpairs) == _brute(truth, pred)
    assert total == 40 * 39 / 2


def test_network_scores_ignore_pairs_without_network_posts() -> None:
    network = ["n1", "n1", None, None, "n2"]
    pred = ["c1", "c1", "c2", "c2", "c1"]
    s = network_scores(network, pred, ari_all=0.0)
    # pairs touching network posts in one cluster: (0,1) (0,4) (1,4); (2,3) is ignored
    assert s["predicted_pairs"] == 3 and s["true_pairs"] == 1
    assert s["precision"] == pytest.approx(1 / 3, abs=1e-6) and s["recall"] == 1.0
