"""python -m ivr_worker --sip-server 127.0.0.1:5060 --menu-url http://.../telephony/ivr/CODE/ ..."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from urllib.parse import urljoin


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ivr_worker", description=__doc__)
    parser.add_argument("--sip-server", required=True, help="registrar/proxy as HOST:PORT")
    parser.add_argument("--sip-user", default="ivr")
    parser.add_argument("--sip-password", default=os.environ.get("IVR_WORKER_SIP_PASSWORD", "ivr"))
    parser.add_argument("--my-ip", default="127.0.0.1", help="address to bind and announce")
    parser.add_argument("--sip-port", type=int, default=5062, help="local SIP port")
    parser.add_argument("--rtp-ports", default="10000-10100", help="local RTP port range LOW-HIGH")
    parser.add_argument("--menu-url", required=True, help="the menu's entry URL, .../telephony/ivr/CODE/")
    parser.add_argument("--cti-url", help="CTI endpoint (default: /telephony/cti/events/ on the menu's host)")
    parser.add_argument("--token", default=os.environ.get("IVR_WORKER_TOKEN", ""), help="integration token")
    parser.add_argument(
        "--signing-secret",
        default=os.environ.get("IVR_WORKER_SECRET", ""),
        help="sign menu requests (X-Twilio-Signature) instead of sending the token",
    )
    parser.add_argument("--agent-number", default="", help="simulate an agent answering queued calls")
    parser.add_argument("--answer-after", type=float, default=1.0, help="seconds before that agent answers")
    parser.add_argument("--say-seconds-per-char", type=float, default=0.06)
    parser.add_argument("--max-calls", type=int, help="exit after this many calls (tests)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stdout)

    from ivr_worker.client import Server
    from ivr_worker.sip import Worker, run

    host, _, port = args.sip_server.rpartition(":")
    low, _, high = args.rtp_ports.partition("-")
    server = Server(
        cti_url=args.cti_url or urljoin(args.menu_url, "/telephony/cti/events/"),
        token=args.token,
        secret=args.signing_secret,
    )
    worker = Worker(
        server=server,
        menu_url=args.menu_url,
        agent_number=args.agent_number,
        answer_after=args.answer_after,
        say_seconds_per_char=args.say_seconds_per_char,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(KeyboardInterrupt):
        run(sip_server=host, sip_port=int(port), user=args.sip_user, password=args.sip_password,
            my_ip=args.my_ip, local_port=args.sip_port, rtp_low=int(low), rtp_high=int(high),
            worker=worker, max_calls=args.max_calls)  # fmt: skip
    sys.stdout.flush()
    # pyVoIP leaves non-daemon timer threads behind; do not wait for them.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
