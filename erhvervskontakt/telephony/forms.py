"""Forms of the telephony staff pages (the IVR simulator)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.telephony import ivr
from erhvervskontakt.telephony.models import Hours, Menu

MAX_TRAIL = 60


class StartForm(forms.Form):
    menu = forms.ModelChoiceField(Menu.objects.all(), label=_("Menu"), empty_label=None)
    hours = forms.ChoiceField(
        label=_("Opening hours"),
        choices=[("now", _("As right now")), (Hours.OPEN, _("Open")), (Hours.CLOSED, _("Closed"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    caller = forms.CharField(
        label=_("Caller's number"),
        required=False,
        max_length=32,
        initial="+45 20 00 00 01",
        help_text=_(
            "Used when the caller asks to be called back on the number they call from (1 in a callback step)."
        ),
    )


class StepForm(forms.Form):
    """The simulated call's state, carried in the page between key presses."""

    menu = forms.ModelChoiceField(Menu.objects.all())
    hours = forms.ChoiceField(choices=Hours.choices)
    caller = forms.CharField(required=False, max_length=32)
    node = forms.IntegerField(min_value=1)
    op = forms.ChoiceField(choices=[(ivr.CHOOSE, ivr.CHOOSE), (ivr.CALLBACK, ivr.CALLBACK)])
    attempt = forms.IntegerField(min_value=1, max_value=9)
    lang = forms.ChoiceField(choices=[("da", "da"), ("en", "en")])
    trail = forms.CharField(required=False, widget=forms.HiddenInput)
    digits = forms.CharField(label=_("Phone number typed"), required=False, max_length=20, strip=True)

    def clean_digits(self) -> str:
        digits = self.cleaned_data["digits"]
        if digits and not all(ch.isdigit() or ch in "*# " for ch in digits):
            raise forms.ValidationError(_("Only digits, * and # can be pressed on a phone."))
        return digits.replace(" ", "")

    def clean_trail(self) -> list[dict]:
        try:
            trail = json.loads(self.cleaned_data["trail"] or "[]")
        except ValueError:
            return []
        if not isinstance(trail, list):
            return []
        clean = []
        for step in trail[-MAX_TRAIL:]:
            if isinstance(step, dict):
                clean.append(
                    {
                        "input": str(step.get("input", ""))[:200],
                        "heard": [str(h)[:1000] for h in step.get("heard", []) if isinstance(h, str)][:10],
                        "outcome": str(step.get("outcome", ""))[:500],
                    }
                )
        return clean
