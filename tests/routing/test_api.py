"""route_text with the model trained from the shipped catalogue: the fields callers use, real
language (Danish, English, without æ/ø/å, typos), state matters, and manual triage."""

from __future__ import annotations

import pytest

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.routing.api import Routing, Suggestion, route_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Må vi stille borde og stole ud på fortovet foran vores café?", "udeservering"),
        ("Can we put a sign on the front of our shop?", "skilte"),
        ("maa vi saette et a-skilt paa fortovet", "skilte"),
        ("udendørsservering", "udeservering"),
        ("gravetiladelse til fjernvarme", "gravetilladelse"),
        ("Hvordan søger vi om alkoholbevilling til vores nye vinbar?", "alkoholbevilling"),
        ("stoej fra byggeplads om natten", "stoej"),
        ("rotter i gaarden", "rotter"),
    ],
)
def test_real_language_routes_to_the_right_topic(shipped_active, text, code):
    routing = route_text(text)
    assert routing.top.code == code, (text, [s.code for s in routing.suggestions])


def test_fields_come_from_the_database(shipped_active, settings):
    text = "Vi vil have borde og stole ude på fortovet foran restauranten"
    routing = route_text(text)
    assert isinstance(routing, Routing) and all(isinstance(s, Suggestion) for s in routing.suggestions)
    assert len(routing.suggestions) == 5
    scores = [s.score for s in routing.suggestions]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.0001
    top = routing.top
    topic = Topic.objects.select_related("unit", "department").get(code=top.code)
    assert (top.name, top.unit, top.unit_code, top.department) == (
        topic.name,
        topic.unit.name,
        topic.unit.code,
        topic.department.code,
    )
    assert routing.model_version == shipped_active.version
    assert routing.confidence >= settings.ROUTING_TRIAGE_THRESHOLD and not routing.needs_manual_triage
    assert routing.matters == ["udeservering"]
    # The explanation is words the business wrote.
    assert routing.explanation and set(routing.explanation) <= set(text.split())
    assert not routing.is_external and top.authority == "" and top.link_url == ""


def test_limit_is_respected(shipped_active):
    assert len(route_text("skilt på facaden", limit=3).suggestions) == 3


def test_state_matters_name_the_authority_and_link(shipped_active):
    routing = route_text("Hvornår skal min nye virksomhed momsregistreres?")
    assert routing.is_external and routing.top.code == "ekstern-skat"
    assert routing.external is routing.top
    assert routing.top.authority == Topic.objects.get(code="ekstern-skat").unit.name
    assert routing.top.link_url.startswith("https://") and routing.top.link_title


def test_multi_matter_text_returns_every_matter(shipped_active):
    routing = route_text(
        "Vi åbner en vinbar i maj og skal have alkoholbevilling. Derudover vil vi gerne have "
        "udeservering med borde på fortovet, og et skilt over døren."
    )
    assert {"alkoholbevilling", "udeservering", "skilte"} <= set(routing.matters)
    assert not routing.needs_manual_triage


@pytest.mark.parametrize("text", ["Hej", "jeg har et spørgsmål", "asdkjh qwpoe zxmnb"])
def test_texts_that_cannot_be_routed_go_to_manual_triage(shipped_active, text):
    routing = route_text(text)
    assert routing.needs_manual_triage
    assert routing.suggestions  # the agent still sees the candidates


def test_triage_threshold_is_a_setting(shipped_active, settings):
    text = "tilladelse"
    confidence = route_text(text).confidence
    settings.ROUTING_TRIAGE_THRESHOLD = max(confidence - 0.01, 0.0)
    assert not route_text(text).needs_manual_triage
    settings.ROUTING_TRIAGE_THRESHOLD = min(confidence + 0.01, 1.0)
    assert route_text(text).needs_manual_triage


def test_multi_threshold_is_a_setting(shipped_active, settings):
    text = "Vi skal have alkoholbevilling til vinbaren. Derudover vil vi have udeservering på fortovet."
    settings.ROUTING_MULTI_THRESHOLD = 0.35
    assert len(route_text(text).matters) >= 2
    settings.ROUTING_MULTI_THRESHOLD = 1.0
    assert len(route_text(text).matters) <= 1


def test_empty_text_gives_no_suggestions(shipped_active):
    routing = route_text("   ")
    assert routing.suggestions == [] and routing.needs_manual_triage and routing.confidence == 0.0


def test_deactivated_topics_are_never_suggested(shipped_active):
    Topic.objects.filter(code="udeservering").update(is_active=False)
    routing = route_text("borde og stole på fortovet foran caféen")
    codes = [s.code for s in routing.suggestions]
    assert "udeservering" not in codes and "udeservering" not in routing.matters
    assert len(codes) == 5
    assert routing.needs_manual_triage  # the model's first choice is gone: an agent decides


def test_topic_names_follow_the_language_and_editors_changes(shipped_active):
    from django.utils import translation

    with translation.override("en"):
        english = route_text("skilt på facaden").top
    with translation.override("da"):
        danish = route_text("skilt på facaden").top
    topic = Topic.objects.get(code="skilte")
    assert (english.name, danish.name) == (topic.name_en, topic.name_da)
    topic.name_da = "Skilte og facadereklamer"
    topic.save()
    with translation.override("da"):
        assert route_text("skilt på facaden").top.name == "Skilte og facadereklamer"
