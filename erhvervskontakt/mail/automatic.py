"""Recognise mail that no person wrote: bounces, auto-replies and out-of-office notes, bulk mail.

Pure functions of a ``ParsedMessage``. Such mail is recorded but never answered with a receipt,
so two auto-responders cannot keep each other busy (RFC 3834).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from erhvervskontakt.mail.parsing import ParsedMessage

BOUNCE = "bounce"
AUTO_REPLY = "auto_reply"
BULK = "bulk"

_DAEMONS = {"mailer-daemon", "postmaster", "mail-daemon", "maildaemon"}
_NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply|donotreply|bounces?|notifications?)([+.\-_].*)?$")
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|delivery (status notification|failure|has failed)|returned mail|"
    r"mail delivery (failed|failure|system)|failure notice|non[- ]?delivery|"
    r"kan ikke leveres|ikke leveret|levering mislykkedes|unzustellbar)",
    re.IGNORECASE,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matisk)?[- ]?(svar|reply|response)|out of (the )?office|"
    r"fraværsmeddelelse|fraværende|ferie ?svar|abwesenheitsnotiz|autosvar)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Automatic:
    kind: str  # "" for mail a person wrote
    reason: str = ""
    suppress_receipt: bool = False

    def __bool__(self) -> bool:
        return bool(self.kind)


def local_part(address: str) -> str:
    return (address or "").split("@", 1)[0].lower()


def classify(message: ParsedMessage) -> Automatic:
    """Whether ``message`` is automatic, which kind, and why."""
    h = message.headers
    ctype = h.get("content-type", "").lower()
    if message.content_type == "multipart/report" and "delivery-status" in ctype:
        return Automatic(BOUNCE, "multipart/report delivery-status", True)
    if message.report is not None:
        return Automatic(BOUNCE, "delivery-status report", True)
    sender = local_part(message.sender_email)
    if sender in _DAEMONS or not message.sender_email and _BOUNCE_SUBJECT.match(message.subject):
        return Automatic(BOUNCE, f"sent by {sender or 'an empty sender'}", True)
    if h.get("x-failed-recipients"):
        return Automatic(BOUNCE, "X-Failed-Recipients", True)
    auto_submitted = h.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return Automatic(AUTO_REPLY, f"Auto-Submitted: {auto_submitted[:40]}", True)
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        if h.get(name):
            return Automatic(AUTO_REPLY, name, True)
    precedence = h.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return Automatic(
            AUTO_REPLY if precedence == "auto_reply" else BULK, f"Precedence: {precedence}", True
        )
    if _AUTO_SUBJECT.match(message.subject):
        return Automatic(AUTO_REPLY, "auto-reply subject", True)
    if _BOUNCE_SUBJECT.match(message.subject) and h.get("return-path", "").strip() in ("<>", ""):
        return Automatic(BOUNCE, "bounce subject from the null sender", True)
    if h.get("list-id") or h.get("list-unsubscribe"):
        return Automatic(BULK, "mailing list", True)
    suppress = h.get("x-auto-response-suppress", "").lower()
    if suppress and any(word in suppress for word in ("all", "oof", "autoreply")):
        return Automatic("", "X-Auto-Response-Suppress", True)
    if _NO_REPLY.match(sender) or h.get("return-path", "").strip() == "<>":
        return Automatic("", "sender does not take replies", True)
    return Automatic("")
