"""A TwiML interpreter for the subset Erhvervskontakt produces, over an abstract phone line.

It behaves like a platform: Say/Play are played, Gather collects digits (then requests its
action with ``Digits``, or goes on with the next verb when nothing was entered), Redirect
fetches the next document, Enqueue hands the caller to a queue, Hangup or the end of the
document ends the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from xml.etree import ElementTree as ET

log = logging.getLogger("ivr_worker")
MAX_DOCUMENTS = 50  # a menu that redirects forever is a broken menu, not a reason to loop


class Line(Protocol):
    def say(self, text: str, language: str) -> None: ...
    def play(self, url: str) -> None: ...
    def pause(self, seconds: float) -> None: ...
    def collect(self, num_digits: int | None, finish_on_key: str, timeout: float) -> str | None:
        """Digits entered (without the finish key); "" for none; None if the caller hung up."""

    def active(self) -> bool: ...
    def hangup(self) -> None: ...


@dataclass
class Outcome:
    kind: str  # queue, hangup, caller_hung_up, error
    queue: str = ""
    documents: list[bytes] = field(default_factory=list)
    heard: list[str] = field(default_factory=list)


def _prompt(element: ET.Element, line: Line, outcome: Outcome) -> None:
    if element.tag == "Say":
        text = (element.text or "").strip()
        outcome.heard.append(text)
        line.say(text, element.get("language", "da-DK"))
    elif element.tag == "Play":
        outcome.heard.append(f"[play {element.text}]")
        line.play((element.text or "").strip())
    elif element.tag == "Pause":
        line.pause(float(element.get("length", "1")))


def run(first_url: str, params: dict[str, str], fetch: Callable[[str, dict], bytes], line: Line) -> Outcome:
    """Run a call from its first document to the end; return where it ended."""
    outcome = Outcome("hangup")
    url, extra = first_url, {}
    for _ in range(MAX_DOCUMENTS):
        if not line.active():
            outcome.kind = "caller_hung_up"
            return outcome
        try:
            document = fetch(url, {**params, **extra})
            # Documents come from our own server; Python's expat refuses entity expansion bombs.
            root = ET.fromstring(document)  # noqa: S314
        except Exception as exc:  # noqa: BLE001 - any failure ends the call like a platform would
            log.error("could not get a document from %s: %s", url, exc)
            line.hangup()
            outcome.kind = "error"
            return outcome
        outcome.documents.append(document)
        url, extra = None, {}
        for verb in root:
            if verb.tag in ("Say", "Play", "Pause"):
                _prompt(verb, line, outcome)
            elif verb.tag == "Gather":
                for prompt in verb:
                    _prompt(prompt, line, outcome)
                num = verb.get("numDigits")
                digits = line.collect(
                    int(num) if num else None, verb.get("finishOnKey", "#"), float(verb.get("timeout", "5"))
                )
                if digits is None:
                    outcome.kind = "caller_hung_up"
                    return outcome
                if digits:
                    url, extra = verb.get("action"), {"Digits": digits}
                    break
            elif verb.tag == "Redirect":
                url = (verb.text or "").strip()
                break
            elif verb.tag == "Enqueue":
                outcome.kind, outcome.queue = "queue", (verb.text or "").strip()
                return outcome
            elif verb.tag == "Hangup":
                line.hangup()
                outcome.kind = "hangup"
                return outcome
            else:
                log.warning("ignoring unsupported verb <%s>", verb.tag)
        if url is None:  # the document ran out: the platform hangs up
            line.hangup()
            return outcome
    log.error("more than %d documents in one call; hanging up", MAX_DOCUMENTS)
    line.hangup()
    outcome.kind = "error"
    return outcome
