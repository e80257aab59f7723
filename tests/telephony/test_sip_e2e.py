"""End to end on one machine: a real SIP call through Kamailio to the reference IVR worker.

SIPp (Debian sip-tester) calls with a caller ID and presses digits (RFC 2833); Kamailio
(throw-away config on loopback ports) routes the call to the pyVoIP worker registered as
``ivr``; the worker fetches the menus from the live Django server (signed requests) and posts
the CTI events; the test checks the route, the call record and the statistics.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from erhvervskontakt.telephony import statistics
from erhvervskontakt.telephony.models import Call, CallOutcome, IntervalStatistic
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data" / "telephony"
pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _free_udp_ports(count: int) -> list[int]:
    """A run of ``count`` consecutive free UDP ports on loopback."""
    for _attempt in range(50):
        base = random.randrange(20000, 60000 - count)  # noqa: S311 - not security
        sockets = []
        try:
            for port in range(base, base + count):
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return list(range(base, base + count))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free UDP ports")


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _stop(process: subprocess.Popen) -> None:
    """Stop a process this test started, with the children it forked (its own process group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.fixture
def services():
    require_service("kamailio", shutil.which("kamailio") is not None, "apt install kamailio")
    require_service("SIPp", shutil.which("sipp") is not None, "apt install sip-tester")
    require_service("pyVoIP", importlib.util.find_spec("pyVoIP") is not None, "pip install -e '.[ivr]'")
    modules = glob.glob("/usr/lib/*/kamailio/modules/tm.so")
    require_service("kamailio modules", bool(modules), "kamailio's modules directory not found")
    return os.path.dirname(modules[0]) + "/"


@pytest.fixture
def kamailio(services, tmp_path):
    (port,) = _free_udp_ports(1)
    config = (DATA / "kamailio.cfg").read_text().replace("@PORT@", str(port)).replace("@MPATH@", services)
    (tmp_path / "kamailio.cfg").write_text(config)
    log = open(tmp_path / "kamailio.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        ["kamailio", "-DD", "-E", "-f", str(tmp_path / "kamailio.cfg"), "-Y", str(tmp_path),
         "-P", str(tmp_path / "kamailio.pid")],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not _port_in_use(port):
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"kamailio did not start:\n{(tmp_path / 'kamailio.log').read_text()[-3000:]}")
        time.sleep(0.05)
    yield port
    _stop(process)
    log.close()


@pytest.fixture
def worker(kamailio, live_server, integration, menu, agent, tmp_path):
    # The server's first request imports every app's views (seconds on a busy machine); a caller
    # would hang up waiting, so warm it up as a deployed server would be.
    urllib.request.urlopen(f"{live_server.url}/healthz", timeout=60).read()  # noqa: S310
    ports = _free_udp_ports(12)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools"), "IVR_WORKER_SECRET": integration.secret,
           "IVR_WORKER_TOKEN": integration.token}  # fmt: skip
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed below
    menu_url = f"{live_server.url}/telephony/ivr/{menu.code}/"
    process = subprocess.Popen(
        [sys.executable, "-m", "ivr_worker", "--sip-server", f"127.0.0.1:{kamailio}",
         "--sip-port", str(ports[0]), "--rtp-ports", f"{ports[2]}-{ports[-1]}", "--menu-url", menu_url,
         "--agent-number", "+45 33 66 10 01", "--answer-after", "0.3", "--say-seconds-per-char", "0"],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=str(tmp_path), start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while "registered as ivr" not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the IVR worker did not register:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.05)
    yield log_path
    _stop(process)
    log.close()


def _place_call(
    kamailio_port: int, digits: str, tmp_path: Path, hold_ms: int = 2000
) -> subprocess.CompletedProcess:
    presses = "\n  ".join(
        f'<nop><action><exec play_dtmf="{digit}"/></action></nop>\n  <pause milliseconds="1000"/>'
        for digit in digits
    )
    scenario = (DATA / "sipp_ivr_call.xml").read_text().replace("@DIGITS@", presses)
    scenario = scenario.replace("@HOLD_MS@", str(hold_ms))
    (tmp_path / "call.xml").write_text(scenario)
    sip_port, media_port = _free_udp_ports(1)[0], _free_udp_ports(6)[0]
    return subprocess.run(
        ["sipp", "-sf", str(tmp_path / "call.xml"), "-m", "1", "-i", "127.0.0.1", "-p", str(sip_port),
         "-mp", str(media_port), f"127.0.0.1:{kamailio_port}", "-s", "ivr", "-nostdin", "-timeout", "30",
         "-trace_err", "-error_file", str(tmp_path / "sipp-errors.log")],
        capture_output=True, text=True, timeout=60, cwd=str(tmp_path),
    )  # fmt: skip


def test_a_sip_call_is_routed_recorded_and_counted(kamailio, worker, agent, org, monkeypatch, tmp_path):
    # The menus follow the real clock; make it opening hours whenever the suite runs.
    from erhvervskontakt.telephony import ivr

    monkeypatch.setattr(ivr, "hours_at", lambda moment=None: "open")
    started = time.monotonic()
    sipp = _place_call(kamailio, "21", tmp_path)
    assert sipp.returncode == 0, (sipp.stdout[-2000:], (tmp_path / "sipp-errors.log").read_text()[-2000:])

    deadline = time.monotonic() + 15
    while not Call.objects.filter(ended_at__isnull=False).exists():
        assert time.monotonic() < deadline, worker.read_text()[-3000:]
        time.sleep(0.1)
    elapsed = time.monotonic() - started
    call = Call.objects.get()
    assert call.from_normalized == "4520000001"  # SIPp's caller ID
    assert call.menu_path == "2 Bevillinger › 1 Alkoholbevilling", worker.read_text()[-4000:]
    assert call.queue == org.unit_b.code  # the route chosen by the digits 2, 1
    assert call.answered_by == agent and call.outcome == CallOutcome.ANSWERED
    assert 0 <= call.wait_seconds < 5 and call.handle_seconds > 0
    assert {e.kind for e in call.events.all()} >= {
        "newCall",
        "ivrStart",
        "menuChoice",
        "ivrRoute",
        "answer",
        "hangup",
    }

    statistics.recompute_touched()
    row = IntervalStatistic.objects.get(queue=org.unit_b.code)
    assert (row.offered, row.answered, row.abandoned, row.answered_within_target) == (1, 1, 0, 1)
    assert row.total_handle_seconds == pytest.approx(call.handle_seconds)
    print(f"SIP call end to end: {elapsed:.1f} s")
