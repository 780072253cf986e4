"""Extraction quality against ground truth written by ``vigil synth``.

Matching is by (post, kind, value) multisets: a found identifier counts as a true
positive if the truth of that post lists the same kind and value (each truth entry
matches once). Precision and recall are reported per kind, for the kinds present in
the truth file (phone, email, handle, payment, crypto, age), and recall per phone
obfuscation style. Offsets are not compared (titles and bodies are scanned apart).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from vigil.extract import extract_post_fields
from vigil.extract.regions import region_for_location
from vigil.model import IdentifierKind

__all__ = ["EVALUATED_KINDS", "evaluate_extraction", "format_report"]

EVALUATED_KINDS = ("phone", "email", "handle", "payment", "crypto", "age")


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as fh:
        for line in fh:
            if line.strip():
                row: dict[str, Any] = orjson.loads(line)
                yield row


def evaluate_extraction(
    posts_jsonl: Path, truth_jsonl: Path, *, region: str = "US", limit: int | None = None
) -> dict[str, Any]:
    """Per-kind precision/recall of :func:`vigil.extract.extract_post_fields`.

    Each post is read with the phone region of its ``location`` (``"Sydney, AU"``
    -> AU; US state codes -> US), ``region`` when it has none.

    Returns ``{"posts": n, "kinds": {kind: {"tp", "fp", "fn", "precision",
    "recall"}}, "phone_styles": {style: {"planted", "found", "recall"}},
    "errors": {kind: {"fp": [...], "fn": [...]}}}`` (up to 20 examples each).
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    styles: dict[str, Counter[str]] = defaultdict(Counter)
    errors: dict[str, dict[str, list[Any]]] = defaultdict(lambda: {"fp": [], "fn": []})
    present: set[str] = set()
    n = 0
    for post, truth in zip(_lines(posts_jsonl), _lines(truth_jsonl), strict=False):
        if limit is not None and n >= limit:
            break
        n += 1
        planted = [i for i in truth.get("identifiers", []) if i["kind"] in EVALUATED_KINDS]
        present.update(i["kind"] for i in planted)
        kinds = [IdentifierKind(k) for k in EVALUATED_KINDS]
        post_region = region_for_location(post.get("location"), region)
        found = extract_post_fields(
            post.get("title") or "", post.get("body") or "", region=post_region, kinds=kinds
        )
        got = Counter((i.kind.value, i.value) for _, i in found)
        want = Counter((i["kind"], i["value"]) for i in planted)
        for (kind, value), c in got.items():
            tp = min(c, want.get((kind, value), 0))
            counts[kind]["tp"] += tp
            counts[kind]["fp"] += c - tp
            if c > tp and len(errors[kind]["fp"]) < 20:
                errors[kind]["fp"].append({"post_id": truth.get("post_id"), "value": value})
        remaining = Counter(got)
        for ident in planted:
            key = (ident["kind"], ident["value"])
            hit = remaining[key] > 0
            if hit:
                remaining[key] -= 1
            else:
                counts[ident["kind"]]["fn"] += 1
                if len(errors[ident["kind"]]["fn"]) < 20:
                    errors[ident["kind"]]["fn"].append(
                        {"post_id": truth.get("post_id"), "value": ident["value"],
                         "raw": ident.get("raw"), "style": ident.get("style")}
                    )  # fmt: skip
            if ident["kind"] == "phone":
                style = ident.get("style") or "plain"
                styles[style]["planted"] += 1
                styles[style]["found"] += int(hit)
    report: dict[str, Any] = {"posts": n, "kinds": {}, "phone_styles": {}, "errors": {}}
    for kind in EVALUATED_KINDS:
        if kind not in present:
            continue
        kc = counts[kind]
        tp, fp, fn = kc["tp"], kc["fp"], kc["fn"]
        report["kinds"][kind] = {
            "tp": tp, "fp": fp, "fn": fn,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
        }  # fmt: skip
        if errors[kind]["fp"] or errors[kind]["fn"]:
            report["errors"][kind] = errors[kind]
    for style, sc in sorted(styles.items()):
        report["phone_styles"][style] = {
            "planted": sc["planted"],
            "found": sc["found"],
            "recall": round(sc["found"] / sc["planted"], 4) if sc["planted"] else 1.0,
        }
    return report


def format_report(report: dict[str, Any]) -> str:
    """The report as a plain-text table."""
    lines = [f"posts: {report['posts']}", "", f"{'kind':<10}{'precision':>10}{'recall':>8}"
             f"{'tp':>8}{'fp':>6}{'fn':>6}"]  # fmt: skip
    for kind, m in report["kinds"].items():
        lines.append(
            f"{kind:<10}{m['precision']:>10.4f}{m['recall']:>8.4f}{m['tp']:>8}{m['fp']:>6}{m['fn']:>6}"
        )
    if report["phone_styles"]:
        lines += ["", f"{'phone style':<14}{'recall':>8}{'planted':>9}"]
        for style, m in report["phone_styles"].items():
            lines.append(f"{style:<14}{m['recall']:>8.4f}{m['planted']:>9}")
    return "\n".join(lines)
