"""The project wizard, search, cached guide pages and load_forms."""

from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command

from erhvervskontakt.catalogue.models import FormDefinition, Topic
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.portal import search
from erhvervskontakt.portal.forms_loader import TOPICS_DIR
from erhvervskontakt.portal.models import Submission
from erhvervskontakt.portal.wizard import projects, topic_codes_for
from tests import factories
from tests.portal.conftest import contact

RESTAURANT = "/projekt/restaurant/resultat/"
ANSWERS = "new_business=no&alcohol=yes&outdoor=yes&signs=yes&rebuild=no&staff=no"


@pytest.fixture
def restaurant_topics(org, catalogue):
    # The test catalogue has udeservering, alkoholbevilling and skilte; add what the wizard names.
    factories.make_topic(org.unit_c, "erhvervsaffald", days=15)
    factories.make_topic(org.unit_c, "spildevand", days=30)
    factories.make_topic(org.ext_unit, "ekstern-foedevarer", days=1, is_external=True)


def test_every_wizard_project_names_catalogue_topics():
    shipped = {p.stem for p in TOPICS_DIR.glob("*.yaml")}
    for project in projects():
        codes = topic_codes_for(project, {q.code: True for q in project.questions})
        assert set(codes) <= shipped, (project.code, set(codes) - shipped)
    assert {p.code for p in projects()} == {"restaurant", "shop", "building", "event", "staff"}


def test_unanswered_questions_are_errors_linked_from_the_summary(en_client, restaurant_topics):
    html = en_client.get(f"{RESTAURANT}?alcohol=yes").content.decode()
    assert 'id="error-summary"' in html and 'href="#q-outdoor-yes"' in html
    assert 'id="q-alcohol-yes" name="alcohol" value="yes" checked' in html


def test_the_result_lists_city_and_state_matters(en_client, restaurant_topics, catalogue):
    html = unescape(en_client.get(f"{RESTAURANT}?{ANSWERS}").content.decode())
    for code in ("udeservering", "alkoholbevilling", "skilte", "erhvervsaffald", "spildevand"):
        assert f'id="topic-{code}"' in html
    assert 'id="topic-ekstern-foedevarer"' not in html and "Ekstern-foedevarer" in html
    assert "within 40 working days" in html  # alkoholbevilling's processing time


def test_one_button_sends_every_matter_as_one_inquiry(en_client, restaurant_topics, catalogue, org):
    data = {"topics": ["udeservering", "alkoholbevilling", "skilte"], "description": "Ny café", **contact()}
    response = en_client.post(f"{RESTAURANT}?{ANSWERS}", data)
    assert response.status_code == 302 and response["Location"] == "/kvittering/"
    inquiry = Inquiry.objects.get()
    matters = {m.topic.code: m.unit for m in inquiry.matters.select_related("topic", "unit")}
    assert matters == {
        "udeservering": catalogue.udeservering.unit,
        "alkoholbevilling": catalogue.alkoholbevilling.unit,
        "skilte": catalogue.skilte.unit,
    }
    assert inquiry.channel == Channel.WEB and inquiry.coordinator_unit == org.kc
    assert inquiry.subject == "Projekt: Åbne restaurant, café eller bar"
    assert Submission.objects.get().form_code == "wizard:restaurant"
    receipt = unescape(en_client.get("/kvittering/").content.decode())
    assert inquiry.reference in receipt and receipt.count('class="ek-matter"') == 3


def test_the_wizard_refuses_foreign_topics_and_empty_choices(en_client, restaurant_topics):
    data = {"topics": ["miljoe", "ekstern-foedevarer"], **contact()}
    response = en_client.post(f"{RESTAURANT}?{ANSWERS}", data)
    assert response.status_code == 200 and "Choose at least one matter" in response.content.decode()
    assert not Inquiry.objects.exists()


def test_the_wizard_validates_contact_details(en_client, restaurant_topics):
    response = en_client.post(
        f"{RESTAURANT}?{ANSWERS}", {"topics": ["skilte"], **contact(contact_email="nope")}
    )
    assert 'id="f-contact_email-error"' in response.content.decode() and not Inquiry.objects.exists()


def test_unknown_project_is_404(en_client):
    assert en_client.get("/projekt/rumfart/").status_code == 404


# --- search -----------------------------------------------------------------------------------


def test_search_understands_a_businesss_own_words(en_client, catalogue):
    html = en_client.get("/soeg/?q=borde+og+stole+på+fortovet").content.decode()
    assert "/emne/udeservering/" in html


def test_portable_full_text_finds_compounds_and_body_text(catalogue):
    catalogue.miljoe.description_da = "Godkendelse af virksomheder med forurenende produktion."
    catalogue.miljoe.save()
    assert [h.code for h in search._portable_hits("forurenende", "da", 5)][:1] == ["miljoe"]
    assert [h.code for h in search._portable_hits("udeserveringstilladelse", "da", 5)][:1] == ["udeservering"]


def test_full_text_on_this_database_finds_body_text(catalogue):
    catalogue.miljoe.description_da = "Godkendelse af virksomheder med forurenende produktion."
    catalogue.miljoe.save()
    assert [h.code for h in search.full_text_hits("forurenende produktion", "da")][:1] == ["miljoe"]


def test_combined_search_understands_compounds(catalogue):
    assert [h.code for h in search.search_codes("udeserveringstilladelse", "da")][:1] == ["udeservering"]


def test_a_failing_routing_engine_does_not_break_search(en_client, catalogue, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("model file missing")

    monkeypatch.setattr("erhvervskontakt.routing.api.route_text", broken)
    response = en_client.get("/soeg/?q=skilte")
    assert response.status_code == 200 and "/emne/skilte/" in response.content.decode()


@pytest.mark.parametrize("q", ["", " ", "\x00", "a" * 5000, "<script>", "' OR 1=1 --", "&:*|!()"])
def test_odd_queries_are_safe(en_client, catalogue, q):
    response = en_client.get("/soeg/", {"q": q})
    main = response.content.decode().split("<main")[1].split("</main>")[0]
    # A NUL only comes from a crafted link: a page saying so (core.middleware), not a search.
    assert response.status_code == (400 if "\x00" in q else 200) and "<script>" not in main


# --- cached pages -----------------------------------------------------------------------------


def test_guide_pages_are_cached_and_invalidated_when_editors_save(en_client, catalogue):
    url = "/emne/skilte/"
    assert en_client.get(url)["X-Portal-Cache"] == "miss"
    assert en_client.get(url)["X-Portal-Cache"] == "hit"
    catalogue.skilte.name_en = "Signs and A-boards"
    catalogue.skilte.save()
    response = en_client.get(url)
    assert response["X-Portal-Cache"] == "miss" and "Signs and A-boards" in response.content.decode()


def test_languages_are_cached_separately(client, catalogue):
    client.cookies["django_language"] = "da"
    assert '<html lang="da">' in client.get("/emne/skilte/").content.decode()
    client.cookies["django_language"] = "en"
    assert '<html lang="en">' in client.get("/emne/skilte/").content.decode()


def test_visitors_with_a_session_get_fresh_pages(en_client, catalogue):
    en_client.get("/emne/skilte/")
    en_client.cookies["sessionid"] = "abc"
    assert en_client.get("/emne/skilte/")["X-Portal-Cache"] == "bypass"


def test_public_pages_carry_no_csrf_token_and_the_language_switch_is_a_link(en_client, catalogue):
    response = en_client.get("/emne/skilte/")
    assert "csrfmiddlewaretoken" not in response.content.decode() and "csrftoken" not in response.cookies
    switch = en_client.get("/sprog/", {"language": "da", "next": "/emne/skilte/"})
    assert switch.status_code == 302 and switch["Location"] == "/emne/skilte/"
    assert switch.cookies["django_language"].value == "da"
    assert en_client.get("/sprog/", {"language": "da", "next": "https://evil.test/"})["Location"] == "/"


def test_topic_page_offers_the_right_form(en_client, forms, catalogue):
    assert (
        "/formular/outdoor-serving/?emne=udeservering"
        in en_client.get("/emne/udeservering/").content.decode()
    )
    assert "/formular/generel/?emne=skilte" in en_client.get("/emne/skilte/").content.decode()


# --- load_forms -------------------------------------------------------------------------------


def test_load_forms_is_idempotent_and_keeps_editors_changes(catalogue, vejareal):
    out = StringIO()
    call_command("load_forms", stdout=out)
    assert "4 new" in out.getvalue()
    assert Topic.objects.get(code="udeservering").form.code == "outdoor-serving"
    assert Topic.objects.get(code="vejareal").form.code == "road-area"
    FormDefinition.objects.filter(code="generel").update(name_da="Spørg os")
    call_command("load_forms", stdout=out)
    assert FormDefinition.objects.get(code="generel").name_da == "Spørg os"
    assert FormDefinition.objects.count() == 4
    call_command("load_forms", "--update", stdout=out)
    assert FormDefinition.objects.get(code="generel").name_da == "Skriv til os"
