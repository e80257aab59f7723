"""Fixtures for the routing engine tests: a small hand-written catalogue, independent of the shipped one."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from erhvervskontakt.routing import engine  # noqa: E402


def _topic(code, dept, name_da, name_en, keywords, examples, synonyms=(), external=False, summary=None):
    return {
        "code": code,
        "department": dept,
        "external": external,
        "name": {"da": name_da, "en": name_en},
        "summary": summary or {"da": name_da, "en": name_en},
        "keywords": list(keywords),
        "synonyms": list(synonyms),
        "examples": list(examples),
    }


FIXTURE_TOPICS = [
    _topic(
        "udeservering",
        "TMF",
        "Udeservering på fortove og pladser",
        "Outdoor serving on pavements",
        ["udeservering", "udendørsservering", "borde og stole", "fortov", "outdoor seating", "parasol"],
        [
            "Må vi stille borde og stole ud på fortovet foran caféen?",
            "Hvordan søger jeg om udeservering til min restaurant?",
            "Can we have tables outside on the pavement?",
            "udeservering tilladelse pris",
            "Vi vil gerne have en bænk og to caféborde udenfor",
            "outdoor seating permit for our bar",
        ],
        synonyms=["udeservring", "cafe borde"],
    ),
    _topic(
        "skilte",
        "TMF",
        "Skilte, reklamer, markiser og vareudstilling",
        "Signs, advertising and goods display",
        ["skilt", "a-skilt", "facadeskilt", "reklameskilt", "markise", "vareudstilling", "sign", "a-board"],
        [
            "Må jeg sætte et skilt op på facaden?",
            "Skal jeg have tilladelse til et A-skilt på fortovet?",
            "Can we put an advertising board outside the shop?",
            "reklame på facaden tilladelse",
            "Vi vil stille et stativ med varer ud foran butikken",
            "markise over vinduet",
        ],
        synonyms=["gadeskilt", "sandwichskilt"],
    ),
    _topic(
        "vejareal",
        "TMF",
        "Råden over vejareal: stillads, container, skurvogn",
        "Use of road area: scaffolding",
        ["stillads", "container", "skurvogn", "kran", "lift", "scaffolding", "skip"],
        [
            "Vi skal have en container stående på gaden",
            "Skal vi søge om tilladelse til stillads på fortovet?",
            "Do we need a permit for scaffolding?",
            "skurvogn på vejen under renovering",
            "mobilkran på gaden en dag",
            "flyttebil foran opgangen",
        ],
    ),
    _topic(
        "gravetilladelse",
        "TMF",
        "Gravetilladelse og ledningsarbejde i vej",
        "Excavation permits in roads",
        ["gravetilladelse", "grave", "ledningsarbejde", "opgravning", "kabel", "excavation", "dig"],
        [
            "Vi skal grave et kabel ned under fortovet",
            "Hvordan søger vi gravetilladelse?",
            "We need to dig up the road to repair a pipe",
            "ledningsarbejde i vejen tilladelse",
            "opgravning i fortov til fiber",
            "grave i vej",
        ],
    ),
    _topic(
        "spildevand",
        "TMF",
        "Spildevand og fedtudskiller",
        "Wastewater and grease separators",
        ["spildevand", "fedtudskiller", "kloak", "udledning", "grease trap", "wastewater"],
        [
            "Skal vi have godkendt vores fedtudskiller?",
            "Må vi lede vaskevand i kloakken?",
            "Does our kitchen need a grease trap?",
            "udledningstilladelse spildevand",
            "fedtudskiller restaurant krav",
            "tilladelse til at udlede spildevand",
        ],
        synonyms=["fedtudskiler", "fedt udskiller"],
    ),
    _topic(
        "alkoholbevilling",
        "KFF",
        "Alkoholbevilling og natbevilling",
        "Alcohol licences",
        [
            "alkoholbevilling",
            "bevilling",
            "natbevilling",
            "spiritus",
            "alkohol",
            "øl og vin",
            "alcohol licence",
        ],
        [
            "Hvordan søger vi alkoholbevilling til restauranten?",
            "Må vi servere øl og vin?",
            "How do we get a licence to serve alcohol?",
            "natbevilling til kl 5",
            "bevilling til vores bar",
            "lejlighedstilladelse til at sælge øl til en fest",
        ],
    ),
    _topic(
        "ekstern-skat",
        "EXT",
        "Skat, moms og løn (Skattestyrelsen)",
        "Tax, VAT and payroll",
        ["moms", "momsregistrering", "skat", "a-skat", "b-skat", "vat", "tax"],
        [
            "Hvordan momsregistrerer jeg min virksomhed?",
            "Hvornår skal vi betale B-skat?",
            "How do I register for VAT?",
            "indberetning af moms",
            "skattekort til medarbejder",
            "hvad er reglerne for moms",
        ],
        external=True,
    ),
    _topic(
        "ekstern-cvr",
        "EXT",
        "Registrering i CVR (Erhvervsstyrelsen)",
        "Registering a business in CVR",
        ["cvr", "cvr-nummer", "p-nummer", "registrere virksomhed", "company registration"],
        [
            "Hvordan opretter jeg et CVR-nummer?",
            "Hvordan ændrer vi virksomhedens adresse i CVR?",
            "How do I register my company?",
            "lukke virksomhed cvr",
            "nyt p-nummer",
            "registrering af enkeltmandsvirksomhed",
        ],
        external=True,
    ),
    _topic(
        "ekstern-foedevarer",
        "EXT",
        "Fødevarekontrol og smiley (Fødevarestyrelsen)",
        "Food inspection and smiley",
        ["smiley", "fødevarekontrol", "fødevareregistrering", "hygiejne", "food inspection"],
        [
            "Hvem giver smileys til restauranter?",
            "Skal vores café registreres som fødevarevirksomhed?",
            "Who inspects food hygiene?",
            "sur smiley klage",
            "fødevarekontrol besøg",
            "registrering af foodtruck hos fødevaremyndighederne",
        ],
        external=True,
    ),
    _topic(
        "generel",
        "KC",
        "Generelle henvendelser og klager",
        "General inquiries and complaints",
        ["klage", "åbningstider", "telefonnummer", "sagsbehandlingstid", "complaint"],
        [
            "Hvad er jeres telefonnummer?",
            "Jeg vil klage over sagsbehandlingen",
            "What are your opening hours?",
            "hvor er min sag",
            "jeg har ikke fået svar",
            "kontakt erhvervsservice",
        ],
    ),
]


@pytest.fixture(scope="session")
def fixture_topics():
    return FIXTURE_TOPICS


@pytest.fixture(scope="session")
def fixture_model():
    return engine.train_from_topic_docs(FIXTURE_TOPICS, seed=0)
