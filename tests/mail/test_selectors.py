"""What the workspace can show of the emails behind an inquiry."""

from __future__ import annotations

import pytest

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.mail import selectors
from erhvervskontakt.mail.ingest import ingest
from tests.mail.conftest import eml, make_email

pytestmark = pytest.mark.django_db


def test_emails_for_an_inquiry_with_inline_images_linked(mail_world):
    result = ingest(eml("nested_multipart.eml"))
    inquiry = Inquiry.objects.get(reference=result.reference)
    (email,) = selectors.emails_for(inquiry, attachment_url=lambda pk: f"/staff/attachments/{pk}/")
    logo = inquiry.attachments.get(filename="logo.png")
    assert f'src="/staff/attachments/{logo.pk}/"' in email.html
    assert "cid:" not in email.html
    assert len(email.attachment_ids) == 3 and email.sender == "Maria Olsen <maria@byggefirma.test>"
    # Without a URL builder inline images are left empty rather than pointing anywhere.
    assert 'src=""' in selectors.emails_for(inquiry)[0].html
    event = inquiry.events.get(kind=EventKind.EMAIL_RECEIVED)
    assert selectors.email_for_event(event).id == email.id


def test_email_behind_a_business_reply_event(mail_world):
    first = ingest(make_email(message_id="<a@cafe.test>", body="Et skilt"))
    ingest(
        make_email(
            headers={"In-Reply-To": "<a@cafe.test>"}, body="Svar\n\n> citat", message_id="<b@cafe.test>"
        )
    )
    inquiry = Inquiry.objects.get(reference=first.reference)
    event = inquiry.events.get(kind=EventKind.BUSINESS_REPLIED)
    email = selectors.email_for_event(event)
    assert email.visible_text == "Svar" and "> citat" in email.text
    assert selectors.quarantine_count() == 0 and selectors.mailbox_health() == []
