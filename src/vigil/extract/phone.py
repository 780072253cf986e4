"""Phone numbers: plain, international and obfuscated.

Pipeline (all linear in the text):

1. :func:`vigil.extract.digits.clusters` maps the text to digit clusters with offsets.
2. Clusters that are something else are *blocked*: inside a URL or e-mail, after a
   currency sign or before ``$ € £ %``, dates (12/05/2026, 2026-05-12), times
   (10:30), thousands (50,000), more than 15 digits.
3. Unblocked clusters separated by short gaps of separators (punctuation, spaces,
   emoji, brackets, at most two filler words such as "then") form *runs*.
4. In each run, windows of 7..15 digits are tried left to right, longest first,
   with ``phonenumbers`` (default region, or international when written with ``+``
   / an IDD prefix); the first valid number wins and the scan resumes after it.
5. A run right after an id keyword ("order", "ref #", "invoice", ...) is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers

from vigil.extract.base import Doc, FunctionExtractor, inside, register
from vigil.extract.digits import LETTER, UNICODE, WORD, Cluster, clusters
from vigil.extract.tables import PHONE_FILLERS, PHONE_REJECT_KEYWORDS
from vigil.model import Identifier, IdentifierKind

__all__ = ["extract_phones", "normalize_phone"]

MIN_DIGITS = 7
MAX_DIGITS = 15
MAX_GAP = 14  # characters between two clusters of one number
_BAD_GAP_CHARS = frozenset("$€£¥₹%¢")
_CURRENCY = frozenset("$€£¥₹¢")
_GAP_WORD = re.compile(r"[^\W\d_]+")
_REJECT = re.compile(
    r"(?:^|[^\w])(?:"
    + "|".join(re.escape(k) for k in PHONE_REJECT_KEYWORDS if k not in {"no", "nº", "n°"})
    + r")\W{0,3}(?:#|no\.?|nr\.?|n[º°]|num(?:ber)?|code)?\W{0,3}$"
    + r"|(?:^|[^\w])(?:no\.|n[º°])\s*#?\s*$"
)
_CHAIN_SEPS = frozenset(",/.-:")
_NANP_REGIONS = frozenset(phonenumbers.region_codes_for_country_code(1))
# Any of these in a text may block a cluster (_currency_near); without them, skip it.
_MONEY_CHARS = tuple(_BAD_GAP_CHARS | _CURRENCY)
_LENGTHS: dict[int, frozenset[int] | None] = {}
_ONLY_LETTER = frozenset({LETTER})


def _possible_lengths(country_code: int) -> frozenset[int] | None:
    """National number lengths any region of a shared country code can have.

    None when some region leaves its lengths open (then no shortcut applies).
    ``phonenumbers`` rejects a number whose length is not among its region's
    ``general_desc.possible_length`` before looking at any pattern, so a length
    outside the union over the code's regions is invalid wherever the number is
    placed (``region_code_for_number`` included).
    """
    if country_code not in _LENGTHS:
        lengths: set[int] = set()
        found: frozenset[int] | None = None
        for region in phonenumbers.region_codes_for_country_code(country_code):
            md = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
            if md is None or md.general_desc is None or not md.general_desc.possible_length:
                break
            lengths.update(md.general_desc.possible_length)
        else:
            found = frozenset(lengths)
        _LENGTHS[country_code] = found
    return _LENGTHS[country_code]


# Default regions where phonenumbers.parse keeps a digit string that starts with 2-9
# unchanged as the national number: international prefix 011 and national prefix 1
# (nothing to strip from such a string), country code 1 (not a prefix of it either)
# and no national_prefix_transform_rule. Its national number then has the string's
# own length, and +1 numbers of a length outside _possible_lengths(1) are invalid:
# _validate answers None for them without parsing (tested against phonenumbers).
_PLAIN_NANP = frozenset({"US", "CA"})
_NANP_LENGTHS = frozenset({7, 10})


@lru_cache(maxsize=1 << 16)
def _validate(digits: str, region: str, plus: bool) -> tuple[str, str] | None:
    """(E.164, region of the number) if ``digits`` is a valid number, else None."""
    if (
        not plus
        and region in _PLAIN_NANP
        and len(digits) not in _NANP_LENGTHS
        and "2" <= digits[:1] <= "9"
    ):
        return None
    try:
        num = phonenumbers.parse(("+" if plus else "") + digits, region)
    except phonenumbers.NumberParseException:
        return None
    # phonenumbers.is_valid_number(num) is exactly this, but would look the number's
    # region up a second time (for +1 numbers a scan over the NANP regions).
    code = num.country_code
    regions = None if code is None else phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code)
    if code is not None and regions is not None and len(regions) > 1:
        # Shared code (+1, +7, +44, ...): the region look-up tries every region's
        # patterns; a national number of a length no region allows is invalid
        # without it (the first test each of those patterns would make).
        lengths = _possible_lengths(code)
        nsn = phonenumbers.national_significant_number(num)
        if lengths is not None and len(nsn) not in lengths:
            return None
    number_region = phonenumbers.region_code_for_number(num)
    if number_region is None or not phonenumbers.is_valid_number_for_region(num, number_region):
        return None
    e164 = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    return e164, number_region or region


def normalize_phone(value: str, region: str = "US") -> str | None:
    """E.164 form of a phone number written plainly (idempotent on E.164 input)."""
    digits = "".join(c for c in value if c.isdigit())
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    found = _validate(digits, region.upper(), value.lstrip().startswith("+"))
    return None if found is None else found[0]


def _chain_blocks(cl: list[Cluster], gaps: list[str], blocked: list[bool]) -> None:
    """Block dates, times and thousands: clusters joined by one same separator.

    ``gaps[k]`` is the text between cluster k and k + 1.
    """
    i, n = 0, len(cl)
    while i < n:
        j = i
        sep = ""
        while j + 1 < n:
            gap = gaps[j]
            if len(gap) != 1 or gap not in _CHAIN_SEPS or (sep and gap != sep):
                break
            sep = gap
            j += 1
        if j > i:
            lens = [len(c.digits) for c in cl[i : j + 1]]
            if _is_date_time_amount(sep, lens):
                for k in range(i, j + 1):
                    blocked[k] = True
        i = j + 1


def _is_date_time_amount(sep: str, lens: list[int]) -> bool:
    if sep == ",":
        return 1 <= lens[0] <= 3 and all(x == 3 for x in lens[1:])
    if sep == ":":
        return len(lens) <= 3 and lens[0] <= 2 and all(x == 2 for x in lens[1:])
    if len(lens) == 3:
        a, b, c = lens
        return (a <= 2 and b <= 2 and c in (2, 4)) or (a == 4 and b <= 2 and c <= 2)
    if len(lens) == 2 and sep in "/.":
        return (lens[0] <= 2 and lens[1] <= 2) or (sep == "." and lens[1] <= 2)
    return False


_GAP_CACHE: dict[str, tuple[bool, bool]] = {}
_GAP_CACHE_LIMIT = 1 << 14
_NO_JOIN = (False, False)


def _gap_ok(gap: str) -> tuple[bool, bool]:
    """(may join, has filler words) for the text between two clusters (cached: gaps
    are at most MAX_GAP characters and repeat heavily)."""
    if len(gap) > MAX_GAP:
        return _NO_JOIN
    found = _GAP_CACHE.get(gap)
    if found is None:
        if len(_GAP_CACHE) >= _GAP_CACHE_LIMIT:
            _GAP_CACHE.clear()
        found = _GAP_CACHE[gap] = _gap_ok_uncached(gap)
    return found


def _gap_ok_uncached(gap: str) -> tuple[bool, bool]:
    if any(c in _BAD_GAP_CHARS for c in gap):
        return False, False
    words = _GAP_WORD.findall(gap.lower())
    if not words:
        return True, False
    return len(words) <= 2 and all(w in PHONE_FILLERS for w in words), True


def _currency_near(text: str, c: Cluster) -> bool:
    i = c.start - 1
    if i >= 0 and text[i] == " ":
        i -= 1
    if i >= 0 and text[i] in _CURRENCY:
        return True
    j = c.end
    if j < len(text) and text[j] == " ":
        j += 1
    return j < len(text) and text[j] in _BAD_GAP_CHARS


def _plus_before(text: str, start: int) -> bool:
    i = start - 1
    for _ in range(3):
        if i < 0:
            return False
        ch = text[i]
        if ch == "+" or ch == "＋":
            return True
        if ch not in " ([":
            return False
        i -= 1
    return False


def _runs(doc: Doc) -> Iterator[list[tuple[Cluster, bool]]]:
    """Runs of joinable clusters; each item is (cluster, joined with filler words)."""
    text = doc.text
    cl = clusters(text, doc.lower)
    lens = [len(c.digits) for c in cl]
    if sum(lens) < MIN_DIGITS:
        return  # not enough digits for any number (blocking only removes clusters)
    avoid = doc.spans(IdentifierKind.URL, IdentifierKind.EMAIL)
    blocked = [n > MAX_DIGITS for n in lens]
    if any(ch in text for ch in _MONEY_CHARS):
        for k, c in enumerate(cl):
            if _currency_near(text, c):
                blocked[k] = True
    if avoid:
        for k, c in enumerate(cl):
            if inside(avoid, c.start, c.end):
                blocked[k] = True
    gaps = [text[cl[k].end : cl[k + 1].start] for k in range(len(cl) - 1)]
    _chain_blocks(cl, gaps, blocked)
    run: list[tuple[Cluster, bool]] = []
    prev: Cluster | None = None
    for k, c in enumerate(cl):
        if blocked[k]:
            if run:
                yield run
            run = []
            continue
        if run:
            # run non-empty: its last cluster is cl[k - 1] (blocked ones end a run)
            ok, filler = _gap_ok(gaps[k - 1])
            if ok and not prev.glued_right and not c.glued_left:  # type: ignore[union-attr]
                run.append((c, filler))
                prev = c
                continue
            yield run
        run = [(c, False)]
        prev = c
    if run:
        yield run


def _rejected_by_context(doc: Doc, start: int) -> bool:
    window = doc.lower[max(0, start - 24) : start]
    return _REJECT.search(window) is not None


def _make(doc: Doc, run: list[tuple[Cluster, bool]], i: int, j: int, found: tuple[str, str],
          plus: bool, guessed: bool) -> Identifier:  # fmt: skip
    text = doc.text
    first, last = run[i][0], run[j][0]
    start = first.start
    if plus:
        k = text.rfind("+", max(0, start - 3), start)
        k2 = text.rfind("＋", max(0, start - 3), start)
        start = max(k, k2) if max(k, k2) >= 0 else start
    kinds: set[int] = set()
    for c, _ in run[i : j + 1]:
        kinds |= c.kinds
    styles = []
    if WORD in kinds:
        styles.append("spelled")
    if LETTER in kinds:
        styles.append("letters")
    if UNICODE in kinds:
        styles.append("unicode")
    split = any(f for _, f in run[i + 1 : j + 1])
    if split:
        styles.append("split")
    confidence = 0.97 - 0.1 * len(styles)
    if j - i >= 4 and not split:
        confidence -= 0.05
    if guessed:
        confidence -= 0.3
    attrs: dict[str, object] = {"region": found[1]}
    if styles:
        attrs["obfuscation"] = styles
    if guessed:
        attrs["country_guessed"] = True
    return Identifier(
        kind=IdentifierKind.PHONE,
        value=found[0],
        raw=text[start : last.end],
        start=start,
        end=last.end,
        confidence=round(max(confidence, 0.4), 2),
        attrs=attrs,
    )


def _stray_head(doc: Doc, run: list[tuple[Cluster, bool]], i: int, j: int, region: str) -> bool:
    """True if cluster ``i`` looks like a stray number glued to the phone after it.

    "Atlanta 17028. ☎ 470-555-0127": the gap after the first cluster differs from
    every other gap of the window (and the one after it), and the run read from the
    next cluster on gives a valid number.
    """
    if run[i][0].digits == "1" or _plus_before(doc.text, run[i][0].start):
        return False
    text = doc.text
    n = len(run)
    last = min(j + 1, n - 1)
    gaps = [text[run[k][0].end : run[k + 1][0].start] for k in range(i, last)]
    if len(gaps) < 2 or gaps[0] in gaps[1:]:
        return False
    total = 0
    for k in range(i + 1, n):
        total += len(run[k][0].digits)
        if total > MAX_DIGITS:
            break
        if total >= 9:
            digits = "".join(c.digits for c, _ in run[i + 1 : k + 1])
            if _validate(digits, region, False) is not None:
                return True
    return False


def extract_phones(doc: Doc) -> Iterator[Identifier]:
    """Phone numbers in ``doc`` as E.164, default region ``doc.region``."""
    region = doc.region
    for run in _runs(doc):
        if sum(len(c.digits) for c, _ in run) < MIN_DIGITS:
            continue  # every window of this run is too short
        n = len(run)
        i = 0
        while i < n:
            if run[i][0].kinds == _ONLY_LETTER:  # "lol" never starts a number
                i += 1
                continue
            ends: list[tuple[int, int]] = []
            total = 0
            j = i
            while j < n and total + len(run[j][0].digits) <= MAX_DIGITS:
                total += len(run[j][0].digits)
                ends.append((j, total))
                j += 1
            hit = None
            plus = _plus_before(doc.text, run[i][0].start)
            for j, total in reversed(ends):
                if total < MIN_DIGITS:
                    break
                digits = "".join(c.digits for c, _ in run[i : j + 1])
                found = None
                if (
                    not plus
                    and region not in _NANP_REGIONS
                    and len(digits) == 11
                    and digits[0] == "1"
                ):
                    found = _validate(digits, "US", True)  # "1-321-555-0153": NANP, any region
                if found is None:
                    found = _validate(digits, region, plus)
                guessed = False
                if found is not None:
                    hit = (j, found, plus, guessed)
                    break
            if hit is not None and _stray_head(doc, run, i, hit[0], region):
                hit = None
            if hit is None:
                i += 1
                continue
            j, found, plus, guessed = hit
            if not _rejected_by_context(doc, run[i][0].start):
                yield _make(doc, run, i, j, found, plus, guessed)
            i = j + 1


register(FunctionExtractor(IdentifierKind.PHONE, extract_phones))
