"""Helpers that write template text and contacts into a :class:`~vigil.synth.doc.Doc`."""

from __future__ import annotations

import random
import re
from functools import lru_cache
from typing import Final

from vigil.synth.doc import Doc, Ident
from vigil.synth.identifiers import (
    age_ident,
    email_ident,
    handle_ident,
    payment_idents,
    phone_ident,
)
from vigil.synth.obfuscate import OBFUSCATED_STYLES
from vigil.synth.world import Owner, World

__all__ = ["Slots", "contact_block", "fill", "pick_style", "say_age", "say_phone"]

Slots = dict[str, str]
_IDENT_SLOT: Final = re.compile(r"(\{(?:age|phone|contact)\})")


@lru_cache(maxsize=4096)
def _split(template: str) -> tuple[str, ...]:
    return tuple(_IDENT_SLOT.split(template))


def fill(
    doc: Doc,
    field: str,
    template: str,
    slots: Slots,
    idents: dict[str, tuple[str, list[Ident]]] | None = None,
) -> None:
    """Write ``template`` into ``field``.

    Plain ``{slots}`` are formatted from ``slots``; the identifier slots ``{age}``,
    ``{phone}`` and ``{contact}`` are taken from ``idents`` as ``(text, [Ident])``
    and recorded (a missing identifier slot is written as an empty string).
    """
    add = doc.title if field == "title" else doc.body
    for i, piece in enumerate(_split(template)):
        if i % 2:
            found = (idents or {}).get(piece[1:-1])
            if found:
                doc.put(field, found[0], *found[1])
        elif piece:
            add(piece.format_map(slots) if "{" in piece else piece)


def say_age(age: int, rng: random.Random, lang: str) -> tuple[str, list[Ident]]:
    ident = age_ident(age, rng, lang)
    return ident.raw, [ident]


_EN_CUES: Final = ("Call ", "Text ", "Call/text ", "txt ", "Contact: ", "☎ ", "Call me ", "")
_ES_CUES: Final = ("Llama al ", "WhatsApp ", "Whats: ", "Tel. ", "Escríbeme al ", "☎ ")


def say_phone(
    world: World, owner_phone: Ident | None, lang: str, cue: bool = True
) -> tuple[str, list[Ident]]:
    """``("Call (212) 555-0123", [Ident])`` for an already rendered phone."""
    if owner_phone is None:
        return "", []
    prefix = world.rng.choice(_ES_CUES if lang == "es" else _EN_CUES) if cue else ""
    return prefix + owner_phone.raw, [owner_phone]


def pick_style(rng: random.Random, p_obfuscated: float, preferred: str = "plain") -> str:
    """A phone style: ``preferred`` mostly, an obfuscated one with ``p_obfuscated``."""
    roll = rng.random()
    if roll < p_obfuscated:
        return (
            preferred
            if preferred != "plain" and roll < p_obfuscated * 0.7
            else (rng.choice(OBFUSCATED_STYLES))
        )
    return "plain"


def contact_block(
    doc: Doc, world: World, owner: Owner, lang: str, p_obfuscated: float = 0.05
) -> None:
    """Write the owner's contacts (some of them) at the end of the body."""
    rng = world.rng
    parts: list[tuple[str, list[Ident]]] = []
    if owner.phone is not None and (rng.random() < 0.9 or owner.email is None):
        style = pick_style(rng, p_obfuscated, owner.style)
        ident = phone_ident(owner.phone, style, rng, lang, world.intl(owner.city, owner.phone))
        parts.append(say_phone(world, ident, lang))
    if owner.email is not None and (rng.random() < 0.7 or not parts):
        ident = email_ident(owner.email, rng, obfuscate=rng.random() < p_obfuscated)
        parts.append((("Email: " if lang == "en" else "Correo: ") + ident.raw, [ident]))
    if owner.handle is not None and (rng.random() < 0.8 or not parts):
        ident = handle_ident(owner.handle[0], owner.handle[1], rng)
        parts.append((ident.raw, [ident]))
    if owner.payment is not None and rng.random() < 0.6:
        intl = owner.phone is not None and world.intl(owner.city, owner.phone)
        text, idents = payment_idents(
            owner.payment, rng, owner.pay_user, owner.email or "", owner.phone, intl
        )
        label = "Deposit via " if lang == "en" else "Depósito por "
        parts.append((label + text, idents))
    for i, (text, idents) in enumerate(parts):
        sep = rng.choice(("\n", "", "| ") if i == 0 else (" | ", "\n", " ", ", "))
        if i == 0 and not sep[:1].isspace() and doc.ends_in_text("body"):
            # Never flush against what came before: "…/apply/60201(267) 555-0170"
            # reads as one link. The rng draw is unchanged, only the text.
            sep = " " + sep
        doc.body(sep)
        doc.put("body", text, *idents)
