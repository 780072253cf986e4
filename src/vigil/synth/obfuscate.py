"""Ways ads write phone numbers so that naive regexes miss them.

:func:`render_digits` turns a digit string (``"2125550123"``, ``"0491570123"``,
``"12125550123"``) into text in one of :data:`PHONE_STYLES`. Every style keeps the
digits recoverable by a reader: decoding the digits, digit words, look-alike
letters and Unicode digits of the result, in order, gives back the input.
"""

from __future__ import annotations

import random
from typing import Final

__all__ = [
    "EN_DIGIT_WORDS",
    "ES_DIGIT_WORDS",
    "OBFUSCATED_STYLES",
    "PHONE_STYLES",
    "group_digits",
    "render_digits",
]

#: Every style name recorded in ``truth.jsonl`` for phones.
PHONE_STYLES: Final[tuple[str, ...]] = (
    "plain",
    "spelled",
    "mixed",
    "letter_digit",
    "fullwidth",
    "math_digits",
    "separators",
    "emoji",
    "split_words",
)
OBFUSCATED_STYLES: Final[tuple[str, ...]] = PHONE_STYLES[1:]

EN_DIGIT_WORDS: Final = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)
ES_DIGIT_WORDS: Final = tuple(
    ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
)

# Mathematical alphanumeric digit blocks: bold, double-struck, sans-serif,
# sans-serif bold, monospace (each holds 0-9 consecutively).
_MATH_BASES: Final = (0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6)
_KEYCAP: Final = "\ufe0f\u20e3"
_EMOJI_SEPS: Final = ("💋", "🔥", "💦", "❤️", "✨", "🌹", "💕", "⭐")
_DIGIT_SEPS: Final = ("*", ".", "-", " ", "_", "|", "~", "/", " . ", "+")
_SPLIT_WORDS: Final = {
    "en": ("then", "and", "and then", "&", "after that"),
    "es": ("luego", "y", "después", "y luego"),
}


def group_digits(digits: str) -> list[str]:
    """Split a phone digit string into the groups people write.

    ``2125550123`` -> ``212 555 0123``; ``12125550123`` -> ``1 212 555 0123``;
    ``0491570123`` -> ``0491 570 123``; ``61491570123`` -> ``61 491 570 123``.
    """
    n = len(digits)
    if n == 10 and digits.startswith("04"):
        return [digits[:4], digits[4:7], digits[7:]]
    if n == 11 and digits.startswith("61"):
        return [digits[:2], digits[2:5], digits[5:8], digits[8:]]
    if n == 11 and digits.startswith("1"):
        return [digits[:1], digits[1:4], digits[4:7], digits[7:]]
    if n == 10:
        return [digits[:3], digits[3:6], digits[6:]]
    return [digits[i : i + 3] for i in range(0, n, 3)]


def _case(word: str, mode: int) -> str:
    if mode == 0:
        return word
    if mode == 1:
        return word.upper()
    return word.title()


def _plain(groups: list[str], rng: random.Random) -> str:
    intl = len(groups) == 4  # leading country code
    if intl:
        cc, rest = groups[0], groups[1:]
        roll = rng.random()
        if roll < 0.5:
            return "+" + cc + " " + " ".join(rest)
        if roll < 0.7 and cc == "1":
            return f"+1 ({rest[0]}) {rest[1]}-{rest[2]}"
        if roll < 0.85:
            return "+" + "".join(groups)
        return cc + "-" + "-".join(rest)
    roll = rng.random()
    if roll < 0.35 and len(groups[0]) == 3:
        return f"({groups[0]}) {groups[1]}-{groups[2]}"
    if roll < 0.55:
        return "-".join(groups)
    if roll < 0.7:
        return ".".join(groups)
    if roll < 0.9:
        return " ".join(groups)
    return "".join(groups)


def _spelled(groups: list[str], rng: random.Random, words: tuple[str, ...]) -> str:
    mode = rng.randrange(4)
    inner = rng.choice((" ", " ", "-", ""))
    outer = rng.choice((" ", "  ", " - ", ", "))
    out = []
    for group in groups:
        parts = []
        for ch in group:
            word = words[ord(ch) - 48]
            parts.append(_case(word, rng.randrange(3) if mode == 3 else mode))
        out.append(inner.join(parts))
    return outer.join(out)


def _mixed(groups: list[str], rng: random.Random, words: tuple[str, ...]) -> str:
    caps = rng.random() < 0.5
    out = []
    n_words = 0
    for group in groups:
        parts = []
        for ch in group:
            roll = rng.random()
            if roll < 0.4:
                word = words[ord(ch) - 48]
                parts.append(word.upper() if caps else word)
                n_words += 1
            elif roll < 0.5 and ch == "0":
                parts.append(rng.choice(("o", "O")))
            else:
                parts.append(ch)
        out.append("".join(parts))
    if n_words == 0:  # make sure at least one digit is a word
        word = words[ord(groups[0][0]) - 48]
        out[0] = (word.upper() if caps else word) + out[0][1:]
    return " ".join(out)


def _letter_digit(groups: list[str], rng: random.Random) -> str:
    zero = rng.choice(("O", "o"))
    one = rng.choice(("l", "I"))
    text = _plain(groups, rng)
    chars = list(text)
    swapped = False
    for i, ch in enumerate(chars):
        if ch == "0" and rng.random() < 0.8:
            chars[i] = zero
            swapped = True
        elif ch == "1" and rng.random() < 0.8 and (i == 0 or chars[i - 1] != "+"):
            chars[i] = one
            swapped = True
    if not swapped:
        for i, ch in enumerate(chars):
            if ch == "0":
                chars[i] = zero
                break
    return "".join(chars)


def _map_digits(text: str, base: int) -> str:
    return "".join(chr(base + ord(ch) - 48) if "0" <= ch <= "9" else ch for ch in text)


def _separators(groups: list[str], rng: random.Random) -> str:
    roll = rng.random()
    digits = "".join(groups)
    if roll < 0.45:
        return rng.choice(_DIGIT_SEPS).join(digits)
    if roll < 0.75:
        opener, closer = rng.choice((("[", "]"), ("(", ")"), ("{", "}"), ("<", ">")))
        sep = rng.choice((" ~ ", " * ", "*", " | ", " -- ", "~"))
        return sep.join(opener + g + closer if i == 0 else g for i, g in enumerate(groups))
    sep = rng.choice(("**", " -- ", " // ", "..", " ** ", "_"))
    return sep.join(groups)


def _emoji(groups: list[str], rng: random.Random) -> str:
    if rng.random() < 0.5:
        inner = "" if rng.random() < 0.7 else " "
        return " ".join(inner.join(ch + _KEYCAP for ch in g) for g in groups)
    sep = rng.choice(_EMOJI_SEPS)
    if rng.random() < 0.7:
        return f" {sep} ".join(groups)
    return sep.join("".join(groups))


def _split_words(groups: list[str], rng: random.Random, lang: str) -> str:
    joiner = rng.choice(_SPLIT_WORDS.get(lang, _SPLIT_WORDS["en"]))
    return f" {joiner} ".join(groups)


def render_digits(digits: str, style: str, rng: random.Random, lang: str = "en") -> str:
    """Write ``digits`` (ASCII 0-9 only) as phone text in the given style."""
    groups = group_digits(digits)
    words = ES_DIGIT_WORDS if lang == "es" else EN_DIGIT_WORDS
    if style == "plain":
        return _plain(groups, rng)
    if style == "spelled":
        return _spelled(groups, rng, words)
    if style == "mixed":
        return _mixed(groups, rng, words)
    if style == "letter_digit":
        return _letter_digit(groups, rng)
    if style == "fullwidth":
        return _map_digits(_plain(groups, rng), 0xFF10)
    if style == "math_digits":
        return _map_digits(_plain(groups, rng), rng.choice(_MATH_BASES))
    if style == "separators":
        return _separators(groups, rng)
    if style == "emoji":
        return _emoji(groups, rng)
    if style == "split_words":
        return _split_words(groups, rng, lang)
    raise ValueError(f"unknown phone style: {style!r}")
