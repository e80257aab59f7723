"""Real-browser journeys through the public portal, in Danish and English: every form, the
project wizard, tracking with a reply and a document, and the survey. One journey uses the
keyboard only. axe-core checks every page type on the way (no serious or critical violations)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from erhvervskontakt.catalogue.models import FormDefinition
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Attachment, Callback, Inquiry
from erhvervskontakt.inquiries.workflow import Channel, EventKind
from erhvervskontakt.outbox.models import MessageKind, OutboundMessage
from erhvervskontakt.portal.models import SurveyResponse
from erhvervskontakt.portal.survey import invite_closed_inquiries
from tests.browser.conftest import assert_accessible, english, focused_id, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = {"name": "tegning.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
FUTURE = (clock.today() + dt.timedelta(days=30)).isoformat()
FUTURE_END = (clock.today() + dt.timedelta(days=120)).isoformat()


def fill_contact(page, *, phone: bool = True) -> None:
    page.fill("#f-contact_name", "Sofie Jensen")
    if page.locator("#f-contact_company").count():
        page.fill("#f-contact_company", "Trattoria Bella ApS")
        page.fill("#f-contact_cvr", "13585628")
    page.fill("#f-contact_email", "sofie@trattoria.test")
    if phone:
        page.fill("#f-contact_phone", "20 30 40 50")


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("#portal-form button[type=submit]").click()


def reference_on(page) -> str:
    return page.locator("#reference").inner_text().strip()


def test_general_question_with_the_keyboard_only_in_danish(page, portal_site):
    page.goto("/emne/skilte/")
    assert page.locator("html").get_attribute("lang") == "da"
    tab_to(page, "a[href='/formular/generel/?emne=skilte']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#f-topic").input_value() == "skilte"
    tab_to(page, "#f-subject")
    page.keyboard.type("A-skilt foran butikken")
    tab_to(page, "#portal-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Errors: the summary takes focus, its link moves focus to the field; nothing typed is lost.
    assert focused_id(page) == "error-summary"
    assert page.locator("#f-subject").input_value() == "A-skilt foran butikken"
    assert page.locator("#f-message").get_attribute("aria-describedby") == "f-message-hint f-message-error"
    assert_accessible(page, "general form with errors (da)")
    tab_to(page, "#error-summary a[href='#f-message']")
    page.keyboard.press("Enter")
    assert focused_id(page) == "f-message"
    page.keyboard.type("Må jeg stille et A-skilt på fortovet foran min butik?")
    for field_id, text in [
        ("f-contact_name", "Sofie Jensen"),
        ("f-contact_email", "sofie@butik.test"),
        ("f-contact_phone", "20304050"),
    ]:
        tab_to(page, f"#{field_id}")
        page.keyboard.type(text)
    tab_to(page, "#portal-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    inquiry = Inquiry.objects.get()
    assert reference_on(page) == inquiry.reference
    assert inquiry.matters.get().topic.code == "skilte"
    assert_accessible(page, "receipt (da)")
    tab_to(page, "#tracking-link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text().endswith(inquiry.reference)
    tab_to(page, "#message")
    page.keyboard.type("Jeg har et foto af butikken, hvis I vil se det.")
    tab_to(page, "form:has(#message) button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Jeg har et foto af butikken" in page.locator("#timeline").inner_text()
    assert inquiry.events.filter(kind=EventKind.BUSINESS_REPLIED).exists()


def test_outdoor_serving_application_in_english_keeps_the_drawing(page, portal_site):
    english(page)
    page.goto("/emne/udeservering/")
    assert_accessible(page, "topic page (en)")
    with page.expect_navigation():
        page.get_by_role("link", name="Apply online").click()
    assert page.locator("h1").inner_text() == "Apply for outdoor serving"
    page.fill("#f-address-street", "Vesterbrogade 12")
    page.fill("#f-address-postcode", "1620")
    page.check("#f-location_type-0")
    page.check("#f-application_type-0")
    assert page.locator("#f-current_permit-group").is_hidden()
    page.fill("#f-area_m2", "twelve")
    page.fill("#f-depth_m", "2")
    assert page.locator("#f-tables-group").is_hidden()
    page.check("#f-furniture-0")
    assert page.locator("#f-tables-group").is_visible()
    page.fill("#f-tables", "4")
    page.fill("#f-period-from", FUTURE)
    page.fill("#f-period-to", FUTURE_END)
    page.check("#f-alcohol-1")
    page.set_input_files("#f-drawing", files=[PDF])
    fill_contact(page)
    submit(page)

    summary = page.locator("#error-summary")
    assert summary.is_visible() and "Size of the area" in summary.inner_text()
    assert "tegning.pdf" in page.locator("#f-drawing-kept").inner_text()
    assert page.locator("#f-tables").input_value() == "4"
    assert_accessible(page, "outdoor serving with errors (en)")
    page.fill("#f-area_m2", "12.5")
    submit(page)

    inquiry = Inquiry.objects.get()
    assert reference_on(page) == inquiry.reference
    assert inquiry.attachments.get().filename == "tegning.pdf"
    due = inquiry.matters.get().due_at
    assert clock.local(due).strftime("%d-%m-%Y") in page.locator(".ek-due").inner_text()
    assert "Use of the City" in page.content()
    assert_accessible(page, "receipt (en)")


def test_road_area_application_shows_conditional_fields_in_danish(page, portal_site):
    page.goto("/formular/road-area/")
    assert_accessible(page, "road area form (da)")
    assert page.locator("#f-containers-group").is_hidden()
    page.check("#f-equipment-1")  # container
    assert page.locator("#f-containers-group").is_visible()
    page.fill("#f-containers", "2")
    page.fill("#f-address-street", "Nørrebrogade 20")
    page.fill("#f-address-postcode", "2200")
    page.check("#f-placement-2")
    page.fill("#f-length_m", "6")
    page.fill("#f-width_m", "2,5")
    page.fill("#f-period-from", FUTURE)
    page.fill("#f-period-to", FUTURE)
    fill_contact(page)
    submit(page)
    inquiry = Inquiry.objects.get()
    assert reference_on(page) == inquiry.reference
    assert inquiry.matters.get().topic.code == "vejareal"
    assert "Antal containere: 2" in inquiry.text


def test_callback_request_in_english(page, portal_site):
    english(page)
    day = workdays.next_working_day(clock.today())
    page.goto("/formular/callback/?emne=udeservering")
    assert_accessible(page, "callback form (en)")
    page.fill("#f-question", "How wide must the free walking line be?")
    page.fill("#f-callback_date", day.isoformat())
    page.check("#f-callback_slot-0")
    page.fill("#f-contact_name", "Tom Hansen")
    page.fill("#f-contact_phone", "+45 20 30 40 50")
    submit(page)
    callback = Callback.objects.get()
    assert reference_on(page) == callback.matter.inquiry.reference
    assert callback.unit == portal_site["catalogue"].udeservering.unit
    assert clock.local(callback.window_start).date() == day


def test_project_wizard_sends_every_matter_at_once_in_danish(page, portal_site):
    page.goto("/")
    assert_accessible(page, "front page (da)")
    with page.expect_navigation():
        page.locator("a[href='/projekt/restaurant/']").first.click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "wizard questions with errors (da)")
    answers = {"new_business": "no", "alcohol": "yes", "outdoor": "yes", "signs": "yes", "rebuild": "no"}
    answers["staff"] = "no"
    for code, value in answers.items():
        page.check(f"#q-{code}-{value}")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page, "wizard result (da)")
    for code in ("udeservering", "alkoholbevilling", "skilte", "erhvervsaffald", "spildevand"):
        assert page.locator(f"#topic-{code}").is_checked()
    assert "Fødevareregistrering" in page.locator("#state-matters + p + ul").inner_text()
    page.uncheck("#topic-spildevand")
    page.fill("#f-description", "Vi åbner en café på Vesterbro til maj.")
    fill_contact(page)
    with page.expect_navigation():
        page.locator("main form button.button-primary").click()

    inquiry = Inquiry.objects.get()
    assert reference_on(page) == inquiry.reference and inquiry.channel == Channel.WEB
    codes = set(inquiry.matters.values_list("topic__code", flat=True))
    assert codes == {"udeservering", "alkoholbevilling", "skilte", "erhvervsaffald"}
    assert page.locator(".ek-matter").count() == 4


def test_tracking_reply_document_and_survey(page, portal_site):
    catalogue, personas = portal_site["catalogue"], portal_site["personas"]
    inquiry, token = services.inquiry_register(
        services.Registration(
            channel=Channel.FORM,
            subject="Udeservering Vesterbrogade 12",
            contact_name="Sofie",
            contact_email="sofie@trattoria.test",
            language="en",
            matters=[services.MatterSpec(topic=catalogue.udeservering, direct=True)],
        )
    )
    matter = inquiry.matters.get()
    services.matter_request_info(matter, actor=personas.caseworker_a, text="Please send a scale drawing.")
    english(page)
    page.goto(f"/track/{token}/")
    assert "Please send a scale drawing." in page.locator("#info-requested").inner_text()
    assert_accessible(page, "tracking page (en)")
    page.fill("#message", "Here it comes.")
    with page.expect_navigation():
        page.locator("form:has(#message) button[type=submit]").click()
    assert "Here it comes." in page.locator("#timeline").inner_text()
    page.set_input_files("#documents-input", files=[PDF])
    with page.expect_navigation():
        page.locator("form:has(#documents-input) button[type=submit]").click()
    assert "tegning.pdf" in page.locator("#documents").inner_text()
    assert Attachment.objects.get(inquiry=inquiry).source == "business"

    services.matter_close(matter, actor=personas.caseworker_a, outcome="approved")
    invite_closed_inquiries(now=clock.now() + dt.timedelta(hours=2))
    body = OutboundMessage.objects.get(kind=MessageKind.SURVEY).body_text
    survey_path = re.search(r"/tilfredshed/[^/\s]+/", body).group(0)
    page.context.clear_cookies()  # the survey in Danish
    page.goto(survey_path)
    assert page.locator("html").get_attribute("lang") == "da"
    assert_accessible(page, "survey (da)")
    page.check("#f-accessibility-4")
    with page.expect_navigation():
        page.locator("#survey-form button[type=submit]").click()
    assert_accessible(page, "survey with errors (da)")
    for name, index in [("web_quality", 3), ("responsiveness", 2), ("professional_benefit", 4)]:
        page.check(f"#f-{name}-{index}")
    page.fill("#f-comment", "Hurtig og venlig betjening")
    with page.expect_navigation():
        page.locator("#survey-form button[type=submit]").click()
    assert_accessible(page, "survey thanks (da)")
    answer = SurveyResponse.objects.get()
    assert (answer.accessibility, answer.web_quality, answer.responsiveness, answer.professional_benefit) == (
        5,
        4,
        3,
        5,
    )


def test_every_other_public_page_type_passes_axe(page, portal_site):
    """Page types the journeys above do not pass through (start, guide, theme and accessibility
    pages with the shipped content are checked in test_public_a11y.py)."""
    inquiry, token = services.inquiry_register(
        services.Registration(
            channel=Channel.FORM,
            subject="Skilt",
            matters=[services.MatterSpec(topic=portal_site["catalogue"].skilte, direct=True)],
        )
    )
    services.inquiry_revoke_tracking(inquiry)
    for path in (
        "/soeg/?q=borde+og+stole+udenfor",
        "/soeg/?q=xyzzy",
        "/projekt/",
        "/kvittering/",
        "/track/tilbagekaldt/",
        "/findes-ikke/",
    ):
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page, path)
    # The page a refused submission gets (here: a form whose schema an editor broke).
    FormDefinition.objects.filter(code="road-area").update(schema={"sections": "broken"})
    assert page.goto("/formular/road-area/").status == 503
    assert_accessible(page, "refused page")
