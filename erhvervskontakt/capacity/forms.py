"""Forms of the capacity pages: validation at the boundary, messages next to the fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.capacity import selectors
from erhvervskontakt.capacity.csvio import MAX_IMPORT_BYTES
from erhvervskontakt.capacity.models import OverrideReason, StaffingSettings
from erhvervskontakt.capacity.services import SETTINGS_FIELDS
from erhvervskontakt.capacity.weekplan import WhatIf, monday_of
from erhvervskontakt.core import clock

WEEKS_BACK = 52


def _number(size: str = "s", **attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"class": f"form-input input-width-{size}", **attrs})


def _date() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-input input-width-m"}, format="%Y-%m-%d")


class QueueWeekForm(forms.Form):
    """Which queue and week to show (GET). Any date picks the week it falls in."""

    queue = forms.ChoiceField(label=_("Queue"), widget=forms.Select(attrs={"class": "form-select"}))
    week = forms.DateField(
        label=_("Week containing"),
        required=False,
        widget=_date(),
        help_text=_("Any day of the week to plan."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.queues = selectors.known_queues()
        self.fields["queue"].choices = [(queue, selectors.queue_label(queue)) for queue in self.queues]
        self.fields["queue"].required = False

    def clean_queue(self) -> str:
        return self.cleaned_data.get("queue") or selectors.default_queue()

    def clean_week(self) -> dt.date:
        day = self.cleaned_data.get("week") or clock.today()
        week = monday_of(day)
        this_week = monday_of(clock.today())
        if week < this_week - dt.timedelta(weeks=WEEKS_BACK):
            raise forms.ValidationError(_("Choose a week within the last year."))
        if week > this_week + dt.timedelta(weeks=settings.CAPACITY_WEEKS_AHEAD):
            raise forms.ValidationError(
                _("Plans reach %(weeks)d weeks ahead; choose an earlier week.")
                % {"weeks": settings.CAPACITY_WEEKS_AHEAD}
            )
        return week

    def queue_and_week(self) -> tuple[str, dt.date]:
        """The valid choice, or the defaults (current week, default queue) for what was invalid."""
        data = getattr(self, "cleaned_data", {})
        return data.get("queue") or selectors.default_queue(), data.get("week") or monday_of(clock.today())


class WhatIfForm(forms.Form):
    """Targets to try without saving them."""

    sl = forms.DecimalField(
        label=_("Service level target (%)"),
        required=False,
        min_value=Decimal("1"),
        max_value=Decimal("99.9"),
        decimal_places=1,
        widget=_number("xs", step="0.1"),
    )
    seconds = forms.IntegerField(
        label=_("Target time (seconds)"), required=False, min_value=0, max_value=3600, widget=_number("xs")
    )
    aht = forms.IntegerField(
        label=_("Handling time (seconds)"), required=False, min_value=1, max_value=7200, widget=_number("xs")
    )

    def what_if(self) -> WhatIf:
        if not self.is_valid():
            return WhatIf()
        data = self.cleaned_data
        return WhatIf(
            service_level=None if data["sl"] is None else float(data["sl"]) / 100,
            target_seconds=data["seconds"],
            aht_seconds=data["aht"],
        )


class StaffingSettingsForm(forms.ModelForm):
    class Meta:
        model = StaffingSettings
        fields = list(SETTINGS_FIELDS)
        widgets = {
            "service_level_percent": _number("xs", step="0.1"),
            "service_level_seconds": _number("xs"),
            "max_occupancy_percent": _number("xs", step="0.1"),
            "shrinkage_percent": _number("xs", step="0.1"),
            "patience_seconds": _number("xs"),
            "max_abandon_percent": _number("xs", step="0.1"),
            "aht_seconds": _number("xs"),
            "after_call_work_seconds": _number("xs"),
        }


class OverrideForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=_date())
    total_calls = forms.IntegerField(
        label=_("Calls expected that day"), min_value=0, max_value=100_000, widget=_number("s")
    )
    reason = forms.ChoiceField(
        label=_("Reason"), choices=OverrideReason.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=200,
        help_text=_("For example the campaign or the deadline."),
        widget=forms.TextInput(attrs={"class": "form-input input-width-xl"}),
    )

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day < clock.today():
            raise forms.ValidationError(_("Choose today or a later date."))
        if day > clock.today() + dt.timedelta(weeks=settings.CAPACITY_WEEKS_AHEAD + 1):
            raise forms.ValidationError(
                _("Overrides reach %(weeks)d weeks ahead.") % {"weeks": settings.CAPACITY_WEEKS_AHEAD}
            )
        return day


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file with planned agents"),
        help_text=_(
            "Columns interval_start and agents (or the plan's CSV export with planned_agents filled in). "
            "Times are Copenhagen time, e.g. 2026-03-02 09:30. An empty agents cell removes the plan."
        ),
        widget=forms.ClearableFileInput(attrs={"class": "form-file-input", "accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        return upload


class SimulationForm(forms.Form):
    """Which interval (or whole day) to check, and with which staff."""

    STAFF_CHOICES = [("planned", _("Planned agents")), ("required", _("Required agents"))]

    day = forms.ChoiceField(label=_("Day"), widget=forms.Select(attrs={"class": "form-select"}))
    slot = forms.ChoiceField(
        label=_("Interval"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    staff = forms.ChoiceField(
        label=_("Staff to check"), choices=STAFF_CHOICES, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, days: list[tuple[dt.date, str]], slots: list[dt.time], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].choices = [(day.isoformat(), label) for day, label in days]
        self.fields["slot"].choices = [("", _("All intervals of the day"))] + [
            (time.strftime("%H:%M"), time.strftime("%H:%M")) for time in slots
        ]

    def clean_day(self) -> dt.date:
        return dt.date.fromisoformat(self.cleaned_data["day"])

    def clean_slot(self) -> dt.time | None:
        value = self.cleaned_data.get("slot")
        return dt.time.fromisoformat(value) if value else None
