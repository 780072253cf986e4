"""Job ads: ordinary local jobs, legitimate recruitment and deceptive recruitment.

Benign job ads are dense with false-friend numbers (salaries, dates, reference
numbers, zip codes, long listing ids). Deceptive recruitment plants fees, held
passports, unrealistic pay, overseas work, paid travel, "no experience" and
urgency; legitimate recruitment sometimes mentions overseas work or relocation
help too (planted and listed, as confounders).
"""

from __future__ import annotations

from typing import Final

from vigil.synth import falsefriends as ff
from vigil.synth.doc import Doc, Ident
from vigil.synth.identifiers import crypto_ident, payment_idents
from vigil.synth.render import contact_block, fill
from vigil.synth.world import Draft, Owner, World

__all__ = ["make_benign_job", "make_deceptive_recruitment", "make_legit_recruitment"]

_ROLES: Final = {
    "en": (
        "barista", "line cook", "warehouse associate", "delivery driver", "cashier",
        "receptionist", "dental assistant", "dog walker", "math tutor", "bookkeeper",
        "forklift operator", "housekeeper", "caregiver", "retail associate",
    ),
    "es": (
        "mesero", "cocinero", "repartidor", "cajera", "recepcionista", "ayudante de almacén",
        "niñera", "personal de limpieza", "cuidadora", "dependienta",
    ),
}  # fmt: skip
_BIZ: Final = ("Sunrise", "Maple", "Blue Door", "Riverside", "Summit", "Corner", "Harbor", "Pine")
_BIZ_KIND: Final = ("Cafe", "Logistics", "Dental", "Bakery", "Market", "Services", "Foods")


def _url(world: World, slug: str) -> tuple[str, list[Ident]]:
    rng = world.rng
    host = rng.choice(("jobs.example.com", "careers.example.org", "apply.example.net"))
    raw = f"https://{host}/{slug}/{rng.randrange(100, 99999)}"
    return raw, [Ident("url", raw, raw)]


def _employer(world: World, lang: str) -> Owner:
    rng = world.rng
    biz = f"{rng.choice(_BIZ)} {rng.choice(_BIZ_KIND)}"
    city = world.city(lang)
    owner = Owner(name=biz, lang=lang, city=city, author=None, business=biz)
    owner.email = world.namer.business_email(biz, rng.choice(("jobs", "hr", "hiring", "info")))
    if rng.random() < 0.3:
        owner.phone = world.phones.take(city)
    owner.extra["address"] = ff.street_address(rng, lang)
    return owner


_JOB_TITLES: Final = {
    "en": ("{Role} wanted - {city}", "Now hiring: {role}", "{biz} is hiring a {role}",
           "Part-time {role} ({city})", "{Role} - full time, start ASAP"),
    "es": ("Se busca {role} en {city}", "{biz} contrata {role}", "Oferta: {role} ({city})"),
}  # fmt: skip


def make_benign_job(world: World, lang: str) -> Draft:
    """A local job ad with salary, dates, reference numbers and an address."""
    rng = world.rng
    owner = world.pool(f"employer-{lang}", 12.0, lambda: _employer(world, lang)).get()
    role = rng.choice(_ROLES[lang])
    slots = {"role": role, "Role": role.capitalize(), "city": owner.city.name, "biz": owner.name}
    doc = Doc()
    fill(doc, "title", rng.choice(_JOB_TITLES[lang]), slots)
    if lang == "es":
        lines = [
            f"Sueldo {ff.salary_text(rng, lang)}. ",
            f"Horario {ff.hours_text(rng, lang)}. ",
            f"Incorporación el {ff.date_text(rng)}. ",
            f"{ff.ref_number(rng, lang)}. ",
            f"Dirección: {owner.extra['address']}, {owner.city.name}. ",
            "Se requiere experiencia mínima de 1 año. ",
        ]
    else:
        lines = [
            f"Pay: {ff.salary_text(rng, lang)} plus tips. ",
            f"Shifts {ff.hours_text(rng, lang)}, Mon-Sat. ",
            f"Start date {ff.date_text(rng)}. ",
            f"{ff.ref_number(rng, lang)}. ",
            f"Apply in person at {owner.extra['address']}, {owner.city.name} {ff.zip_text(rng)}. ",
            f"Listing {ff.long_id(rng)}. ",
            "2+ years of experience preferred, benefits after 90 days. ",
            "Must have reliable transportation. ",
        ]
    for line in rng.sample(lines, rng.randint(3, len(lines))):
        doc.body(line)
    if rng.random() < 0.4:
        text, idents = _url(world, "apply")
        doc.body(" Apply online: " if lang == "en" else " Aplica en: ")
        doc.put("body", text, *idents)
    contact_block(doc, world, owner, lang, p_obfuscated=0.0)
    platform = "jobsboard.example" if rng.random() < 0.7 else "classifieds.example"
    return Draft(doc, platform, "jobs", owner.city, world.day(), None, world.images(0, 1))


_AGENCY: Final = ("Global", "Bright", "Atlas", "Northstar", "Pioneer", "Keystone", "Vista")
_LEGIT_ROLES: Final = {
    "en": ("registered nurses", "seasonal farm workers", "software testers", "welders",
           "hotel front-desk staff", "truck drivers", "teachers of English"),
    "es": ("enfermeras", "temporeros agrícolas", "soldadores", "camareros de hotel",
           "conductores de camión", "profesores"),
}  # fmt: skip
_LEGIT_LINES: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "en": (
        ("We never charge candidates any fee. ", ()),
        ("Salary {salary}, paid holidays and health insurance. ", ()),
        ("Interviews by video call; written contract before you travel. ", ()),
        ("Requirements: valid license and 2 years of experience. ", ()),
        ("Positions in Canada under the employer-sponsored program. ", ("overseas_job",)),
        ("Relocation costs reimbursed by the employer. ", ("travel_paid",)),
        ("Closing date {date}. {ref}. ", ()),
    ),
    "es": (
        ("Nunca cobramos nada a los candidatos. ", ()),
        ("Salario {salary}, vacaciones pagadas y seguro médico. ", ()),
        ("Entrevista por videollamada y contrato firmado antes de viajar. ", ()),
        ("Requisitos: experiencia de 2 años. ", ()),
        ("Puestos en Canadá con programa patrocinado por el empleador. ", ("overseas_job",)),
        ("Gastos de traslado reembolsados por la empresa. ", ("travel_paid",)),
        ("Fecha límite {date}. {ref}. ", ()),
    ),
}


def _agency(world: World, lang: str) -> Owner:
    rng = world.rng
    name = f"{rng.choice(_AGENCY)} {rng.choice(('Staffing', 'Recruitment', 'Talent', 'HR'))}"
    city = world.city(lang)
    owner = Owner(name=name, lang=lang, city=city, author=name.lower().replace(" ", "_"))
    owner.email = world.namer.business_email(name, rng.choice(("careers", "recruit", "talent")))
    if rng.random() < 0.3:
        owner.phone = world.phones.take(city)
    return owner


def make_legit_recruitment(world: World, lang: str) -> Draft:
    """A recruitment agency ad: real pay, no fees, contracts, official channels."""
    rng = world.rng
    owner = world.pool(f"agency-{lang}", 12.0, lambda: _agency(world, lang)).get()
    role = rng.choice(_LEGIT_ROLES[lang])
    doc = Doc()
    title = "{a} is recruiting {r}" if lang == "en" else "{a} selecciona {r}"
    fill(doc, "title", title, {"a": owner.name, "r": role})
    slots = {
        "salary": ff.salary_text(rng, lang),
        "date": ff.date_text(rng),
        "ref": ff.ref_number(rng, lang),
    }
    for template, flags in rng.sample(_LEGIT_LINES[lang], rng.randint(3, 5)):
        fill(doc, "body", template, slots)
        doc.flag(*flags)
    if rng.random() < 0.6:
        text, idents = _url(world, "vacancies")
        doc.body(" Apply: " if lang == "en" else " Postula: ")
        doc.put("body", text, *idents)
    contact_block(doc, world, owner, lang, p_obfuscated=0.0)
    platform = "jobsboard.example" if rng.random() < 0.75 else "social.example"
    return Draft(doc, platform, "jobs", owner.city, world.day(), owner.author, [])


_ABROAD: Final = {
    "en": ("Dubai", "Japan", "Canada", "Poland", "Malaysia", "the UK", "Italy"),
    "es": ("España", "Japón", "Dubái", "Estados Unidos", "Italia", "Canadá"),
}
_DECEPTIVE_ROLES: Final = {
    "en": ("waitresses", "hostesses", "models", "hotel staff", "dancers", "nannies"),
    "es": ("meseras", "azafatas", "modelos", "personal de hotel", "bailarinas", "niñeras"),
}
_DECEPTIVE_TITLES: Final = {
    "en": (
        (
            "URGENT!! {Role} needed in {abroad} - earn ${pay}/week",
            ("urgent_hiring", "unrealistic_pay", "overseas_job"),
        ),
        ("Work abroad: {role} in {abroad}, ${pay} per week", ("unrealistic_pay", "overseas_job")),
        ("{Role} wanted for {abroad}, start immediately", ("urgent_hiring", "overseas_job")),
    ),
    "es": (
        (
            "¡¡URGENTE!! {role} para {abroad} - gana ${pay} a la semana",
            ("urgent_hiring", "unrealistic_pay", "overseas_job"),
        ),
        ("Trabajo en {abroad}: {role}, ${pay} semanales", ("unrealistic_pay", "overseas_job")),
    ),
}
_DECEPTIVE_LINES: Final[dict[str, tuple[tuple[str, tuple[str, ...]], ...]]] = {
    "en": (
        ("No experience needed, we train you. ", ("no_experience",)),
        ("Flights, visa and housing paid by the company. ", ("travel_paid",)),
        ("Small processing fee of ${fee} before departure. ", ("recruitment_fee",)),
        ("Your passport will be kept by the employer for visa processing. ", ("passport_held",)),
        ("Limited places, apply today, leave this week! ", ("urgent_hiring",)),
        ("Earn ${pay} a week, tips on top. ", ("unrealistic_pay",)),
        ("Young girls with nice appearance preferred. ", ("youth_terms",)),
        ("Jobs in {abroad}, we arrange everything. ", ("overseas_job",)),
    ),
    "es": (
        ("No se necesita experiencia. ", ("no_experience",)),
        ("Pasaje, visa y alojamiento pagados por la empresa. ", ("travel_paid",)),
        ("Pequeña cuota de trámite de ${fee} antes de viajar. ", ("recruitment_fee",)),
        ("La empresa guarda tu pasaporte para el trámite de la visa. ", ("passport_held",)),
        ("Plazas limitadas, ¡sal esta misma semana! ", ("urgent_hiring",)),
        ("Gana ${pay} a la semana más propinas. ", ("unrealistic_pay",)),
        ("Trabajo en {abroad}, nosotros lo organizamos todo. ", ("overseas_job",)),
    ),
}


def _recruiter(world: World, lang: str) -> Owner:
    rng = world.rng
    name = world.first_name(lang)
    city = world.city(lang)
    owner = Owner(name=name, lang=lang, city=city, author=world.namer.username("jobs"))
    owner.style = rng.choice(("plain", "plain", "separators", "spelled", "emoji"))
    if rng.random() < 0.7:
        owner.phone = world.phones.take(city)
    if rng.random() < 0.5 or owner.phone is None:
        owner.email = world.namer.email(name)
    if rng.random() < 0.5:
        platform = rng.choice(("telegram", "instagram", "signal"))
        owner.handle = (platform, world.namer.username(name))
    if rng.random() < 0.3:
        owner.payment = rng.choice(("cashapp", "zelle"))
        owner.pay_user = world.namer.username("fees")
    if rng.random() < 0.1:
        owner.extra["wallet"] = "1"
    return owner


def make_deceptive_recruitment(world: World, lang: str) -> Draft:
    """A too-good-to-be-true job abroad with fees, held passports and urgency."""
    rng = world.rng
    owner = world.pool(f"recruiter-{lang}", 10.0, lambda: _recruiter(world, lang)).get()
    slots = {
        "role": rng.choice(_DECEPTIVE_ROLES[lang]),
        "abroad": rng.choice(_ABROAD[lang]),
        "pay": f"{rng.randrange(20, 80) * 100:,}",
        "fee": str(rng.randrange(15, 90) * 10),
    }
    slots["Role"] = slots["role"].capitalize()
    doc = Doc()
    title, flags = rng.choice(_DECEPTIVE_TITLES[lang])
    fill(doc, "title", title, slots)
    doc.flag(*flags)
    for template, line_flags in rng.sample(_DECEPTIVE_LINES[lang], rng.randint(3, 6)):
        fill(doc, "body", template, slots)
        doc.flag(*line_flags)
    if "recruitment_fee" in doc.indicators and owner.payment and rng.random() < 0.7:
        text, idents = payment_idents(owner.payment, rng, owner.pay_user, owner.email or "",
                                      owner.phone, owner.phone is not None
                                      and world.intl(owner.city, owner.phone))  # fmt: skip
        doc.body(" Pay the fee by " if lang == "en" else " Paga la cuota por ")
        doc.put("body", text, *idents)
        doc.body(". ")
    if "wallet" in owner.extra and rng.random() < 0.6:
        if "wallet_text" not in owner.extra:
            wallet_text, wallet = crypto_ident(rng, rng.choice(("btc", "eth")))
            owner.extra["wallet_text"] = wallet_text
            owner.extra["wallet_raw"] = wallet.raw
            owner.extra["wallet_value"] = wallet.value
        doc.body(" Fee accepted in crypto: " if lang == "en" else " Aceptamos cripto: ")
        ident = Ident("crypto", owner.extra["wallet_value"], owner.extra["wallet_raw"])
        doc.put("body", owner.extra["wallet_text"], ident)
        doc.body(". ")
    saved_payment, owner.payment = owner.payment, None  # fee payment written above only
    contact_block(doc, world, owner, lang, p_obfuscated=0.3)
    owner.payment = saved_payment
    platform = rng.choice(("jobsboard.example", "classifieds.example", "social.example"))
    return Draft(doc, platform, "jobs", owner.city, world.day(), owner.author, world.images(0, 2))
