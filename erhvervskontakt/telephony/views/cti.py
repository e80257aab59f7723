"""The CTI endpoint: call events from the telephone platform, one JSON object per POST."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from erhvervskontakt.telephony import auth, cti


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": message}, status=status)


@csrf_exempt
@require_POST
def event(request):
    """Store one event (idempotent) and answer with the call's state; 400 with a reason if unusable."""
    # Integrators read the API documentation in English; so do the error messages.
    with translation.override("en"):
        try:
            integration = auth.authenticate(request, "cti")
        except auth.NotAuthenticated:
            response = _error(401, "Authentication required: send Authorization: Bearer <token>.")
            response["WWW-Authenticate"] = 'Bearer realm="telephony"'
            return response
        except PermissionDenied:
            return _error(403, "This integration may not post call events.")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > cti.MAX_BODY_BYTES:
            return _error(400, "The request body is too large (at most 64 KB).")
        try:
            parsed = cti.parse(request.body)
        except cti.CtiError as exc:
            return _error(400, str(exc))
        recorded = cti.apply(parsed, integration)
    call = recorded.call
    return JsonResponse(
        {
            "ok": True,
            "duplicate": recorded.duplicate,
            "callId": call.call_id,
            "outcome": call.outcome,
            "queue": call.queue,
            "answeredBy": call.answered_by.get_username() if call.answered_by_id else None,
        }
    )
