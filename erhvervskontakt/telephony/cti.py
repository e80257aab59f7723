"""Parse and apply the generic CTI events telephone platforms send to helpdesks.

One JSON object per request::

    {"event": "newCall", "callId": "c-1", "from": "+4520000001", "to": "+4533663366",
     "direction": "in", "queue": "kc-erhvervskontakt", "timestamp": "2026-12-01T09:00:00Z"}
    {"event": "answer", "callId": "c-1", "answeringNumber": "+4533661001"}
    {"event": "hangup", "callId": "c-1", "cause": "normalClearing"}
    {"event": "dtmf", "callId": "c-1", "digits": "1"}
    {"event": "menuChoice", "callId": "c-1", "choice": "1", "title": "Udeservering", "queue": "..."}

``timestamp`` (ISO 8601, or seconds or milliseconds since 1970) is when it happened; without it
the time of arrival is used. ``eventId``, when given, identifies a repeated delivery; without it
an identical event (same fields) is one event.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.telephony import calls
from erhvervskontakt.telephony.models import EventKind, HangupCause, Integration

MAX_BODY_BYTES = 64 * 1024
CTI_KINDS = {
    "newcall": EventKind.NEW_CALL,
    "answer": EventKind.ANSWER,
    "hangup": EventKind.HANGUP,
    "dtmf": EventKind.DTMF,
    "menuchoice": EventKind.MENU_CHOICE,
}
DIRECTIONS = {
    "in": "in",
    "inbound": "in",
    "incoming": "in",
    "out": "out",
    "outbound": "out",
    "outgoing": "out",
}
DIRECTIONS["internal"] = "internal"
CAUSES = {cause.value.lower(): cause.value for cause in HangupCause}
CALL_ID = re.compile(r"[\x21-\x7e]{1,128}")
QUEUE = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
DIGITS = re.compile(r"[0-9*#A-Da-d]{1,20}")
FUTURE_TOLERANCE = dt.timedelta(minutes=10)


class CtiError(ValueError):
    """The event cannot be used; the message says why (sent back with 400)."""


@dataclass
class CtiEvent:
    kind: str
    call_id: str
    payload: dict
    occurred_at: dt.datetime | None
    event_id: str


def _text(data: dict, name: str, *, required: bool = False, max_length: int = 64) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise CtiError(_("“%(field)s” is required for this event.") % {"field": name})
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise CtiError(_("“%(field)s” must be a string.") % {"field": name})
    value = value.strip()
    if "\x00" in value:  # PostgreSQL cannot store it
        raise CtiError(_("“%(field)s” contains a NUL character.") % {"field": name})
    if len(value) > max_length:
        raise CtiError(
            _("“%(field)s” is longer than %(max)d characters.") % {"field": name, "max": max_length}
        )
    return value


def _timestamp(value) -> dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            seconds = value / 1000 if value > 1e11 else value
            moment = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        elif isinstance(value, str):
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=clock.COPENHAGEN)
        else:
            raise TypeError
    except (TypeError, ValueError, OverflowError, OSError) as exc:
        raise CtiError(
            _("“timestamp” must be ISO 8601 (2026-12-01T09:00:00+01:00) or seconds since 1970.")
        ) from exc
    if moment > clock.now() + FUTURE_TOLERANCE:
        raise CtiError(_("“timestamp” is in the future; check the platform's clock."))
    return moment


def parse(body: bytes) -> CtiEvent:
    """Read one CTI event from a request body, or raise CtiError saying what is wrong."""
    if len(body) > MAX_BODY_BYTES:
        raise CtiError(_("The request body is too large (at most 64 KB)."))
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CtiError(_("The request body is not UTF-8.")) from exc
    except json.JSONDecodeError as exc:
        raise CtiError(
            _("The request body is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc
    if not isinstance(data, dict):
        raise CtiError(_("Send one event as a JSON object."))
    name = data.get("event", data.get("type"))
    if not isinstance(name, str) or name.strip().lower() not in CTI_KINDS:
        raise CtiError(
            _("“event” must be one of: %(kinds)s.") % {"kinds": "newCall, answer, hangup, dtmf, menuChoice"}
        )
    kind = CTI_KINDS[name.strip().lower()]
    call_id = _text(data, "callId", required=True, max_length=128)
    if not CALL_ID.fullmatch(call_id):
        raise CtiError(_("“callId” may only contain visible ASCII characters."))
    payload: dict = {}
    if kind == EventKind.NEW_CALL:
        payload["from"] = _text(data, "from")
        payload["to"] = _text(data, "to")
        direction = _text(data, "direction").lower()
        if direction and direction not in DIRECTIONS:
            raise CtiError(_("“direction” must be in, out or internal."))
        payload["direction"] = DIRECTIONS.get(direction, "in")
        payload["queue"] = _queue(data)
    elif kind == EventKind.ANSWER:
        payload["answeringNumber"] = _text(data, "answeringNumber", required=True)
    elif kind == EventKind.HANGUP:
        cause = _text(data, "cause") or HangupCause.NORMAL_CLEARING
        if cause.lower() not in CAUSES:
            raise CtiError(
                _("“cause” must be one of: %(causes)s.") % {"causes": ", ".join(c.value for c in HangupCause)}
            )
        payload["cause"] = CAUSES[cause.lower()]
    elif kind == EventKind.DTMF:
        digits = _text(data, "digits") or _text(data, "digit", required=True)
        if not DIGITS.fullmatch(digits):
            raise CtiError(_("“digits” may only contain 0-9, *, # and A-D."))
        payload["digits"] = digits.upper()
    else:
        payload["choice"] = _text(data, "choice", required=True, max_length=20)
        payload["title"] = _text(data, "title", max_length=100)
        payload["queue"] = _queue(data)
    event_id = _text(data, "eventId", max_length=128)
    return CtiEvent(kind, call_id, payload, _timestamp(data.get("timestamp")), event_id)


def _queue(data: dict) -> str:
    queue = _text(data, "queue")
    if queue and not QUEUE.fullmatch(queue):
        raise CtiError(_("“queue” may only contain letters, digits and . _ : -"))
    return queue


def apply(event: CtiEvent, integration: Integration | None) -> calls.Recorded:
    """Store the event (once) and update its call."""
    if event.event_id:
        key = calls.dedup_key("cti-id", event.call_id, event.event_id)
    else:
        stamp = event.occurred_at.isoformat() if event.occurred_at else ""
        fields = json.dumps(event.payload, sort_keys=True)
        key = calls.dedup_key("cti", event.call_id, event.kind, stamp, fields)
    return calls.record_event(
        call_id=event.call_id,
        kind=event.kind,
        payload=event.payload,
        key=key,
        occurred_at=event.occurred_at,
        integration=integration,
    )
