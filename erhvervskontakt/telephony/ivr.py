"""The IVR engine: from a menu step and what the caller did, decide what happens next.

Decisions are expressed as a short list of abstract verbs (Say, Play, Gather, Enqueue,
Redirect, Hangup). The TwiML views render them as XML for the telephone platform and the
simulator renders the same verbs for content editors, so the simulator shows exactly what a
caller gets. Nothing here writes to the database; the views record the call's path.

Rules: a timeout or an invalid digit replays the step with a short notice, up to the menu's
``max_attempts``; after that the caller is put through to the contact-centre queue (or, outside
opening hours, hears the closed message). ``*`` goes back to the menu above. In the first menu
the menu's English digit replays it in English.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from erhvervskontakt.core import clock, workdays
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.telephony import speech
from erhvervskontakt.telephony.callbacks import callback_window, caller_number, valid_callback_number
from erhvervskontakt.telephony.models import AfterMessage, Hours, Menu, MenuNode, NodeKind

PLAY, CHOOSE, CALLBACK = "play", "choose", "callback"
CALLBACK_EXTRA_SECONDS = 5  # typing a phone number takes longer than pressing one digit
OWN_NUMBER_KEY = "1"  # in a callback step: call me on the number I am calling from


@dataclass(frozen=True)
class Target:
    """Where the platform goes next: an operation on a step, with the caller's state."""

    op: str
    node_id: int
    attempt: int = 1
    lang: str = "da"
    timeout: bool = False


@dataclass(frozen=True)
class Say:
    text: str
    lang: str


@dataclass(frozen=True)
class Play:
    node_id: int


@dataclass(frozen=True)
class Gather:
    action: Target
    timeout: int
    num_digits: int | None
    finish_on_key: str
    prompts: tuple = ()


@dataclass(frozen=True)
class Enqueue:
    queue: str
    label: str


@dataclass(frozen=True)
class Redirect:
    target: Target


@dataclass(frozen=True)
class Hangup:
    pass


@dataclass
class Result:
    """What the caller hears next and where the call stands."""

    verbs: list
    node: MenuNode | None = None  # the step now waiting for the caller
    chosen: MenuNode | None = None  # the step the caller's digit led to (the menu path)
    queue: str = ""  # the call leaves the menu for this queue
    queue_label: str = ""
    ended: bool = False  # the call is hung up
    callback_node: MenuNode | None = None
    callback_phone: str = ""  # normalised number to call back
    notice: str = ""  # invalid, no_input, fallback, closed, english, back, callback
    window: tuple[dt.datetime, dt.datetime] | None = None
    lang: str = "da"


def hours_at(moment: dt.datetime | None = None) -> str:
    return Hours.OPEN if workdays.is_open(moment) else Hours.CLOSED


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "da"


def queue_label(queue: str, lang: str = "da") -> str:
    unit = Unit.objects.filter(code=queue).first()
    return unit.tr("name", _lang(lang)) if unit else queue


def prompt_verbs(node: MenuNode, lang: str) -> list:
    if lang == "en" and node.prompt_en.strip():
        return [Say(node.prompt_en.strip(), "en")]
    if node.audio:
        return [Play(node.pk)]
    if node.prompt_da.strip():
        return [Say(node.prompt_da.strip(), "da")]
    return []


def _notice_verbs(menu: Menu, notice: str, lang: str) -> list:
    field_name = {"invalid": "invalid", "no_input": "no_input"}.get(notice)
    return [Say(menu.tr(field_name, lang), lang)] if field_name else []


def start(menu: Menu, *, hours: str, lang: str = "da") -> Result:
    """The first thing a caller hears: the entry step for the opening hours, if the menu has one."""
    lang = _lang(lang)
    entry = menu.entry(hours)
    if entry is None:
        return fallback(menu, hours=hours, lang=lang)
    return play(entry, hours=hours, lang=lang)


def play(node: MenuNode, *, hours: str, attempt: int = 1, lang: str = "da", notice: str = "") -> Result:
    """Play a step: offer its choices, ask for a number, or carry out what it does."""
    lang = _lang(lang)
    menu = node.menu
    lead = _notice_verbs(menu, notice, lang)
    prompts = prompt_verbs(node, lang)
    if node.kind in (NodeKind.MENU, NodeKind.CALLBACK):
        is_menu = node.kind == NodeKind.MENU
        action = Target(CHOOSE if is_menu else CALLBACK, node.pk, attempt, lang)
        gather = Gather(
            action=action,
            timeout=menu.timeout_seconds + (0 if is_menu else CALLBACK_EXTRA_SECONDS),
            num_digits=1 if is_menu else None,
            # In a menu every key may be a choice; a phone number ends with '#'.
            finish_on_key="" if is_menu else "#",
            prompts=tuple(lead + prompts),
        )
        verbs = [gather, Redirect(dataclasses.replace(action, timeout=True))]
        return Result(verbs, node=node, notice=notice, lang=lang)
    if node.kind in (NodeKind.UNIT_QUEUE, NodeKind.CONTACT_CENTRE):
        queue = node.queue_name()
        label = queue_label(queue, lang)
        return Result([*prompts, Enqueue(queue, label)], queue=queue, queue_label=label, lang=lang)
    # A recorded information message.
    if node.after_message == AfterMessage.BACK and node.parent_id:
        return Result([*prompts, Redirect(Target(PLAY, node.parent_id, 1, lang))], node=node, lang=lang)
    if node.after_message == AfterMessage.AGENT:
        queue = node.queue_name()
        label = queue_label(queue, lang)
        return Result([*prompts, Enqueue(queue, label)], queue=queue, queue_label=label, lang=lang)
    return Result([*prompts, Hangup()], ended=True, lang=lang)


def fallback(menu: Menu, *, hours: str, lang: str = "da") -> Result:
    """Too many timeouts or invalid digits (or no entry step): an agent, or goodbye when closed."""
    lang = _lang(lang)
    if hours == Hours.CLOSED:
        return Result([Say(menu.tr("closed", lang), lang), Hangup()], ended=True, notice="closed", lang=lang)
    queue = settings.TELEPHONY_CONTACT_CENTRE_QUEUE
    label = queue_label(queue, lang)
    verbs = [Say(menu.tr("fallback", lang), lang), Enqueue(queue, label)]
    return Result(verbs, queue=queue, queue_label=label, notice="fallback", lang=lang)


def _retry(node: MenuNode, *, attempt: int, lang: str, hours: str, notice: str) -> Result:
    if attempt >= node.menu.max_attempts:
        return fallback(node.menu, hours=hours, lang=lang)
    return play(node, hours=hours, attempt=attempt + 1, lang=lang, notice=notice)


def choose(
    node: MenuNode, digits: str, *, hours: str, attempt: int = 1, lang: str = "da", timeout: bool = False
) -> Result:
    """The caller pressed ``digits`` (or nothing) in the menu ``node``."""
    lang = _lang(lang)
    menu = node.menu
    digit = (digits or "").strip()[:1]
    if timeout or not digit:
        return _retry(node, attempt=attempt, lang=lang, hours=hours, notice="no_input")
    if node.parent_id is None and menu.english_digit and digit == menu.english_digit and lang != "en":
        result = play(node, hours=hours, lang="en")
        result.notice = "english"
        return result
    child = next((c for c in node.children.all() if c.digit == digit), None)
    if child is None:
        if digit == "*" and node.parent_id:
            result = play(node.parent, hours=hours, lang=lang)
            result.notice = "back"
            return result
        return _retry(node, attempt=attempt, lang=lang, hours=hours, notice="invalid")
    result = play(child, hours=hours, lang=lang)
    result.chosen = child
    return result


def _confirmation(menu: Menu, number: str, window, lang: str) -> str:
    start, end = (clock.local(moment) for moment in window)
    text = menu.tr("callback_confirm", lang)
    values = {
        "{number}": speech.phone(number),
        "{day}": speech.day(start.date(), clock.today(), lang),
        "{start}": speech.clock_time(start.time()),
        "{end}": speech.clock_time(end.time()),
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def take_callback_number(
    node: MenuNode,
    digits: str,
    *,
    caller: str,
    hours: str,
    attempt: int = 1,
    lang: str = "da",
    timeout: bool = False,
    moment: dt.datetime | None = None,
) -> Result:
    """The caller typed a number ending with '#', or '1' for "call me on the number I call from".

    ('#' alone means the same for platforms that report an empty entry; Twilio treats it as none.)
    """
    lang = _lang(lang)
    if timeout:
        return _retry(node, attempt=attempt, lang=lang, hours=hours, notice="no_input")
    typed = (digits or "").strip().strip("#")
    number = caller_number(caller) if typed in ("", OWN_NUMBER_KEY) else valid_callback_number(typed)
    if not number:
        return _retry(node, attempt=attempt, lang=lang, hours=hours, notice="invalid")
    window = callback_window(moment or clock.now())
    say = Say(_confirmation(node.menu, number, window, lang), lang)
    return Result(
        [say, Hangup()],
        ended=True,
        callback_node=node,
        callback_phone=number,
        notice="callback",
        window=window,
        lang=lang,
    )
