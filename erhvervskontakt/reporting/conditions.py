"""The conditions behind the measures: which matters, callbacks and inquiries count as what.

Each function takes the report's moment (``now``) and returns a ``Q`` on one base queryset of
``scope``; ``measures`` names them, the report counts them, the drill-down lists them.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import CallbackStatus, Matter
from erhvervskontakt.inquiries.workflow import MatterStatus
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.periods import Period

CLOSED = MatterStatus.CLOSED
WAITING = MatterStatus.AWAITING_BUSINESS
OPEN_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_BUSINESS]
ACTIVE_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS]  # open and not paused


def _always(now):
    return Q()


# --- matters: response times -------------------------------------------------------------------
# A matter's due time is the end of the N-th working day after the day it counts as received
# (N: the topic's promised working days). Asking the business for information pauses it; when
# the business answers, ``due_at`` moves later by the working days lost, so comparing with the
# stored ``due_at`` already accounts for pauses.


def _responded_on_time(now):
    """First response (reply, call, callback made, information request, closing) by the due time."""
    return Q(responded_at__isnull=False, responded_at__lte=F("due_at"))


def _responded_late(now):
    """First response after the due time, or no response yet and the due time has passed."""
    return Q(responded_at__gt=F("due_at")) | Q(responded_at__isnull=True, due_at__lt=now)


def _response_pending(now):
    """No response yet and not yet due: not counted for or against the promise."""
    return Q(responded_at__isnull=True, due_at__gte=now)


def _closed_on_time(now):
    """Closed (now, after any reopening: by its last closing) by the due time."""
    return Q(status=CLOSED, closed_at__lte=F("due_at"))


def _closed_late(now):
    """Closed after the due time, or still open past it while not waiting for the business."""
    return Q(status=CLOSED, closed_at__gt=F("due_at")) | (
        ~Q(status__in=[CLOSED, WAITING]) & Q(due_at__lt=now)
    )


def _closed_pending(now):
    """Still open and either not yet due or paused waiting for the business (its clock stopped)."""
    return ~Q(status=CLOSED) & (Q(status=WAITING) | Q(due_at__gte=now))


# --- callbacks --------------------------------------------------------------------------------
ATTEMPTED = [CallbackStatus.DONE, CallbackStatus.MISSED]


def _callback_on_time(now):
    """The call was made (whether or not the business answered) by the end of the promised window."""
    return Q(status__in=ATTEMPTED, done_at__lte=F("window_end"))


def _callback_late(now):
    """The call was made after the window, or the window has passed without a call."""
    return Q(status__in=ATTEMPTED, done_at__gt=F("window_end")) | Q(
        status=CallbackStatus.PENDING, window_end__lt=now
    )


def _callback_pending(now):
    return Q(status=CallbackStatus.PENDING, window_end__gte=now)


# --- multi-matter inquiries ----------------------------------------------------------------------
# Annotated per inquiry over *all* its matters (coordination is about the whole inquiry, even
# when the report is filtered to one department).


def multi_base(
    period: Period, scope: scopes.Scope, now: dt.datetime, id_range: tuple[int, int] | None = None
) -> QuerySet:
    """Inquiries of the report with two or more matters, annotated with counts over all their matters.

    ``id_range`` is the lowest and highest id of the report's inquiries (computed here when not
    given). It lets PostgreSQL find the inquiries with a second matter by reading one range of
    the matter table's inquiry index, and read only that range of matters for the counts.
    Departments are counted as one flag per department (a matter held by one of its units)
    rather than ``COUNT(DISTINCT ...)``, which would sort every group.
    """
    base = scopes.inquiries(period, scope)
    if id_range is None:
        bounds = base.aggregate(lo=Min("pk"), hi=Max("pk"))
        id_range = (bounds["lo"] or 0, bounds["hi"] or 0)
    lo, hi = id_range
    several = (
        Matter.objects.filter(inquiry_id__gte=lo, inquiry_id__lte=hi)
        .order_by()
        .values("inquiry_id")
        .annotate(n=Count("*"))  # COUNT(*), not COUNT(id): the index alone answers it
        .filter(n__gte=2)
        .values("inquiry_id")
    )
    units_by_department: dict[int, list[int]] = {}
    for unit_id, department_id in Unit.objects.values_list("pk", "department_id"):
        units_by_department.setdefault(department_id, []).append(unit_id)
    # "m": the inquiry's matters, restated with the id range so the planner can read just that range.
    m = FilteredRelation("matters", condition=Q(matters__inquiry_id__gte=lo, matters__inquiry_id__lte=hi))
    flags = [
        Max(Case(When(m_unit_ids(unit_ids), then=Value(1)), default=Value(0)))
        for _department, unit_ids in sorted(units_by_department.items())
    ]
    late_open = ~Q(m__status__in=[CLOSED, WAITING]) & Q(m__due_at__lt=now)
    return (
        base.filter(pk__in=several)
        .alias(m=m)
        .annotate(
            n_matters=Count("m"),
            n_departments=reduce(operator.add, flags) if flags else Value(0),
            n_open=Count("m", filter=~Q(m__status=CLOSED)),
            n_closed_late=Count("m", filter=Q(m__status=CLOSED, m__closed_at__gt=F("m__due_at"))),
            n_open_late=Count("m", filter=late_open),
        )
    )


def m_unit_ids(unit_ids: list[int]) -> Q:
    return Q(m__unit_id__in=unit_ids)


MULTI_Q = Q(n_matters__gte=2)


def _coordinated(now):
    """Multi-matter inquiries with a coordinating unit or a named coordinator."""
    return MULTI_Q & (Q(coordinator_unit__isnull=False) | Q(coordinator__isnull=False))


def _multi_on_time(now):
    """Every matter closed, each by its own due time."""
    return MULTI_Q & Q(n_open=0, n_closed_late=0)


def _multi_late(now):
    """At least one matter closed late, or open past its due time while not waiting."""
    return MULTI_Q & (Q(n_closed_late__gt=0) | Q(n_open_late__gt=0))


def _multi_open(now):
    return MULTI_Q & Q(n_open__gt=0, n_closed_late=0, n_open_late=0)


# --- the dashboard: open matters now ----------------------------------------------------------


def today_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    day = clock.local(now).date()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=clock.COPENHAGEN)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.COPENHAGEN)


def _due_today(now):
    """Open, not waiting for the business, and due before midnight today."""
    start, end = today_bounds(now)
    return Q(status__in=ACTIVE_STATUSES, due_at__gte=start, due_at__lt=end)


def _overdue(now):
    """Open, not waiting for the business (a paused matter's due time moves), and past due."""
    return Q(status__in=ACTIVE_STATUSES, due_at__lt=now)


def live_matters(scope: scopes.Scope) -> QuerySet:
    return Matter.objects.filter(scope.matter_q(), status__in=OPEN_STATUSES)


# --- new businesses -------------------------------------------------------------------------------


def new_business_q(period: Period, scope: scopes.Scope) -> Q:
    """Inquiries from a business that had no inquiry (within the same filters) in the previous period."""
    previous = period.previous()
    earlier = scopes.inquiries(previous, scope).filter(company=OuterRef("company"))
    return Q(company__isnull=False) & ~Q(Exists(earlier))
