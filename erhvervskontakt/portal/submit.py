"""From a validated form or wizard to a registered inquiry, in one transaction.

The inquiry, its matters, the business's documents, the stored answers and (for the callback
form) the booked call are committed together through the inquiries services; the receipt email
is written to the outbox in the same transaction. Nothing here saves another app's rows.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from erhvervskontakt.businesses.models import Company
from erhvervskontakt.catalogue.models import FormDefinition, Topic
from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.portal.drafts import draft_file_content
from erhvervskontakt.portal.forms_engine import all_sections, display_value
from erhvervskontakt.portal.forms_spec import FormSpec, text_in
from erhvervskontakt.portal.models import DraftFile, Submission
from erhvervskontakt.portal.uploads import CheckedFile

log = logging.getLogger(__name__)

GENERAL_TOPIC = "generel"
# Below this confidence a question without a chosen topic goes to the contact centre for triage.
ROUTING_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    company: str = ""
    cvr: str = ""

    @classmethod
    def from_cleaned(cls, cleaned: dict[str, Any]) -> Contact:
        return cls(
            name=cleaned.get("contact_name", ""),
            email=cleaned.get("contact_email", "") or "",
            phone=cleaned.get("contact_phone", "") or "",
            company=cleaned.get("contact_company", "") or "",
            cvr=cleaned.get("contact_cvr", "") or "",
        )

    def company_row(self) -> Company | None:
        """The known company with this CVR number (read only; the business's claim, not proof)."""
        return Company.objects.filter(cvr=self.cvr).first() if self.cvr else None

    def lines(self) -> list[str]:
        rows = [f"Navn: {self.name}"]
        if self.company or self.cvr:
            rows.append(f"Virksomhed: {self.company or '–'} (CVR {self.cvr or '–'})")
        if self.email:
            rows.append(f"E-mail: {self.email}")
        if self.phone:
            rows.append(f"Telefon: {self.phone}")
        return rows


def general_topic() -> Topic:
    topic = Topic.objects.filter(code=GENERAL_TOPIC, is_active=True).select_related("unit").first()
    if topic is None:
        raise services.WorkflowError("The catalogue has no active 'generel' topic.", code="no_general_topic")
    return topic


def _routed_topic(text: str) -> Topic | None:
    from erhvervskontakt.routing.api import route_text

    try:
        routing = route_text(text, limit=3)
    except Exception:  # A replaceable engine: on failure the contact centre triages by hand.
        log.warning(
            "portal: routing failed for a web question; sending it to the contact centre", exc_info=True
        )
        return None
    top = routing.top
    if (
        top is None
        or routing.needs_manual_triage
        or routing.confidence < ROUTING_CONFIDENCE
        or top.is_external
    ):
        return None
    return Topic.objects.filter(code=top.code, is_active=True).select_related("unit").first()


def resolve_topic(
    form: FormDefinition, spec: FormSpec, cleaned: dict[str, Any], preset: Topic | None
) -> Topic:
    """The topic a submission is registered under (see docs/portal.md, "Which unit gets it")."""
    chosen = next((cleaned.get(f.name) for f in spec.fields if f.type == "topic"), None)
    if chosen:
        return Topic.objects.select_related("unit").get(code=chosen)
    if preset is not None:
        return preset
    if spec.topic:
        found = Topic.objects.filter(code=spec.topic, is_active=True).select_related("unit").first()
        if found:
            return found
    linked = Topic.objects.filter(form=form, is_active=True).select_related("unit").order_by("sort").first()
    if linked is not None:
        return linked
    if spec.kind in ("question", "callback"):
        text = " ".join(
            str(v) for k, v in cleaned.items() if isinstance(v, str) and not k.startswith("contact_")
        )
        routed = _routed_topic(text)
        if routed is not None:
            return routed
    return general_topic()


def summary_text(form_name: str, spec: FormSpec, cleaned: dict[str, Any], files: list[str]) -> str:
    """The answers as the caseworker reads them (in Danish, the staff's language)."""
    lines = [f"Sendt via formularen “{form_name}” i Erhvervskontakts selvbetjening.", ""]
    for section in all_sections(spec):
        shown = [f for f in section.fields if f.name in cleaned and f.type != "file"]
        if not shown:
            continue
        lines.append(text_in(section.title, "da") or "Svar")
        for f in shown:
            lines.append(f"- {f.text('da')}: {display_value(f, cleaned[f.name], 'da')}")
        lines.append("")
    if files:
        lines.append("Vedhæftede dokumenter: " + ", ".join(files))
    return "\n".join(lines).strip()


def callback_window(day_iso: str, slot: str) -> tuple[dt.datetime, dt.datetime]:
    """A slot like "09:00-12:00" on a day, as aware Copenhagen datetimes."""
    day = dt.date.fromisoformat(day_iso)
    start_text, end_text = slot.split("-")
    start = dt.datetime.combine(day, dt.time.fromisoformat(start_text), tzinfo=clock.COPENHAGEN)
    end = dt.datetime.combine(day, dt.time.fromisoformat(end_text), tzinfo=clock.COPENHAGEN)
    return start, end


def _add_documents(inquiry: Inquiry, matter, kept: list[DraftFile], new: list[CheckedFile]) -> list[str]:
    names = []
    for stored in kept:
        services.attachment_add(
            inquiry,
            filename=stored.filename,
            content=draft_file_content(stored),
            content_type=stored.content_type,
            matter=matter,
            public=True,
            source="business",
        )
        names.append(stored.filename)
    for checked in new:
        services.attachment_add(
            inquiry,
            filename=checked.filename,
            content=checked.content,
            content_type=checked.content_type,
            matter=matter,
            public=True,
            source="business",
        )
        names.append(checked.filename)
    return names


@transaction.atomic
def form_submit(
    form: FormDefinition,
    spec: FormSpec,
    cleaned: dict[str, Any],
    *,
    kept_files: list[DraftFile],
    new_files: list[CheckedFile],
    language: str,
    preset: Topic | None = None,
) -> tuple[Inquiry, str]:
    """Register the inquiry a form creates; return it and its one-time tracking token."""
    topic = resolve_topic(form, spec, cleaned, preset)
    contact = Contact.from_cleaned(cleaned)
    subject = form.name_da
    if spec.subject_field and cleaned.get(spec.subject_field):
        field = spec.fields_by_name[spec.subject_field]
        subject = f"{form.name_da}: {display_value(field, cleaned[spec.subject_field], 'da')}"
    elif spec.kind != "application" and topic.code != GENERAL_TOPIC:
        subject = f"{form.name_da}: {topic.name_da}"
    file_names = [f.filename for f in kept_files] + [f.filename for f in new_files]
    registration = services.Registration(
        channel=Channel.FORM,
        subject=subject[:300],
        text="\n".join([summary_text(form.name_da, spec, cleaned, file_names), "", *contact.lines()]),
        # A state matter goes to the contact centre, which refers the business to the authority.
        matters=[services.MatterSpec(topic=topic, direct=not topic.is_external)],
        company=contact.company_row(),
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
        language=language,
        source_ref=f"portal:{form.code}",
    )
    inquiry, token = services.inquiry_register(registration)
    matter = inquiry.matters.select_related("topic").get()
    _add_documents(inquiry, matter, kept_files, new_files)
    if spec.kind == "callback":
        start, end = callback_window(cleaned["callback_date"], cleaned["callback_slot"])
        services.callback_book(
            matter,
            actor=None,
            phone=contact.phone,
            window_start=start,
            window_end=end,
            unit=topic.unit,
            note=subject,
        )
    Submission.objects.create(
        inquiry=inquiry,
        form=form,
        form_code=form.code,
        data={"answers": cleaned, "files": file_names, "topic": topic.code},
        language=language,
        created_at=clock.now(),
    )
    log.info("portal: form %s registered %s (topic %s)", form.code, inquiry.reference, topic.code)
    return inquiry, token


@transaction.atomic
def wizard_submit(
    *,
    project_code: str,
    project_title: str,
    answers: dict[str, bool],
    topics: list[Topic],
    contact: Contact,
    description: str,
    language: str,
) -> tuple[Inquiry, str]:
    """One inquiry with a matter per city topic the project needs, each straight to its unit."""
    lines = [f"Sendt via projektguiden “{project_title}” i Erhvervskontakts selvbetjening.", ""]
    if description:
        lines += ["Beskrivelse:", description, ""]
    lines.append("Svar: " + ", ".join(f"{code}={'ja' if yes else 'nej'}" for code, yes in answers.items()))
    lines.append("Sager: " + ", ".join(t.name_da for t in topics))
    registration = services.Registration(
        channel=Channel.WEB,
        subject=f"Projekt: {project_title}"[:300],
        text="\n".join([*lines, "", *contact.lines()]),
        matters=[services.MatterSpec(topic=t, direct=True) for t in topics],
        company=contact.company_row(),
        contact_name=contact.name,
        contact_email=contact.email,
        contact_phone=contact.phone,
        language=language,
        source_ref=f"portal:wizard:{project_code}",
    )
    inquiry, token = services.inquiry_register(registration)
    Submission.objects.create(
        inquiry=inquiry,
        form=None,
        form_code=f"wizard:{project_code}",
        data={"answers": answers, "topics": [t.code for t in topics], "description": description},
        language=language,
        created_at=clock.now(),
    )
    log.info("portal: wizard %s registered %s with %d matters", project_code, inquiry.reference, len(topics))
    return inquiry, token
