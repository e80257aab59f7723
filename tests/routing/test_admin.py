"""Administrators see models and training runs, start a training and roll back; others are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erhvervskontakt.routing import training
from erhvervskontakt.routing.models import ModelVersion, RunStatus, TrainingRun, Trigger

pytestmark = pytest.mark.django_db

RETRAIN = "admin:routing_modelversion_retrain"


@pytest.fixture
def admin_client(client, personas):
    user = personas.administrator
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(client, personas):
    user = personas.editor
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_administrator_starts_a_training_from_the_admin(admin_client, personas):
    response = admin_client.post(reverse(RETRAIN))
    assert response.status_code == 302 and response["Location"] == reverse(
        "admin:routing_trainingrun_changelist"
    )
    run = TrainingRun.objects.get()
    assert run.trigger == Trigger.ADMIN and run.triggered_by == personas.administrator
    assert run.status == RunStatus.ACTIVATED
    page = admin_client.get(reverse("admin:routing_modelversion_changelist"))
    assert page.status_code == 200 and run.model.version in page.content.decode()
    assert admin_client.get(reverse("admin:routing_trainingrun_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:routing_modelversion_change", args=[run.model.pk])).status_code == 200
    )


def test_administrator_rolls_back_with_the_admin_action(admin_client):
    first = training.retrain().model
    training.retrain(force=True)
    response = admin_client.post(
        reverse("admin:routing_modelversion_changelist"),
        {"action": "activate_selected", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    assert ModelVersion.objects.get(is_active=True) == first


def test_retraining_needs_a_post(admin_client):
    assert admin_client.get(reverse(RETRAIN)).status_code == 405


def test_a_content_editor_is_refused(editor_client):
    assert editor_client.post(reverse(RETRAIN)).status_code == 403
    assert editor_client.get(reverse("admin:routing_modelversion_changelist")).status_code == 403
    assert not TrainingRun.objects.exists()


def test_an_agent_without_admin_access_is_refused(client, agent):
    client.force_login(agent)
    response = client.post(reverse(RETRAIN))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not TrainingRun.objects.exists()
