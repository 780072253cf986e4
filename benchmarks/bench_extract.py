"""Extraction speed and obfuscated-phone recall: vigil vs a naive baseline.

The baseline is what most pipelines do: ``phonenumbers.PhoneNumberMatcher`` for
phones plus plain regexes for e-mails and @handles. Both run over the same posts in
the same process, on one core.

    python benchmarks/bench_extract.py [--posts N] [--region US]

Posts come from ``vigil.synth`` (with its ground truth).
"""

from __future__ import annotations

import argparse
import re
import time

import phonenumbers

from vigil.extract import extract_post_fields
from vigil.extract.regions import region_for_location
from vigil.model import IdentifierKind

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_HANDLE = re.compile(r"@[A-Za-z0-9_.]{2,30}")


def baseline(text: str, region: str) -> list[tuple[str, str]]:
    out = []
    for m in phonenumbers.PhoneNumberMatcher(text, region):
        out.append(
            ("phone", phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164))
        )
    out += [("email", m.group().lower()) for m in _EMAIL.finditer(text)]
    out += [("handle", m.group()) for m in _HANDLE.finditer(text)]
    return out


def load(n: int, seed: int) -> tuple[list[dict], list[dict]]:
    from vigil.synth import iter_records

    records = list(iter_records(n, seed))
    return [r.post for r in records], [r.truth for r in records]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--region", default="US")
    args = ap.parse_args()
    posts, truth = load(args.posts, args.seed)
    regions = [region_for_location(p.get("location"), args.region) for p in posts]
    fields = [(p.get("title") or "", p.get("body") or "") for p in posts]
    kinds = [IdentifierKind(k) for k in ("phone", "email", "handle", "payment", "crypto", "age")]

    extract_post_fields("warm up 212 555 0123", "", region="US")  # build caches
    t0 = time.process_time()
    _ = [extract_post_fields(t, b, region=r) for (t, b), r in zip(fields, regions, strict=True)]
    t_ours = time.process_time() - t0
    t0 = time.process_time()
    ours_k = [extract_post_fields(t, b, region=r, kinds=kinds)
              for (t, b), r in zip(fields, regions, strict=True)]  # fmt: skip
    t_ours_k = time.process_time() - t0
    t0 = time.process_time()
    base = [baseline(t, r) + baseline(b, r) for (t, b), r in zip(fields, regions, strict=True)]
    t_base = time.process_time() - t0

    planted = obf_planted = found = obf_found = b_found = b_obf_found = 0
    for tr, o, b in zip(truth, ours_k, base, strict=True):
        got = {i.value for _, i in o if i.kind == IdentifierKind.PHONE}
        bgot = {v for k, v in b if k == "phone"}
        for ident in tr["identifiers"]:
            if ident["kind"] != "phone":
                continue
            obf = ident.get("style", "plain") != "plain"
            planted += 1
            obf_planted += obf
            found += ident["value"] in got
            b_found += ident["value"] in bgot
            obf_found += obf and ident["value"] in got
            b_obf_found += obf and ident["value"] in bgot
    n = len(posts)
    rows = [
        ("posts/s/core (all 9 kinds)", n / t_ours, None),
        ("posts/s/core (6 truth kinds)", n / t_ours_k, None),
        ("posts/s/core (baseline)", None, n / t_base),
        ("phone recall, all", found / planted, b_found / planted),
        ("phone recall, obfuscated", obf_found / obf_planted, b_obf_found / obf_planted),
    ]
    print(f"{n:,} synthetic posts, {planted:,} planted phones ({obf_planted:,} obfuscated)\n")
    print(f"{'figure':<30}{'vigil':>12}{'baseline':>12}{'ratio':>8}")
    base_speed = n / t_base
    for name, v, b in rows:
        if b is None:
            print(f"{name:<30}{v:>12,.0f}{base_speed:>12,.0f}{v / base_speed:>8.2f}")
        elif v is None:
            continue
        else:
            print(f"{name:<30}{v:>12.4f}{b:>12.4f}{v / b if b else float('inf'):>8.2f}")


if __name__ == "__main__":
    main()
