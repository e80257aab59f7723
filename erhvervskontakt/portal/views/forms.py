"""Electronic forms: render a schema, validate a post, keep a draft, register the inquiry."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from erhvervskontakt.catalogue.models import FormDefinition
from erhvervskontakt.core import clock, workdays
from erhvervskontakt.core.i18n import current_language
from erhvervskontakt.inquiries.services import WorkflowError
from erhvervskontakt.portal import drafts, protection
from erhvervskontakt.portal.forms_bound import bind, error_summary
from erhvervskontakt.portal.forms_engine import Result, all_fields, read_raw, validate
from erhvervskontakt.portal.forms_schema import SchemaError, parse_schema
from erhvervskontakt.portal.forms_spec import FormSpec
from erhvervskontakt.portal.submit import callback_window, form_submit
from erhvervskontakt.portal.views.common import (
    active_topic_codes,
    hand_over_receipt,
    private,
    refuse,
    too_large,
    topic_choices,
    topic_or_none,
)

log = logging.getLogger(__name__)

# A callback must be at least this far ahead, so the unit can see it in its queue in time.
CALLBACK_LEAD = dt.timedelta(minutes=30)


def _preset(request, form: FormDefinition, spec: FormSpec):
    """The topic a form is opened for (?emne=...), if it fits the form."""
    code = request.POST.get("topic_preset") if request.method == "POST" else request.GET.get("emne")
    topic = topic_or_none(code)
    if topic is None:
        return None
    has_topic_field = any(f.type == "topic" for f in spec.fields)
    if has_topic_field or topic.form_id == form.pk or topic.code == spec.topic:
        return topic
    return None


def _check_callback(result: Result) -> None:
    day, slot = result.cleaned.get("callback_date"), result.cleaned.get("callback_slot")
    if not day or not slot:
        return
    if not workdays.is_working_day(dt.date.fromisoformat(day)):
        result.errors["callback_date"] = _("We call on working days only. Choose another day.")
        return
    _start, end = callback_window(day, slot)
    if end <= clock.now() + CALLBACK_LEAD:
        result.errors["callback_slot"] = _("That time has passed. Choose a later time or another day.")


def _render(request, form, spec, *, raw, errors, draft, preset, status=200, general_error=""):
    files_by_field: dict[str, list] = {}
    if draft is not None:
        for stored in draft.files.all():
            files_by_field.setdefault(stored.field, []).append(stored)
    sections = bind(spec, raw, errors, files_by_field=files_by_field, topic_choices=topic_choices())
    summary = error_summary(sections)
    if general_error:
        summary.insert(0, {"anchor": "form-start", "label": "", "message": general_error})
    context = {
        "form": form,
        "spec": spec,
        "sections": sections,
        "summary": summary,
        "preset": preset,
        "honeypot": protection.HONEYPOT_FIELD,
    }
    return private(render(request, "portal/form.html", context, status=status))


def _remove_ids(request) -> set[int]:
    ids = set()
    for value in request.POST.getlist("remove_file")[:50]:
        if value.isdigit():
            ids.add(int(value))
    return ids


@require_http_methods(["GET", "POST"])
def form_page(request, code: str):
    """One electronic form. Public: anyone may send it; drafts are bound to the visitor's session."""
    form = FormDefinition.objects.filter(code=code, is_active=True).first()
    if form is None:
        raise Http404
    try:
        spec = parse_schema(form.schema)
    except SchemaError as exc:
        log.error("portal: form %s has an invalid schema: %s", code, exc)
        return refuse(request, "unavailable", 503)
    preset = _preset(request, form, spec)
    draft = drafts.get_draft(request, code)
    if request.method == "GET":
        raw = dict(draft.data) if draft else {}
        topic_field = next((f.name for f in spec.fields if f.type == "topic"), None)
        if preset is not None and topic_field and not raw.get(topic_field):
            raw[topic_field] = preset.code
        return _render(request, form, spec, raw=raw, errors={}, draft=draft, preset=preset)

    if too_large(request):
        return refuse(request, "too_large", 413)
    if protection.honeypot_filled(request):
        return refuse(request, "bot", 400)
    if not protection.hit(request, "default"):
        # Over the limit: nothing is stored, but what was typed is shown again.
        return _render(
            request,
            form,
            spec,
            raw=read_raw(all_fields(spec), request.POST),
            errors={},
            draft=draft,
            preset=preset,
            status=429,
            general_error=_("You have sent many forms in a short time. Wait ten minutes and try again."),
        )
    remove_ids = _remove_ids(request)
    result = validate(
        spec,
        request.POST,
        request.FILES,
        kept_files=drafts.kept_counts(draft, remove_ids),
        topic_codes=active_topic_codes(),
    )
    if result.ok and spec.kind == "callback":
        _check_callback(result)
    if result.ok:
        kept = [
            f
            for f in (draft.files.all() if draft else [])
            if f.pk not in remove_ids and f.field in result.visible
        ]
        new_files = [checked for name, files in result.accepted.items() for checked in files]
        try:
            with transaction.atomic():
                inquiry, token = form_submit(
                    form,
                    spec,
                    result.cleaned,
                    kept_files=kept,
                    new_files=new_files,
                    language=current_language(),
                    preset=preset,
                )
                drafts.draft_discard(request, draft, code)
        except WorkflowError as exc:
            log.warning("portal: form %s could not be registered: %s", code, exc)
            draft = drafts.draft_save(
                request, code, raw=result.raw, accepted=result.accepted, remove_ids=remove_ids
            )
            return _render(
                request,
                form,
                spec,
                raw=result.raw,
                errors={},
                draft=draft,
                preset=preset,
                general_error=" ".join(exc.messages),
            )
        return hand_over_receipt(request, inquiry, token)
    draft = drafts.draft_save(
        request,
        code,
        raw=result.raw,
        accepted=result.accepted,
        remove_ids=remove_ids,
        visible_file_fields=result.visible,
    )
    return _render(request, form, spec, raw=result.raw, errors=result.errors, draft=draft, preset=preset)
