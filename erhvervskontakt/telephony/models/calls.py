"""Calls as the telephone platform reports them, and the integrations allowed to report.

Every CTI event and every IVR step is stored as a ``CallEvent`` (append-only). A ``Call`` is
the current reading of its events, rebuilt from all of them whenever one arrives, so repeated
and out-of-order events give the same record (see ``telephony.calls``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Integration(models.Model):
    """A telephone platform (or IVR worker) allowed to fetch menus and post call events.

    It authenticates with a token (only its SHA-256 is stored) or, for menu documents, by
    signing each request with ``signing_secret`` the way Twilio signs webhooks.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    allow_ivr = models.BooleanField(_("may fetch IVR menus"), default=True)
    allow_cti = models.BooleanField(_("may post call events"), default=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=12, blank=True, editable=False)
    # HMAC needs the secret itself on both sides, so it is stored; only administrators see it.
    signing_secret = models.CharField(_("signing secret"), max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("telephony integration")
        verbose_name_plural = _("telephony integrations")

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    IN = "in", _("Incoming")
    OUT = "out", _("Outgoing")
    INTERNAL = "internal", _("Internal")


class HangupCause(models.TextChoices):
    NORMAL_CLEARING = "normalClearing", _("Normal clearing")
    BUSY = "busy", _("Busy")
    CANCEL = "cancel", _("Cancelled by the caller")
    NO_ANSWER = "noAnswer", _("No answer")
    CONGESTION = "congestion", _("Congestion")
    NOT_FOUND = "notFound", _("Number not found")
    FORWARDED = "forwarded", _("Forwarded")


class EventKind(models.TextChoices):
    NEW_CALL = "newCall", _("New call")
    ANSWER = "answer", _("Answered")
    HANGUP = "hangup", _("Hung up")
    DTMF = "dtmf", _("Digit pressed")
    MENU_CHOICE = "menuChoice", _("Menu choice")
    # Written by this system's own IVR documents, not by the platform.
    IVR_START = "ivrStart", _("IVR started")
    IVR_ROUTE = "ivrRoute", _("IVR routed the call")
    IVR_CALLBACK = "ivrCallback", _("Callback requested in the IVR")


class CallOutcome(models.TextChoices):
    ONGOING = "ongoing", _("In progress")
    ANSWERED = "answered", _("Answered")
    ABANDONED = "abandoned", _("Abandoned in the queue")
    BLOCKED = "blocked", _("Not connected (busy, congestion, not found)")
    FORWARDED = "forwarded", _("Forwarded")
    IVR = "ivr", _("Ended in the menu")


class Call(models.Model):
    """One call, as read from its events. Never edited by hand: ``telephony.calls.rebuild`` writes it."""

    call_id = models.CharField(_("call id"), max_length=128, unique=True)
    integration = models.ForeignKey(
        Integration,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("integration"),
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.IN
    )
    from_number = models.CharField(_("from"), max_length=64, blank=True)
    from_normalized = models.CharField(max_length=32, blank=True, db_index=True)
    to_number = models.CharField(_("to"), max_length=64, blank=True)
    menu = models.ForeignKey(
        "telephony.Menu", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("menu")
    )
    menu_path = models.CharField(_("menu path"), max_length=500, blank=True)
    dtmf = models.CharField(_("digits pressed"), max_length=100, blank=True)
    queue = models.CharField(_("queue"), max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(_("started"), db_index=True)
    queued_at = models.DateTimeField(_("entered the queue"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    answering_number = models.CharField(_("answered on"), max_length=64, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_calls",
        verbose_name=_("answered by"),
    )
    hangup_cause = models.CharField(
        _("hang-up cause"), max_length=16, choices=HangupCause.choices, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=CallOutcome.choices, default=CallOutcome.ONGOING
    )
    wait_seconds = models.FloatField(_("wait in queue (s)"), null=True, blank=True)
    handle_seconds = models.FloatField(_("handle time (s)"), null=True, blank=True)
    # The 30-minute interval the call counts in: when it entered its queue.
    interval_start = models.DateTimeField(null=True, blank=True)
    callback_reference = models.CharField(_("callback inquiry"), max_length=32, blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["queue", "interval_start"], name="call_interval_idx"),
            models.Index(fields=["answered_by", "-answered_at"], name="call_answered_by_idx"),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.call_id} {self.from_number} → {self.queue or '-'}"


class CallEvent(models.Model):
    """One event about a call, as received (append-only). ``dedup_key`` makes repeats harmless."""

    call = models.ForeignKey(Call, models.CASCADE, related_name="events")
    integration = models.ForeignKey(Integration, models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    occurred_at = models.DateTimeField(_("occurred"))
    received_at = models.DateTimeField(_("received"))
    dedup_key = models.CharField(max_length=64, unique=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("call event")
        verbose_name_plural = _("call events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.kind}"
