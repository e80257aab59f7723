import pytest

from tests.mail.conftest import _mail_settings, smtp  # noqa: F401 - shared fixtures


@pytest.fixture(autouse=True)
def _english():
    """Assertions here read the English message ids. Danish, the default, is checked for
    completeness in tests/test_translations.py and in the Danish browser journeys."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def client():
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
