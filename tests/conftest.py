"""Shared fixtures: a small organisation and catalogue, and the personas every permission is
tested with (agent, caseworker of unit A, caseworker of unit B, unit contact, manager,
content editor, administrator, business, outsider)."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Group

from tests import factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org(db):
    return factories.build_organisation()


@pytest.fixture
def catalogue(org):
    return factories.build_catalogue(org)


@pytest.fixture
def personas(org, catalogue):
    return factories.build_personas(org)


@pytest.fixture
def agent(personas):
    return personas.agent


@pytest.fixture
def caseworker_a(personas):
    return personas.caseworker_a


@pytest.fixture
def caseworker_b(personas):
    return personas.caseworker_b


@pytest.fixture
def manager(personas):
    return personas.manager


@pytest.fixture
def outsider(personas):
    return personas.outsider


@pytest.fixture
def business(db):
    return factories.make_business()


def require_service(name: str, available: bool, why: str) -> None:
    """Skip when a service is missing on a laptop; fail under REQUIRE_SERVICES=1 (CI)."""
    if available:
        return
    message = f"{name} not available: {why}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"REQUIRE_SERVICES=1 but {message}")
    pytest.skip(message)


@pytest.fixture
def roles_exist(db):
    return list(Group.objects.values_list("name", flat=True))
