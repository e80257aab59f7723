"""The IVR simulator: content editors walk a menu by pressing keys and see where a caller ends up.

It runs the same engine as the real menus (``telephony.ivr``) and shows the TwiML document a
platform would get, but records nothing and books no callbacks.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from erhvervskontakt.organisation.roles import Role, has_role
from erhvervskontakt.telephony import callbacks, ivr, twiml
from erhvervskontakt.telephony.forms import StartForm, StepForm
from erhvervskontakt.telephony.models import Hours, Menu, MenuNode

MAX_REDIRECTS = 5
KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]


def _require_editor(user) -> None:
    if not has_role(user, Role.CONTENT_EDITOR, Role.ADMINISTRATOR):
        raise PermissionDenied


def _follow(result: ivr.Result, hours: str) -> tuple[ivr.Result, list]:
    """Follow Redirects the way a platform would; return the final result and every verb heard."""
    heard = [v for v in result.verbs if not isinstance(v, ivr.Redirect)]
    for _hop in range(MAX_REDIRECTS):
        last = result.verbs[-1] if result.verbs else None
        if not (isinstance(last, ivr.Redirect) and last.target.op == ivr.PLAY):
            break
        node = MenuNode.objects.filter(pk=last.target.node_id).select_related("menu").first()
        if node is None:
            break
        result = ivr.play(node, hours=hours, attempt=last.target.attempt, lang=last.target.lang)
        heard += [v for v in result.verbs if not isinstance(v, ivr.Redirect)]
    return result, heard


def _describe(verbs: list) -> list[str]:
    lines = []
    for verb in verbs:
        if isinstance(verb, ivr.Gather):
            lines += _describe(list(verb.prompts))
        elif isinstance(verb, ivr.Say):
            lines.append(f"“{verb.text}”")
        elif isinstance(verb, ivr.Play):
            node = MenuNode.objects.filter(pk=verb.node_id).first()
            lines.append(_("[Plays the recording of “%(title)s”]") % {"title": node.title if node else "?"})
        elif isinstance(verb, ivr.Hangup):
            lines.append(_("[Hangs up]"))
    return lines


def _outcome(result: ivr.Result, gather: ivr.Gather | None) -> str:
    if result.callback_phone:
        node = result.callback_node
        try:
            unit = callbacks.callback_unit(node)
            topic = node.topic or callbacks._topic_for(node)
        except callbacks.CallbackUnavailable:
            return _("No callback can be booked: the step has no topic and the general topic is missing.")
        start, end = result.window
        return _(
            "A callback would be booked: an inquiry on “%(topic)s”, called back by %(unit)s on +%(phone)s "
            "between %(start)s and %(end)s. (The simulator creates nothing.)"
        ) % {
            "topic": topic.name,
            "unit": unit.name,
            "phone": result.callback_phone,
            "start": f"{start:%d-%m-%Y %H:%M}",
            "end": f"{end:%H:%M}",
        }
    if result.queue:
        return _("The caller ends up in the queue of %(label)s (%(queue)s).") % {
            "label": result.queue_label,
            "queue": result.queue,
        }
    if result.notice == "closed":
        return _("The caller hears that the contact centre is closed, and the call ends.")
    if result.ended:
        return _("The call ends.")
    if gather is not None and result.node is not None:
        if gather.num_digits:
            return _("The caller is in “%(title)s” and can press a key.") % {"title": result.node.title}
        return _("The caller is asked for a phone number in “%(title)s”.") % {"title": result.node.title}
    return ""


def _gather(result: ivr.Result) -> ivr.Gather | None:
    return next((v for v in result.verbs if isinstance(v, ivr.Gather)), None)


def _twiml(request, menu: Menu, result: ivr.Result) -> str:
    def url_for(target: ivr.Target) -> str:
        names = {ivr.PLAY: "ivr-play", ivr.CHOOSE: "ivr-choose", ivr.CALLBACK: "ivr-callback"}
        path = reverse(f"telephony:{names[target.op]}", args=[menu.code, target.node_id])
        query = f"?a={target.attempt}&lang={target.lang}" + ("&timeout=1" if target.timeout else "")
        return request.build_absolute_uri(path + query)

    def audio_url(node_id: int) -> str:
        return request.build_absolute_uri(reverse("telephony:audio", args=[node_id]))

    return twiml.render(result.verbs, url_for=url_for, audio_url=audio_url).decode("utf-8")


def _input_label(action: str, digits: str) -> str:
    if action == "start":
        return _("The call starts")
    if action == "timeout":
        return _("The caller presses nothing")
    return _("The caller presses %(keys)s") % {"keys": digits or "#"}


@login_required
def simulator(request):
    """Start a simulated call (GET shows the form) or take the caller's next key press (POST)."""
    _require_editor(request.user)
    start_form = StartForm(request.POST if request.POST.get("action") == "start" else None)
    context = {"start_form": start_form, "keys": KEYS, "menus": Menu.objects.exists()}
    if not request.POST and request.GET.get("menu"):
        start_form = StartForm(initial={"menu": request.GET["menu"]})
        context["start_form"] = start_form
    call = None
    action = request.POST.get("action", "")
    if action == "start" and start_form.is_valid():
        data = start_form.cleaned_data
        hours = ivr.hours_at() if data["hours"] == "now" else data["hours"]
        state = {"menu": data["menu"], "hours": hours, "caller": data["caller"], "trail": []}
        call = _step(request, state, ivr.start(data["menu"], hours=hours), "start", "")
    elif action in ("press", "timeout"):
        step = StepForm(request.POST)
        if step.is_valid():
            call = _press(request, step.cleaned_data, action)
        else:
            context["step_errors"] = step.errors
    context["call"] = call
    template = "telephony/simulator_call.html" if request.htmx and action else "telephony/simulator.html"
    return render(request, template, context)


def _press(request, data: dict, action: str) -> dict | None:
    menu, hours = data["menu"], data["hours"]
    node = MenuNode.objects.filter(pk=data["node"], menu=menu).select_related("menu", "parent").first()
    if node is None:
        raise PermissionDenied
    timeout = action == "timeout"
    digits = "" if timeout else data["digits"]
    common = {"hours": hours, "attempt": data["attempt"], "lang": data["lang"], "timeout": timeout}
    if data["op"] == ivr.CALLBACK:
        result = ivr.take_callback_number(node, digits, caller=data["caller"], **common)
    else:
        result = ivr.choose(node, digits, **common)
    state = {"menu": menu, "hours": hours, "caller": data["caller"], "trail": data["trail"]}
    return _step(request, state, result, action, digits)


def _step(request, state: dict, result: ivr.Result, action: str, digits: str) -> dict:
    first_document = _twiml(request, state["menu"], result)
    result, heard = _follow(result, state["hours"])
    gather = _gather(result)
    outcome = _outcome(result, gather)
    trail = [
        *state["trail"],
        {"input": _input_label(action, digits), "heard": _describe(heard), "outcome": outcome},
    ]
    return {
        "menu": state["menu"],
        "hours": state["hours"],
        "hours_label": Hours(state["hours"]).label,
        "caller": state["caller"],
        "trail": trail,
        "trail_json": json.dumps(trail),
        "gather": gather,
        "result": result,
        "waiting_node": result.node if gather else None,
        "twiml": first_document,
    }
