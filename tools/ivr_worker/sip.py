"""The SIP side: a pyVoIP phone registered to a registrar, answering calls with the menus.

pyVoIP 1.6.8 only: UDP, REGISTER required, RFC 2833 digits reported on packets with the
marker bit. Speech is not synthesised; each Say is "spoken" as silence lasting about as long
as reading it would (``say_seconds_per_char``), which is what matters for the caller's timing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time

from pyVoIP.VoIP import CallState, InvalidStateError, PhoneStatus, VoIPPhone

from ivr_worker import interpreter
from ivr_worker.client import Server

log = logging.getLogger("ivr_worker")
SILENCE = b"\x80" * 160  # 20 ms of 8-bit unsigned silence at 8 kHz
POLL = 0.02


class PyVoipLine:
    def __init__(self, call, say_seconds_per_char: float):
        self.call = call
        self.say_seconds_per_char = say_seconds_per_char

    def active(self) -> bool:
        return self.call.state == CallState.ANSWERED

    def _silence(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while self.active() and time.monotonic() < end:
            self.call.write_audio(SILENCE)
            time.sleep(POLL)

    def say(self, text: str, language: str) -> None:
        log.info("say (%s): %s", language, text)
        self._silence(len(text) * self.say_seconds_per_char)

    def play(self, url: str) -> None:
        log.info("play: %s", url)
        self._silence(1.0 * (self.say_seconds_per_char > 0))

    def pause(self, seconds: float) -> None:
        self._silence(seconds)

    def collect(self, num_digits, finish_on_key, timeout):
        digits, last = "", time.monotonic()
        while True:
            if not self.active():
                return None
            key = self.call.get_dtmf()
            if key:
                last = time.monotonic()
                if finish_on_key and key == finish_on_key:
                    return digits
                digits += key
                if num_digits and len(digits) >= num_digits:
                    return digits
            elif time.monotonic() - last >= timeout:
                return digits
            else:
                time.sleep(POLL)

    def hangup(self) -> None:
        with contextlib.suppress(InvalidStateError):
            self.call.hangup()


class Worker:
    def __init__(self, *, server: Server, menu_url: str, agent_number: str = "", answer_after: float = 1.0,
                 say_seconds_per_char: float = 0.06, max_call_seconds: float = 600):  # fmt: skip
        self.server = server
        self.menu_url = menu_url
        self.agent_number = agent_number
        self.answer_after = answer_after
        self.say_seconds_per_char = say_seconds_per_char
        self.max_call_seconds = max_call_seconds
        self.calls_done = threading.Semaphore(0)

    def handle(self, call) -> None:
        """pyVoIP calls this (in its own thread) for each incoming call."""
        try:
            self._handle(call)
        except Exception:
            log.exception("call %s failed", call.call_id)
            PyVoipLine(call, 0).hangup()
        finally:
            self.calls_done.release()

    def _handle(self, call) -> None:
        call_id = call.call_id
        caller = call.request.headers["From"].get("number", "")
        called = call.request.headers["To"].get("number", "")
        log.info("call %s from %s to %s", call_id, caller, called)
        self.server.event("newCall", call_id, **{"from": caller, "to": called, "direction": "in"})
        call.answer()
        line = PyVoipLine(call, self.say_seconds_per_char)
        params = {"CallSid": call_id, "From": caller, "To": called, "Direction": "inbound"}
        outcome = interpreter.run(self.menu_url, params, self.server.fetch, line)
        log.info("call %s: %s %s", call_id, outcome.kind, outcome.queue)
        if outcome.kind == "queue":
            self._queue(line, call_id)
        started = time.monotonic()
        while line.active() and time.monotonic() - started < self.max_call_seconds:
            line.pause(0.1)
        if line.active():
            line.hangup()
        self.server.event("hangup", call_id, cause="normalClearing")
        self.server.flush()
        log.info("call %s ended", call_id)

    def _queue(self, line: PyVoipLine, call_id: str) -> None:
        """No agents here: an agent with ``agent_number`` 'answers' after ``answer_after`` seconds."""
        if not self.agent_number:
            return
        line.pause(self.answer_after)
        if line.active():
            self.server.event("answer", call_id, answeringNumber=self.agent_number)


def run(*, sip_server: str, sip_port: int, user: str, password: str, my_ip: str, local_port: int,
        rtp_low: int, rtp_high: int, worker: Worker, max_calls: int | None) -> None:  # fmt: skip
    phone = VoIPPhone(
        sip_server, sip_port, user, password, myIP=my_ip, callCallback=worker.handle,
        sipPort=local_port, rtpPortLow=rtp_low, rtpPortHigh=rtp_high,
    )  # fmt: skip
    phone.start()
    try:
        if phone.get_status() != PhoneStatus.REGISTERED:
            raise SystemExit(f"not registered at {sip_server}:{sip_port} ({phone.get_status()})")
        print(f"registered as {user} at {sip_server}:{sip_port}", flush=True)
        done = 0
        while max_calls is None or done < max_calls:
            if worker.calls_done.acquire(timeout=1):
                done += 1
    finally:
        phone.stop()
