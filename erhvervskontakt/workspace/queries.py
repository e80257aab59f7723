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
import json
import re
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from erhvervskontakt.businesses.identifiers import normalize_phone
from erhvervskontakt.businesses.models import Company, ContactPerson
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.models import Callback, CallbackStatus, Inquiry, Matter
from erhvervskontakt.inquiries.workflow import MatterStatus
from erhvervskontakt.organisation.roles import has_role, unit_id_of

QUEUE_PAGE = 25
SEARCH_LIMIT = 25
TEXT_CANDIDATES = 2000
OPEN_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_BUSINESS]
REFERENCE_RE = re.compile(r"^[A-Za-z]{2,8}-\d{4}-\d{1,}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _WorkingDayIndex:
    """Working days counted from a fixed origin, so "working days between" is one subtraction.

    A queue page asks for 25 of these, some spanning years (long-overdue matters); asking the
    calendar day by day would cost thousands of look-ups per page. The index grows back in time
    as far as it is asked to, and is rebuilt when the day changes or an administrator changes
    the extra closed days (one cached read per page tells), so it is never stale.
    """

    FUTURE = dt.timedelta(days=2 * 366)
    OLDEST = dt.date(2000, 1, 1)

    def __init__(self):
        self.built_for: tuple | None = None
        self.origin = dt.date.max
        self.ordinal: dict[dt.date, int] = {}

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end], as ``workdays.working_days_between``."""
        key = (clock.today(), _closed_days_version())
        wanted = max(min(start, end, key[0] - dt.timedelta(days=366)), self.OLDEST)
        if self.built_for != key or wanted < self.origin:
            self._build(min(wanted, self.origin) if self.built_for == key else wanted, key[0])
            self.built_for = key
        if start in self.ordinal and end in self.ordinal:
            return max(self.ordinal[end] - self.ordinal[start], 0)
        return workdays.working_days_between(start, end)

    def _build(self, origin: dt.date, today: dt.date) -> None:
        day, count, ordinal = origin, 0, {}
        last = today + self.FUTURE
        while day <= last:
            if workdays.is_working_day(day):
                count += 1
            ordinal[day] = count
            day += dt.timedelta(days=1)
        self.origin, self.ordinal = origin, ordinal


def _closed_days_version():
    """What the calendar knows of extra closed days now (its own cached set), or a minute stamp
    when the calendar does not expose it."""
    extra = getattr(workdays, "_extra_closed_days", None)
    return extra() if extra is not None else int(time.monotonic() // 60)


_index = _WorkingDayIndex()


def working_days_left(due: dt.datetime | None, today: dt.date | None = None) -> int | None:
    """Working days from today to the due date: 0 = due today, negative = overdue by that many."""
    if due is None:
        return None
    today = today or clock.today()
    due_day = clock.local(due).date()
    if due_day >= today:
        return _index.between(today, due_day)
    return -max(_index.between(due_day, today), 1)


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


# What a queue row shows; the joined tables carry long texts that a list does not need.
QUEUE_COLUMNS = [
    *(f.name for f in Matter._meta.concrete_fields),
    "inquiry__reference",
    "inquiry__subject",
    "inquiry__company",
    "inquiry__company__name",
    "topic__code",
    "topic__name_da",
    "topic__name_en",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
]


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
    base = open_matters(unit_id)
    if not (has_role(user, *access.READ_ALL) or unit_id_of(user) == unit_id):
        # Someone else's unit: only what the permission rules show (the view refuses anyway).
        # For one's own unit every matter is visible by definition, and skipping the check
        # lets PostgreSQL count from the covering index alone.
        base = access.visible_matters(user, base)
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
        qs.select_related("inquiry", "inquiry__company", "topic", "assignee")
        .only(*QUEUE_COLUMNS)
        .order_by("due_at", "pk")[: QUEUE_PAGE + 1]
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


def _estimated_rows(qs: QuerySet) -> int | None:
    """PostgreSQL's own estimate of how many rows ``qs`` returns (planning only, no execution)."""
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _newest_first(qs: QuerySet, limit: int) -> list[Inquiry]:
    """The ``limit`` newest inquiries of ``qs``, fast whether the match is rare or common.

    A rare match is best found through the indexes of the condition, then sorted; a common one
    by walking the newest inquiries until enough match. Which is which: PostgreSQL's estimate
    (from its statistics, cheap) when it says "common"; otherwise take up to TEXT_CANDIDATES
    matches without an order (bounded work either way) — fewer means they are all there and
    are sorted here, as many means the match is common after all and the walk stops early.
    """
    unordered = qs.order_by()  # the model orders by date; no ORDER BY lets the indexes drive
    estimate = _estimated_rows(unordered.values("pk"))
    if estimate is None or estimate < TEXT_CANDIDATES // 2:
        candidates = list(unordered.values_list("pk", "received_at")[:TEXT_CANDIDATES])
        if len(candidates) < TEXT_CANDIDATES:
            candidates.sort(key=lambda row: (row[1], row[0]), reverse=True)
            ids = [pk for pk, _ in candidates[:limit]]
            by_id = {row.pk: row for row in _with_details(Inquiry.objects.filter(pk__in=ids))}
            return [by_id[pk] for pk in ids if pk in by_id]
    newest = _with_details(qs).order_by("-received_at", "-pk")[:limit]
    if connection.vendor != "postgresql":
        return list(newest)
    with transaction.atomic():
        # Common words: walk the date index newest first. Should the statistics still call the
        # words rare, PostgreSQL would collect and sort every match instead; forbid that here.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_bitmapscan = off")
        return list(newest)


def _with_details(qs: QuerySet) -> QuerySet:
    matters = Matter.objects.select_related("unit", "topic").only(
        "inquiry_id",
        "status",
        "unit",
        "topic",
        "unit__name_da",
        "unit__name_en",
        "topic__name_da",
        "topic__name_en",
    )
    return qs.select_related("company").prefetch_related(Prefetch("matters", queryset=matters))


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
        # Trigram indexes need three characters. Names are matched in the small tables of
        # companies and contact persons first and used as keys, so one query on the inquiry
        # table combines its indexes (a bitmap OR); the name an unknown sender gave is
        # searched only among inquiries without a contact person (a partial index).
        company_ids = _id_list(Company.objects.filter(name__icontains=query), limit=500)
        person_ids = _id_list(ContactPerson.objects.filter(name__icontains=query), limit=500)
        match = Q(subject__icontains=query) | Q(contact__isnull=True, contact_name__icontains=query)
        if company_ids:
            match |= Q(company_id__in=company_ids)
        if person_ids:
            match |= Q(contact_id__in=person_ids)
        kind = "text"
    qs = qs.filter(match)
    if status:
        qs = qs.filter(status=status)
    rows = _newest_first(qs, SEARCH_LIMIT + 1)
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
