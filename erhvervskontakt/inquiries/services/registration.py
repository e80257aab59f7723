"""Registering inquiries (one or many at once), receipts and tracking links, adding matters and
choosing the coordinator."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.core.references import next_references
from erhvervskontakt.inquiries import access, notifications
from erhvervskontakt.inquiries.models import (
    Event,
    Inquiry,
    Matter,
)
from erhvervskontakt.inquiries.services.common import (
    WorkflowError,
    _refresh_inquiry,
    _summarise,
    contact_centre_unit,
    new_event,
    record,
    record_many,
)
from erhvervskontakt.inquiries.workflow import (
    Channel,
    EventKind,
    MatterStatus,
)
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of
from erhvervskontakt.outbox import services as outbox


@dataclass
class MatterSpec:
    """A matter to register: the topic, and where it goes first.

    ``unit`` None means: straight to the topic's responsible unit when ``direct`` is true
    (web forms, confident routing), otherwise to the contact centre for triage.
    """

    topic: Topic
    unit: Unit | None = None
    direct: bool = False
    assignee: object | None = None


@dataclass
class Registration:
    channel: str
    subject: str
    text: str = ""
    matters: list[MatterSpec] = field(default_factory=list)
    company: Company | None = None
    contact: ContactPerson | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    language: str = "da"
    received_at: dt.datetime | None = None
    coordinator_unit: Unit | None = None
    coordinator: object | None = None
    source_ref: str = ""


def new_tracking_token() -> tuple[str, str]:
    """A long random token for the tracking link and the hash that is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tracking_url(token: str) -> str:
    return f"{settings.SITE_URL}/track/{token}/"


def find_by_tracking_token(token: str) -> Inquiry | None:
    """The inquiry a tracking token opens, compared in constant time; None when unknown or revoked."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    inquiry = Inquiry.objects.filter(tracking_token_hash=digest, tracking_revoked_at__isnull=True).first()
    if inquiry is None or not hmac.compare_digest(inquiry.tracking_token_hash, digest):
        return None
    return inquiry


def inquiry_register(reg: Registration, *, actor=None, send_receipt: bool = True) -> tuple[Inquiry, str]:
    """Register an inquiry with its matters; return it and its tracking token (shown once).

    The receipt goes to the business's email (when known) after commit, naming per matter
    the responsible unit, contact person and expected response date. (In a transaction: that
    of ``inquiry_register_many``.)
    """
    return inquiry_register_many([reg], actor=actor, send_receipt=send_receipt)[0]


@transaction.atomic
def inquiry_register_many(
    regs: list[Registration], *, actor=None, send_receipt: bool | list[bool] = True
) -> list[tuple[Inquiry, str]]:
    """Register several inquiries at once, in order: for each exactly what ``inquiry_register`` does.

    The rows of all of them are written with one statement per table (the mail poller registers a
    run of new emails together). ``send_receipt``: one flag for all, or one per registration. Any
    rule broken by any of them raises, and none is registered.
    """
    receipts = send_receipt if isinstance(send_receipt, list) else [send_receipt] * len(regs)
    if len(receipts) != len(regs):
        raise ValueError("one send_receipt flag per registration")
    for reg in regs:
        _check_registration(reg)
    kc: list[Unit] = []  # read at most once, when some matter goes to the contact centre

    def contact_centre() -> Unit:
        if not kc:
            kc.append(contact_centre_unit())
        return kc[0]

    closed = workdays.extra_closed_days()
    planned = [_plan_registration(reg, actor, contact_centre, closed) for reg in regs]
    years: dict[int, list[Inquiry]] = {}
    for plan in planned:
        years.setdefault(clock.local(plan.inquiry.received_at).year, []).append(plan.inquiry)
    for year, inquiries in years.items():
        for inquiry, reference in zip(inquiries, next_references(len(inquiries), year=year), strict=True):
            inquiry.reference = reference
    Inquiry.objects.bulk_create([plan.inquiry for plan in planned])
    Matter.objects.bulk_create([matter for plan in planned for matter in plan.matters])
    events, messages = [], []
    for plan, receipt in zip(planned, receipts, strict=True):
        inquiry, now = plan.inquiry, plan.now
        events.append(
            new_event(
                inquiry,
                EventKind.REGISTERED,
                actor=actor,
                public=True,
                text=_("Your inquiry was registered (%(channel)s).")
                % {"channel": Channel(inquiry.channel).label},
                data={"channel": inquiry.channel},
                at=now,
            )
        )
        events += [
            new_event(
                inquiry,
                EventKind.MATTER_ADDED,
                actor=actor,
                matter=matter,
                public=True,
                text=matter.topic.name_da,
                data={
                    "topic": matter.topic.code,
                    "unit": matter.unit.code,
                    "due_at": matter.due_at.isoformat(),
                },
                at=now,
            )
            for matter in plan.matters
        ]
        # The rows are ours (inserted in this transaction): the receipt is built from them as they are.
        message = (
            notifications.receipt_message(
                inquiry, tracking_url=tracking_url(plan.token), matters=plan.matters
            )
            if receipt
            else None
        )
        if message is not None:
            messages.append(message)
            events.append(_receipt_event(inquiry, message, actor))
    outbox.enqueue_many(messages)
    record_many(events)
    return [(plan.inquiry, plan.token) for plan in planned]


def _check_registration(reg: Registration) -> None:
    if reg.channel not in Channel.values:
        raise WorkflowError(_("Unknown channel."), code="channel")
    if not reg.subject.strip():
        raise WorkflowError(_("Write a short subject."), code="subject")
    if not reg.matters:
        raise WorkflowError(_("Choose at least one topic."), code="matters")
    topics = [spec.topic.pk for spec in reg.matters]
    if len(set(topics)) != len(topics):
        raise WorkflowError(_("The same topic is chosen twice."), code="duplicate_topic")


@dataclass
class _Plan:
    """A registration about to be written: the unsaved inquiry (status, due time and coordinator
    already follow from its matters; no reference number yet), its token, matters, and time."""

    inquiry: Inquiry
    token: str
    matters: list[Matter]
    now: dt.datetime


def _plan_registration(reg: Registration, actor, contact_centre, closed: frozenset[dt.date]) -> _Plan:
    now = clock.now()
    received = reg.received_at or now
    contact = reg.contact
    token, token_hash = new_tracking_token()
    inquiry = Inquiry(
        channel=reg.channel,
        company=reg.company,
        contact=contact,
        contact_name=reg.contact_name or (contact.name if contact else ""),
        contact_email=(reg.contact_email or (contact.email if contact else "")).strip().lower(),
        contact_phone=reg.contact_phone or (contact.phone if contact else ""),
        language=reg.language if reg.language in ("da", "en") else "da",
        subject=reg.subject.strip()[:300],
        text=reg.text,
        received_at=received,
        coordinator_unit=reg.coordinator_unit,
        coordinator=reg.coordinator,
        created_by=actor,
        source_ref=reg.source_ref[:500],
        tracking_token_hash=token_hash,
    )
    matters = []
    for spec in reg.matters:
        if spec.unit is not None:
            unit = spec.unit
        elif spec.direct:
            unit = spec.topic.unit
        else:
            unit = contact_centre()
        assignee = spec.assignee
        if assignee is not None and unit_id_of(assignee) != unit.pk and not has_role(assignee, Role.AGENT):
            raise WorkflowError(_("The assignee does not work in the unit."), code="assignee")
        matters.append(
            Matter(
                inquiry=inquiry,
                topic=spec.topic,
                unit=unit,
                status=MatterStatus.IN_PROGRESS if assignee else MatterStatus.NEW,
                assignee=assignee,
                received_at=received,
                due_at=workdays.due_at(received, spec.topic.response_days, extra=closed),
            )
        )
    if len(matters) > 1 and inquiry.coordinator_unit is None and inquiry.coordinator is None:
        # One project touching several departments gets one coordinator: the contact centre.
        inquiry.coordinator_unit = contact_centre()
    _summarise(
        inquiry,
        [
            {
                "status": m.status,
                "due_at": m.due_at,
                "answered_first_contact": m.answered_first_contact,
                "insufficient_info": m.insufficient_info,
            }
            for m in matters
        ],
        now,
    )
    return _Plan(inquiry, token, matters, now)


@transaction.atomic
def inquiry_send_receipt(inquiry: Inquiry, *, actor=None, token: str | None = None) -> bool:
    """Email the receipt (if an address is known) and record it; return whether one was queued.

    Without ``token`` a fresh tracking link is issued, which revokes the previous one.
    """
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if token is None:
        token, inquiry.tracking_token_hash = new_tracking_token()
        inquiry.tracking_revoked_at = None
        inquiry.save(update_fields=["tracking_token_hash", "tracking_revoked_at", "updated_at"])
    return _queue_receipt(inquiry, actor=actor, token=token)


def _queue_receipt(inquiry: Inquiry, *, actor, token: str) -> bool:
    message = notifications.send_receipt(inquiry, tracking_url=tracking_url(token))
    if message is None:
        return False
    _receipt_event(inquiry, message, actor).save(force_insert=True)
    return True


def _receipt_event(inquiry: Inquiry, message, actor) -> Event:
    return new_event(
        inquiry,
        EventKind.RECEIPT_SENT,
        actor=actor,
        public=True,
        text=_("Receipt sent by email."),
        data={"to": message.to, "message_id": message.message_id},
    )


@transaction.atomic
def inquiry_revoke_tracking(inquiry: Inquiry, *, actor=None) -> None:
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    inquiry.tracking_revoked_at = clock.now()
    inquiry.save(update_fields=["tracking_revoked_at", "updated_at"])
    record(inquiry, EventKind.TRACKING_LINK, actor=actor, text=_("Tracking link revoked."))


@transaction.atomic
def inquiry_new_tracking_link(inquiry: Inquiry, *, actor=None) -> str:
    """Issue a new tracking token (the old one stops working) and return it."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    token, inquiry.tracking_token_hash = new_tracking_token()
    inquiry.tracking_revoked_at = None
    inquiry.save(update_fields=["tracking_token_hash", "tracking_revoked_at", "updated_at"])
    record(inquiry, EventKind.TRACKING_LINK, actor=actor, text=_("New tracking link issued."))
    return token


@transaction.atomic
def matter_add(inquiry: Inquiry, topic: Topic, *, actor=None, direct: bool = False) -> Matter:
    """Add a matter to an existing inquiry (one project, several departments)."""
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.matters.filter(topic=topic).exclude(status=MatterStatus.CLOSED).exists():
        raise WorkflowError(
            _("The inquiry already has an open matter on this topic."), code="duplicate_topic"
        )
    now = clock.now()
    unit = topic.unit if direct else contact_centre_unit()
    matter = Matter.objects.create(
        inquiry=inquiry,
        topic=topic,
        unit=unit,
        received_at=now,
        due_at=workdays.due_at(now, topic.response_days),
    )
    record(
        inquiry,
        EventKind.MATTER_ADDED,
        actor=actor,
        matter=matter,
        public=True,
        text=topic.name_da,
        data={"topic": topic.code, "unit": unit.code, "due_at": matter.due_at.isoformat()},
    )
    if inquiry.matters.count() > 1 and inquiry.coordinator_unit_id is None and inquiry.coordinator_id is None:
        inquiry.coordinator_unit = contact_centre_unit()
        inquiry.save(update_fields=["coordinator_unit"])
    _refresh_inquiry(inquiry)
    return matter


@transaction.atomic
def inquiry_set_coordinator(inquiry: Inquiry, *, actor=None, unit: Unit | None = None, person=None) -> None:
    if actor is not None and not access.can_act_on_inquiry(actor, inquiry):
        raise PermissionDenied
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    inquiry.coordinator_unit = unit
    inquiry.coordinator = person
    inquiry.save(update_fields=["coordinator_unit", "coordinator", "updated_at"])
    label = (person.get_full_name() if person else "") or (unit.name_da if unit else "")
    record(
        inquiry,
        EventKind.COORDINATOR_SET,
        actor=actor,
        public=True,
        text=_("Coordinated by %(name)s.") % {"name": label},
    )
