"""Data tables used by the extractors, kept as plain constants.

Edit these to teach vigil new spellings; every table is lower-case.
"""

from __future__ import annotations

__all__ = [
    "CURRENCY_SYMBOLS",
    "CURRENCY_WORDS",
    "DIGIT_HOMOGLYPHS",
    "DOLLAR_REGIONS",
    "HANDLE_KEYWORDS",
    "HANDLE_URLS",
    "NUMBER_WORDS",
    "PHONE_FILLERS",
    "PHONE_REJECT_KEYWORDS",
    "PRICE_UNITS",
    "SPELLED_AGES",
    "TLDS",
]

# Spelled digits per language (lower-case; accented and unaccented forms).
NUMBER_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
        "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    },
    "es": {
        "cero": "0", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5",
        "seis": "6", "siete": "7", "ocho": "8", "nueve": "9",
    },
    "pt": {
        "zero": "0", "um": "1", "dois": "2", "três": "3", "quatro": "4",
        "cinco": "5", "seis": "6", "sete": "7", "oito": "8", "nove": "9",
    },
    "fr": {
        "zéro": "0", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5",
        "six": "6", "sept": "7", "huit": "8", "neuf": "9",
    },
}  # fmt: skip

# Letters that stand in for digits *inside* a digit run (never on their own):
# Latin/Greek/Cyrillic O for 0, l/I/Greek iota/Cyrillic I for 1.
LETTER_DIGITS: dict[str, str] = {
    "o": "0", "O": "0", "ο": "0", "Ο": "0", "о": "0", "О": "0",
    "l": "1", "I": "1", "ı": "1", "Ι": "1", "І": "1", "ӏ": "1",
}  # fmt: skip

# Digit look-alikes that are not decimal digits (category No): circled, dingbat,
# parenthesised, super/subscript. Decimal digits of any script (full-width,
# mathematical bold, Arabic-Indic, ...) are handled through unicodedata.
DIGIT_HOMOGLYPHS: dict[str, str] = {
    **{chr(0x2460 + i): str(i + 1) for i in range(9)},  # ①..⑨
    "⓪": "0", "⓿": "0", "🄀": "0",
    **{chr(0x2474 + i): str(i + 1) for i in range(9)},  # ⑴..⑼
    **{chr(0x2488 + i): str(i + 1) for i in range(9)},  # ⒈..⒐
    **{chr(0x24F5 + i): str(i + 1) for i in range(9)},  # ⓵..⓽
    **{chr(0x2776 + i): str(i + 1) for i in range(9)},  # ❶..❾
    **{chr(0x2780 + i): str(i + 1) for i in range(9)},  # ➀..➈
    **{chr(0x278A + i): str(i + 1) for i in range(9)},  # ➊..➒
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
    "⁸": "8", "⁹": "9",
    **{chr(0x2080 + i): str(i) for i in range(10)},  # ₀..₉
}  # fmt: skip

# Words allowed between the pieces of one split phone number ("212 then 555").
PHONE_FILLERS: frozenset[str] = frozenset(
    {
        "then",
        "and",
        "after",
        "that",
        "y",
        "luego",
        "después",
        "despues",
        "e",
        "et",
        "dash",
        "hyphen",
        "space",
        "dot",
        "plus",
    }
)

# A digit run right after one of these words is an id, not a phone.
PHONE_REJECT_KEYWORDS: tuple[str, ...] = (
    "order", "ref", "reference", "invoice", "tracking", "id", "account", "acct",
    "case", "ticket", "item", "sku", "serial", "confirmation", "conf", "transaction",
    "txn", "zip", "zipcode", "postal", "postcode", "pin", "iban", "routing", "policy",
    "license", "licence", "booking", "reservation", "model", "part", "isbn", "vin",
    "ein", "ssn", "po", "lot", "ad", "post", "listing", "pedido", "factura", "folio",
    "código", "codigo", "cp", "nº", "no", "n°", "req", "requisition", "job",
)  # fmt: skip

# Platform keyword (lower-case) -> vocabulary platform.
HANDLE_KEYWORDS: dict[str, str] = {
    "instagram": "instagram", "insta": "instagram", "ig": "instagram", "gram": "instagram",
    "snapchat": "snapchat", "snap": "snapchat", "sc": "snapchat", "👻": "snapchat",
    "telegram": "telegram", "tg": "telegram", "tele": "telegram",
    "whatsapp": "whatsapp", "whats app": "whatsapp", "wa": "whatsapp", "wapp": "whatsapp",
    "kik": "kik", "wechat": "wechat", "weixin": "wechat",
    "twitter": "twitter", "x": "twitter",
    "onlyfans": "onlyfans", "of": "onlyfans", "only fans": "onlyfans",
    "tiktok": "tiktok", "tik tok": "tiktok",
    "facebook": "facebook", "fb": "facebook",
    "signal": "signal", "line": "line", "line id": "line",
}  # fmt: skip

# URL host (and fixed path prefix) -> platform, for profile links.
HANDLE_URLS: dict[str, str] = {
    "instagram.com/": "instagram", "instagr.am/": "instagram",
    "snapchat.com/add/": "snapchat", "t.me/": "telegram", "telegram.me/": "telegram",
    "onlyfans.com/": "onlyfans", "tiktok.com/@": "tiktok", "tiktok.com/": "tiktok",
    "twitter.com/": "twitter", "x.com/": "twitter", "facebook.com/": "facebook",
    "fb.com/": "facebook", "kik.me/": "kik", "line.me/ti/p/~": "line",
}  # fmt: skip

CURRENCY_SYMBOLS: dict[str, str] = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
CURRENCY_WORDS: dict[str, str] = {
    "usd": "USD", "dollars": "USD", "dollar": "USD", "dolares": "USD", "dólares": "USD",
    "bucks": "USD", "roses": "USD", "rosas": "USD", "eur": "EUR", "euro": "EUR",
    "euros": "EUR", "gbp": "GBP", "pounds": "GBP", "quid": "GBP", "pesos": "MXN",
    "mxn": "MXN", "cad": "CAD", "aud": "AUD",
}  # fmt: skip
# "$" and the "roses" euphemism mean the local dollar in these regions.
DOLLAR_REGIONS: dict[str, str] = {
    "CA": "CAD", "AU": "AUD", "NZ": "NZD", "MX": "MXN", "SG": "SGD", "HK": "HKD",
}  # fmt: skip

# Price duration words -> vocabulary unit.
PRICE_UNITS: dict[str, str] = {
    "hh": "half_hour", "hhr": "half_hour", "half hour": "half_hour", "half": "half_hour",
    "half an hour": "half_hour", "30 min": "half_hour", "30min": "half_hour",
    "30 mins": "half_hour", "media hora": "half_hour",
    "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "the hour": "hour",
    "an hour": "hour", "1 hour": "hour", "1hr": "hour", "1 hr": "hour", "hora": "hour",
    "60 min": "hour", "60min": "hour", "fh": "hour",
    "qv": "session", "quick visit": "session", "session": "session", "visit": "session",
    "night": "night", "overnight": "night", "noche": "night",
}  # fmt: skip

SPELLED_AGES: dict[str, int] = {
    "eighteen": 18, "nineteen": 19, "twenty": 20, "dieciocho": 18, "diecinueve": 19,
    "veinte": 20,
    **{f"twenty {w}": 20 + i for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"], 1)},
    **{f"twenty-{w}": 20 + i for i, w in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"], 1)},
}  # fmt: skip

# Top-level domains accepted for scheme-less links and obfuscated e-mails.
TLDS: frozenset[str] = frozenset(
    [
        "com",
        "net",
        "org",
        "info",
        "biz",
        "io",
        "me",
        "co",
        "us",
        "uk",
        "ca",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "be",
        "ch",
        "at",
        "au",
        "nz",
        "ru",
        "ua",
        "pl",
        "br",
        "mx",
        "ar",
        "cl",
        "pe",
        "ve",
        "in",
        "cn",
        "jp",
        "kr",
        "tw",
        "hk",
        "sg",
        "my",
        "ph",
        "th",
        "vn",
        "id",
        "tr",
        "gr",
        "pt",
        "se",
        "no",
        "dk",
        "fi",
        "ie",
        "cz",
        "hu",
        "ro",
        "bg",
        "rs",
        "hr",
        "sk",
        "si",
        "lt",
        "lv",
        "ee",
        "is",
        "tv",
        "cc",
        "ly",
        "gg",
        "to",
        "ws",
        "xyz",
        "app",
        "dev",
        "site",
        "online",
        "club",
        "top",
        "live",
        "life",
        "link",
        "page",
        "store",
        "shop",
        "vip",
        "fun",
        "pro",
        "mobi",
        "name",
        "email",
        "chat",
        "love",
        "sexy",
        "porn",
        "xxx",
        "adult",
        "dating",
        "escort",
        "cam",
        "space",
        "tech",
    ]
)
