"""Call records from call events: the one door for writing ``Call`` and ``CallEvent``.

Every event is stored once (``dedup_key``) and the call is then re-read from *all* its events
in order of occurrence, so a repeated event changes nothing and a late one (an ``answer``
arriving after its ``hangup``) lands where it belongs. Changes mark the call's statistics
interval for recomputation and tell the answering agent's screen-pop to refresh.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from erhvervskontakt.businesses.identifiers import normalize_phone
from erhvervskontakt.core import clock
from erhvervskontakt.telephony import screen_pop, statistics
from erhvervskontakt.telephony.models import (
    Call,
    CallEvent,
    CallOutcome,
    Direction,
    EventKind,
    HangupCause,
    Integration,
)

log = logging.getLogger(__name__)

# Events at the same instant are read in the order a call lives through them.
KIND_ORDER = {
    EventKind.NEW_CALL: 0,
    EventKind.IVR_START: 1,
    EventKind.DTMF: 2,
    EventKind.MENU_CHOICE: 2,
    EventKind.IVR_ROUTE: 3,
    EventKind.IVR_CALLBACK: 3,
    EventKind.ANSWER: 4,
    EventKind.HANGUP: 5,
}
BLOCKED_CAUSES = {HangupCause.BUSY, HangupCause.CONGESTION, HangupCause.NOT_FOUND}
STATS_FIELDS = ("queue", "interval_start", "outcome", "answered_at", "wait_seconds", "handle_seconds")
FOLDED_FIELDS = (
    "direction",
    "from_number",
    "from_normalized",
    "to_number",
    "menu_id",
    "menu_path",
    "dtmf",
    "queue",
    "started_at",
    "queued_at",
    "answered_at",
    "ended_at",
    "answering_number",
    "answered_by_id",
    "hangup_cause",
    "outcome",
    "wait_seconds",
    "handle_seconds",
    "interval_start",
    "callback_reference",
)


@dataclass
class Recorded:
    call: Call
    duplicate: bool


def dedup_key(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def _seconds(later: dt.datetime | None, earlier: dt.datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return max(0.0, (later - earlier).total_seconds())


def fold(events: list[CallEvent]) -> dict:
    """The call's fields as its events say, read in order of occurrence."""
    events = sorted(events, key=lambda e: (e.occurred_at, KIND_ORDER.get(e.kind, 9), e.pk or 0))
    state = {
        "direction": Direction.IN,
        "from_number": "",
        "to_number": "",
        "menu_id": None,
        "dtmf": "",
        "started_at": events[0].occurred_at,
        "answered_at": None,
        "ended_at": None,
        "answering_number": "",
        "answered_by_id": None,
        "hangup_cause": "",
        "callback_reference": "",
    }
    trail: list[str] = []
    announced: tuple[str, dt.datetime] | None = None  # queue named by the platform's newCall
    routed: tuple[str, dt.datetime] | None = None  # queue chosen in a menu (ours or the platform's)
    for event in events:
        p = event.payload
        if event.kind in (EventKind.NEW_CALL, EventKind.IVR_START):
            for name, key in (("from_number", "from"), ("to_number", "to")):
                if p.get(key) and not state[name]:
                    state[name] = p[key]
            if event.kind == EventKind.NEW_CALL:
                if p.get("direction"):
                    state["direction"] = p["direction"]
                if p.get("queue") and announced is None:
                    announced = (p["queue"], event.occurred_at)
            elif p.get("menu") and state["menu_id"] is None:
                state["menu_id"] = p["menu"]
        elif event.kind == EventKind.DTMF:
            state["dtmf"] = (state["dtmf"] + p.get("digits", ""))[:100]
        elif event.kind == EventKind.MENU_CHOICE:
            label = p.get("label") or " ".join(x for x in (p.get("choice", ""), p.get("title", "")) if x)
            if label:
                trail.append(label)
            if p.get("queue"):
                routed = (p["queue"], event.occurred_at)
        elif event.kind == EventKind.IVR_ROUTE:
            routed = (p["queue"], event.occurred_at)
        elif event.kind == EventKind.IVR_CALLBACK:
            state["callback_reference"] = p.get("reference", "")
        elif event.kind == EventKind.ANSWER:
            if state["answered_at"] is None:
                state["answered_at"] = event.occurred_at
            # The latest answer is who has the caller now (after a transfer).
            state["answering_number"] = p.get("answeringNumber", "")
            state["answered_by_id"] = p.get("staff")
        elif event.kind == EventKind.HANGUP and state["ended_at"] is None:
            state["ended_at"] = event.occurred_at
            state["hangup_cause"] = p.get("cause", "")
    # An answer reported without a time after the hangup still happened before it.
    if state["answered_at"] and state["ended_at"] and state["answered_at"] > state["ended_at"]:
        state["answered_at"] = state["ended_at"]
    queue, queued_at = routed or announced or ("", None)
    state.update(queue=queue, queued_at=queued_at, menu_path=" › ".join(trail)[:500])
    state["from_normalized"] = normalize_phone(state["from_number"])[:32]
    state["outcome"] = _outcome(state)
    state["wait_seconds"] = _seconds(state["answered_at"] or state["ended_at"], queued_at) if queue else None
    state["handle_seconds"] = _seconds(state["ended_at"], state["answered_at"])
    counts = queue and state["direction"] == Direction.IN and queued_at is not None
    state["interval_start"] = statistics.interval_start_for(queued_at) if counts else None
    return state


def _outcome(state: dict) -> str:
    if state["ended_at"] is None:
        return CallOutcome.ONGOING
    if state["answered_at"] is not None:
        return CallOutcome.ANSWERED
    if not state.get("queue"):
        return CallOutcome.IVR
    if state["hangup_cause"] == HangupCause.FORWARDED:
        return CallOutcome.FORWARDED
    if state["hangup_cause"] in BLOCKED_CAUSES:
        return CallOutcome.BLOCKED
    return CallOutcome.ABANDONED


def rebuild(call: Call) -> bool:
    """Re-read ``call`` from its events; return whether anything changed. Call inside a transaction."""
    before = {name: getattr(call, name) for name in FOLDED_FIELDS}
    after = fold(list(call.events.all()))
    changed = [name for name in FOLDED_FIELDS if before[name] != after[name]]
    if not changed:
        return False
    for name in changed:
        setattr(call, name, after[name])
    call.version += 1
    call.save(update_fields=[*changed, "version", "updated_at"])
    if any(name in STATS_FIELDS for name in changed):
        keys = {(before["queue"], before["interval_start"]), (after["queue"], after["interval_start"])}
        statistics.mark([(q, start) for q, start in keys if q and start])
    for user_id in {before["answered_by_id"], after["answered_by_id"]} - {None}:
        # Now and again after commit: a poll in between may have cached the old state.
        screen_pop.forget(user_id)
        transaction.on_commit(lambda uid=user_id: screen_pop.forget(uid))
    return True


@transaction.atomic
def record_event(
    *,
    call_id: str,
    kind: str,
    payload: dict,
    key: str,
    occurred_at: dt.datetime | None = None,
    integration: Integration | None = None,
) -> Recorded:
    """Store one event about ``call_id`` (once per ``key``) and bring the call up to date."""
    now = clock.now()
    occurred = occurred_at or now
    call, _created = Call.objects.get_or_create(
        call_id=call_id, defaults={"started_at": occurred, "integration": integration}
    )
    # One event at a time per call: concurrent events for the same call queue here.
    call = Call.objects.select_for_update().get(pk=call.pk)
    if CallEvent.objects.filter(dedup_key=key).exists():
        return Recorded(call, True)
    if kind == EventKind.ANSWER and "staff" not in payload:
        # Who had that number *then*: resolved once, so later staff changes keep history.
        payload = {**payload, "staff": screen_pop.staff_for_number(payload.get("answeringNumber", ""))}
    CallEvent.objects.create(
        call=call,
        integration=integration,
        kind=kind,
        occurred_at=occurred,
        received_at=now,
        dedup_key=key,
        payload=payload,
    )
    rebuild(call)
    return Recorded(call, False)


def purge_old_calls(now: dt.datetime | None = None) -> int:
    """Delete call records older than the retention period (the statistics stay); return how many."""
    cutoff = (now or clock.now()) - dt.timedelta(days=settings.TELEPHONY_CALL_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(Call.objects.filter(started_at__lt=cutoff).values_list("pk", flat=True)[:1000])
        if not ids:
            break
        with transaction.atomic():
            CallEvent.objects.filter(call_id__in=ids).delete()
            Call.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    if deleted:
        log.info("telephony: deleted %d call records older than %s", deleted, cutoff.date())
    return deleted
