"""Render the IVR engine's verbs as a TwiML document.

Only the subset in ``schema/twiml.xsd`` is produced: Say, Play, Pause, Gather (with an action
that receives ``Digits``), Enqueue, Redirect and Hangup. Elements are built with ElementTree, so
editors' texts are always escaped.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree as ET

from django.conf import settings

from erhvervskontakt.telephony import ivr, speech

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "twiml.xsd"
CONTENT_TYPE = "text/xml; charset=utf-8"


def _say(parent: ET.Element, verb: ivr.Say) -> None:
    element = ET.SubElement(parent, "Say", language=speech.VOICE_LANGUAGE[verb.lang])
    if settings.TELEPHONY_TTS_VOICE:
        element.set("voice", settings.TELEPHONY_TTS_VOICE)
    element.text = verb.text


def _prompt(parent: ET.Element, verb, audio_url: Callable[[int], str]) -> None:
    if isinstance(verb, ivr.Say):
        _say(parent, verb)
    elif isinstance(verb, ivr.Play):
        ET.SubElement(parent, "Play").text = audio_url(verb.node_id)
    else:  # pragma: no cover - the engine only nests Say and Play in Gather
        raise TypeError(verb)


def render(verbs: list, *, url_for: Callable[[ivr.Target], str], audio_url: Callable[[int], str]) -> bytes:
    """The TwiML document for ``verbs``; ``url_for`` turns a Target into an absolute URL."""
    response = ET.Element("Response")
    for verb in verbs:
        if isinstance(verb, ivr.Say | ivr.Play):
            _prompt(response, verb, audio_url)
        elif isinstance(verb, ivr.Gather):
            attrs = {
                "input": "dtmf",
                "action": url_for(verb.action),
                "method": "POST",
                "timeout": str(verb.timeout),
                "finishOnKey": verb.finish_on_key,
            }
            if verb.num_digits:
                attrs["numDigits"] = str(verb.num_digits)
            gather = ET.SubElement(response, "Gather", attrs)
            for prompt in verb.prompts:
                _prompt(gather, prompt, audio_url)
        elif isinstance(verb, ivr.Enqueue):
            ET.SubElement(response, "Enqueue").text = verb.queue
        elif isinstance(verb, ivr.Redirect):
            ET.SubElement(response, "Redirect", method="POST").text = url_for(verb.target)
        elif isinstance(verb, ivr.Hangup):
            ET.SubElement(response, "Hangup")
        else:  # pragma: no cover
            raise TypeError(verb)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(response, encoding="utf-8")
