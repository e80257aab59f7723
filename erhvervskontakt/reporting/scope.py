"""What a report counts: a period plus filters, and the base querysets every figure starts from.

Filters (see docs/reporting.md, "Filters"):

- *department* and *unit* select matters by the unit that holds the matter now (the unit it
  was last forwarded to); *topic* by the matter's topic; *channel* by the inquiry's channel.
- An inquiry is in a report when it was received in the period, came through the channel and
  has at least one matter that passes the department, unit and topic filters.
- Caseworkers and unit contact persons only ever get reports for their own unit (the unit
  filter is forced), which is exactly the set of inquiries ``inquiries.access`` lets them see.

Each figure is a condition (a ``Q``) on one of these base querysets; the drill-down list of a
figure is the same base queryset filtered by the same condition, so a number and its list can
never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.models import Callback, Inquiry, Matter
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of
from erhvervskontakt.reporting.periods import Period


@dataclass(frozen=True)
class Scope:
    department_id: int | None = None
    unit_id: int | None = None
    topic_id: int | None = None
    channel: str | None = None

    @property
    def filters_matters(self) -> bool:
        return bool(self.department_id or self.unit_id or self.topic_id)

    @property
    def is_whole_city(self) -> bool:
        return not (self.filters_matters or self.channel)

    @cached_property
    def department_unit_ids(self) -> list[int]:
        """The units of the department filter (every unit, active or not: old matters count too)."""
        return list(Unit.objects.filter(department_id=self.department_id).values_list("pk", flat=True))

    def matter_q(self, prefix: str = "") -> Q:
        """The department, unit and topic filters as a condition on matters (``prefix`` for joins).

        A department is turned into its list of units: PostgreSQL then estimates the number of
        matters from the matter table's own statistics instead of guessing through a join
        (which made it choose hundreds of thousands of index lookups).
        """
        q = Q()
        if self.department_id:
            q &= Q(**{f"{prefix}unit_id__in": self.department_unit_ids})
        if self.unit_id:
            q &= Q(**{f"{prefix}unit_id": self.unit_id})
        if self.topic_id:
            q &= Q(**{f"{prefix}topic_id": self.topic_id})
        return q

    def as_params(self) -> dict[str, str]:
        params = {}
        for name in ("department", "unit", "topic"):
            value = getattr(self, f"{name}_id")
            if value:
                params[name] = str(value)
        if self.channel:
            params["channel"] = self.channel
        return params


def can_use_reports(user) -> bool:
    """Reports and drill-downs are for staff who may see inquiries (not editors or administrators)."""
    return access.is_inquiry_staff(user)


def restrict(user, scope: Scope) -> Scope:
    """The scope the user may see: everything for agents and managers, their own unit otherwise.

    Raises PermissionDenied for users who may not see inquiries at all.
    """
    if not can_use_reports(user):
        raise PermissionDenied
    if has_role(user, *access.READ_ALL):
        return scope
    unit_id = unit_id_of(user)
    if not unit_id:
        raise PermissionDenied
    return replace(scope, unit_id=unit_id)


def can_use_dashboard(user) -> bool:
    return has_role(user, Role.MANAGER, Role.UNIT_CONTACT)


# --- base querysets --------------------------------------------------------------------------


def in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.since, f"{field}__lt": period.until})


def inquiries(period: Period, scope: Scope) -> QuerySet:
    """Inquiries received in the period that the scope selects."""
    qs = Inquiry.objects.filter(in_period("received_at", period))
    return _inquiry_filters(qs, scope)


def inquiries_any_time(scope: Scope) -> QuerySet:
    return _inquiry_filters(Inquiry.objects.all(), scope)


def _inquiry_filters(qs: QuerySet, scope: Scope) -> QuerySet:
    if scope.channel:
        qs = qs.filter(channel=scope.channel)
    if scope.filters_matters:
        qs = qs.filter(Exists(Matter.objects.filter(scope.matter_q(), inquiry=OuterRef("pk"))))
    return qs


def matters(period: Period, scope: Scope) -> QuerySet:
    """Matters received in the period (a matter added later has its own receipt time)."""
    qs = Matter.objects.filter(in_period("received_at", period), scope.matter_q())
    if scope.channel:
        qs = qs.filter(inquiry__channel=scope.channel)
    return qs


def callbacks(period: Period, scope: Scope) -> QuerySet:
    """Callbacks whose promised window starts in the period, counted with their matter."""
    qs = Callback.objects.filter(in_period("window_start", period), scope.matter_q("matter__"))
    if scope.channel:
        qs = qs.filter(matter__inquiry__channel=scope.channel)
    return qs


def survey_model():
    """The portal's satisfaction survey answers, or None while that model does not exist."""
    try:
        return apps.get_model("portal", "SurveyResponse")
    except LookupError:
        return None


def survey_responses(period: Period, scope: Scope) -> QuerySet | None:
    """Survey answers submitted in the period about inquiries the scope selects (None: no surveys)."""
    model = survey_model()
    if model is None:
        return None
    qs = model.objects.filter(in_period("submitted_at", period))
    if scope.channel:
        qs = qs.filter(inquiry__channel=scope.channel)
    if scope.filters_matters:
        qs = qs.filter(Exists(Matter.objects.filter(scope.matter_q(), inquiry=OuterRef("inquiry_id"))))
    return qs
