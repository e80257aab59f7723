"""The satisfaction survey page a business reaches from the invitation email (public; the
random token in the address is the permission)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erhvervskontakt.core.i18n import current_language
from erhvervskontakt.portal import protection
from erhvervskontakt.portal.forms_bound import bind, error_summary
from erhvervskontakt.portal.forms_engine import all_fields, read_raw, validate
from erhvervskontakt.portal.forms_spec import FieldSpec, FormSpec, Option, Section
from erhvervskontakt.portal.survey import DIMENSIONS, AlreadyAnswered, find_invitation, survey_submit
from erhvervskontakt.portal.views.common import private, refuse, too_large

SCALE = (
    Option("1", {"da": "1 – Meget dårligt", "en": "1 – Very poor"}),
    Option("2", {"da": "2 – Dårligt", "en": "2 – Poor"}),
    Option("3", {"da": "3 – Hverken godt eller dårligt", "en": "3 – Neither good nor poor"}),
    Option("4", {"da": "4 – Godt", "en": "4 – Good"}),
    Option("5", {"da": "5 – Meget godt", "en": "5 – Very good"}),
)
QUESTIONS = {
    "accessibility": {
        "da": "Hvor let var det at komme i kontakt med kommunen?",
        "en": "How easy was it to get in touch with the city?",
    },
    "web_quality": {
        "da": "Hvor godt hjalp vores hjemmeside og formularer dig?",
        "en": "How well did our website and forms help you?",
    },
    "responsiveness": {
        "da": "Hvor tilfreds er du med, hvor hurtigt du fik svar?",
        "en": "How satisfied are you with how quickly you got an answer?",
    },
    "professional_benefit": {
        "da": "Hvor meget kunne du bruge svaret til?",
        "en": "How useful was the answer to you?",
    },
}
COMMENT = FieldSpec(
    name="comment",
    type="textarea",
    label={"da": "Har du en kommentar?", "en": "Any comments?"},
    help={
        "da": "Skriv ikke personnumre eller andre fortrolige oplysninger.",
        "en": "Do not write CPR numbers or other confidential information.",
    },
    max_length=5000,
    rows=4,
)
FIELDS = tuple(
    FieldSpec(name=n, type="radio", label=QUESTIONS[n], required=True, options=SCALE) for n in DIMENSIONS
)
SURVEY_SPEC = FormSpec(
    kind="application",
    topic="",
    subject_field="",
    contact={},
    sections=(Section(title=None, intro=None, fields=(*FIELDS, COMMENT)),),
    fields_by_name={f.name: f for f in (*FIELDS, COMMENT)},
)


def _page(request, invitation, raw, errors, status=200, general_error=""):
    sections = bind(SURVEY_SPEC, raw, errors)
    summary = error_summary(sections)
    if general_error:
        summary.insert(0, {"anchor": "survey-form", "label": "", "message": general_error})
    context = {
        "invitation": invitation,
        "reference": invitation.inquiry.reference,
        "fields": sections[0].fields,
        "summary": summary,
        "honeypot": protection.HONEYPOT_FIELD,
    }
    return private(render(request, "portal/survey.html", context, status=status))


@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    invitation = find_invitation(token)
    if invitation is None:
        raise Http404
    if invitation.answered_at is not None:
        return private(render(request, "portal/survey_thanks.html", {"already": True}))
    if request.method == "GET":
        return _page(request, invitation, {}, {})
    if too_large(request):
        return refuse(request, "too_large", 413)
    if protection.honeypot_filled(request):
        return refuse(request, "bot", 400)
    if not protection.hit(request, "default"):
        raw = read_raw(all_fields(SURVEY_SPEC), request.POST)
        message = _("You have sent many forms in a short time. Wait ten minutes and try again.")
        return _page(request, invitation, raw, {}, status=429, general_error=message)
    result = validate(SURVEY_SPEC, request.POST, None)
    if not result.ok:
        return _page(request, invitation, result.raw, result.errors)
    try:
        survey_submit(
            invitation,
            scores={n: int(result.cleaned[n]) for n in DIMENSIONS},
            comment=result.cleaned.get("comment", ""),
            language=current_language(),
        )
    except AlreadyAnswered:
        return private(render(request, "portal/survey_thanks.html", {"already": True}))
    return redirect("portal:survey-thanks")


@require_GET
def thanks(request):
    return private(render(request, "portal/survey_thanks.html", {"already": False}))
