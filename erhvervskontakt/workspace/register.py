"""Registering an inquiry from the agent's screen: the form and the one transaction it runs."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.inquiries import parties, services
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.organisation.roles import Role
from erhvervskontakt.workspace.forms import TEXTAREA, StyledForm, staff_label

STAFF_CHANNELS = [Channel.PHONE, Channel.COUNTER, Channel.EMAIL, Channel.WEB]
ANONYMOUS = "anon"
NEW_COMPANY = "new"


def coordinator_choices() -> list:
    people = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.AGENT, Role.CASEWORKER])
        .distinct()
        .order_by("first_name", "last_name")
    )
    return [("", _("The contact centre (default)"))] + [(str(u.pk), staff_label(u)) for u in people]


class RegisterForm(StyledForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        widget=forms.RadioSelect,
        initial=Channel.PHONE,
    )
    q = forms.CharField(
        label=_("Find the business"),
        help_text=_("CVR number, name or phone number. Results appear below as you type."),
        required=False,
        max_length=100,
    )
    party = forms.CharField(required=False, initial=ANONYMOUS)
    cvr = forms.CharField(label=_("CVR number"), required=False, max_length=20)
    company_name = forms.CharField(label=_("Business name"), required=False, max_length=300)
    person_name = forms.CharField(label=_("Contact person's name"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Email for the receipt and replies"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    language = forms.ChoiceField(
        label=_("Language of the receipt"), choices=[("da", _("Danish")), ("en", _("English"))], initial="da"
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    text = forms.CharField(
        label=_("What the business tells"),
        required=False,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 3}),
    )
    triage_q = forms.CharField(
        label=_("Search topics"),
        help_text=_("Describe the matter in the business's words; suggested topics appear below."),
        required=False,
        max_length=500,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=True,
        error_messages={
            "required": _("Choose at least one topic."),
        },
    )
    coordinator = forms.ChoiceField(label=_("Coordinator when there are several matters"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lookup = {
            "hx-get": reverse("workspace:business-lookup"),
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": "#business-results",
            "hx-include": "[name='party']",
            "autocomplete": "off",
        }
        self.fields["q"].widget.attrs.update(lookup)
        suggest = {
            "hx-get": reverse("workspace:topic-suggestions"),
            "hx-trigger": "input changed delay:400ms",
            "hx-target": "#topic-suggestions",
            "hx-include": "[name='topics'], [name='triage_q'], [name='subject'], [name='text']",
        }
        for name in ("triage_q", "subject", "text"):
            self.fields[name].widget.attrs.update(suggest)
        self.fields["q"].widget.attrs["autocomplete"] = "off"
        self.topic_objects = {t.code: t for t in Topic.objects.filter(is_active=True).select_related("unit")}
        self.fields["topics"].choices = [(code, t.name) for code, t in self.topic_objects.items()]
        self.fields["coordinator"].choices = coordinator_choices()

    def clean_party(self):
        value = (self.cleaned_data.get("party") or ANONYMOUS).strip()
        if value in (ANONYMOUS, NEW_COMPANY):
            return value
        return parties.load_party(value)

    def clean(self):
        data = super().clean()
        party = data.get("party")
        if party == NEW_COMPANY and not (data.get("cvr") or data.get("company_name")):
            self.add_error("company_name", _("Write the new business's name or CVR number."))
        if data.get("cvr"):
            try:
                data["cvr"] = parties.clean_cvr(data["cvr"])
            except ValidationError as exc:
                self.add_error("cvr", exc)
        return data

    def selected_topics(self) -> list[Topic]:
        seen, topics = set(), []
        for code in self.cleaned_data.get("topics", []):
            if code not in seen:
                seen.add(code)
                topics.append(self.topic_objects[code])
        return topics


@transaction.atomic
def register_from_form(form: RegisterForm, actor):
    """Add the business and person if new, then register; returns (inquiry, tracking token)."""
    data = form.cleaned_data
    party = data["party"]
    company = person = None
    if isinstance(party, parties.Party):
        company, person = party.company, party.person
    elif party == NEW_COMPANY:
        company = parties.company_find_or_add(cvr=data.get("cvr", ""), name=data.get("company_name", ""))
    if person is None and data.get("person_name"):
        person = parties.contact_add(
            company=company,
            name=data["person_name"],
            email=data.get("contact_email", ""),
            phone=data.get("contact_phone", ""),
            language=data.get("language", "da"),
        )
    coordinator = None
    if data.get("coordinator"):
        coordinator = get_user_model().objects.filter(pk=data["coordinator"]).first()
    registration = services.Registration(
        channel=data["channel"],
        subject=data["subject"],
        text=data.get("text", ""),
        matters=[services.MatterSpec(topic=t) for t in form.selected_topics()],
        company=company,
        contact=person,
        contact_name=data.get("person_name") or (person.name if person else ""),
        contact_email=data.get("contact_email", ""),
        contact_phone=data.get("contact_phone", ""),
        language=data.get("language", "da"),
        coordinator=coordinator,
    )
    return services.inquiry_register(registration, actor=actor)
