"""The agent's screen-pop fragment, polled every second by the agent's workspace with htmx."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from erhvervskontakt.organisation.roles import Role, has_role
from erhvervskontakt.telephony import screen_pop
from erhvervskontakt.telephony.models import Call


def _inquiry_url(reference: str) -> str:
    try:
        return reverse("workspace:inquiry", args=[reference])
    except NoReverseMatch:
        return ""


# htmx stops polling an element whose request is answered with 286 (and still swaps the content).
STOP_POLLING = 286


@require_GET
def pop(request):
    """The caller on the line for this agent, as an element that keeps itself up to date.

    The fragment polls ``?v=<version>`` every second and replaces itself when the version
    changes; an unchanged version is answered 204 (nothing to swap) after one cache read. A
    request without ``v`` (a page's first load, or a page that polls on its own) gets the
    fragment with status 286, which stops the page's own polling: the fragment polls instead.

    Only agents get a screen-pop; everyone else (and an expired session) gets 403, which htmx
    does not swap in, so a polling page stays quiet.
    """
    if not request.user.is_authenticated or not has_role(request.user, Role.AGENT):
        raise PermissionDenied
    version = screen_pop.current_version(request.user.pk)
    given = request.GET.get("v")
    if given == version:
        response = HttpResponse(status=204)
        response["Cache-Control"] = "no-store"
        return response
    call = None
    if version != screen_pop.NONE:
        call = Call.objects.filter(pk=int(version.split(".")[0]), answered_by=request.user).first()
    context = {"version": version, "call": call}
    if call is not None:
        context.update(screen_pop.context(request.user, call))
        context["inquiry_links"] = [
            (inquiry, _inquiry_url(inquiry.reference)) for inquiry in context["inquiries"]
        ]
    response = render(request, "telephony/screen_pop.html", context, status=200 if given else STOP_POLLING)
    response["Cache-Control"] = "no-store"
    return response
