"""The start page and every topic page show real content in Danish and in English."""

from html import unescape

import pytest
from django.urls import reverse

from erhvervskontakt.catalogue.io import load_default_catalogue
from erhvervskontakt.catalogue.models import Theme, Topic


@pytest.fixture
def shipped(db):
    load_default_catalogue()


def test_start_page_lists_themes_and_topics(client, shipped):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Restaurant og café" in html
    assert reverse("portal:topic", args=["udeservering"]) in html


def test_english_switch(client, shipped):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert Theme.objects.get(code="restaurant-cafe").name_en in html


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_topic_page_has_content(client, shipped, lang):
    client.cookies["django_language"] = lang
    for topic in Topic.objects.select_related("unit"):
        response = client.get(reverse("portal:topic", args=[topic.code]))
        assert response.status_code == 200, topic.code
        html = unescape(response.content.decode())
        assert topic.tr("name", lang) in html
        assert topic.unit.tr("name", lang) in html
        assert str(topic.response_days) in html


def test_unknown_topic_is_404(client, shipped):
    assert client.get("/emne/findes-ikke/").status_code == 404


def test_accessibility_statement_linked_in_footer(client, shipped):
    html = client.get("/").content.decode()
    assert reverse("portal:accessibility") in html
