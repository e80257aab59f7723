"""Real throw-away mail servers for tests and the benchmark: Dovecot (IMAP) and aiosmtpd (SMTP).

Dovecot runs as root on a loopback port with its login and internal processes under Dovecot's
own users (``imap-login`` refuses root), everything under one temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"
USER = "erhverv@example.test"
PASSWORD = "secret"  # noqa: S105 - a throw-away test server on loopback

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
info_log_path = {d}/dovecot.log
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_max_userip_connections = 100
imap_max_line_length = 1M
service imap-login {{
  inet_listener {listener} {{
    address = 127.0.0.1
    port = {port}{listener_ssl}
  }}
  process_min_avail = 2
}}
service imap {{
  process_limit = 100
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
"""


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT) and os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, *, up: bool, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                if up:
                    return
        except OSError:
            if not up:
                return
        time.sleep(0.05)
    raise TimeoutError(f"port {port} did not come {'up' if up else 'down'}")


@dataclass
class Dovecot:
    """A running throw-away Dovecot; ``url(folder)`` is a MAIL_IMAP_MAILBOXES entry for it."""

    root: str
    port: int = field(default_factory=free_port)
    tls: bool = False  # IMAPS with a throw-away certificate (``ca_file`` trusts it)

    @property
    def ca_file(self) -> str:
        return os.path.join(self.root, "cert.pem")

    @property
    def conf(self) -> str:
        return os.path.join(self.root, "dovecot.conf")

    def start(self) -> Dovecot:
        for sub in ("run", "state", "mail"):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        os.chmod(self.root, 0o755)  # noqa: S103 - Dovecot's own users must reach the mail folder
        if self.tls:
            _write_certificate(self.root)
            ssl = f"ssl = required\nssl_cert = <{self.root}/cert.pem\nssl_key = <{self.root}/key.pem"
        else:
            ssl = "ssl = no"
        with open(self.conf, "w") as fh:
            fh.write(
                CONFIG.format(
                    d=self.root,
                    port=self.port,
                    ssl=ssl,
                    listener="imaps" if self.tls else "imap",
                    listener_ssl="\n    ssl = yes" if self.tls else "",
                )
            )
        with open(os.path.join(self.root, "users"), "w") as fh:
            fh.write(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        shutil.chown(os.path.join(self.root, "mail"), "dovecot", "dovecot")
        subprocess.run([DOVECOT, "-c", self.conf], check=True)
        _wait_port(self.port, up=True)
        return self

    def stop(self, *, remove: bool = False) -> None:
        subprocess.run([DOVECOT, "-c", self.conf, "stop"], check=False, capture_output=True)
        with contextlib.suppress(TimeoutError):
            _wait_port(self.port, up=False)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def kick(self) -> None:
        """Drop every IMAP connection of the test user, as a server restart would.

        Returns once the server counts no connection of the user any more: ``doveadm kick`` only
        signals the sessions, and a client that sends its next command at once could still be
        answered (the poller marks a chunk right after committing it).
        """
        subprocess.run([DOVEADM, "-c", self.conf, "kick", USER], check=False, capture_output=True)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            who = subprocess.run(
                [DOVEADM, "-c", self.conf, "who", "-1", USER], check=False, capture_output=True, text=True
            )
            if USER not in who.stdout:
                return
            time.sleep(0.05)

    def url(self, folder: str = "INBOX", **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        scheme = "imaps" if self.tls else "imap"
        host = "localhost" if self.tls else "127.0.0.1"  # the certificate's name
        return f"{scheme}://{USER.replace('@', '%40')}:{PASSWORD}@{host}:{self.port}/{folder}" + (
            f"?{query}" if query else ""
        )

    def client(self):
        from imapclient import IMAPClient

        if self.tls:
            import ssl

            context = ssl.create_default_context(cafile=self.ca_file)
            client = IMAPClient("localhost", port=self.port, ssl=True, ssl_context=context, timeout=30)
        else:
            client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=30)
        client.login(USER, PASSWORD)
        return client

    def append(self, folder: str, messages: list[bytes]) -> None:
        with contextlib.closing(_Logout(self.client())) as holder:
            client = holder.client
            if not client.folder_exists(folder):
                client.create_folder(folder)
            for raw in messages:
                client.append(folder, raw)


class _Logout:
    def __init__(self, client):
        self.client = client

    def close(self):
        with contextlib.suppress(Exception):
            self.client.logout()


def start_dovecot(*, tls: bool = False) -> Dovecot:
    root = tempfile.mkdtemp(prefix="ekdv")  # short: Dovecot's socket paths must stay < 108 bytes
    return Dovecot(root=root, tls=tls).start()


def _write_certificate(root: str) -> None:
    """A self-signed certificate for localhost/127.0.0.1, valid for a day (tests trust it explicitly)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with open(os.path.join(root, "cert.pem"), "wb") as fh:
        fh.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(root, "key.pem"), "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    os.chmod(os.path.join(root, "key.pem"), 0o600)


class SmtpCapture:
    """An aiosmtpd server on loopback that keeps every message it accepts; can be stopped and restarted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[dict] = []
        self.refuse: set[str] = set()  # recipients answered with 550
        self._lock = threading.Lock()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refuse:
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.messages.append(
                {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "data": envelope.content}
            )
        return "250 OK"

    def start(self) -> SmtpCapture:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None
