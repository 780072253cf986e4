"""Fictional contact identifiers: phones, emails, handles, payment ids, crypto, ages.

Every value is normalised as ``docs/vocabulary.md`` says. Phones come only from the
fictional ranges in :mod:`vigil.synth.areacodes`; emails only from reserved
``example.*`` domains; usernames are invented word + name + serial combinations, and
a serial makes every issued username unique within a corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from vigil.synth import crypto
from vigil.synth.areacodes import AU_MOBILE_PREFIX, NANP_AREA_CODES, NANP_EXCHANGE, NANP_LINES
from vigil.synth.doc import Ident
from vigil.synth.obfuscate import render_digits
from vigil.synth.vocab import EMAIL_DOMAINS, HISPANIC_US_CITIES, USER_WORDS, City

__all__ = [
    "HANDLE_PLATFORMS",
    "Namer",
    "Phone",
    "PhoneBook",
    "age_ident",
    "crypto_ident",
    "email_ident",
    "handle_ident",
    "payment_idents",
    "phone_ident",
]


@dataclass(frozen=True, slots=True)
class Phone:
    """A fictional phone number."""

    e164: str  # "+12125550123"
    national: str  # "2125550123" / "0491570123"

    def digits(self, intl: bool) -> str:
        """The digits as written locally, or with the country code."""
        return self.e164[1:] if intl else self.national


_HISPANIC_CODES: Final = tuple(code for city in HISPANIC_US_CITIES for code in city.area_codes)


class PhoneBook:
    """Hands out fictional numbers, each to one owner, local to the owner's city.

    Numbers are drawn without replacement: first from the city's own area codes,
    then from every listed NANP area code. Only when all 42,500 fictional numbers
    are spent does it start over; ``recycled`` counts the numbers handed out twice.
    """

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._free: dict[str, list[int]] = {}
        self._au: list[int] | None = None
        self._global = list(NANP_AREA_CODES)
        rng.shuffle(self._global)
        self._cursor = 0
        self.recycled = 0
        self._round = 0

    def _lines(self, code: str) -> list[int]:
        free = self._free.get(code)
        if free is None:
            free = list(NANP_LINES)
            self._rng.shuffle(free)
            self._free[code] = free
        return free

    def _nanp(self, code: str, line: int) -> Phone:
        national = f"{code}{NANP_EXCHANGE}{line:04d}"
        return Phone("+1" + national, national)

    def _take_nanp(self, codes: tuple[str, ...]) -> Phone:
        for _ in range(2):
            start = self._rng.randrange(len(codes)) if codes else 0
            for i in range(len(codes)):
                code = codes[(start + i) % len(codes)]
                free = self._lines(code)
                if free:
                    return self._nanp(code, free.pop())
            while self._cursor < len(self._global):
                code = self._global[self._cursor]
                free = self._lines(code)
                if free:
                    return self._nanp(code, free.pop())
                self._cursor += 1
            self._restart()
        raise RuntimeError("phone space exhausted")  # pragma: no cover

    def _restart(self) -> None:
        self._round += 1
        self._free.clear()
        self._au = None
        self._cursor = 0

    def take(self, city: City) -> Phone:
        """A number nobody else holds (until the space wraps), local to ``city``."""
        phone = self._take(city)
        if self._round:
            self.recycled += 1
        return phone

    def _take(self, city: City) -> Phone:
        if city.country == "AU":
            if self._au is None:
                self._au = list(range(1000))
                self._rng.shuffle(self._au)
            if self._au:
                sub = f"{AU_MOBILE_PREFIX}{self._au.pop():03d}"
                return Phone("+61" + sub, "0" + sub)
            return self._take_nanp(())
        if city.area_codes:
            return self._take_nanp(city.area_codes)
        return self._take_nanp(_HISPANIC_CODES)


class Namer:
    """Invents unique usernames and email addresses."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._serial = 0

    def username(self, name: str) -> str:
        """``sweetanna417``, ``anna_rose52``, ... (lower-case, unique)."""
        self._serial += 1
        rng = self._rng
        word = rng.choice(USER_WORDS)
        base = name.lower().translate(_ASCII)
        serial = str(self._serial)
        shape = rng.randrange(4)
        if shape == 0:
            return f"{word}{base}{serial}"
        if shape == 1:
            return f"{base}_{word}{serial}"
        if shape == 2:
            return f"{base}.{word}{serial}"
        return f"{word}_{base}_{serial}"

    def email(self, name: str) -> str:
        """A lower-case address at a reserved example.* domain."""
        return f"{self.username(name)}@{self._rng.choice(EMAIL_DOMAINS)}"

    def business_email(self, business: str, box: str) -> str:
        self._serial += 1
        slug = "".join(ch for ch in business.lower().translate(_ASCII) if ch.isalnum())
        return f"{box}@{slug}{self._serial}.{self._rng.choice(EMAIL_DOMAINS)}"


_ASCII: Final = str.maketrans("áéíóúñü ", "aeiounu_")


def phone_ident(phone: Phone, style: str, rng: random.Random, lang: str, intl: bool) -> Ident:
    """Render ``phone`` in ``style``; ``intl`` writes the country code too."""
    return Ident("phone", phone.e164, render_digits(phone.digits(intl), style, rng, lang), style)


def email_ident(address: str, rng: random.Random, obfuscate: bool = False) -> Ident:
    """An email as written: plain, or ``name (at) example (dot) com`` style."""
    if obfuscate:
        local, domain = address.split("@")
        at = rng.choice((" (at) ", "[at]", " at ", " [@] "))
        dot = rng.choice((" (dot) ", "[dot]", " dot ", "."))
        return Ident("email", address, local + at + domain.replace(".", dot), "at_dot")
    raw = address.upper() if rng.random() < 0.03 else address
    return Ident("email", address, raw)


#: Handle platforms and how ads label them (``{h}`` is the username).
HANDLE_PLATFORMS: Final[dict[str, tuple[str, ...]]] = {
    "instagram": ("IG: {h}", "insta @{h}", "ig @{h}", "Instagram: @{h}"),
    "snapchat": ("snap: {h}", "SC: {h}", "sc @{h}", "Snapchat: {h}"),
    "telegram": ("telegram @{h}", "TG: @{h}", "t.me/{h}"),
    "kik": ("kik: {h}", "KIK @{h}"),
    "onlyfans": ("OF: {h}", "onlyfans.com/{h}"),
    "twitter": ("twitter @{h}", "X: @{h}"),
    "tiktok": ("tiktok @{h}",),
    "wechat": ("wechat: {h}", "WeChat ID: {h}"),
    "line": ("LINE: {h}", "line id: {h}"),
    "signal": ("signal: {h}",),
    "facebook": ("fb: {h}", "facebook.com/{h}"),
}


def handle_ident(platform: str, username: str, rng: random.Random) -> Ident:
    """A handle mention; ``raw`` includes the platform label (``"snap: anna22"``)."""
    raw = rng.choice(HANDLE_PLATFORMS[platform]).format(h=username)
    return Ident("handle", f"{platform}:{username.lower()}", raw)


def payment_idents(
    service: str,
    rng: random.Random,
    username: str = "",
    email: str = "",
    phone: Phone | None = None,
    intl: bool = False,
) -> tuple[str, list[Ident]]:
    """Text for a payment id and the identifiers in it.

    ``paypal``/``zelle`` by email or phone also plant the email/phone itself.
    """
    if service == "cashapp":
        raw = rng.choice(("${h}", "cashapp ${h}", "CashApp: ${h}", "cash app ${h}")).format(
            h=username
        )
        return raw, [Ident("payment", f"cashapp:{username.lower()}", raw)]
    if service == "venmo":
        raw = rng.choice(("venmo @{h}", "Venmo: {h}", "venmo: @{h}")).format(h=username)
        return raw, [Ident("payment", f"venmo:{username.lower()}", raw)]
    if service == "paypal" and not email:
        raw = f"paypal.me/{username}"
        return raw, [Ident("payment", f"paypal:{username.lower()}", raw)]
    label = "PayPal: " if service == "paypal" else rng.choice(("Zelle: ", "zelle to ", "Zelle "))
    if phone is not None:
        inner = phone_ident(phone, "plain", rng, "en", intl)
        text = label + inner.raw
        return text, [Ident("payment", f"{service}:{phone.e164}", text), inner]
    inner = email_ident(email, rng)
    text = label + inner.raw
    return text, [Ident("payment", f"{service}:{email}", text), inner]


def crypto_ident(rng: random.Random, coin: str) -> tuple[str, Ident]:
    """A labelled crypto address (``"BTC: 1..."``); ``raw`` is the address only."""
    if coin == "btc":
        address = crypto.btc_address(rng)
        label = rng.choice(("BTC: ", "bitcoin ", "Bitcoin wallet: "))
        return label + address, Ident("crypto", f"btc:{address}", address)
    address = crypto.eth_address(rng)
    label = rng.choice(("ETH: ", "USDT (ERC20): ", "eth wallet "))
    return label + address, Ident("crypto", f"eth:{address.lower()}", address)


_EN_AGE: Final = ("{n} yrs", "{n}yo", "{n} y/o", "age {n}", "{n} years old", "{n} yo")
_ES_AGE: Final = ("{n} años", "edad {n}", "tengo {n} años")


def age_ident(age: int, rng: random.Random, lang: str) -> Ident:
    """A stated age (``"21 yrs"``, ``"19yo"``, ``"20 años"``); value is the number."""
    if lang == "es":
        raw = rng.choice(_ES_AGE).format(n=age)
    elif age == 18 and rng.random() < 0.4:
        raw = "just turned 18"
    else:
        raw = rng.choice(_EN_AGE).format(n=age)
    return Ident("age", str(age), raw)
