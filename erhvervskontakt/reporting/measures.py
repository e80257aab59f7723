"""Every countable figure of a report, defined once: what is counted, on which rows, and why.

A *measure* is a condition on one of the base querysets in ``scope`` (inquiries, matters,
callbacks, survey answers, multi-matter inquiries, or responded matters by working days). The
report counts rows with ``Count(..., filter=condition)``; the drill-down list shows
``base.filter(condition)``. Percentages on a report are ratios of two measures and drill down
to their numerator. Definitions here are the ones printed in docs/reporting.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.inquiries.models import CallbackStatus
from erhvervskontakt.inquiries.workflow import Channel, MatterStatus
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.conditions import (  # noqa: F401 - re-exported for the report modules
    ACTIVE_STATUSES,
    ATTEMPTED,
    CLOSED,
    MULTI_Q,
    OPEN_STATUSES,
    WAITING,
    _always,
    _callback_late,
    _callback_on_time,
    _callback_pending,
    _closed_late,
    _closed_on_time,
    _closed_pending,
    _coordinated,
    _due_today,
    _multi_late,
    _multi_on_time,
    _multi_open,
    _overdue,
    _responded_late,
    _responded_on_time,
    _response_pending,
    live_matters,
    multi_base,
    new_business_q,
    today_bounds,
)
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


@dataclass(frozen=True)
class Measure:
    key: str
    level: str
    label: str
    condition: Callable[[dt.datetime], Q]

    def q(self, now: dt.datetime) -> Q:
        return self.condition(now)


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
        Measure("responded", MATTER, _("Matters answered"), lambda now: Q(responded_at__isnull=False)),
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
