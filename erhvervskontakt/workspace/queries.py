"""Read-only queries behind the workspace lists: the unit queue, the search, the callbacks.

Every query starts from the permission querysets in ``inquiries.access``, so a list, a count
or a search result never shows what the user may not read. The lists are built to stay fast
on millions of inquiries: the queue walks the partial index of open matters by due date with
keyset pagination; the search tries exact keys (reference, CVR, phone, email) first and
otherwise matches words through trigram indexes, newest first, with a hard limit and no total
count.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from erhvervskontakt.businesses.identifiers import normalize_phone
from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.models import Callback, CallbackStatus, Inquiry, Matter
from erhvervskontakt.inquiries.workflow import MatterStatus

QUEUE_PAGE = 50
SEARCH_LIMIT = 50
OPEN_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_BUSINESS]
REFERENCE_RE = re.compile(r"^[A-Za-z]{2,8}-\d{4}-\d{1,}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def working_days_left(due: dt.datetime | None, today: dt.date | None = None) -> int | None:
    """Working days from today to the due date: 0 = due today, negative = overdue by that many."""
    if due is None:
        return None
    today = today or clock.today()
    due_day = clock.local(due).date()
    if due_day >= today:
        return workdays.working_days_between(today, due_day)
    return -max(workdays.working_days_between(due_day, today), 1)


# --- the unit queue -----------------------------------------------------------------------------


@dataclass
class QueueFilters:
    status: str = ""
    assignee: str = ""  # "", "me", "none" or a user id
    topic: int | None = None
    overdue: bool = False


@dataclass
class QueuePage:
    matters: list[Matter]
    next_cursor: str
    counts: dict[str, int]


def encode_cursor(matter: Matter) -> str:
    return f"{matter.due_at.timestamp():.6f}_{matter.pk}"


def decode_cursor(cursor: str) -> tuple[dt.datetime, int] | None:
    try:
        stamp, pk = cursor.split("_", 1)
        return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def open_matters(unit_id: int) -> QuerySet[Matter]:
    # Spelled exactly as the partial index's condition so PostgreSQL uses it.
    return Matter.objects.filter(unit_id=unit_id).exclude(status=MatterStatus.CLOSED)


def queue_page(user, unit_id: int, filters: QueueFilters, cursor: str = "") -> QueuePage:
    """One page of a unit's open matters, earliest due first."""
    now = clock.now()
    base = access.visible_matters(user, open_matters(unit_id))
    counts = base.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_at__lt=now) & ~Q(status=MatterStatus.AWAITING_BUSINESS)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        waiting=Count("id", filter=Q(status=MatterStatus.AWAITING_BUSINESS)),
    )
    qs = base
    if filters.status in OPEN_STATUSES:
        qs = qs.filter(status=filters.status)
    if filters.assignee == "me":
        qs = qs.filter(assignee=user)
    elif filters.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        qs = qs.filter(assignee_id=int(filters.assignee))
    if filters.topic:
        qs = qs.filter(topic_id=filters.topic)
    if filters.overdue:
        qs = qs.filter(due_at__lt=now).exclude(status=MatterStatus.AWAITING_BUSINESS)
    position = decode_cursor(cursor) if cursor else None
    if position is not None:
        due, pk = position
        qs = qs.filter(Q(due_at__gt=due) | Q(due_at=due, pk__gt=pk))
    rows = list(
        qs.select_related("inquiry", "inquiry__company", "topic", "assignee").order_by("due_at", "pk")[
            : QUEUE_PAGE + 1
        ]
    )
    next_cursor = encode_cursor(rows[QUEUE_PAGE - 1]) if len(rows) > QUEUE_PAGE else ""
    return QueuePage(matters=rows[:QUEUE_PAGE], next_cursor=next_cursor, counts=counts)


# --- search -------------------------------------------------------------------------------------


@dataclass
class SearchResult:
    inquiries: list[Inquiry]
    more: bool
    kind: str  # which key matched: reference, cvr, phone, email, text, or "" for no search


def classify(query: str) -> str:
    compact = query.replace(" ", "")
    if REFERENCE_RE.match(compact):
        return "reference"
    if EMAIL_RE.match(query):
        return "email"
    digits = re.sub(r"\D", "", compact)
    if compact.isdigit() and len(compact) == 8:
        return "cvr_or_phone"
    if digits and len(digits) >= 8 and re.fullmatch(r"\+?[\d\-()]+", compact):
        return "phone"
    return "text"


def _id_list(queryset, limit: int = 200) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[:limit])


def search_inquiries(user, query: str, *, status: str = "") -> SearchResult:
    """Inquiries the user may read that match ``query``, newest first (at most SEARCH_LIMIT)."""
    query = (query or "").strip()[:200]
    if len(query) < 2:
        return SearchResult([], False, "")
    kind = classify(query)
    qs = access.visible_inquiries(user)
    if kind == "reference":
        match = Q(reference=query.replace(" ", "").upper())
    elif kind == "email":
        person_ids = _id_list(ContactPerson.objects.filter(email=query.lower()))
        match = Q(contact_email=query.lower()) | Q(contact_id__in=person_ids)
    elif kind in ("cvr_or_phone", "phone"):
        phone = normalize_phone(query)
        company_filter = Q(phone_normalized=phone)
        if kind == "cvr_or_phone":
            company_filter |= Q(cvr=query.replace(" ", ""))
        company_ids = _id_list(Company.objects.filter(company_filter))
        person_ids = _id_list(ContactPerson.objects.filter(phone_normalized=phone))
        match = Q(company_id__in=company_ids) | Q(contact_id__in=person_ids)
    else:
        if len(query) < 3:
            return SearchResult([], False, "")
        # Trigram indexes need three characters; company names are matched first, then used
        # as a key, so PostgreSQL can combine the indexes (a bitmap OR on one table).
        company_ids = _id_list(Company.objects.filter(name__icontains=query), limit=500)
        match = Q(subject__icontains=query) | Q(contact_name__icontains=query)
        if company_ids:
            match |= Q(company_id__in=company_ids)
        kind = "text"
    qs = qs.filter(match)
    if status:
        qs = qs.filter(status=status)
    rows = list(
        qs.select_related("company")
        .prefetch_related(Prefetch("matters", queryset=Matter.objects.select_related("unit", "topic")))
        .order_by("-received_at", "-pk")[: SEARCH_LIMIT + 1]
    )
    return SearchResult(rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT, kind)


# --- callbacks ----------------------------------------------------------------------------------


def callbacks_for(user, *, unit_id: int | None, pending: bool = True, mine: bool = False) -> QuerySet:
    qs = access.visible_callbacks(user)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if mine:
        qs = qs.filter(assignee=user)
    if pending:
        qs = qs.filter(status=CallbackStatus.PENDING).order_by("window_start", "pk")
    else:
        qs = qs.exclude(status=CallbackStatus.PENDING).order_by("-done_at", "-pk")
    return qs.select_related("matter", "matter__inquiry", "matter__topic", "unit", "assignee")


def triage_waiting(unit_id: int, limit: int = 25) -> list[Matter]:
    """Open matters still with the contact centre: what agents triage next, oldest first."""
    pending_callback = Callback.objects.filter(matter=OuterRef("pk"), status=CallbackStatus.PENDING)
    return list(
        open_matters(unit_id)
        .filter(status=MatterStatus.NEW)
        .exclude(Exists(pending_callback))
        .select_related("inquiry", "inquiry__company", "topic")
        .order_by("due_at", "pk")[:limit]
    )
