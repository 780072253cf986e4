"""Ads posted by trafficking networks: templated, third person, rotated contacts.

Each network keeps a few *skeletons* (one variant chosen per section); an ad
follows one skeleton, swaps the odd section for another variant (small word
changes), and fills slots with a victim's name and age, the current city, the next
city and a price. Every section variant carries the indicator ids it plants.
"""

from __future__ import annotations

from typing import Final

from vigil.synth import falsefriends as ff
from vigil.synth.doc import Doc, Ident
from vigil.synth.identifiers import email_ident, handle_ident, payment_idents, phone_ident
from vigil.synth.networks import Network, NetworkPlan
from vigil.synth.render import fill, say_age, say_phone
from vigil.synth.vocab import YOUTH_EMOJI, City
from vigil.synth.world import Draft, World

__all__ = ["N_SECTIONS", "make_trafficking"]

Variant = tuple[str, tuple[str, ...]]
Bank = tuple[Variant, ...]

_TP: Final = "third_person"
_NEW: Final = "new_in_town"
_MULTI: Final = "multiple_people"
_MOVE: Final = "movement"

# Sections in order; optional sections are omitted when the skeleton index is
# past the end of the bank.
_EN: Final[tuple[Bank, ...]] = (
    (  # title
        ("{e}NEW IN TOWN{e} {name}", (_NEW,)),
        ("Sweet {name} just arrived {e}", (_NEW,)),
        ("{e} {name} & {name2} {e} 2 girl special", (_MULTI,)),
        ("Exotic {name} visiting {city} {e}", (_MOVE,)),
        ("New girl {name} {e} available now", (_NEW,)),
        ("{e}{e} Hot {name} in {city} tonight {e}{e}", ()),
        ("Best girls in {city} {e} {name} & friends", (_MULTI,)),
        ("{name} {e} last days in {city}", (_MOVE,)),
    ),
    (  # intro, third person
        ("{name} is a sweet and fun girl, {age}, just arrived in {city}. ", (_TP, _NEW)),
        ("Meet {name}, {age}, she is new here and ready to make you happy. ", (_TP, _NEW)),
        ("{name} and her friend {name2} are visiting {city} this week. ", (_TP, _MULTI, _MOVE)),
        ("She is {name}, {age}, brand new to {city}. ", (_TP, _NEW)),
        ("Our girl {name} ({age}) is here for you. ", (_TP,)),
        ("We have {n} girls available: {name}, {name2} and more. ", (_MULTI, _TP)),
    ),
    (  # youth (only youth networks)
        ("Young and fresh {e}. ", ("youth_terms",)),
        ("Petite, innocent and very young looking. ", ("youth_terms",)),
        ("Barely legal and eager to please {e}. ", ("youth_terms",)),
        ("Tiny teen-looking sweetheart. ", ("youth_terms",)),
        ("Fresh face, {e} school girl look. ", ("youth_terms",)),
    ),
    (  # movement (optional)
        ("Only here until {weekday}, next stop {next_city}! ", (_MOVE,)),
        ("Leaving town soon, don't miss her. ", (_MOVE,)),
        ("On tour: {city} this week, {next_city} next week. ", (_MOVE,)),
        ("Just in from {prev_city} for a few days only. ", (_MOVE, _NEW)),
    ),
    (  # third-party contact (optional)
        ("Text her manager to book, she does not answer calls. ", ("third_party_contact",)),
        ("Booking through me only, no calls to the girls. ", ("third_party_contact",)),
        ("Ask for {name}'s booker. ", ("third_party_contact",)),
        ("Appointments made by our receptionist only. ", ("third_party_contact",)),
        ("Call her daddy for details. ", ("third_party_contact",)),
    ),
    (  # control (optional)
        ("Incall only, she does not go out. ", ("restricted_movement",)),
        ("Driver brings her to you, no exceptions. ", ("restricted_movement",)),
        ("Deposit required, pay me first, not the girl. ", ("money_handled",)),
        ("All payments go to the booker. ", ("money_handled",)),
        ("She stays at the apartment, available 24/7. ", ("restricted_movement",)),
    ),
    (  # closer
        ("Available 24/7. ", ()),
        ("No police, no games. ", ()),
        ("Serious clients only. ", ()),
        ("Don't miss out! ", ()),
        ("Ask about the 2 girl special. ", (_MULTI,)),
        ("Real pics, 100% real. ", ()),
    ),
)
_ES: Final[tuple[Bank, ...]] = (
    (
        ("{e}NUEVA EN LA CIUDAD{e} {name}", (_NEW,)),
        ("{name} recién llegada {e}", (_NEW,)),
        ("{e} {name} y {name2} {e} promo dos chicas", (_MULTI,)),
        ("{name} de visita en {city} {e}", (_MOVE,)),
        ("Chica nueva {name} {e} disponible ya", (_NEW,)),
        ("{e} {name} en {city} esta noche {e}", ()),
        ("Las mejores chicas de {city} {e}", (_MULTI,)),
        ("{name} {e} últimos días en {city}", (_MOVE,)),
    ),
    (
        ("{name} es una chica dulce y divertida, {age}, recién llegada a {city}. ", (_TP, _NEW)),
        ("Te presentamos a {name}, {age}, nueva aquí y con ganas de complacerte. ", (_TP, _NEW)),
        ("{name} y su amiga {name2} están de visita en {city} esta semana. ", (_TP, _MULTI, _MOVE)),
        ("Ella es {name}, {age}, nueva en {city}. ", (_TP, _NEW)),
        ("Nuestra chica {name} ({age}) te espera. ", (_TP,)),
        ("Tenemos {n} chicas disponibles: {name}, {name2} y más. ", (_MULTI, _TP)),
    ),
    (
        ("Jovencita y fresquita {e}. ", ("youth_terms",)),
        ("Menudita, inocente y muy jovencita. ", ("youth_terms",)),
        ("Colegiala recién cumplida {e}. ", ("youth_terms",)),
        ("Carita de niña {e}. ", ("youth_terms",)),
    ),
    (
        ("Solo hasta el {weekday}, luego {next_city}. ", (_MOVE,)),
        ("Se va pronto de la ciudad, no te la pierdas. ", (_MOVE,)),
        ("De gira: {city} esta semana, {next_city} la próxima. ", (_MOVE,)),
        ("Recién llegada de {prev_city}, pocos días. ", (_MOVE, _NEW)),
    ),
    (
        ("Reservas solo con su encargado, ella no contesta. ", ("third_party_contact",)),
        ("Citas solo por mí, no llamen a las chicas. ", ("third_party_contact",)),
        ("Pregunta por el representante de {name}. ", ("third_party_contact",)),
        ("Citas con nuestra recepcionista. ", ("third_party_contact",)),
    ),
    (
        ("Solo en su apartamento, ella no sale. ", ("restricted_movement",)),
        ("El chofer te la lleva, sin excepciones. ", ("restricted_movement",)),
        ("Depósito previo, el pago es para mí, no para la chica. ", ("money_handled",)),
        ("Todos los pagos al encargado. ", ("money_handled",)),
    ),
    (
        ("Disponible 24 horas. ", ()),
        ("Solo clientes serios. ", ()),
        ("¡No te la pierdas! ", ()),
        ("Fotos 100% reales. ", ()),
    ),
)
N_SECTIONS: Final = len(_EN)
_OPTIONAL: Final = frozenset({3, 4, 5})
_WEEKDAYS: Final = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}


def _contacts(world: World, net: Network, city: City, lang: str) -> list[tuple[str, list[Ident]]]:
    """The network's contacts for one ad: 1-2 of its rotated phones, and maybe more."""
    rng = world.rng
    out: list[tuple[str, list[Ident]]] = []
    n_phones = 2 if len(net.phones) > 1 and rng.random() < 0.15 else 1
    for phone in rng.sample(net.phones, n_phones):
        style = rng.choice(net.styles)
        ident = phone_ident(phone, style, rng, lang, world.intl(city, phone))
        out.append(say_phone(world, ident, lang))
    if net.email and rng.random() < 0.5:
        ident = email_ident(net.email, rng, obfuscate=rng.random() < 0.3)
        out.append((ident.raw, [ident]))
    if net.handle and rng.random() < 0.6:
        ident = handle_ident(net.handle[0], net.handle[1], rng)
        out.append((ident.raw, [ident]))
    if net.payment and rng.random() < 0.4:
        text, idents = payment_idents(net.payment[0], rng, net.payment[1])
        out.append((("deposit " if lang == "en" else "depósito ") + text, idents))
    if net.wallet and rng.random() < 0.5:
        out.append((net.wallet[0], [net.wallet[1]]))
    return out


def make_trafficking(world: World, plan: NetworkPlan) -> Draft:
    """One ad of a (randomly picked, size-weighted) network."""
    rng = world.rng
    net = plan.pick(rng)
    lang = net.lang
    banks = _ES if lang == "es" else _EN
    day = rng.randrange(net.first_day, net.last_day)
    stop = net.stop_on(day)
    idx = net.route.index(stop)
    market = world.cities_like(stop.city)
    next_city = net.route[idx + 1].city if idx + 1 < len(net.route) else rng.choice(market)
    prev_city = net.route[idx - 1].city if idx else rng.choice(market)
    victim, age = rng.choice(net.victims)
    other = rng.choice([v for v in net.victims if v[0] != victim] or net.victims)[0]
    emoji = rng.choice(net.emoji)
    slots = {
        "name": victim,
        "name2": other,
        "city": stop.city.name,
        "next_city": next_city.name,
        "prev_city": prev_city.name,
        "e": emoji,
        "weekday": rng.choice(_WEEKDAYS[lang]),
        "n": str(len(net.victims)),
    }
    doc = Doc()
    skeleton = rng.choice(net.skeletons)
    for section, bank in enumerate(banks):
        if section == 2 and not net.youth:
            continue
        choice = skeleton[section]
        if rng.random() < 0.12:  # small word change
            choice = rng.randrange(len(bank) + (3 if section in _OPTIONAL else 0))
        if choice >= len(bank):
            if section not in _OPTIONAL:
                choice %= len(bank)
            else:
                continue
        template, flags = bank[choice]
        idents = None
        if "{age}" in template:
            idents = {"age": say_age(age, rng, lang)}
            if age <= 19:
                doc.flag("age_claim_young")
        fill(doc, "title" if section == 0 else "body", template, slots, idents)
        doc.flag(*flags)
        if "{e}" in template and emoji in YOUTH_EMOJI:
            doc.flag("youth_emoji")
        if section == 1 and rng.random() < 0.8:
            doc.body(ff.price_text(rng, lang, stop.city.country == "ES") + ". ")
    for text, idents_ in _contacts(world, net, stop.city, lang):
        doc.body(rng.choice((" ", "\n", " | ", " ")))
        doc.put("body", text, *idents_)
    images = rng.sample(net.images, rng.randint(1, min(4, len(net.images))))
    if rng.random() < 0.3:
        images.append(world.image())
    platform = rng.choice(net.platforms)
    category = "adult" if platform == "escortads.example" or rng.random() < 0.7 else "massage"
    author = world.namer.username(victim) if rng.random() < 0.5 else None
    return Draft(doc, platform, category, stop.city, day, author, images, net.id, lang)
