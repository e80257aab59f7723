"""The project wizard: choose a project, answer yes/no questions, send every matter at once.

The first two steps are plain GET pages (bookmarkable, no session); the last step posts once
and creates one inquiry with a matter per city topic.
"""

from __future__ import annotations

import logging

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erhvervskontakt.core.i18n import current_language
from erhvervskontakt.inquiries.services import WorkflowError
from erhvervskontakt.portal import protection, wizard
from erhvervskontakt.portal.forms_bound import bind, error_summary
from erhvervskontakt.portal.forms_engine import all_fields, read_raw, validate
from erhvervskontakt.portal.forms_spec import FieldSpec, FormSpec, Section, text_in
from erhvervskontakt.portal.submit import Contact, wizard_submit
from erhvervskontakt.portal.views.common import hand_over_receipt, private, refuse, too_large
from erhvervskontakt.portal.views.guides import apply_url

log = logging.getLogger(__name__)

DESCRIPTION = FieldSpec(
    name="description",
    type="textarea",
    label={"da": "Fortæl kort om dit projekt", "en": "Tell us briefly about your project"},
    help={
        "da": "Fx adresse, hvornår du vil åbne eller starte, og hvad du er i tvivl om.",
        "en": "For example the address, when you want to open or start, and what you are unsure about.",
    },
    max_length=5000,
    rows=5,
)
CONTACT_SPEC = FormSpec(
    kind="application",
    topic="",
    subject_field="",
    contact={"email": "required", "phone": "optional", "company": "optional"},
    sections=(Section(title={"da": "Dit projekt", "en": "Your project"}, intro=None, fields=(DESCRIPTION,)),),
    fields_by_name={"description": DESCRIPTION},
)


def _project_or_404(code: str) -> wizard.Project:
    project = wizard.project(code)
    if project is None:
        raise Http404
    return project


@require_GET
def start(request):
    return render(request, "portal/wizard_start.html", {"projects": wizard.projects()})


def _questions(request, project, answers, errors, status=200):
    rows = [
        {
            "q": q,
            "answer": ("yes" if answers[q.code] else "no") if q.code in answers else "",
            "error": errors.get(q.code, ""),
        }
        for q in project.questions
    ]
    summary = [
        {"anchor": f"q-{row['q'].code}-yes", "label": row["q"].label(), "message": row["error"]}
        for row in rows
        if row["error"]
    ]
    return render(
        request,
        "portal/wizard_questions.html",
        {"project": project, "rows": rows, "summary": summary},
        status=status,
    )


@require_GET
def questions(request, code: str):
    project = _project_or_404(code)
    return _questions(request, project, {}, {})


@require_http_methods(["GET", "POST"])
def result(request, code: str):
    """Everything that applies; the form at the bottom sends the city's matters as one inquiry."""
    project = _project_or_404(code)
    answers, errors = wizard.parse_answers(project, request.GET)
    if errors:
        return _questions(request, project, answers, errors)
    city, state = wizard.matters_for(project, answers)
    raw: dict = {}
    contact_errors: dict[str, str] = {}
    selected = {t.code for t in city}
    general_error = ""
    limited = False
    if request.method == "POST":
        if too_large(request):
            return refuse(request, "too_large", 413)
        if protection.honeypot_filled(request):
            return refuse(request, "bot", 400)
        selected = set(request.POST.getlist("topics")) & {t.code for t in city}
        if not protection.hit(request, "default"):
            limited = True
            raw = read_raw(all_fields(CONTACT_SPEC), request.POST)
            general_error = _("You have sent many forms in a short time. Wait ten minutes and try again.")
        else:
            checked = validate(CONTACT_SPEC, request.POST, None)
            raw, contact_errors = checked.raw, dict(checked.errors)
            if not selected:
                general_error = _("Choose at least one matter to send.")
            elif checked.ok:
                topics = [t for t in city if t.code in selected]
                try:
                    inquiry, token = wizard_submit(
                        project_code=project.code,
                        project_title=text_in(project.title, "da"),
                        answers=answers,
                        topics=topics,
                        contact=Contact.from_cleaned(checked.cleaned),
                        description=checked.cleaned.get("description", ""),
                        language=current_language(),
                    )
                except WorkflowError as exc:
                    log.warning("portal: wizard %s could not be registered: %s", code, exc)
                    general_error = " ".join(exc.messages)
                else:
                    return hand_over_receipt(request, inquiry, token)
    sections = bind(CONTACT_SPEC, raw, contact_errors)
    summary = error_summary(sections)
    if general_error:
        summary.insert(0, {"anchor": "matters", "label": "", "message": general_error})
    context = {
        "project": project,
        "answers": answers,
        "city": [{"topic": t, "checked": t.code in selected, "apply_url": apply_url(t)} for t in city],
        "state": state,
        "sections": sections,
        "summary": summary,
        "query": request.GET.urlencode(),
        "honeypot": protection.HONEYPOT_FIELD,
    }
    return private(render(request, "portal/wizard_result.html", context, status=429 if limited else 200))
