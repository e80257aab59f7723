"""Mailbox configuration parsed from the environment (``MAIL_IMAP_MAILBOXES``), strictly.

Settings import this module, so it must not import models or settings. Two forms are accepted:

* URLs separated by whitespace or newlines, or a JSON list of URLs:
  ``imaps://user:password@imap.example.dk:993/INBOX?done=move:Behandlet&name=erhverv``
  (user and password percent-encoded: ``erhverv%40kk.dk``);
* a JSON list of objects: ``[{"host": "...", "username": "...", "password_file": "/run/secrets/imap",
  "folder": "INBOX", "done": "flag"}]``.

A malformed value raises ``ValueError`` with the reason; settings turn it into ImproperlyConfigured.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

SCHEMES = {"imaps": (True, 993), "imap": (False, 143)}
_FOLDER_OK = re.compile(r"^[^\x00-\x1f*%]{1,200}$")
_KEYS = {"name", "host", "port", "username", "password", "password_file", "folder", "ssl", "starttls", "done"}


@dataclass(frozen=True)
class MailboxConfig:
    """One IMAP mailbox to poll and how to mark a handled message.

    ``done`` is ``"flag"`` (set the ``$Erhvervskontakt`` keyword and \\Seen; messages stay in place)
    or ``"move:<folder>"`` (move handled messages to that folder).
    """

    name: str
    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    ssl: bool = True
    starttls: bool = False
    done: str = "flag"

    @property
    def move_to(self) -> str:
        return self.done.split(":", 1)[1] if self.done.startswith("move:") else ""

    def __repr__(self) -> str:  # never print the password
        return f"MailboxConfig(name={self.name!r}, host={self.host!r}, folder={self.folder!r})"


def _bool(value, key: str) -> bool:
    if isinstance(value, bool):
        return value
    low = str(value).strip().lower()
    if low in ("1", "true", "yes", "on"):
        return True
    if low in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{key} must be a boolean, not {value!r}")


def _check(config: MailboxConfig) -> MailboxConfig:
    if not config.host or any(c in config.host for c in "/ @"):
        raise ValueError(f"mailbox {config.name!r}: a host is required")
    if not 0 < config.port < 65536:
        raise ValueError(f"mailbox {config.name!r}: port {config.port} is out of range")
    if not config.username or not config.password:
        raise ValueError(f"mailbox {config.name!r}: username and password are required")
    if not _FOLDER_OK.match(config.folder):
        raise ValueError(f"mailbox {config.name!r}: folder {config.folder!r} is not a valid folder name")
    if config.done != "flag":
        target = config.move_to
        if not target or not _FOLDER_OK.match(target):
            raise ValueError(f"mailbox {config.name!r}: done must be 'flag' or 'move:<folder>'")
        if target == config.folder:
            raise ValueError(f"mailbox {config.name!r}: cannot move handled mail into the polled folder")
    if config.ssl and config.starttls:
        raise ValueError(f"mailbox {config.name!r}: use imaps:// or starttls, not both")
    return config


def _from_url(text: str) -> MailboxConfig:
    parts = urlsplit(text.strip())
    if parts.scheme not in SCHEMES:
        raise ValueError(f"{_redact(text)!r}: scheme must be imaps:// or imap://")
    ssl, default_port = SCHEMES[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ValueError(f"{_redact(text)!r}: bad port") from exc
    query = dict(parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query)))
    unknown = set(query) - {"done", "name", "starttls"}
    if unknown:
        raise ValueError(f"{_redact(text)!r}: unknown parameter(s) {', '.join(sorted(unknown))}")
    username = unquote(parts.username or "")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    host = parts.hostname or ""
    return _check(
        MailboxConfig(
            name=query.get("name") or f"{username}@{host}/{folder}",
            host=host,
            port=port,
            username=username,
            password=unquote(parts.password or ""),
            folder=folder,
            ssl=ssl,
            starttls=_bool(query.get("starttls", "0"), "starttls"),
            done=query.get("done") or "flag",
        )
    )


def _from_object(obj: dict) -> MailboxConfig:
    unknown = set(obj) - _KEYS
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))} in mailbox {obj.get('name', '')!r}")
    password = obj.get("password", "")
    if obj.get("password_file"):
        if password:
            raise ValueError("give password or password_file, not both")
        try:
            with open(obj["password_file"], encoding="utf-8") as fh:
                password = fh.read().strip()
        except OSError as exc:
            raise ValueError(f"password_file cannot be read: {exc}") from exc
    ssl = _bool(obj.get("ssl", True), "ssl")
    try:
        port = int(obj.get("port", 993 if ssl else 143))
    except (TypeError, ValueError) as exc:
        raise ValueError("port must be a number") from exc
    username = str(obj.get("username", ""))
    host = str(obj.get("host", ""))
    folder = str(obj.get("folder", "INBOX"))
    return _check(
        MailboxConfig(
            name=str(obj.get("name") or f"{username}@{host}/{folder}"),
            host=host,
            port=port,
            username=username,
            password=str(password),
            folder=folder,
            ssl=ssl,
            starttls=_bool(obj.get("starttls", False), "starttls"),
            done=str(obj.get("done", "flag")),
        )
    )


def _redact(text: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)


def parse_mailboxes(value: str | None) -> list[MailboxConfig]:
    """Parse ``MAIL_IMAP_MAILBOXES``; empty means no polling. Raises ValueError when malformed."""
    text = (value or "").strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not valid JSON: {exc.msg} at position {exc.pos}") from exc
        if not isinstance(items, list):
            raise ValueError("the JSON value must be a list")
        configs = []
        for item in items:
            if isinstance(item, str):
                configs.append(_from_url(item))
            elif isinstance(item, dict):
                configs.append(_from_object(item))
            else:
                raise ValueError("each mailbox must be a URL string or an object")
    else:
        configs = [_from_url(item) for item in text.split()]
    names = [c.name for c in configs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"mailbox names must be unique; repeated: {', '.join(duplicates)}")
    return configs
