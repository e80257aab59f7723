"""A NUL character in a link or a form field gets a clear 400 page, never a server error.

PostgreSQL refuses NUL in text; the staff search and the business look-up at registration passed
such a value on and failed with a 500 there (found by crawling every page as each persona with
odd query parameters, on PostgreSQL)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "url", "params"),
    [
        ("agent", "workspace:search", {"q": "Olsen\x00"}),
        ("agent", "workspace:register", {"channel": "phone", "q": "a\x00b"}),
        ("caseworker_a", "workspace:search", {"q\x00": "x"}),
        (None, "portal:search", {"q": "skilt\x00"}),
    ],
)
def test_a_nul_in_the_query_string_is_a_clear_400(client, personas, persona, url, params):
    if persona:
        client.force_login(getattr(personas, persona))
    response = client.get(reverse(url), params)
    assert response.status_code == 400
    assert "could not be read" in response.content.decode() or "kunne ikke læses" in response.content.decode()


def test_a_nul_in_posted_fields_is_taken_out_and_the_form_handled(client, personas):
    client.force_login(personas.agent)
    # The no-JavaScript "find" button posts the whole form, look-up text included.
    response = client.post(
        reverse("workspace:register"), {"subject": "Skilt\x00 på facaden", "q": "Ol\x00sen"}
    )
    assert response.status_code == 400  # the form again, with its errors (no text, no topic)
    html = response.content.decode()
    assert 'value="Skilt på facaden"' in html and 'value="Olsen"' in html


def test_the_same_pages_answer_without_the_nul(client, personas):
    client.force_login(personas.agent)
    assert client.get(reverse("workspace:search"), {"q": "Olsen"}).status_code == 200
    assert client.get(reverse("portal:search"), {"q": "skilt"}).status_code == 200
