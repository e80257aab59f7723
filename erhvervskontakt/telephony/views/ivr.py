"""TwiML documents for the telephone platform: the IVR menus, step by step.

The platform requests the menu's entry URL when a call arrives (with ``CallSid``, ``From`` and
``To``), then follows the ``Gather`` actions (with ``Digits``) and ``Redirect`` URLs in each
document. Every request is authenticated (token or signature, see ``telephony.auth``). Each
step is recorded on the call (``CallSid``), so the menu path and the queue chosen appear on
the call record and the agent's screen-pop.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from erhvervskontakt.inquiries.services import WorkflowError
from erhvervskontakt.telephony import auth, callbacks, calls, ivr, twiml
from erhvervskontakt.telephony.models import EventKind, Integration, Menu, MenuNode, NodeKind
from erhvervskontakt.telephony.models.menus import AUDIO_EXTENSIONS

log = logging.getLogger(__name__)
URL_NAMES = {
    ivr.PLAY: "telephony:ivr-play",
    ivr.CHOOSE: "telephony:ivr-choose",
    ivr.CALLBACK: "telephony:ivr-callback",
}


@dataclass
class IvrRequest:
    """What the platform told us about the call, and how the caller stands in the menu."""

    integration: Integration
    menu: Menu
    call_sid: str
    caller: str
    called: str
    digits: str
    attempt: int
    lang: str
    timeout: bool
    token: str


def _parse(request, integration: Integration, menu: Menu) -> IvrRequest:
    params = {**request.GET.dict(), **request.POST.dict()}
    try:
        attempt = min(max(int(params.get("a", "1")), 1), 9)
    except ValueError:
        attempt = 1
    return IvrRequest(
        integration=integration,
        menu=menu,
        call_sid=(params.get("CallSid") or params.get("CallId") or "")[:128],
        caller=params.get("From", "")[:64],
        called=params.get("To", "")[:64],
        digits=params.get("Digits", "")[:20],
        attempt=attempt,
        lang="en" if params.get("lang") == "en" else "da",
        timeout=params.get("timeout") == "1",
        token=request.GET.get("token", ""),
    )


def platform_view(view):
    """Authenticate the platform (401/403 as plain text) and load the menu."""

    @functools.wraps(view)
    @csrf_exempt
    @never_cache
    @require_http_methods(["GET", "POST"])
    def wrapper(request, code: str, *args, **kwargs):
        try:
            integration = auth.authenticate(request, "ivr")
        except auth.NotAuthenticated:
            response = HttpResponse("authentication required\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="telephony"'
            return response
        except PermissionDenied:
            return HttpResponse("forbidden\n", status=403, content_type="text/plain")
        menu = get_object_or_404(Menu, code=code)
        return view(request, _parse(request, integration, menu), *args, **kwargs)

    return wrapper


def _absolute(request, path: str, query: dict) -> str:
    return request.build_absolute_uri(f"{path}?{urlencode(query)}" if query else path)


def url_for(request, ctx: IvrRequest, target: ivr.Target) -> str:
    query = {"a": target.attempt, "lang": target.lang}
    if target.timeout:
        query["timeout"] = "1"
    if ctx.token:  # a platform configured with ?token= needs it on every URL it follows
        query["token"] = ctx.token
    return _absolute(request, reverse(URL_NAMES[target.op], args=[ctx.menu.code, target.node_id]), query)


def audio_url(request, node_id: int) -> str:
    node = MenuNode.objects.filter(pk=node_id).only("audio").first()
    version = hashlib.sha256(node.audio.name.encode()).hexdigest()[:12] if node and node.audio else ""
    return _absolute(request, reverse("telephony:audio", args=[node_id]), {"v": version})


def _respond(request, ctx: IvrRequest, result: ivr.Result) -> HttpResponse:
    document = twiml.render(
        result.verbs,
        url_for=lambda target: url_for(request, ctx, target),
        audio_url=lambda node_id: audio_url(request, node_id),
    )
    return HttpResponse(document, content_type=twiml.CONTENT_TYPE)


def _record(ctx: IvrRequest, kind: str, payload: dict, *key_parts) -> None:
    if not ctx.call_sid:
        return
    try:
        calls.record_event(
            call_id=ctx.call_sid,
            kind=kind,
            payload=payload,
            key=calls.dedup_key("ivr", ctx.call_sid, kind, *key_parts),
            integration=ctx.integration,
        )
    except DatabaseError:
        # The caller must still hear the menu; the call record misses one step.
        log.exception("telephony: could not record %s for call %s", kind, ctx.call_sid)


def _record_result(ctx: IvrRequest, result: ivr.Result, origin: str) -> None:
    if result.chosen is not None:
        chosen = result.chosen
        payload = {
            "choice": chosen.digit,
            "title": chosen.title,
            "node": chosen.pk,
            "label": f"{chosen.digit} {chosen.title}",
        }
        _record(ctx, EventKind.MENU_CHOICE, payload, origin, ctx.attempt, chosen.pk)
    if result.queue:
        payload = {"queue": result.queue, "notice": result.notice}
        _record(ctx, EventKind.IVR_ROUTE, payload, origin, ctx.attempt, ctx.timeout, result.queue)


@platform_view
def entry(request, ctx: IvrRequest):
    """The first document of a call: the open or closed menu."""
    hours = ivr.hours_at()
    result = ivr.start(ctx.menu, hours=hours) if ctx.menu.is_active else ivr.fallback(ctx.menu, hours=hours)
    payload = {"menu": ctx.menu.pk, "hours": hours, "from": ctx.caller, "to": ctx.called}
    _record(ctx, EventKind.IVR_START, payload, ctx.menu.pk)
    _record_result(ctx, result, "entry")
    return _respond(request, ctx, result)


def _node(ctx: IvrRequest, node_id: int) -> MenuNode:
    return get_object_or_404(
        MenuNode.objects.select_related("menu", "parent", "unit"), pk=node_id, menu=ctx.menu
    )


@platform_view
def play(request, ctx: IvrRequest, node_id: int):
    """A step played again (after an information message, or '*' back to the menu above)."""
    node = _node(ctx, node_id)
    result = ivr.play(node, hours=ivr.hours_at(), attempt=ctx.attempt, lang=ctx.lang)
    _record_result(ctx, result, f"play:{node.pk}")
    return _respond(request, ctx, result)


@platform_view
def choose(request, ctx: IvrRequest, node_id: int):
    """The caller pressed a digit in a menu (``Digits``), or nothing (``timeout=1``)."""
    node = _node(ctx, node_id)
    hours = ivr.hours_at()
    if node.kind != NodeKind.MENU:  # the step was changed by an editor during the call
        result = ivr.play(node, hours=hours, lang=ctx.lang)
    else:
        result = ivr.choose(
            node, ctx.digits, hours=hours, attempt=ctx.attempt, lang=ctx.lang, timeout=ctx.timeout
        )
    _record_result(ctx, result, f"choose:{node.pk}")
    return _respond(request, ctx, result)


@platform_view
def callback(request, ctx: IvrRequest, node_id: int):
    """The caller typed a number to be called back on (or just '#' for the number they call from)."""
    node = _node(ctx, node_id)
    hours = ivr.hours_at()
    if node.kind != NodeKind.CALLBACK:
        return _respond(request, ctx, ivr.play(node, hours=hours, lang=ctx.lang))
    result = ivr.take_callback_number(
        node,
        ctx.digits,
        caller=ctx.caller,
        hours=hours,
        attempt=ctx.attempt,
        lang=ctx.lang,
        timeout=ctx.timeout,
    )
    if result.callback_phone:
        call_id = ctx.call_sid or f"anonymous-{uuid.uuid4().hex}"
        try:
            inquiry = callbacks.request_callback(
                call_id=call_id, node=node, phone=result.callback_phone, language=ctx.lang
            )
        except (callbacks.CallbackUnavailable, WorkflowError):
            log.exception("telephony: callback at step %s could not be booked", node.pk)
            result = ivr.fallback(node.menu, hours=hours, lang=ctx.lang)
        else:
            payload = {"reference": inquiry.reference, "phone": result.callback_phone, "node": node.pk}
            _record(ctx, EventKind.IVR_CALLBACK, payload, node.pk)
    _record_result(ctx, result, f"callback:{node.pk}")
    return _respond(request, ctx, result)


@require_GET
def audio(request, node_id: int):
    """A step's recorded sound: public, like the information it holds; the platform fetches it."""
    node = get_object_or_404(MenuNode, pk=node_id)
    if not node.audio:
        raise Http404
    suffix = node.audio.name.rsplit(".", 1)[-1].lower()
    content_type = AUDIO_EXTENSIONS.get(f".{suffix}")
    if content_type is None:
        raise Http404
    try:
        handle = node.audio.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    return response
