"""Example sentences per indicator: positive and negative, in English and Spanish."""

from __future__ import annotations

import pytest

from vigil.indicators import default_catalogue, score_text
from vigil.model import Identifier, IdentifierKind


def age(text: str, years: int) -> list[Identifier]:
    raw = str(years)
    start = text.index(raw)
    return [Identifier(IdentifierKind.AGE, raw, raw, start, start + len(raw))]


# (indicator, language, text, should fire)
EXAMPLES: list[tuple[str, str, str, bool]] = [
    # advertising
    ("third_person", "en", "She is new and sweet, call her tonight for incall", True),
    ("third_person", "en", "I am sweet and new, call me tonight for incall", False),
    ("third_person", "es", "Esta chica es muy linda, llámala ya", True),
    ("third_person", "es", "Soy una chica linda, llámame ya", False),
    ("multiple_people", "en", "3 new girls available tonight, incall", True),
    ("multiple_people", "en", "Ask for Anna or ask for Mia, outcall only", True),
    ("multiple_people", "en", "I am one girl, independent, ask for Anna", False),
    ("multiple_people", "es", "Tenemos varias chicas nuevas, ven a vernos", True),
    ("multiple_people", "es", "Soy una chica independiente, escríbeme", False),
    ("new_in_town", "en", "Sweet new girl in town, incall", True),
    ("new_in_town", "en", "New bakery in the mall opens Monday", False),
    ("new_in_town", "es", "Recién llegada a la ciudad, muy cariñosa", True),
    ("new_in_town", "es", "Nueva panadería en el centro comercial", False),
    ("movement", "en", "Visiting for only 3 days, leaving soon", True),
    ("movement", "en", "Weekly yoga class in the park", False),
    ("movement", "es", "Solo por 3 días en tu ciudad, de paso", True),
    ("movement", "es", "Clases de yoga todos los lunes", False),
    # youth
    ("youth_terms", "en", "Barely legal sweetheart, call now", True),
    ("youth_terms", "en", "Petite schoolgirl look, incall and outcall", True),
    ("youth_terms", "en", "Great first job for teens at the pool, apply today", False),
    ("youth_terms", "en", "Young sexy lady, incall", False),
    ("youth_terms", "es", "Jovencita colegiala, encuentros discretos", True),
    ("youth_terms", "es", "Buscamos estudiantes jóvenes para trabajo de verano", False),
    ("youth_emoji", "en", "Sweet treat 🍭🎀 incall tonight", True),
    ("youth_emoji", "en", "Kids party supplies 🍭🎀 balloons and candy", False),
    ("youth_emoji", "es", "Dulce 🍭 encuentros discretos", True),
    ("youth_emoji", "es", "Fiesta infantil 🍭 con payasos", False),
    ("age_claim_young", "en", "I'm 16 yo and fun, text me", True),
    ("age_claim_young", "en", "Must be 16 years old or older to apply for this job", False),
    ("age_claim_young", "es", "Tengo 16 años, escríbeme", True),
    ("age_claim_young", "es", "Trabajo para mayores, puesto de 16 horas semanales", False),
    # control
    ("third_party_contact", "en", "Call my manager to book, no texts", True),
    ("third_party_contact", "en", "Call me to book, no texts", False),
    ("third_party_contact", "es", "Llama a mi encargado para citas", True),
    ("third_party_contact", "es", "Llámame para citas", False),
    ("restricted_movement", "en", "Live-in girls, she can't go out alone", True),
    ("restricted_movement", "en", "I can go out for dinner dates too", False),
    ("restricted_movement", "es", "Las chicas viven en el local, chicas 24 horas", True),
    ("restricted_movement", "es", "Puedo salir a cenar contigo", False),
    ("money_handled", "en", "Donations go to my manager before the session", True),
    ("money_handled", "en", "Donations in cash before the session", False),
    ("money_handled", "es", "El pago se le paga al encargado", True),
    ("money_handled", "es", "El pago es en efectivo", False),
    # deceptive recruitment
    ("unrealistic_pay", "en", "Earn $5,000 per week as a hostess", True),
    ("unrealistic_pay", "en", "Earn $15 per hour as a cashier", False),
    ("unrealistic_pay", "es", "Gana 3.000 euros por semana, dinero fácil", True),
    ("unrealistic_pay", "es", "Salario de 1.200 euros al mes", False),
    ("recruitment_fee", "en", "A registration fee of $300 is required before travel", True),
    ("recruitment_fee", "en", "No registration fees, free of charge for applicants", False),
    ("recruitment_fee", "es", "Debes pagar la cuota de inscripción antes de viajar", True),
    ("recruitment_fee", "es", "Proceso gratuito, no cobramos cuota de inscripción", False),
    ("travel_paid", "en", "Flights and accommodation paid by the company", True),
    ("travel_paid", "en", "Company car and phone for the sales team", False),
    ("travel_paid", "es", "Pasaje y alojamiento pagados", True),
    ("travel_paid", "es", "Coche de empresa para el equipo", False),
    ("passport_held", "en", "The agency will keep your passport for safety", True),
    ("passport_held", "en", "Bring your passport to the interview", False),
    ("passport_held", "es", "La agencia guarda tu pasaporte durante el contrato", True),
    ("passport_held", "es", "Trae tu pasaporte a la entrevista", False),
    ("no_experience", "en", "No experience needed, we train you", True),
    ("no_experience", "en", "Three years of experience required", False),
    ("no_experience", "es", "Sin experiencia, te formamos", True),
    ("no_experience", "es", "Se requieren tres años de experiencia", False),
    ("urgent_hiring", "en", "Urgent hiring for kitchen staff, start immediately", True),
    ("urgent_hiring", "en", "Urgent care clinic open late", False),
    ("urgent_hiring", "es", "Se necesita urgente personal de cocina", True),
    ("urgent_hiring", "es", "Clínica de urgencias abierta", False),
    ("overseas_job", "en", "Waitress jobs in Dubai, great tips", True),
    ("overseas_job", "en", "Waitress jobs downtown, great tips", False),
    ("overseas_job", "es", "Trabajo de camarera en España, buenas propinas", True),
    ("overseas_job", "es", "Trabajo de camarera en el centro", False),
    # grooming
    ("romance_promise", "en", "I love you, I'll take care of you", True),
    ("romance_promise", "en", "I love hiking and good coffee", False),
    ("romance_promise", "es", "Te amo, eres mi princesa", True),
    ("romance_promise", "es", "Me encanta el café y el cine", False),
    ("isolation", "en", "Don't tell your parents, it's our secret", True),
    ("isolation", "en", "Tell your parents about the school trip", False),
    ("isolation", "es", "No le digas a tus padres, es nuestro secreto", True),
    ("isolation", "es", "Cuéntale a tus padres del viaje escolar", False),
    ("gift_offers", "en", "I'll buy you a new phone and clothes", True),
    ("gift_offers", "en", "I bought a new phone yesterday", False),
    ("gift_offers", "es", "Te compro un celular nuevo", True),
    ("gift_offers", "es", "Compré un celular nuevo ayer", False),
    ("move_invitation", "en", "Come live with me, I'll pay for your ticket", True),
    ("move_invitation", "en", "I live with my two cats", False),
    ("move_invitation", "es", "Vente a vivir conmigo, te pago el pasaje", True),
    ("move_invitation", "es", "Vivo con mis dos gatos", False),
    # demand
    ("seek_young", "en", "Looking for a teen girl tonight, cash ready", True),
    ("seek_young", "en", "Looking for young professionals to join our team", False),
    ("seek_young", "es", "Busco jovencita esta noche, pago en efectivo", True),
    ("seek_young", "es", "Busco jóvenes para el equipo de ventas", False),
    ("seek_new", "en", "Looking for new girls tonight, can host", True),
    ("seek_new", "en", "Looking for new team members", False),
    ("seek_new", "es", "Busco nuevitas esta noche, tengo lugar", True),
    ("seek_new", "es", "Busco nuevos compañeros de equipo", False),
]


@pytest.mark.parametrize(("indicator", "lang", "text", "fires"), EXAMPLES)
def test_example(indicator: str, lang: str, text: str, fires: bool) -> None:
    scored = score_text(text)
    fired = set(scored.indicator_ids) | set(scored.shadow_ids)
    assert (indicator in fired) is fires, (text, sorted(fired))


def test_every_text_indicator_has_examples_in_both_languages() -> None:
    cat = default_catalogue()
    for ind in cat.indicators:
        if ind.category == "network":
            continue
        for lang in ("en", "es"):
            kinds = {f for i, la, _, f in EXAMPLES if i == ind.id and la == lang}
            assert kinds == {True, False}, (ind.id, lang)


def test_age_identifier_examples() -> None:
    text = "Sweet girl, 17, incall tonight"
    assert "age_claim_young" in score_text(text, age(text, 17)).indicator_ids
    adult = "Sweet girl, 25, incall tonight"
    assert "age_claim_young" not in score_text(adult, age(adult, 25)).indicator_ids
    young = "Sweet girl 19 🍭 incall tonight"
    assert "age_claim_young" in score_text(young, age(young, 19)).indicator_ids
    plain = "Sweet girl 19, incall tonight"
    assert "age_claim_young" not in score_text(plain, age(plain, 19)).indicator_ids


@pytest.mark.parametrize(("indicator", "lang", "text", "fires"), [e for e in EXAMPLES if e[3]])
def test_offsets_slice_the_matched_text(indicator: str, lang: str, text: str, fires: bool) -> None:
    scored = score_text(text)
    hits = [h for h in scored.hits if h.indicator_id == indicator]
    assert hits
    for h in scored.hits:
        assert h.start >= 0
        assert text[h.start : h.end] == h.matched
        assert h.matched.strip()
