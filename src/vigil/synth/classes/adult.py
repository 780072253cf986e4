"""Independent adult ads and massage-spa ads (the main false-positive risks).

Independent ads are first-person, one adult (21+), her own contacts, a stable city,
and no youth or control cues. Spa ads are businesses with a plain phone, hours,
prices and an address.
"""

from __future__ import annotations

from typing import Final

from vigil.synth import falsefriends as ff
from vigil.synth.doc import Doc
from vigil.synth.obfuscate import OBFUSCATED_STYLES
from vigil.synth.render import contact_block, fill, say_age
from vigil.synth.world import Draft, Owner, World

__all__ = ["make_independent", "make_massage"]

_GLAM_EMOJI: Final = ("💋", "🌹", "✨", "💎", "🥂", "❤️", "")

_IND_TITLES: Final = {
    "en": (
        "{e} Upscale companion {name} {e}",
        "Hi gentlemen, {name} here {e}",
        "Independent & discreet - {name}",
        "{name} - classy, sweet and real {e}",
        "Your girlfriend experience with {name}",
        "Elegant {name}, incall/outcall {city}",
    ),
    "es": (
        "{e} {name}, acompañante independiente {e}",
        "Hola caballeros, soy {name} {e}",
        "{name} - discreta y elegante en {city}",
        "Independiente y real: {name} {e}",
    ),
}
_IND_INTROS: Final = {
    "en": (
        "I'm {name}, {age}, an independent companion living in {city}. ",
        "Hello! My name is {name}. I am {age} and I work for myself. ",
        "I'm {name}, a mature and educated woman based in {city}. ",
        "Hi, I'm {name} ({age}), I live here in {city} and I see a few gentlemen a week. ",
    ),
    "es": (
        "Soy {name}, {age}, acompañante independiente y vivo en {city}. ",
        "Hola, me llamo {name}, tengo mi propio apartamento en {city}. ",
        "Soy {name}, mujer madura y educada, trabajo por mi cuenta. ",
    ),
}
_IND_LINES: Final = {
    "en": (
        "I enjoy good conversation, fine dining and quiet evenings. ",
        "Screening required for first-time friends. ",
        "Incall in a safe upscale area, outcall to hotels. ",
        "I set my own schedule, so please book a day ahead. ",
        "Respectful gentlemen only. ",
        "Check my reviews, I have been here for years. ",
        "No rush, no games, just a relaxing time. ",
    ),
    "es": (
        "Me encanta la buena conversación y las cenas tranquilas. ",
        "Solo caballeros respetuosos. ",
        "Atiendo en mi apartamento privado o en hoteles. ",
        "Yo manejo mi propia agenda, reserva con un día de antelación. ",
        "Discreción total, sin prisas. ",
    ),
}


def _independent_owner(world: World, lang: str) -> Owner:
    rng = world.rng
    name = world.first_name(lang)
    city = world.city(lang)
    author = world.namer.username(name)
    owner = Owner(name=name, lang=lang, city=city, author=author, age=rng.randint(21, 45))
    if rng.random() < 0.8:
        owner.phone = world.phones.take(city)
    if rng.random() < 0.35 or owner.phone is None:
        owner.email = world.namer.email(name)
    if rng.random() < 0.5:
        owner.handle = (
            rng.choice(("onlyfans", "twitter", "instagram", "snapchat", "telegram")),
            world.namer.username(name),
        )
    if rng.random() < 0.3:
        owner.payment = rng.choice(("cashapp", "venmo", "paypal"))
        owner.pay_user = world.namer.username(name)
    # Independents who hide their number usually do it the same way every time.
    owner.style = rng.choice(OBFUSCATED_STYLES) if rng.random() < 0.45 else "plain"
    owner.images = tuple(world.images(2, 6))
    return owner


def make_independent(world: World, lang: str) -> Draft:
    """An independent adult's ad: first person, her own contacts, her own city."""
    rng = world.rng
    owner = world.pool(f"independent-{lang}", 10.0, lambda: _independent_owner(world, lang)).get()
    slots = {"name": owner.name, "city": owner.city.name, "e": rng.choice(_GLAM_EMOJI)}
    doc = Doc()
    fill(doc, "title", rng.choice(_IND_TITLES[lang]), slots)
    intro = rng.choice(_IND_INTROS[lang])
    ages = {"age": say_age(owner.age, rng, lang)} if rng.random() < 0.7 else {}
    if "{age}" in intro and not ages:
        intro = _IND_INTROS[lang][2]
    fill(doc, "body", intro, slots, ages)
    for line in rng.sample(_IND_LINES[lang], rng.randint(2, 4)):
        doc.body(line)
    if rng.random() < 0.6:
        doc.body(ff.price_text(rng, lang, owner.city.country == "ES") + ". ")
    contact_block(doc, world, owner, lang, p_obfuscated=0.55)
    platform = "escortads.example" if rng.random() < 0.75 else "classifieds.example"
    category = "adult" if platform == "escortads.example" or rng.random() < 0.6 else "personals"
    images = list(rng.sample(owner.images, rng.randint(1, len(owner.images))))
    return Draft(doc, platform, category, owner.city, world.day(), owner.author, images)


_SPA_WORDS: Final = ("Lotus", "Jade", "Serenity", "Golden", "Harmony", "Zen", "Bamboo", "Oasis")
_SPA_TITLES: Final = {
    "en": (
        "{spa} Massage - grand opening",
        "{spa} Spa | relaxing massage {city}",
        "Deep tissue & Swedish at {spa}",
        "{spa} Wellness - walk-ins welcome",
    ),
    "es": ("Masajes {spa} - {city}", "{spa} Spa: masaje relajante", "Centro de masajes {spa}"),
}
_SPA_LINES: Final = {
    "en": (
        "Licensed therapists, clean private rooms. ",
        "Swedish, deep tissue, hot stone and reflexology. ",
        "Gift cards available. ",
        "Couples massage by appointment. ",
        "Free parking behind the building. ",
        "Hot towel and foot scrub included. ",
    ),
    "es": (
        "Terapeutas certificados, cabinas privadas. ",
        "Masaje sueco, descontracturante y piedras calientes. ",
        "Tarjetas regalo disponibles. ",
        "Aparcamiento gratuito. ",
    ),
}


def _spa_owner(world: World, lang: str) -> Owner:
    rng = world.rng
    spa = f"{rng.choice(_SPA_WORDS)} {rng.choice(('Spa', 'Massage', 'Health', 'Day Spa'))}"
    city = world.city(lang)
    owner = Owner(name=spa, lang=lang, city=city, author=None, business=spa)
    owner.phone = world.phones.take(city)
    if rng.random() < 0.3:
        owner.email = world.namer.business_email(spa, "info")
    owner.images = tuple(world.images(1, 3))
    owner.extra["address"] = ff.street_address(rng, lang)
    return owner


def make_massage(world: World, lang: str) -> Draft:
    """A massage business ad with hours, prices, address and a plain phone."""
    rng = world.rng
    owner = world.pool(f"spa-{lang}", 30.0, lambda: _spa_owner(world, lang)).get()
    slots = {"spa": owner.business, "city": owner.city.name}
    doc = Doc()
    fill(doc, "title", rng.choice(_SPA_TITLES[lang]), slots)
    for line in rng.sample(_SPA_LINES[lang], rng.randint(2, 3)):
        doc.body(line)
    if lang == "es":
        price = (
            f"{rng.randrange(4, 9)}0€"
            if owner.city.country == "ES"
            else f"${rng.randrange(5, 12)}0"
        )
        doc.body(f"Abierto {ff.hours_text(rng, lang)}. 60 min {price}. ")
        doc.body(f"{owner.extra['address']}, {owner.city.name}. ")
    else:
        doc.body(f"Open {ff.hours_text(rng, lang)}, 7 days. ")
        doc.body(f"60 min ${rng.randrange(5, 12)}0, 90 min ${rng.randrange(9, 16)}0. ")
        doc.body(f"{owner.extra['address']}, {owner.city.name} {ff.zip_text(rng)}. ")
    contact_block(doc, world, owner, lang, p_obfuscated=0.03)
    platform = "classifieds.example" if rng.random() < 0.7 else "escortads.example"
    author = owner.business.lower().replace(" ", "") if rng.random() < 0.5 else None
    return Draft(doc, platform, "massage", owner.city, world.day(), author, list(owner.images))
