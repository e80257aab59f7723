"""The timeline is append-only: no code path can change or remove what happened."""

import pytest
from django.db import DatabaseError, connection, transaction

from erhvervskontakt.inquiries.models import Event
from erhvervskontakt.inquiries.workflow import EventKind
from tests import factories


@pytest.fixture
def event(catalogue, agent):
    inquiry = factories.register([catalogue.generel], actor=agent, send_receipt=False)
    return inquiry.events.get(kind=EventKind.REGISTERED)


def test_registration_writes_the_timeline(event, agent):
    kinds = list(event.inquiry.events.values_list("kind", flat=True))
    assert kinds == [EventKind.REGISTERED, EventKind.MATTER_ADDED]
    assert event.actor == agent
    assert event.public


def test_saving_an_existing_event_is_refused(event):
    event.text = "rewritten history"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.text != "rewritten history"


def test_deleting_an_event_is_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.filter(pk=event.pk).delete()
    assert Event.objects.filter(pk=event.pk).exists()


def test_queryset_update_is_refused(event):
    with pytest.raises(TypeError, match="append-only"):
        Event.objects.filter(pk=event.pk).update(text="x")


def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE inquiries_event SET text = %s WHERE id = %s", ["x", event.pk])
    event.refresh_from_db()
    assert event.text != "x"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="delete trigger exists on PostgreSQL only")
def test_raw_sql_delete_is_refused_on_postgresql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM inquiries_event WHERE id = %s", [event.pk])
    assert Event.objects.filter(pk=event.pk).exists()
