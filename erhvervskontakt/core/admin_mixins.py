"""Helpers shared by the apps' admin classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class SafeAutocompleteInitial:
    """Initial values from the query string for autocomplete fields, kept only when they are keys.

    The admin fills an add form from the query string (``?topic=3``). Django's autocomplete widget
    looks such a value up while rendering and fails with a server error on anything that is not a
    key (``?topic=abc``); the form shows an empty field instead.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in self.get_autocomplete_fields(request):
            if name not in initial:
                continue
            key = self.model._meta.get_field(name).remote_field.model._meta.pk
            values = initial[name] if isinstance(initial[name], list) else [initial[name]]
            try:
                for value in values:
                    key.to_python(value)
            except ValidationError:
                del initial[name]
        return initial


# Web addresses typed without a scheme are taken as https (Django 6's default; saying so now
# also keeps Django 5.2 from warning on every form with an address).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}
