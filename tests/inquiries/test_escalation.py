"""SLA escalation over holidays: the warning goes out one working day before the due date,
the manager hears when it passes, each once, and both are on the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.escalation import escalate, warning_day
from erhvervskontakt.inquiries.models import Matter
from erhvervskontakt.inquiries.services import ForwardNote
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from tests import factories

TUESDAY_AFTER_EASTER = dt.date(2026, 4, 7)  # Easter Sunday 5 April 2026
WEDNESDAY_BEFORE_EASTER = dt.date(2026, 4, 1)  # Maundy Thursday, Good Friday, Easter Monday are holidays


def at(day: dt.date, hour: int = 9):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.COPENHAGEN)


@pytest.fixture
def due_after_easter(catalogue, agent, caseworker_a, business):
    with time_machine.travel(at(dt.date(2026, 3, 16)), tick=False):
        inquiry = factories.register([catalogue.udeservering], actor=agent, business=business)
        matter = inquiry.matters.get()
        services.matter_forward(matter, to_unit=matter.topic.unit, actor=agent, note=ForwardNote(wants="x"))
        services.matter_assign(matter, actor=caseworker_a, assignee=caseworker_a)
    # The promise is part of the test's setting: due at the end of the Tuesday after Easter.
    Matter.objects.filter(pk=matter.pk).update(due_at=workdays.end_of_day(TUESDAY_AFTER_EASTER))
    return Matter.objects.get(pk=matter.pk)


def _events(matter, kind):
    return matter.inquiry.events.filter(kind=kind, matter=matter)


def test_the_warning_day_skips_easter(db):
    assert warning_day(workdays.end_of_day(TUESDAY_AFTER_EASTER)) == WEDNESDAY_BEFORE_EASTER


def test_the_warning_day_skips_christmas_and_new_year(db):
    # Friday 2 January 2026: 1 January is a holiday, 31 December and 24-26 December closed days.
    assert warning_day(workdays.end_of_day(dt.date(2026, 1, 2))) == dt.date(2025, 12, 30)


def test_no_warning_before_the_warning_day(due_after_easter):
    with time_machine.travel(at(dt.date(2026, 3, 31), 15), tick=False):
        assert escalate() == {"warned": 0, "overdue": 0}
    assert not _events(due_after_easter, EventKind.ESCALATION_WARNING).exists()


def test_warning_on_the_wednesday_before_easter_once(due_after_easter, caseworker_a, org):
    outbox_before = OutboundMessage.objects.filter(kind=MessageKind.NOTIFICATION).count()
    with time_machine.travel(at(WEDNESDAY_BEFORE_EASTER, 8), tick=False):
        assert escalate() == {"warned": 1, "overdue": 0}
        assert escalate() == {"warned": 0, "overdue": 0}
    with time_machine.travel(at(dt.date(2026, 4, 6), 10), tick=False):  # Easter Monday: still nothing new
        assert escalate() == {"warned": 0, "overdue": 0}
    events = list(_events(due_after_easter, EventKind.ESCALATION_WARNING))
    assert len(events) == 1
    assert set(events[0].data["to"]) == {
        caseworker_a.email,
        org.unit_a.email,
        org.unit_a.contact_person.email,
    }
    assert OutboundMessage.objects.filter(kind=MessageKind.NOTIFICATION).count() == outbox_before + 1
    assert Matter.objects.get(pk=due_after_easter.pk).warned_at is not None


def test_overdue_the_day_after_and_only_once(due_after_easter, manager):
    with time_machine.travel(at(TUESDAY_AFTER_EASTER, 16), tick=False):  # due at the end of the day
        assert escalate()["overdue"] == 0
    with time_machine.travel(at(dt.date(2026, 4, 8), 7), tick=False):
        counts = escalate()
        assert counts["overdue"] == 1
        assert escalate()["overdue"] == 0
    events = list(_events(due_after_easter, EventKind.ESCALATION_OVERDUE))
    assert len(events) == 1
    assert manager.email in events[0].data["to"]


def test_paused_and_closed_matters_are_not_escalated(due_after_easter, caseworker_a):
    with time_machine.travel(at(dt.date(2026, 3, 30)), tick=False):
        services.matter_request_info(due_after_easter, actor=caseworker_a, text="Send a drawing")
    with time_machine.travel(at(dt.date(2026, 4, 9)), tick=False):
        assert escalate() == {"warned": 0, "overdue": 0}
    assert not due_after_easter.inquiry.events.filter(
        kind__in=[EventKind.ESCALATION_WARNING, EventKind.ESCALATION_OVERDUE]
    ).exists()
