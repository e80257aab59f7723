"""A small, hand-computed history for reporting tests, made through the real service functions.

Everything happens at its own moment (time-machine), so due dates, pauses, holidays and
timelines are exactly what the product would have produced. The expected figures are worked
out by hand in test_figures.py; the story of each inquiry is told here.

Test topics get short promises (working days) so due dates can be checked by hand:
generel 2, skilte 3, udeservering 5, miljoe 5, alkoholbevilling 10.

Calendar facts used (Denmark, 2025): Thu 17 Apr, Fri 18 Apr, Mon 21 Apr (Easter) are holidays;
Thu 5 Jun is closed (Constitution Day, a city closed day); Mon 9 Jun is Whit Monday;
Wed 31 Dec is closed; Thu 1 Jan 2026 is a holiday. The contact centre closes at 16:00 Monday
to Thursday and at 14:00 on Friday; a matter arriving later counts from the next working day.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
import time_machine
from django.db import transaction

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.workflow import Channel, Outcome
from erhvervskontakt.organisation.roles import Role
from erhvervskontakt.telephony.models import IntervalStatistic
from tests import factories

# The moment the hand-computed report is made: Monday 12 January 2026, 10:00.
REPORT_NOW = dt.datetime(2026, 1, 12, 10, 0, tzinfo=clock.COPENHAGEN)


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=clock.COPENHAGEN)


@contextmanager
def moment(when: dt.datetime):
    with time_machine.travel(when, tick=False):
        yield


@dataclass
class Story:
    """What the data set holds, by name, so tests can point at single inquiries."""

    org: object
    catalogue: object
    personas: object
    caseworker_c: object
    businesses: dict = field(default_factory=dict)
    inquiries: dict = field(default_factory=dict)
    callbacks: dict = field(default_factory=dict)


def _forward(matter, to_unit, actor, reason=""):
    return services.matter_forward(
        matter,
        to_unit=to_unit,
        actor=actor,
        note=services.ForwardNote(wants="Svar på ansøgning"),
        reason=reason,
    )


def _one(inquiry, topic):
    return inquiry.matters.get(topic=topic)


def build_story(org, catalogue, personas) -> Story:
    cat, p = catalogue, personas
    for topic, days in (
        (cat.generel, 2),
        (cat.skilte, 3),
        (cat.udeservering, 5),
        (cat.miljoe, 5),
        (cat.alkoholbevilling, 10),
    ):
        topic.response_days = days
        topic.save(update_fields=["response_days"])
    caseworker_c = factories.make_staff("caseworker_c", [Role.CASEWORKER], org.unit_c)
    story = Story(org=org, catalogue=cat, personas=p, caseworker_c=caseworker_c)
    a = story.businesses["A"] = factories.make_business(name="Café Åbyhøj")
    b = story.businesses["B"] = factories.make_business(name="Bageriet Ørsted")
    c = story.businesses["C"] = factories.make_business(name="Kiosken Blågårds")
    agent, cw_a, cw_b = p.agent, p.caseworker_a, p.caseworker_b
    reg = factories.register
    I = story.inquiries  # noqa: E741 - short name for the story's inquiries

    # --- the previous period (2024): two inquiries, one from business A --------------------
    with moment(at(2024, 6, 3)):
        I["P1"] = reg([cat.generel], actor=agent, channel=Channel.PHONE, business=a, send_receipt=False)
        services.matter_answer_first_contact(_one(I["P1"], cat.generel), actor=agent, answer="Svar givet")
    with moment(at(2024, 9, 2)):
        I["P2"] = reg([cat.generel], channel=Channel.EMAIL, send_receipt=False, contact_email="x@example.dk")
        services.matter_answer_first_contact(_one(I["P2"], cat.generel), actor=agent, answer="Svar givet")

    # I10: Mon 3 Feb, phone, B, generel answered at once (the only inquiry settled at first contact).
    with moment(at(2025, 2, 3)):
        I["I10"] = reg([cat.generel], actor=agent, channel=Channel.PHONE, business=b, send_receipt=False)
        services.matter_answer_first_contact(_one(I["I10"], cat.generel), actor=agent, answer="Svar givet")

    # I2: web form straight to unit A on Fri 7 Mar at 15:00, after Friday's 14:00 closing: it counts
    # from Mon 10 Mar, due Mon 17 Mar (5 working days). Information is requested Wed 12 Mar (first
    # response, 2 working days; paused). The business answers Wed 19 Mar: 5 working days lost
    # (13, 14, 17, 18, 19 Mar), so the due date moves to Mon 24 Mar. Closed Fri 21 Mar: after the
    # first due date, within the moved one.
    with moment(at(2025, 3, 7, 15, 0)):
        I["I2"] = reg([cat.udeservering], channel=Channel.WEB, business=b, direct=True, send_receipt=False)
    m = _one(I["I2"], cat.udeservering)
    with moment(at(2025, 3, 12)):
        services.matter_request_info(m, actor=cw_a, text="Send en tegning af arealet")
    with moment(at(2025, 3, 19, 11, 0)):
        services.inquiry_business_replied(I["I2"], text="Tegning vedlagt", via="email")
    with moment(at(2025, 3, 21)):
        services.matter_close(m, actor=cw_a, outcome=Outcome.APPROVED)
    with moment(at(2025, 3, 25)):
        _survey(I["I2"], accessibility=3, web_quality=2, responsiveness=4, professional_benefit=5)

    # I1: phone, A, Wed 16 Apr 15:30 (before closing), skilte (3 working days). Easter: Thu 17,
    # Fri 18 and Mon 21 Apr are holidays, so it is due Thu 24 Apr. Reply Tue 22 Apr: 1 working day.
    with moment(at(2025, 4, 16, 15, 30)):
        I["I1"] = reg([cat.skilte], actor=agent, channel=Channel.PHONE, business=a, send_receipt=False)
        _forward(_one(I["I1"], cat.skilte), org.unit_a, agent)
    m = _one(I["I1"], cat.skilte)
    with moment(at(2025, 4, 22)):
        services.matter_reply(m, actor=cw_a, text="Skiltet kræver ikke tilladelse")
    with moment(at(2025, 4, 23)):
        services.matter_close(m, actor=cw_a, outcome=Outcome.ANSWERED)
    with moment(at(2025, 5, 2)):
        _survey(I["I1"], accessibility=4, web_quality=5, responsiveness=3, professional_benefit=4)

    # I3: counter, C, Wed 4 Jun, generel (2 working days): Thu 5 Jun is closed, Mon 9 Jun a holiday,
    # so due Tue 10 Jun. Answered at once (0 working days), reopened Wed 11 Jun, closed again
    # Thu 12 Jun: its last closing is late, and it is no longer a first-contact answer.
    with moment(at(2025, 6, 4)):
        I["I3"] = reg([cat.generel], actor=agent, channel=Channel.COUNTER, business=c, send_receipt=False)
        services.matter_answer_first_contact(_one(I["I3"], cat.generel), actor=agent, answer="Svar givet")
    m = _one(I["I3"], cat.generel)
    with moment(at(2025, 6, 11)):
        services.matter_reopen(m, actor=agent, reason="Virksomheden havde et opfølgende spørgsmål")
    with moment(at(2025, 6, 12)):
        services.matter_close(m, actor=agent, outcome=Outcome.ANSWERED)

    # I4: email, A, Mon 1 Sep: udeservering (TMF, due Mon 8 Sep) and alkoholbevilling (KFF, due
    # Mon 15 Sep). The contact centre coordinates; a named coordinator in unit A is set. Unit A
    # replies Wed 3 Sep (2 working days) and closes Thu 4 Sep; unit B calls Fri 5 Sep (4 working
    # days) and closes Wed 10 Sep. Every matter on time.
    with moment(at(2025, 9, 1)):
        I["I4"] = reg(
            [cat.udeservering, cat.alkoholbevilling], channel=Channel.EMAIL, business=a, send_receipt=False
        )
    with moment(at(2025, 9, 1, 10, 30)):
        _forward(_one(I["I4"], cat.udeservering), org.unit_a, agent)
        _forward(_one(I["I4"], cat.alkoholbevilling), org.unit_b, agent)
        services.inquiry_set_coordinator(I["I4"], actor=agent, unit=org.unit_a, person=cw_a)
    with moment(at(2025, 9, 3)):
        services.matter_reply(_one(I["I4"], cat.udeservering), actor=cw_a, text="Ansøgningen er modtaget")
    with moment(at(2025, 9, 4)):
        services.matter_close(_one(I["I4"], cat.udeservering), actor=cw_a, outcome=Outcome.APPROVED)
    with moment(at(2025, 9, 5)):
        services.matter_log_call(
            _one(I["I4"], cat.alkoholbevilling), actor=cw_b, text="Ringede om bevillingen"
        )
    with moment(at(2025, 9, 10)):
        services.matter_close(_one(I["I4"], cat.alkoholbevilling), actor=cw_b, outcome=Outcome.APPROVED)
    with moment(at(2025, 9, 15)):
        _survey(
            I["I4"],
            accessibility=5,
            web_quality=4,
            responsiveness=5,
            professional_benefit=4,
            comment="Tak til Hanne Hansen, hanne@example.dk, 12345678",
        )

    # I5: phone, B, Tue 7 Oct: skilte (due Fri 10 Oct) and miljoe (due Tue 14 Oct), both TMF.
    # miljoe goes to unit A by mistake and on to unit C: a second transfer. skilte is answered and
    # closed Thu 9 Oct (2 working days); miljoe is answered Thu 16 Oct (7 working days, late) and
    # closed Fri 17 Oct (late).
    with moment(at(2025, 10, 7)):
        I["I5"] = reg(
            [cat.skilte, cat.miljoe], actor=agent, channel=Channel.PHONE, business=b, send_receipt=False
        )
        _forward(_one(I["I5"], cat.skilte), org.unit_a, agent)
        _forward(_one(I["I5"], cat.miljoe), org.unit_a, agent)
    with moment(at(2025, 10, 8)):
        _forward(
            _one(I["I5"], cat.miljoe), org.unit_c, cw_a, reason="Miljøgodkendelse hører til Miljøbeskyttelse"
        )
    with moment(at(2025, 10, 9)):
        services.matter_reply(_one(I["I5"], cat.skilte), actor=cw_a, text="Skiltet er godkendt")
        services.matter_close(_one(I["I5"], cat.skilte), actor=cw_a, outcome=Outcome.APPROVED)
    with moment(at(2025, 10, 16)):
        services.matter_reply(_one(I["I5"], cat.miljoe), actor=caseworker_c, text="Vi ser på sagen")
    with moment(at(2025, 10, 17)):
        services.matter_close(_one(I["I5"], cat.miljoe), actor=caseworker_c, outcome=Outcome.ANSWERED)

    # I6: phone, C, Mon 3 Nov, udeservering (due Mon 10 Nov), three callbacks booked by the agent:
    # CB1 Tue 4 Nov 10-12 made at 11:00 (on time; the first response, 1 working day),
    # CB2 Wed 5 Nov 10-12 tried at 13:00 without reaching the business (late),
    # CB3 Thu 6 Nov 10-12 cancelled. Closed Fri 7 Nov.
    with moment(at(2025, 11, 3)):
        I["I6"] = reg([cat.udeservering], actor=agent, channel=Channel.PHONE, business=c, send_receipt=False)
        m = _one(I["I6"], cat.udeservering)
        _forward(m, org.unit_a, agent)
    with moment(at(2025, 11, 3, 10, 5)):
        for name, day in (("CB1", 4), ("CB2", 5), ("CB3", 6)):
            story.callbacks[name] = services.callback_book(
                m,
                actor=agent,
                phone="+45 30 00 00 01",
                window_start=at(2025, 11, day, 10),
                window_end=at(2025, 11, day, 12),
            )
    with moment(at(2025, 11, 4, 11, 0)):
        services.callback_complete(story.callbacks["CB1"], actor=cw_a, reached=True)
    with moment(at(2025, 11, 5, 13, 0)):
        services.callback_complete(story.callbacks["CB2"], actor=cw_a, reached=False)
    with moment(at(2025, 11, 6, 9, 0)):
        services.callback_cancel(story.callbacks["CB3"], actor=cw_a, reason="Virksomheden har fået svar")
    with moment(at(2025, 11, 7)):
        services.matter_close(_one(I["I6"], cat.udeservering), actor=cw_a, outcome=Outcome.ANSWERED)

    # I7: counter, no known business, Mon 1 Dec, skilte (due Thu 4 Dec). CB4 Tue 2 Dec 10-12 tried
    # at 11:00 without reaching anyone (on time, not reached); CB5 Wed 3 Dec 10-12 never made.
    # Never answered: overdue at report time.
    with moment(at(2025, 12, 1)):
        I["I7"] = reg([cat.skilte], actor=agent, channel=Channel.COUNTER, send_receipt=False)
        m = _one(I["I7"], cat.skilte)
        _forward(m, org.unit_a, agent)
        for name, day in (("CB4", 2), ("CB5", 3)):
            story.callbacks[name] = services.callback_book(
                m,
                actor=agent,
                phone="+45 30 00 00 02",
                window_start=at(2025, 12, day, 10),
                window_end=at(2025, 12, day, 12),
            )
    with moment(at(2025, 12, 2, 11, 0)):
        services.callback_complete(story.callbacks["CB4"], actor=cw_a, reached=False)

    # I9: email, C, Mon 15 Dec: generel answered at once by the agent; udeservering (due Mon 22 Dec)
    # to unit A, which asks for information Wed 17 Dec (2 working days): still waiting at report time.
    with moment(at(2025, 12, 15)):
        I["I9"] = reg([cat.udeservering, cat.generel], channel=Channel.EMAIL, business=c, send_receipt=False)
    with moment(at(2025, 12, 15, 10, 30)):
        services.matter_answer_first_contact(_one(I["I9"], cat.generel), actor=agent, answer="Svar givet")
        _forward(_one(I["I9"], cat.udeservering), org.unit_a, agent)
    with moment(at(2025, 12, 17)):
        services.matter_request_info(
            _one(I["I9"], cat.udeservering), actor=cw_a, text="Vi mangler en tegning"
        )

    # I8: form straight to unit B, A, Mon 29 Dec, alkoholbevilling (10 working days; 31 Dec closed,
    # 1 Jan a holiday): due Wed 14 Jan 2026, after the report is made: pending.
    with moment(at(2025, 12, 29)):
        I["I8"] = reg(
            [cat.alkoholbevilling], channel=Channel.FORM, business=a, direct=True, send_receipt=False
        )

    # Calls: two 2025 intervals measured against 20 s, one against 30 s, and one each in 2024 and 2026.
    stats = [
        (at(2025, 3, 3, 9, 0), 10, 9, 1, 8, 90.0, 20),
        (at(2025, 3, 3, 9, 30), 20, 18, 2, 14, 300.0, 20),
        (at(2025, 3, 4, 9, 0), 10, 10, 0, 10, 50.0, 30),
        (at(2024, 3, 4, 9, 0), 99, 99, 0, 99, 10.0, 20),
        (at(2026, 1, 5, 9, 0), 77, 70, 7, 60, 10.0, 20),
    ]
    for start, offered, answered, abandoned, within, wait, target in stats:
        IntervalStatistic.objects.create(
            queue="erhverv",
            interval_start=start,
            offered=offered,
            answered=answered,
            abandoned=abandoned,
            answered_within_target=within,
            total_wait_answered_seconds=wait,
            service_target_seconds=target,
        )
    return story


def _survey(inquiry, *, comment: str = "Fin service", **scores):
    """Invite and answer through the portal's survey functions (skipped while the portal has none)."""
    try:
        from erhvervskontakt.portal import survey
    except ImportError:
        return None
    inquiry.refresh_from_db()
    invitation = survey.survey_invite(inquiry)
    assert invitation is not None, "the survey is sent for a closed inquiry with an email address"
    return survey.survey_submit(invitation, scores=scores, comment=comment, language="da")


@pytest.fixture(autouse=True)
def _no_report_cache(settings):
    """Tests travel in time and roll back data: a cached report would outlive its data."""
    settings.REPORTING_CACHE_SECONDS = 0


def _default_goals() -> None:
    """The city-wide goals a migration creates. A transactional test (live server, browser) that ran
    earlier in this process flushed every table, migration data included, so make sure they exist."""
    import importlib

    from django.apps import apps

    importlib.import_module("erhvervskontakt.reporting.migrations.0002_default_goals").create(apps, None)


@pytest.fixture(scope="module")
def story(django_db_setup, django_db_blocker):
    """The story, built once per test module inside a transaction that is rolled back afterwards.

    Each test still runs in its own savepoint (pytest-django), so tests cannot disturb each other.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        _default_goals()
        org = factories.build_organisation()
        catalogue = factories.build_catalogue(org)
        personas = factories.build_personas(org)
        yield build_story(org, catalogue, personas)
        transaction.set_rollback(True)


@pytest.fixture
def report_now():
    with moment(REPORT_NOW):
        yield REPORT_NOW
