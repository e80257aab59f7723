"""Read-only queries about inquiries that other apps (routing, reporting, faces) may use."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, QuerySet

from erhvervskontakt.inquiries.models import Event, Inquiry, Matter
from erhvervskontakt.inquiries.workflow import MatterStatus, Outcome


def labelled_examples(*, since=None, limit: int | None = None) -> Iterator[tuple[str, str, int]]:
    """(text, topic code, matter id) for closed matters: the topic a matter was finally handled
    under is a staff decision and so a labelled example for the routing engine.

    Single-matter inquiries only: in a multi-matter text we cannot tell which words belong
    to which matter. Matters closed as duplicates say nothing about the topic and are skipped.
    """
    single = Inquiry.objects.annotate(n_matters=Count("matters")).filter(n_matters=1).values("pk")
    qs = Matter.objects.filter(status=MatterStatus.CLOSED, inquiry__in=single).exclude(
        outcome=Outcome.DUPLICATE
    )
    if since is not None:
        qs = qs.filter(closed_at__gte=since)
    qs = qs.select_related("inquiry", "topic").order_by("closed_at", "pk")
    if limit is not None:
        qs = qs[:limit]
    for matter in qs.iterator(chunk_size=2000):
        text = f"{matter.inquiry.subject}\n{matter.inquiry.text}".strip()
        if text:
            yield text, matter.topic.code, matter.pk


def public_timeline(inquiry: Inquiry) -> QuerySet[Event]:
    """Events the business may see on its tracking page."""
    return (
        inquiry.events.filter(public=True)
        .select_related("matter", "matter__topic")
        .order_by("created_at", "id")
    )
