"""Administrators' add forms take initial values from the query string; a value that is not a
key must give an empty field, not a server error."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

WITH_AUTOCOMPLETE = [
    (model, name)
    for model, model_admin in admin.site._registry.items()
    for name in model_admin.autocomplete_fields
]


def test_there_are_autocomplete_fields_to_check():
    assert len(WITH_AUTOCOMPLETE) >= 3


@pytest.mark.parametrize(("model", "field"), WITH_AUTOCOMPLETE, ids=lambda v: getattr(v, "__name__", v))
def test_an_add_form_ignores_a_bad_initial_key(admin_client, model, field):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    response = admin_client.get(url, {field: "../../etc"})
    assert response.status_code == 200
    assert "../../etc" not in response.content.decode()


def test_an_add_form_still_preselects_a_valid_key(admin_client, catalogue):
    from erhvervskontakt.reporting.models import ServiceGoal

    url = reverse(f"admin:reporting_{ServiceGoal._meta.model_name}_add")
    response = admin_client.get(url, {"topic": catalogue.skilte.pk})
    assert response.status_code == 200
    assert f'<option value="{catalogue.skilte.pk}" selected>' in response.content.decode()
