"""The satisfaction survey: one invitation per closed inquiry with an email address, one answer,
stored on the four dimensions reporting reads."""

import datetime as dt
import re

import pytest
import time_machine

from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from erhvervskontakt.portal.models import SurveyInvitation, SurveyResponse
from erhvervskontakt.portal.survey import invite_closed_inquiries
from erhvervskontakt.portal.tasks import invite_surveys_task
from tests import factories

CLOSED_AT = dt.datetime(2026, 6, 9, 9, 0, tzinfo=dt.UTC)
ANSWERS = {"accessibility": "5", "web_quality": "4", "responsiveness": "3", "professional_benefit": "5"}


def closed_inquiry(topic, caseworker, *, email="sofie@trattoria.test", language="da"):
    with time_machine.travel(CLOSED_AT - dt.timedelta(days=2), tick=False):
        inquiry = factories.register([topic], direct=True, contact_email=email, channel="form")
        inquiry.language = language
        inquiry.save(update_fields=["language"])
    with time_machine.travel(CLOSED_AT, tick=False):
        services.matter_close(inquiry.matters.get(), actor=caseworker, outcome="approved")
    inquiry.refresh_from_db()
    return inquiry


def survey_messages():
    return OutboundMessage.objects.filter(kind=MessageKind.SURVEY)


@pytest.fixture
def closed(catalogue, caseworker_a):
    return closed_inquiry(catalogue.udeservering, caseworker_a)


def test_the_job_invites_each_closed_inquiry_once(closed, catalogue, caseworker_a):
    open_one = factories.register([catalogue.skilte], direct=True, contact_email="open@x.test")
    no_email = closed_inquiry(catalogue.skilte, caseworker_a, email="")
    with time_machine.travel(CLOSED_AT + dt.timedelta(hours=2), tick=False):
        assert invite_closed_inquiries() == 1
        assert invite_surveys_task() == 0  # the Celery task is the same job, idempotent
    invitation = SurveyInvitation.objects.get()
    assert invitation.inquiry == closed and invitation.email == "sofie@trattoria.test"
    message = survey_messages().get()
    assert message.to == ["sofie@trattoria.test"] and message.reference == closed.reference
    assert "/tilfredshed/" in message.body_text
    assert not SurveyInvitation.objects.filter(inquiry__in=[open_one, no_email]).exists()


def test_the_invitation_waits_for_the_delay_and_skips_old_closures(closed, settings):
    with time_machine.travel(CLOSED_AT + dt.timedelta(minutes=30), tick=False):
        assert invite_closed_inquiries() == 0
    with time_machine.travel(
        CLOSED_AT + dt.timedelta(days=settings.PORTAL_SURVEY_LOOKBACK_DAYS + 1), tick=False
    ):
        assert invite_closed_inquiries() == 0


def _invite_and_get_link(closed) -> str:
    with time_machine.travel(CLOSED_AT + dt.timedelta(hours=2), tick=False):
        invite_closed_inquiries()
    return re.search(r"http://testserver(/tilfredshed/[^/\s]+/)", survey_messages().get().body_text).group(1)


def test_the_business_answers_the_survey_once(en_client, closed):
    url = _invite_and_get_link(closed)
    html = en_client.get(url).content.decode()
    assert closed.reference in html and 'name="accessibility"' in html
    response = en_client.post(url, {**ANSWERS, "comment": "Hurtigt svar, tak!"})
    assert response.status_code == 302 and response["Location"] == "/tilfredshed/tak/"
    answer = SurveyResponse.objects.get()
    assert (answer.inquiry, answer.accessibility, answer.web_quality) == (closed, 5, 4)
    assert (answer.responsiveness, answer.professional_benefit, answer.comment) == (
        3,
        5,
        "Hurtigt svar, tak!",
    )
    assert answer.submitted_at is not None
    event = closed.events.get(kind=EventKind.SURVEY_ANSWERED)
    assert not event.public and event.data["web_quality"] == 4
    # A second visit or post does not overwrite.
    assert "already been answered" in en_client.get(url).content.decode()
    en_client.post(url, {**ANSWERS, "accessibility": "1"})
    assert SurveyResponse.objects.get().accessibility == 5


def test_missing_or_invalid_scores_are_shown_next_to_the_questions(en_client, closed):
    url = _invite_and_get_link(closed)
    response = en_client.post(
        url, {**ANSWERS, "web_quality": "7", "responsiveness": "", "comment": "keep me"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and not SurveyResponse.objects.exists()
    assert 'id="f-web_quality-error"' in html and 'id="f-responsiveness-error"' in html
    assert 'href="#f-web_quality-0"' in html and ">keep me</textarea>" in html


@pytest.mark.parametrize("token", ["x", "a" * 43, "a" * 400])
def test_unknown_survey_tokens_open_nothing(en_client, closed, token):
    assert en_client.get(f"/tilfredshed/{token}/").status_code == 404


def test_survey_posts_need_csrf(closed):
    from django.test import Client

    url = _invite_and_get_link(closed)
    assert Client(enforce_csrf_checks=True).post(url, ANSWERS).status_code == 403
