"""Every countable figure of a report, defined once: what is counted, on which rows, and why.

A *measure* is a condition on one of the base querysets in ``scope`` (inquiries, matters,
callbacks, survey answers, multi-matter inquiries, or responded matters by working days). The
report counts rows with ``Count(..., filter=condition)``; the drill-down list shows
``base.filter(condition)``. Percentages on a report are ratios of two measures and drill down
to their numerator. Definitions here are the ones printed in docs/reporting.md.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import dataclass
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
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import CallbackStatus, Matter
from erhvervskontakt.inquiries.workflow import Channel, MatterStatus
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.periods import Period

INQUIRY, MATTER, CALLBACK, SURVEY, MULTI, RESPONSE_DAYS, LIVE = (
    "inquiry",
    "matter",
    "callback",
    "survey",
    "multi",
    "response_days",
    "live",  # the dashboard: open matters as they are now, whenever they were received
)
DIMENSIONS = ("accessibility", "web_quality", "responsiveness", "professional_benefit")
DIMENSION_LABELS = {
    "accessibility": _("Accessibility"),
    "web_quality": _("Quality of the web pages"),
    "responsiveness": _("Responsiveness"),
    "professional_benefit": _("Professional benefit"),
}
SATISFIED_FROM = 4  # a score of 4 or 5 of 5 counts as satisfied
# Working days to first response, grouped as the annual report shows them: (key, low, high).
RESPONSE_BUCKETS = (
    ("0", 0, 0),
    ("1", 1, 1),
    ("2_5", 2, 5),
    ("6_10", 6, 10),
    ("11_20", 11, 20),
    ("21_40", 21, 40),
    ("41plus", 41, None),
)

CLOSED = MatterStatus.CLOSED
WAITING = MatterStatus.AWAITING_BUSINESS
OPEN_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS, MatterStatus.AWAITING_BUSINESS]
ACTIVE_STATUSES = [MatterStatus.NEW, MatterStatus.IN_PROGRESS]  # open and not paused


@dataclass(frozen=True)
class Measure:
    key: str
    level: str
    label: str
    condition: Callable[[dt.datetime], Q]

    def q(self, now: dt.datetime) -> Q:
        return self.condition(now)


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


def _build() -> dict[str, Measure]:
    m: list[Measure] = [
        Measure("inquiries", INQUIRY, _("Inquiries"), _always),
        Measure(
            "inquiries_with_business",
            INQUIRY,
            _("Inquiries from a known business"),
            lambda now: Q(company__isnull=False),
        ),
        Measure(
            "inquiries_without_business",
            INQUIRY,
            _("Inquiries without a known business"),
            lambda now: Q(company__isnull=True),
        ),
        Measure(
            "inquiries_first_contact",
            INQUIRY,
            _("Inquiries answered at first contact"),
            lambda now: Q(answered_first_contact=True),
        ),
        Measure("matters", MATTER, _("Matters"), _always),
        Measure(
            "matters_first_contact",
            MATTER,
            _("Matters answered at first contact"),
            lambda now: Q(answered_first_contact=True),
        ),
        Measure("transfers_0", MATTER, _("Matters not transferred"), lambda now: Q(transfer_count=0)),
        Measure("transfers_1", MATTER, _("Matters transferred once"), lambda now: Q(transfer_count=1)),
        Measure(
            "transfers_2plus",
            MATTER,
            _("Matters transferred more than once"),
            lambda now: Q(transfer_count__gte=2),
        ),
        Measure(
            "insufficient_info",
            MATTER,
            _("Applications with insufficient information"),
            lambda now: Q(insufficient_info=True),
        ),
        Measure("response_on_time", MATTER, _("Answered within the promised time"), _responded_on_time),
        Measure("response_late", MATTER, _("Answered late or overdue"), _responded_late),
        Measure("response_pending", MATTER, _("Not answered, not yet due"), _response_pending),
        Measure("closed_on_time", MATTER, _("Closed within the promised time"), _closed_on_time),
        Measure("closed_late", MATTER, _("Closed late or open past due"), _closed_late),
        Measure(
            "closed_pending", MATTER, _("Open, not yet due or waiting for the business"), _closed_pending
        ),
        Measure("callbacks", CALLBACK, _("Callbacks promised"), _always),
        Measure("callbacks_on_time", CALLBACK, _("Callbacks made on time"), _callback_on_time),
        Measure("callbacks_late", CALLBACK, _("Callbacks late or not made"), _callback_late),
        Measure("callbacks_pending", CALLBACK, _("Callbacks not yet due"), _callback_pending),
        Measure(
            "callbacks_cancelled",
            CALLBACK,
            _("Callbacks cancelled"),
            lambda now: Q(status=CallbackStatus.CANCELLED),
        ),
        Measure(
            "callbacks_not_reached",
            CALLBACK,
            _("Callbacks where the business could not be reached"),
            lambda now: Q(status=CallbackStatus.MISSED),
        ),
        Measure("survey_responses", SURVEY, _("Survey answers"), _always),
        Measure("live_open", LIVE, _("Open matters"), _always),
        Measure("live_new", LIVE, _("New, not yet taken"), lambda now: Q(status=MatterStatus.NEW)),
        Measure("live_due_today", LIVE, _("Due today"), _due_today),
        Measure("live_overdue", LIVE, _("Overdue"), _overdue),
        Measure("live_waiting", LIVE, _("Waiting for the business"), lambda now: Q(status=WAITING)),
        Measure("multi", MULTI, _("Inquiries with several matters"), lambda now: MULTI_Q),
        Measure(
            "multi_departments_1",
            MULTI,
            _("Several matters, one department"),
            lambda now: MULTI_Q & Q(n_departments__lte=1),
        ),
        Measure(
            "multi_departments_2",
            MULTI,
            _("Several matters, two departments"),
            lambda now: MULTI_Q & Q(n_departments=2),
        ),
        Measure(
            "multi_departments_3plus",
            MULTI,
            _("Several matters, three or more departments"),
            lambda now: MULTI_Q & Q(n_departments__gte=3),
        ),
        Measure("multi_coordinated", MULTI, _("With a coordinator"), _coordinated),
        Measure(
            "multi_coordinator_person",
            MULTI,
            _("With a named coordinator"),
            lambda now: MULTI_Q & Q(coordinator__isnull=False),
        ),
        Measure("multi_on_time", MULTI, _("All matters closed within their due time"), _multi_on_time),
        Measure("multi_late", MULTI, _("At least one matter late"), _multi_late),
        Measure("multi_open", MULTI, _("Still open, nothing late"), _multi_open),
    ]
    for channel in Channel:
        m.append(
            Measure(
                f"channel_{channel.value}", INQUIRY, channel.label, lambda now, c=channel.value: Q(channel=c)
            )
        )
    for dim in DIMENSIONS:
        m.append(
            Measure(
                f"survey_{dim}",
                SURVEY,
                DIMENSION_LABELS[dim],
                lambda now, d=dim: Q(**{f"{d}__isnull": False}),
            )
        )
        m.append(
            Measure(
                f"survey_{dim}_satisfied",
                SURVEY,
                DIMENSION_LABELS[dim],
                lambda now, d=dim: Q(**{f"{d}__gte": SATISFIED_FROM}),
            )
        )
    for key, _low, _high in RESPONSE_BUCKETS:
        m.append(Measure(f"response_days_{key}", RESPONSE_DAYS, _("Working days to first response"), _always))
    return {measure.key: measure for measure in m}


MEASURES = _build()
# Measures with an argument: "multi_coordinator_unit:<unit id>", "new_businesses" (needs the period).
PARAMETRISED = ("multi_coordinator_unit", "new_businesses")


def bucket_bounds(key: str) -> tuple[int, int | None]:
    for bucket, low, high in RESPONSE_BUCKETS:
        if key == f"response_days_{bucket}":
            return low, high
    raise KeyError(key)


class UnknownMeasure(KeyError):
    pass


def level_of(key: str) -> str:
    name, _sep, arg = key.partition(":")
    if name == "multi_coordinator_unit":
        if not arg.isdigit():
            raise UnknownMeasure(key)
        return MULTI
    if name == "new_businesses":
        return INQUIRY
    if name not in MEASURES:
        raise UnknownMeasure(key)
    return MEASURES[name].level


def rows(key: str, period: Period, scope: scopes.Scope, now: dt.datetime) -> QuerySet | None:
    """The rows behind a measure (the drill-down list); None when the level has no data (no surveys).

    Raises UnknownMeasure for a key that is not defined.
    """
    name, _sep, arg = key.partition(":")
    if name == "multi_coordinator_unit":
        try:
            unit_id = int(arg)
        except ValueError as exc:
            raise UnknownMeasure(key) from exc
        return multi_base(period, scope, now).filter(MULTI_Q, coordinator_unit_id=unit_id)
    if name == "new_businesses":
        return scopes.inquiries(period, scope).filter(new_business_q(period, scope))
    if name not in MEASURES:
        raise UnknownMeasure(key)
    measure = MEASURES[name]
    if measure.level == INQUIRY:
        return scopes.inquiries(period, scope).filter(measure.q(now))
    if measure.level == MATTER:
        return scopes.matters(period, scope).filter(measure.q(now))
    if measure.level == CALLBACK:
        return scopes.callbacks(period, scope).filter(measure.q(now))
    if measure.level == SURVEY:
        base = scopes.survey_responses(period, scope)
        return None if base is None else base.filter(measure.q(now))
    if measure.level == MULTI:
        return multi_base(period, scope, now).filter(measure.q(now))
    if measure.level == LIVE:
        return live_matters(scope).filter(measure.q(now))
    from erhvervskontakt.reporting import workcalendar

    low, high = bucket_bounds(name)
    return workcalendar.matters_with_response_days(scopes.matters(period, scope), period.start, low, high)
