"""End to end with both real servers: an email in, the receipt out, the business's reply in again."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import EventKind
from erhvervskontakt.mail.imap import poll_mailbox
from erhvervskontakt.outbox import services as outbox
from tests.mail.conftest import eml, make_email

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def test_email_receipt_and_reply_thread_through_real_servers(mail_world, mailbox, smtp):
    mailbox.append(eml("latin1.eml"))
    assert poll_mailbox(mailbox.config).fetched == 1
    inquiry = Inquiry.objects.get()
    assert outbox.deliver_due()["sent"] == 1
    (captured,) = smtp.messages
    receipt = message_from_bytes(captured["data"], policy=policy.default)
    assert captured["to"] == ["soeren@cafe-oesterbro.test"]
    assert inquiry.reference in receipt["Subject"] and receipt["Auto-Submitted"] == "auto-replied"
    # The business answers from its mail client: "Re:" subject, In-Reply-To our receipt.
    answer = make_email(
        sender="Søren Bjørn <soeren@cafe-oesterbro.test>",
        subject=f"Re: {receipt['Subject']}",
        body="Vi har også brug for et skilt.\n\n> Tak fordi du kontaktede os",
        headers={"In-Reply-To": receipt["Message-ID"].strip(), "References": receipt["Message-ID"].strip()},
    )
    mailbox.append(answer)
    assert poll_mailbox(mailbox.config).fetched == 1
    assert Inquiry.objects.count() == 1
    event = inquiry.events.get(kind=EventKind.BUSINESS_REPLIED)
    assert event.text == "Vi har også brug for et skilt."
    assert outbox.deliver_due()["sent"] == 0  # no second receipt for a reply
