"""The report form: period, filters and baseline, read from the query string and validated."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.organisation.models import Department, Unit
from erhvervskontakt.reporting.models import Baseline
from erhvervskontakt.reporting.periods import MAX_DAYS, Period, default_period
from erhvervskontakt.reporting.scope import Scope


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-input"}, **kwargs)


def _select():
    return forms.Select(attrs={"class": "form-select"})


class LinkedErrorsMixin:
    """Point each invalid input at its error message (``aria-describedby``) and mark it invalid."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                attrs["aria-invalid"] = "true"


class ReportForm(LinkedErrorsMixin, forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DateInput())
    date_to = forms.DateField(label=_("To"), widget=DateInput())
    department = forms.ModelChoiceField(
        Department.objects.all(),
        label=_("Department"),
        required=False,
        empty_label=_("All departments"),
        widget=_select(),
    )
    unit = forms.ModelChoiceField(
        Unit.objects.select_related("department"),
        label=_("Unit"),
        required=False,
        empty_label=_("All units"),
        widget=_select(),
    )
    topic = forms.ModelChoiceField(
        Topic.objects.select_related("department"),
        label=_("Topic"),
        required=False,
        empty_label=_("All topics"),
        widget=_select(),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", _("All channels")), *Channel.choices],
        widget=_select(),
    )
    baseline = forms.ModelChoiceField(
        Baseline.objects.all(),
        label=_("Compare with a saved baseline"),
        required=False,
        empty_label=_("No saved baseline"),
        widget=_select(),
    )
    baseline_from = forms.DateField(label=_("or a baseline from"), required=False, widget=DateInput())
    baseline_to = forms.DateField(label=_("baseline to"), required=False, widget=DateInput())

    # Query-string names: short and stable, so links to reports and drill-downs can be shared.
    PARAMS = {"date_from": "from", "date_to": "to", "baseline_from": "bfrom", "baseline_to": "bto"}

    def __init__(self, data=None, *, fixed_unit: Unit | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.fixed_unit = fixed_unit
        if fixed_unit is not None:
            # Unit staff report on their own unit only; the choice is shown, not offered.
            for name in ("department", "unit"):
                self.fields[name].disabled = True
            self.fields["unit"].initial = fixed_unit
        period = default_period()
        self.fields["date_from"].initial = period.start
        self.fields["date_to"].initial = period.end

    def add_prefix(self, field_name):
        return self.PARAMS.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The last day must not be before the first day."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("date_to", _("Choose a period of at most five years."))
        bstart, bend = data.get("baseline_from"), data.get("baseline_to")
        if bool(bstart) != bool(bend):
            self.add_error(
                "baseline_to" if bstart else "baseline_from", _("Give both the first and the last day.")
            )
        elif bstart and bend:
            if bend < bstart:
                self.add_error("baseline_to", _("The last day must not be before the first day."))
            elif (bend - bstart).days + 1 > MAX_DAYS:
                self.add_error("baseline_to", _("Choose a period of at most five years."))
            elif data.get("baseline"):
                self.add_error("baseline", _("Choose a saved baseline or your own dates, not both."))
        return data

    def period(self) -> Period:
        return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])

    def baseline_period(self) -> Period | None:
        data = self.cleaned_data
        if data.get("baseline"):
            return Period(data["baseline"].start, data["baseline"].end)
        if data.get("baseline_from") and data.get("baseline_to"):
            return Period(data["baseline_from"], data["baseline_to"])
        return None

    def scope(self) -> Scope:
        data = self.cleaned_data
        unit = self.fixed_unit or data.get("unit")
        return Scope(
            department_id=None
            if self.fixed_unit
            else (data["department"].pk if data.get("department") else None),
            unit_id=unit.pk if unit else None,
            topic_id=data["topic"].pk if data.get("topic") else None,
            channel=data.get("channel") or None,
        )


def bound_or_default(params, *, fixed_unit=None) -> ReportForm:
    """The form for a request: the defaults (this year so far, no filters) when nothing is given."""
    if not params.get("from") and not params.get("to"):
        period = default_period()
        params = params.copy()
        params["from"], params["to"] = period.start.isoformat(), period.end.isoformat()
    return ReportForm(params, fixed_unit=fixed_unit)
