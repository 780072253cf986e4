"""Routing rules and the decision taxonomy (data files)."""

from __future__ import annotations

import pytest

from vigil.indicators.schema import CATEGORIES
from vigil.model import PostClass
from vigil.workflow.errors import InvalidInput
from vigil.workflow.routing import Candidate, default_routing, parse_routing
from vigil.workflow.taxonomy import Action, action, reason, reasons


def test_routing_first_matching_rule_wins() -> None:
    r = default_routing()
    assert r.route(Candidate("tip", immediate_danger="yes")).queue == "urgent"
    assert r.route(Candidate("tip", immediate_danger="no")).queue == "tips"
    assert r.route(Candidate("post", 0.5, "review", frozenset({"youth"}))).priority == 1
    assert r.route(Candidate("post", 0.3, "low", frozenset({"youth"}))).queue == "posts"
    assert r.route(Candidate("post", 0.9, "high")).priority == 2
    assert r.route(Candidate("cluster", 0.7)).rule == "high-risk-networks"
    assert r.route(Candidate("cluster", 0.4)).priority == 3
    assert r.sla_for(1) < r.sla_for(2) < r.sla_for(4)


def test_routing_rules_are_checked() -> None:
    base = {"claim_minutes": 30, "sla_hours": {1: 4}}
    with pytest.raises(ValueError, match="unknown condition 'colour'"):
        parse_routing(
            base
            | {"rules": [{"name": "x", "when": {"colour": "red"}, "queue": "q", "priority": 1}]}
        )
    with pytest.raises(ValueError, match="priority"):
        parse_routing(base | {"rules": [{"name": "x", "queue": "q", "priority": 9}]})


def test_routing_categories_exist_in_the_catalogue() -> None:
    for rule in default_routing().rules:
        if "category" in rule.when:
            assert rule.when["category"] in CATEGORIES


def test_taxonomy_maps_to_dsa_vocabulary() -> None:
    ids = [r.id for r in reasons()]
    assert len(ids) == len(set(ids))
    for r in reasons():
        assert r.statement_category.startswith("STATEMENT_CATEGORY_")
        assert all(k.startswith("KEYWORD_") for k in r.keywords)
        if r.post_class:
            PostClass(r.post_class)
    assert "KEYWORD_HUMAN_TRAFFICKING" in reason("sex_trafficking").keywords
    with pytest.raises(InvalidInput, match="unknown policy reason"):
        reason("nope")
    assert action("open_case") is Action.OPEN_CASE
    with pytest.raises(InvalidInput, match="unknown action"):
        action("delete_everything")
