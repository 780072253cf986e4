"""Personal posts: dating profiles, grooming messages and buyers' demand posts."""

from __future__ import annotations

from typing import Final

from vigil.synth.doc import Doc
from vigil.synth.render import contact_block, fill, say_age
from vigil.synth.world import Draft, Owner, World

__all__ = ["make_dating", "make_demand", "make_grooming"]

_MALE: Final = {
    "en": ("Mike", "Chris", "Dave", "Jason", "Ryan", "Tony", "Kevin", "Matt", "Josh", "Brian"),
    "es": ("Carlos", "Javier", "Luis", "Miguel", "Andrés", "Diego", "Jorge", "Raúl"),
}
_HOBBIES: Final = {
    "en": (
        "I love dogs, live music and Sunday brunch. ",
        "Into hiking, cooking and bad movies. ",
        "Gym in the morning, books at night. ",
        "Big fan of road trips and tacos. ",
        "I work in healthcare and volunteer on weekends. ",
    ),
    "es": (
        "Me encantan los perros, la música en vivo y cocinar. ",
        "Me gusta el senderismo y viajar. ",
        "Trabajo en una oficina y los fines de semana bailo salsa. ",
    ),
}
_DATING_TITLES: Final = {
    "en": ("Looking for something real in {city}", "Coffee date this weekend?",
           "Single and ready", "Let's grab a drink", "New to dating apps"),
    "es": ("Busco algo serio en {city}", "¿Un café este finde?", "Soltera y con ganas de conocer"),
}  # fmt: skip
_DATING_INTROS: Final = {
    "en": ("I'm {name}, {age}, living in {city}. ", "{name} here, {age}. ", "Hi! I'm {name}. "),
    "es": ("Soy {name}, {age}, vivo en {city}. ", "Hola, soy {name}. "),
}
_DATING_WANTS: Final = {
    "en": ("Looking for a kind, honest partner. ", "Not into hookups, just good company. ",
           "Message me if you like to laugh. "),
    "es": ("Busco una persona sincera y amable. ", "Nada de aventuras, algo serio. "),
}  # fmt: skip


def _person(
    world: World, lang: str, male: bool, min_age: int, max_age: int, p_phone: float
) -> Owner:
    rng = world.rng
    name = rng.choice(_MALE[lang]) if male else world.first_name(lang)
    city = world.city(lang)
    owner = Owner(name=name, lang=lang, city=city, author=world.namer.username(name))
    owner.age = rng.randint(min_age, max_age)
    roll = rng.random()
    if roll < 0.6:
        platform = rng.choice(("instagram", "snapchat", "kik", "telegram", "tiktok"))
        owner.handle = (platform, world.namer.username(name))
    if roll >= 0.5:
        owner.email = world.namer.email(name)
    if rng.random() < p_phone:
        owner.phone = world.phones.take(city)
    return owner


def make_dating(world: World, lang: str) -> Draft:
    """A dating profile: first person, an adult's age, hobbies, a handle or email."""
    rng = world.rng
    male = rng.random() < 0.4
    owner = world.pool(
        f"dater-{lang}-{male}", 1.5, lambda: _person(world, lang, male, 21, 62, 0.04)
    ).get()
    slots = {"name": owner.name, "city": owner.city.name}
    doc = Doc()
    fill(doc, "title", rng.choice(_DATING_TITLES[lang]), slots)
    ages = {"age": say_age(owner.age, rng, lang)}
    fill(doc, "body", rng.choice(_DATING_INTROS[lang]), slots, ages)
    for line in rng.sample(_HOBBIES[lang], 2):
        doc.body(line)
    doc.body(rng.choice(_DATING_WANTS[lang]))
    contact_block(doc, world, owner, lang)
    platform = "social.example" if rng.random() < 0.7 else "classifieds.example"
    category = "dating" if platform == "social.example" or rng.random() < 0.5 else "personals"
    return Draft(doc, platform, category, owner.city, world.day(), owner.author, world.images(1, 3))


_GROOM_TITLES: Final = {
    "en": ("DM me ❤️", "hey you", "for you 🌹", "👀"),
    "es": ("hola linda", "para ti 🌹", "escríbeme ❤️", "👀"),
}
_GROOM_LINES: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "en": (
        ("Hey beautiful 💕 you deserve to be treated like a queen. ", ("romance_promise",)),
        ("I'll take care of you, you'll never need anything again. ", ("romance_promise",)),
        ("I can buy you the new phone, nails, clothes, whatever you want. ", ("gift_offers",)),
        ("Your family doesn't get you like I do, keep this between us. ", ("isolation",)),
        ("Don't tell your friends about me, they wouldn't understand. ", ("isolation",)),
        ("Come stay with me in {city}, I'll pay for your bus ticket. ", ("move_invitation",)),
        ("We could start a new life together far from here. ", ("move_invitation",)),
        ("Just wanted to say hi, you seem really sweet. ", ()),
    ),
    "es": (
        ("Hola preciosa 💕 mereces que te traten como una reina. ", ("romance_promise",)),
        ("Yo te voy a cuidar, nunca te va a faltar nada. ", ("romance_promise",)),
        ("Te compro el celular nuevo, ropa, lo que quieras. ", ("gift_offers",)),
        ("Tu familia no te entiende como yo, que quede entre nosotros. ", ("isolation",)),
        ("Vente a vivir conmigo a {city}, yo te pago el boleto. ", ("move_invitation",)),
        ("Solo quería saludarte, pareces muy dulce. ", ()),
    ),
}


def make_grooming(world: World, lang: str) -> Draft:
    """A romance/grooming recruitment message: flattery, gifts, secrecy, moving."""
    rng = world.rng
    owner = world.pool(
        f"groomer-{lang}", 3.0, lambda: _person(world, lang, True, 24, 45, 0.02)
    ).get()
    doc = Doc()
    if rng.random() < 0.4:
        doc.title(rng.choice(_GROOM_TITLES[lang]))
    slots = {"city": owner.city.name}
    lines = rng.sample(_GROOM_LINES[lang], rng.randint(3, 5))
    for template, flags in lines:
        fill(doc, "body", template, slots)
        doc.flag(*flags)
    owner_email, owner.email = owner.email, None  # groomers move to private messengers
    if owner.handle is not None:
        doc.body("Add me " if lang == "en" else "Agrégame ")
        contact_block(doc, world, owner, lang)
    owner.email = owner_email
    category = rng.choice(("dating", "personals"))
    return Draft(doc, "social.example", category, owner.city, world.day(), owner.author, [])


_DEMAND_LINES: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "en": (
        ("Looking for a young new girl tonight in {city}. ", ("seek_young", "seek_new")),
        ("Any new girls in town? ", ("seek_new",)),
        ("Seeking petite young thing, the younger the better. ", ("seek_young",)),
        ("Want someone fresh, first timers welcome. ", ("seek_new",)),
        ("Generous, discreet, clean. ", ()),
        ("Can host near downtown. ", ()),
        ("Budget {price} for the night. ", ()),
    ),
    "es": (
        ("Busco chica jovencita y nueva esta noche en {city}. ", ("seek_young", "seek_new")),
        ("¿Alguna chica nueva en la ciudad? ", ("seek_new",)),
        ("Busco jovencita menudita, cuanto más joven mejor. ", ("seek_young",)),
        ("Generoso y discreto. ", ()),
        ("Pago {price} por la noche. ", ()),
    ),
}


def make_demand(world: World, lang: str) -> Draft:
    """A buyer's post seeking young or 'new' people."""
    rng = world.rng
    owner = world.pool(f"buyer-{lang}", 3.0, lambda: _person(world, lang, True, 25, 65, 0.04)).get()
    doc = Doc()
    title = ("Seeking tonight", "Looking for new", "Visiting {city}, looking", "NSA tonight")
    titles_es = ("Busco esta noche", "Busco chica nueva", "De visita en {city}")
    fill(doc, "title", rng.choice(titles_es if lang == "es" else title), {"city": owner.city.name})
    slots = {"city": owner.city.name, "price": f"${rng.randrange(15, 60) * 10}"}
    bank = _DEMAND_LINES[lang]
    cues = [line for line in bank if line[1]]
    chosen = [rng.choice(cues), *rng.sample(bank, rng.randint(1, 3))]
    for template, flags in dict.fromkeys(chosen):
        fill(doc, "body", template, slots)
        doc.flag(*flags)
    contact_block(doc, world, owner, lang)
    platform = rng.choice(("classifieds.example", "escortads.example", "social.example"))
    category = "adult" if platform == "escortads.example" else "personals"
    return Draft(doc, platform, category, owner.city, world.day(), owner.author, [])
