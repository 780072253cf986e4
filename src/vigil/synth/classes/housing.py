"""Rental listings: dense with sizes, rents, dates and zip codes, plain phones."""

from __future__ import annotations

from typing import Final

from vigil.synth import falsefriends as ff
from vigil.synth.doc import Doc
from vigil.synth.render import contact_block, fill
from vigil.synth.world import Draft, Owner, World

__all__ = ["make_rental"]

_TITLES: Final = {
    "en": (
        "{beds}BR/{baths}BA apartment - {city}",
        "Sunny {beds} bedroom near downtown {city}",
        "Room for rent, utilities included",
        "Studio available {date}",
    ),
    "es": (
        "Piso de {beds} habitaciones en {city}",
        "Se alquila habitación, gastos incluidos",
        "Departamento luminoso en {city}",
    ),
}
_LINES: Final = {
    "en": (
        "Laundry in unit, one parking spot. ",
        "No smoking, small pets OK with deposit. ",
        "12-month lease, first and last month due at signing. ",
        "Close to bus line and grocery stores. ",
        "Hardwood floors, new appliances. ",
    ),
    "es": (
        "Cocina equipada y lavadora. ",
        "Contrato mínimo de 12 meses. ",
        "Cerca del metro y de comercios. ",
        "No se admiten mascotas. ",
    ),
}


def _landlord(world: World, lang: str) -> Owner:
    rng = world.rng
    name = world.first_name(lang)
    city = world.city(lang)
    owner = Owner(name=name, lang=lang, city=city, author=None)
    if rng.random() < 0.75:
        owner.phone = world.phones.take(city)
    if rng.random() < 0.4 or owner.phone is None:
        owner.email = world.namer.email(name)
    owner.images = tuple(world.images(2, 5))
    return owner


def make_rental(world: World, lang: str) -> Draft:
    """A housing ad with rent, size, availability date, zip code and contacts."""
    rng = world.rng
    owner = world.pool(f"landlord-{lang}", 12.0, lambda: _landlord(world, lang)).get()
    beds = rng.randint(1, 4)
    slots = {
        "beds": str(beds),
        "baths": str(rng.randint(1, beds)),
        "city": owner.city.name,
        "date": ff.date_text(rng),
    }
    doc = Doc()
    fill(doc, "title", rng.choice(_TITLES[lang]), slots)
    if lang == "es":
        euro = owner.city.country == "ES"
        doc.body(f"{ff.sqft_text(rng, lang)}, {ff.rent_text(rng, lang, euro)}. ")
        doc.body(f"Disponible desde el {ff.date_text(rng)}. ")
    else:
        doc.body(f"{ff.sqft_text(rng, lang)}, {ff.rent_text(rng, lang)}. ")
        doc.body(f"Available {ff.date_text(rng)}. Zip {ff.zip_text(rng)}. ")
        if rng.random() < 0.3:
            doc.body(f"Showings {ff.hours_text(rng, lang)}. ")
    for line in rng.sample(_LINES[lang], rng.randint(1, 3)):
        doc.body(line)
    contact_block(doc, world, owner, lang, p_obfuscated=0.02)
    author = world.namer.username(owner.name) if rng.random() < 0.3 else None
    images = list(owner.images[: rng.randint(1, len(owner.images))])
    return Draft(doc, "classifieds.example", "housing", owner.city, world.day(), author, images)
