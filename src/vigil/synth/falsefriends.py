"""Numbers that are *not* phones: prices, dates, times, zips, references, sizes.

Real ads are full of digit runs that a naive phone regex grabs. These helpers write
them in the shapes scraped ads use. None of them is an identifier of a kind that
``truth.jsonl`` must list completely (they are never 10-11 digit runs, never
contain ``@`` or ``$`` followed by a letter, and never state a person's age).
"""

from __future__ import annotations

import random

__all__ = [
    "date_text",
    "hours_text",
    "long_id",
    "price_text",
    "ref_number",
    "rent_text",
    "salary_text",
    "sqft_text",
    "street_address",
    "zip_text",
]

_STREETS = ("Main St", "Oak Ave", "Elm St", "Park Blvd", "Maple Dr", "Cedar Ln", "5th Ave")
_CALLES = ("Calle Mayor", "Av. Reforma", "Calle Sol", "Av. Libertad", "Calle Luna")


def price_text(rng: random.Random, lang: str, euro: bool = False) -> str:
    """An adult-services rate line: ``"$150 hh / $250 h"``, ``"120€ media hora"``."""
    half = rng.randrange(8, 25) * 10
    full = half + rng.randrange(5, 16) * 10
    if lang == "es":
        if euro:
            return f"{half}€ media hora, {full}€ la hora"
        return f"${half} media hora / ${full} hora"
    return rng.choice(
        (
            f"${half} hh / ${full} h",
            f"{half} hh {full} hr",
            f"${half} qv, ${full} hour",
            f"{half}/hh {full}/h",
            f"${full} per hour",
        )
    )


def date_text(rng: random.Random) -> str:
    """A calendar date: ``12/05/2026``, ``2026-03-14``, ``3/7``."""
    month, day = rng.randrange(1, 13), rng.randrange(1, 29)
    return rng.choice(
        (f"{month:02d}/{day:02d}/2026", f"2026-{month:02d}-{day:02d}", f"{month}/{day}")
    )


def hours_text(rng: random.Random, lang: str) -> str:
    """Opening hours or a time: ``10am-9pm``, ``9:30 - 21:00``."""
    start, end = rng.randrange(7, 12), rng.randrange(6, 11)
    if lang == "es":
        return f"de {start}:00 a {end + 12}:00"
    return rng.choice((f"{start}am-{end}pm", f"{start}:30 - {end + 12}:00", f"{start} to {end}"))


def zip_text(rng: random.Random) -> str:
    return f"{rng.randrange(10000, 99950):05d}"


def ref_number(rng: random.Random, lang: str) -> str:
    """An order/reference number of 6-8 digits or a requisition code."""
    digits = rng.randrange(100000, 99999999)
    label = "Ref. nº" if lang == "es" else rng.choice(("Ref #", "Job ID: ", "Order #", "REQ-2026-"))
    return f"{label}{digits}"


def long_id(rng: random.Random) -> str:
    """A long listing/ID run (12-16 digits) that contains no phone."""
    return str(rng.randrange(10**11, 10**16))


def sqft_text(rng: random.Random, lang: str) -> str:
    size = rng.randrange(35, 180) * 10
    return f"{size // 10} m²" if lang == "es" else f"{size} sq ft"


def rent_text(rng: random.Random, lang: str, euro: bool = False) -> str:
    amount = rng.randrange(70, 400) * 10
    if lang == "es":
        return f"{amount // 3}€/mes" if euro else f"${amount}/mes"
    return rng.choice((f"${amount:,}/mo", f"${amount} per month", f"${amount:,}/month"))


def salary_text(rng: random.Random, lang: str) -> str:
    hourly = rng.randrange(1500, 3200) / 100
    if lang == "es":
        return rng.choice((f"{hourly:.2f} USD/hora", f"${rng.randrange(9, 25)},000 al año"))
    return rng.choice(
        (f"${hourly:.2f}/hr", f"${rng.randrange(35, 90)},000/yr", f"${hourly:.2f} per hour")
    )


def street_address(rng: random.Random, lang: str) -> str:
    if lang == "es":
        return f"{rng.choice(_CALLES)} {rng.randrange(1, 300)}"
    return f"{rng.randrange(100, 9999)} {rng.choice(_STREETS)}"
