"""Forms for the actions on a matter; each validates at the boundary and names its service call."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.workflow import Outcome
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role

TEXTAREA = {"class": "form-input", "rows": 4}


def staff_label(user) -> str:
    return user.get_full_name() or user.get_username()


def unit_staff(unit_id: int | None):
    """Active caseworkers and unit contact persons of a unit (or of every unit)."""
    qs = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.CASEWORKER, Role.UNIT_CONTACT])
        .select_related("staff_profile__unit")
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    if unit_id is not None:
        qs = qs.filter(staff_profile__unit_id=unit_id)
    return qs


def grouped_staff_choices(empty_label: str) -> list:
    """Caseworkers grouped by unit, for choosing a named person together with a unit."""
    groups: dict[str, list] = {}
    for user in unit_staff(None):
        unit = user.staff_profile.unit
        if unit is not None:
            groups.setdefault(unit.name, []).append((str(user.pk), staff_label(user)))
    return [("", empty_label)] + sorted(groups.items())


class StyledForm(forms.Form):
    """Adds the design system's classes and links errors to their fields for screen readers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue
            widget.attrs.setdefault(
                "class", "form-select" if isinstance(widget, forms.Select) else "form-input"
            )
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_help"

    def full_clean(self):
        super().full_clean()
        # Point each field at its help text and error message (ids used by partials/field.html).
        for name, field in self.fields.items():
            auto_id = self[name].auto_id
            described = [f"{auto_id}_help"] if field.help_text else []
            if name in self.errors:
                described.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class ClaimForm(StyledForm):
    pass


class AssignForm(StyledForm):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Nobody – back to the unit's queue"))] + [
            (str(u.pk), staff_label(u)) for u in unit_staff(matter.unit_id)
        ]

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return get_user_model().objects.get(pk=value) if value else None


class ReplyForm(StyledForm):
    text = forms.CharField(
        label=_("Reply to the business"), widget=forms.Textarea(attrs=TEXTAREA), max_length=20000
    )


class CallForm(StyledForm):
    direction = forms.ChoiceField(
        label=_("Who called"),
        choices=[("out", _("We called the business")), ("in", _("The business called us"))],
        widget=forms.RadioSelect,
        initial="out",
    )
    text = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs=TEXTAREA), max_length=20000)
    public = forms.BooleanField(
        label=_("Show this note to the business on its tracking page"), required=False
    )


class RequestInfoForm(StyledForm):
    text = forms.CharField(
        label=_("What information is missing"),
        help_text=_("Sent to the business by email. The due date pauses until it answers."),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=20000,
    )


class BusinessRepliedForm(StyledForm):
    via = forms.ChoiceField(
        label=_("How the answer came"),
        choices=[
            ("phone", _("By phone")),
            ("counter", _("At the counter")),
            ("staff", _("Other (letter, meeting)")),
        ],
        initial="phone",
    )
    text = forms.CharField(
        label=_("The business's answer"),
        help_text=_("Processing resumes; the due date moves by the working days lost."),
        widget=forms.Textarea(attrs=TEXTAREA),
        max_length=20000,
    )


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "---------"), *Outcome.choices])
    note = forms.CharField(
        label=_("Note for the timeline (optional)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )


class ReopenForm(StyledForm):
    reason = forms.CharField(label=_("Why reopen"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class AnswerForm(StyledForm):
    answer = forms.CharField(
        label=_("The answer you gave"), widget=forms.Textarea(attrs=TEXTAREA), max_length=20000
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(Outcome.ANSWERED, Outcome.ANSWERED.label), (Outcome.REFERRED, Outcome.REFERRED.label)],
        initial=Outcome.ANSWERED,
    )


class SendLinksForm(StyledForm):
    text = forms.CharField(
        label=_("Email to the business with the links"),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 8}),
        max_length=20000,
    )
    close = forms.BooleanField(label=_("This settles the matter (close it)"), required=False, initial=True)


class ForwardForm(StyledForm):
    to_unit = forms.ModelChoiceField(label=_("Forward to unit"), queryset=Unit.objects.none())
    assignee = forms.ChoiceField(label=_("Named caseworker (optional)"), required=False)
    wants = forms.CharField(
        label=_("What the business wants"),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        max_length=5000,
    )
    told = forms.CharField(
        label=_("What the business was already told"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
        max_length=5000,
    )
    documents = forms.CharField(
        label=_("Documents (received or still missing)"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
        max_length=5000,
    )
    reason = forms.CharField(
        label=_("Reason for forwarding again"),
        required=False,
        help_text=_(
            "Required when the matter has been forwarded before "
            "or leaves a unit other than the contact centre."
        ),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = (
            Unit.objects.filter(is_active=True).exclude(pk=matter.unit_id).select_related("department")
        )
        self.fields["to_unit"].label_from_instance = lambda unit: f"{unit.name} ({unit.department.code})"
        self.fields["assignee"].choices = grouped_staff_choices(_("The unit's queue"))
        if not self.is_bound and matter.topic.unit_id != matter.unit_id:
            self.initial.setdefault("to_unit", matter.topic.unit_id)

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return get_user_model().objects.filter(pk=value).first() if value else None


class CallbackForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Unit that calls"), queryset=Unit.objects.none())
    assignee = forms.ChoiceField(label=_("Named caseworker (optional)"), required=False)
    phone = forms.CharField(label=_("Phone number to call"), max_length=32)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end = forms.TimeField(label=_("To"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    note = forms.CharField(
        label=_("What the call is about"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )

    def __init__(self, *args, matter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True).select_related("department")
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.name} ({unit.department.code})"
        self.fields["assignee"].choices = grouped_staff_choices(_("The unit's queue"))
        if not self.is_bound:
            tomorrow = clock.local() + dt.timedelta(days=1)
            self.initial.setdefault("unit", matter.topic.unit_id)
            self.initial.setdefault("phone", matter.inquiry.contact_phone)
            self.initial.setdefault("day", tomorrow.date())
            self.initial.setdefault("start", dt.time(10, 0))
            self.initial.setdefault("end", dt.time(12, 0))

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return get_user_model().objects.filter(pk=value).first() if value else None

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("start") and data.get("end"):
            data["window_start"] = dt.datetime.combine(data["day"], data["start"], tzinfo=clock.COPENHAGEN)
            data["window_end"] = dt.datetime.combine(data["day"], data["end"], tzinfo=clock.COPENHAGEN)
            if data["window_end"] <= data["window_start"]:
                self.add_error("end", _("The time window must end after it starts."))
            elif data["window_end"] <= clock.now():
                self.add_error("day", _("The time window has already passed."))
        return data


class NoteForm(StyledForm):
    text = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}), max_length=20000
    )


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("Document"))
    public = forms.BooleanField(label=_("Share with the business"), required=False)


class CallbackDoneForm(StyledForm):
    reached = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Called")), ("0", _("Not reached"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=2000)
