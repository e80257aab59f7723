"""Telephony models, one module per concept: menus, calls (and the integrations that report
them) and interval statistics."""

from erhvervskontakt.telephony.models.calls import (
    Call,
    CallEvent,
    CallOutcome,
    Direction,
    EventKind,
    HangupCause,
    Integration,
)
from erhvervskontakt.telephony.models.menus import AfterMessage, Hours, Menu, MenuNode, NodeKind
from erhvervskontakt.telephony.models.statistics import IntervalStatistic, IntervalToRecompute

__all__ = [
    "AfterMessage",
    "Call",
    "CallEvent",
    "CallOutcome",
    "Direction",
    "EventKind",
    "HangupCause",
    "Hours",
    "Integration",
    "IntervalStatistic",
    "IntervalToRecompute",
    "Menu",
    "MenuNode",
    "NodeKind",
]
