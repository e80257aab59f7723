"""Talking to Erhvervskontakt: fetch TwiML documents (signed like Twilio) and post CTI events."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request
import uuid
from urllib.parse import urlencode

log = logging.getLogger("ivr_worker")
TIMEOUT = 10


def signature(secret: str, url: str, params: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature: base64(HMAC-SHA1(secret, url + sorted name+value pairs))."""
    payload = url + "".join(name + value for name, value in sorted(params.items()))
    return base64.b64encode(hmac.new(secret.encode(), payload.encode(), hashlib.sha1).digest()).decode()


class Server:
    def __init__(self, *, cti_url: str, token: str = "", secret: str = ""):
        self.cti_url = cti_url
        self.token = token
        self.secret = secret
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._post_events, name="cti-events", daemon=True).start()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def fetch(self, url: str, params: dict[str, str]) -> bytes:
        """POST the call's parameters to a TwiML URL, as a platform does; return the document."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.secret:
            headers["X-Twilio-Signature"] = signature(self.secret, url, params)
        elif self.token:
            headers.update(self._headers())
        request = urllib.request.Request(url, urlencode(params).encode(), headers, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.read()

    def event(self, event: str, call_id: str, **fields) -> None:
        """Queue one CTI event, stamped now; a background thread posts events in order.

        The caller never waits for the CTI endpoint: events carry their own time and an
        eventId, so a slow or retried delivery still counts once and in the right place.
        """
        body = {
            "event": event,
            "callId": call_id,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "eventId": uuid.uuid4().hex,
            **fields,
        }
        self._queue.put(body)

    def flush(self, timeout: float = 10) -> bool:
        """Wait until every queued event is posted (or given up); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.05)
        return not self._queue.unfinished_tasks

    def _post_events(self) -> None:
        while True:
            body = self._queue.get()
            try:
                self.post(body)
            finally:
                self._queue.task_done()

    def post(self, body: dict) -> dict | None:
        """Post one CTI event now, retried on network errors and 5xx with the same eventId."""
        data = json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **self._headers()}
        for attempt in range(3):
            request = urllib.request.Request(self.cti_url, data, headers, method="POST")  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code < 500:
                    log.error("CTI %s refused (%s): %s", body["event"], exc.code, exc.read()[:300])
                    return None
                log.warning("CTI %s failed (%s), retrying", body["event"], exc.code)
            except OSError as exc:
                log.warning("CTI %s failed (%s), retrying", body["event"], exc)
            time.sleep(0.5 * (attempt + 1))
        log.error("CTI %s for %s given up", body["event"], body["callId"])
        return None
