"""What a business is told about its inquiry: the receipt (email, printable page, portal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import Inquiry, Matter


@dataclass(frozen=True)
class ReceiptLine:
    topic_name: str
    unit_name: str
    unit_email: str
    unit_phone: str
    contact_person: str
    due_date: dt.date
    status: str
    is_external: bool


@dataclass(frozen=True)
class Receipt:
    reference: str
    received_at: dt.datetime
    channel: str
    subject: str
    text: str
    company: str
    requester: str
    coordinator: str
    lines: list[ReceiptLine]

    @property
    def due_date(self) -> dt.date | None:
        return max((line.due_date for line in self.lines), default=None)


def _person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def build_receipt(inquiry: Inquiry, matters: list[Matter] | None = None) -> Receipt:
    """The receipt in the active language: per matter the unit, named contact and expected date.

    ``matters``: the inquiry's matters as its registration has just created them (with the topics it
    was given), so the receipt queued in the same transaction needs not read them back; relations the
    caller has not loaded are loaded here.
    """
    if matters is None:
        # Ordered by id: the order of Matter.Meta (inquiry, id) for one inquiry, without joining it.
        matters = inquiry.matters.select_related(
            "topic", "topic__unit", "unit", "unit__contact_person", "assignee"
        ).order_by("pk")
    else:
        prefetch_related_objects(matters, "topic__unit__contact_person", "assignee")
    lines = []
    for matter in matters:
        # Until a matter is forwarded it sits with the contact centre, but the business is told
        # which unit owns it: that is where the answer will come from.
        owner = matter.topic.unit
        unit = matter.unit if matter.transfer_count and matter.unit_id != owner.pk else owner
        contact = matter.assignee or unit.contact_person
        lines.append(
            ReceiptLine(
                topic_name=matter.topic.name,
                unit_name=unit.name,
                unit_email=unit.email,
                unit_phone=unit.phone,
                contact_person=_person_name(contact),
                due_date=clock.local(matter.due_at).date(),
                status=matter.get_status_display(),
                is_external=matter.topic.is_external,
            )
        )
    coordinator = _person_name(inquiry.coordinator) or (
        inquiry.coordinator_unit.name if inquiry.coordinator_unit else ""
    )
    return Receipt(
        reference=inquiry.reference,
        received_at=clock.local(inquiry.received_at),
        channel=inquiry.get_channel_display(),
        subject=inquiry.subject,
        text=inquiry.text,
        company=str(inquiry.company) if inquiry.company_id else "",
        requester=inquiry.requester_name,
        coordinator=coordinator,
        lines=lines,
    )
