"""The IMAP poller against a real Dovecot: marks after commit, survives drops, never duplicates."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.mail.config import parse_mailboxes
from erhvervskontakt.mail.imap import poll_all, poll_mailbox
from erhvervskontakt.mail.ingest import retry
from erhvervskontakt.mail.models import InboundMessage, InboundStatus, MailboxState, RawMessage
from erhvervskontakt.mail.rawstore import open_raw
from tests.mail.conftest import eml, make_email

pytestmark = [pytest.mark.services]


def corpus_messages(n: int) -> list[bytes]:
    topics = ["udeservering og borde", "et A-skilt", "alkoholbevilling", "miljøgodkendelse"]
    return [
        make_email(
            subject=f"Spørgsmål {i}",
            body=f"Hej, vi har et spørgsmål om {topics[i % 4]}.",
            sender=f"b{i}@firma.test",
        )
        for i in range(n)
    ]


@pytest.mark.django_db
def test_poll_ingests_marks_done_and_is_idempotent(mail_world, mailbox):
    mailbox.append(eml("latin1.eml"), eml("nested_multipart.eml"), eml("garbage.eml"), eml("newsletter.eml"))
    result = poll_mailbox(mailbox.config)
    assert result.error == ""
    assert result.fetched == 4 and result.marked == 4
    assert result.statuses == {
        InboundStatus.NEW_INQUIRY: 2,
        InboundStatus.QUARANTINED: 1,
        InboundStatus.AUTOMATIC: 1,
    }
    assert mailbox.pending() == []  # everything marked, the quarantined one too
    assert len(mailbox.uids()) == 4  # nothing deleted from the shared mailbox
    again = poll_mailbox(mailbox.config)
    assert again.fetched == 0 and Inquiry.objects.count() == 2
    state = MailboxState.objects.get(name=mailbox.config.name)
    assert state.uidvalidity and state.last_uid == max(mailbox.uids()) and state.last_error == ""
    stored = InboundMessage.objects.get(message_id="<latin1-0001@cafe-oesterbro.test>")
    assert (stored.mailbox, stored.uidvalidity) == (mailbox.config.name, state.uidvalidity)
    assert stored.received_at is not None


@pytest.mark.django_db
def test_move_mode_moves_handled_mail(mail_world, dovecot, settings):
    from tests.mail.conftest import Mailbox

    box = Mailbox(dovecot, "MoveMe", settings, done="move:MoveMe-done")
    box.append(eml("latin1.eml"))
    assert poll_mailbox(box.config).fetched == 1
    assert box.uids() == []
    client = dovecot.client()
    client.select_folder("MoveMe-done", readonly=True)
    assert len(client.search(["ALL"])) == 1
    client.logout()


@pytest.mark.django_db
def test_connection_dropped_between_commit_and_mark(mail_world, mailbox, dovecot):
    """The server drops us after a message is committed but before it is marked: nothing lost or doubled."""
    mailbox.append(*corpus_messages(5))
    calls = []

    def drop_after_second(uid, result):
        calls.append(uid)
        if len(calls) == 2:
            dovecot.kick()  # the server ends our IMAP session mid-run

    first = poll_mailbox(mailbox.config, after_ingest=drop_after_second)
    assert first.error  # the run stopped on the dropped connection
    committed = Inquiry.objects.count()
    assert committed >= 2
    assert len(mailbox.pending()) == 5  # committed, but none marked yet (marking is per chunk)
    second = poll_mailbox(mailbox.config)
    assert second.error == ""
    assert second.marked == 5 and second.fetched == 5 - committed
    assert Inquiry.objects.count() == 5 and InboundMessage.objects.count() == 5
    assert mailbox.pending() == []


@pytest.mark.django_db
def test_dovecot_stopped_between_fetch_and_mark_then_restarted(mail_world, mailbox, dovecot):
    mailbox.append(*corpus_messages(4))

    handled = []

    def stop_server(uid, result):
        # After the third is handled (runs of new inquiries are committed together: maybe all four).
        handled.append(uid)
        if len(handled) == 3:
            dovecot.kick()  # end the session now (stopping the master lets running sessions finish)
            dovecot.stop()

    try:
        first = poll_mailbox(mailbox.config, after_ingest=stop_server)
    finally:
        dovecot.start()
    # The whole chunk was already fetched: all four were committed, none could be marked.
    assert first.error and first.marked == 0 and Inquiry.objects.count() == 4
    second = poll_mailbox(mailbox.config)
    assert second.error == "" and second.marked == 4 and second.fetched == 0
    assert Inquiry.objects.count() == 4 and mailbox.pending() == []


@pytest.mark.django_db
def test_dovecot_down_then_back(mail_world, mailbox, dovecot):
    mailbox.append(*corpus_messages(2))
    dovecot.stop()
    try:
        result = poll_mailbox(mailbox.config)
        assert "Connection refused" in result.error or "Error" in result.error
        assert MailboxState.objects.get(name=mailbox.config.name).last_error
    finally:
        dovecot.start()
    assert poll_mailbox(mailbox.config).fetched == 2
    assert MailboxState.objects.get(name=mailbox.config.name).last_error == ""


@pytest.mark.django_db
def test_stale_uidvalidity_is_recorded(mail_world, mailbox):
    mailbox.append(eml("latin1.eml"))
    poll_mailbox(mailbox.config)
    MailboxState.objects.filter(name=mailbox.config.name).update(uidvalidity=1)
    mailbox.append(eml("latin1.eml"))  # the same message again (e.g. restored from a backup)
    result = poll_mailbox(mailbox.config)
    assert result.statuses == {"duplicate": 1}
    assert Inquiry.objects.count() == 1


@pytest.mark.django_db
def test_lease_lets_only_one_poller_work_a_mailbox(mail_world, mailbox):
    mailbox.append(eml("latin1.eml"))
    from erhvervskontakt.mail.imap import _claim

    assert _claim(mailbox.config.name, "other-worker")
    assert poll_mailbox(mailbox.config).skipped
    assert Inquiry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_pollers_at_once_make_no_duplicates(mail_world, mailbox):
    """Two workers without the lease (the worst case) fetch the same messages at the same moment."""
    mailbox.append(*corpus_messages(12))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=10)
            results.append(poll_mailbox(mailbox.config, claim=False))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and all(r.error == "" for r in results), (errors, [r.error for r in results])
    assert Inquiry.objects.count() == 12 and InboundMessage.objects.count() == 12
    assert mailbox.pending() == []
    assert sum(r.statuses.get(InboundStatus.NEW_INQUIRY, 0) for r in results) == 12


@pytest.mark.django_db
def test_too_large_message_is_quarantined_with_headers_and_left_on_server(mail_world, mailbox, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 200_000
    mailbox.append(
        make_email(subject="Stor fil", attachments=[("plan.pdf", "application/pdf", b"%PDF" * 100_000)])
    )
    result = poll_mailbox(mailbox.config)
    assert result.statuses == {InboundStatus.QUARANTINED: 1}
    inbound = InboundMessage.objects.get()
    assert "exceeds MAIL_MAX_MESSAGE_BYTES" in inbound.reason
    assert len(mailbox.uids()) == 1 and mailbox.pending() == []
    assert b"plan.pdf" not in open_raw(inbound.raw.ciphertext)  # headers only
    # The administrator retries: the whole message is fetched from the server, whatever its size.
    result = retry(inbound)
    assert result.status == InboundStatus.NEW_INQUIRY
    inquiry = Inquiry.objects.get(reference=result.reference)
    assert inquiry.subject == "Stor fil" and inquiry.attachments.get().filename == "plan.pdf"
    inbound.refresh_from_db()
    assert (
        b"plan.pdf" in open_raw(RawMessage.objects.get(inbound=inbound).ciphertext) and inbound.size > 400_000
    )


@pytest.mark.django_db
def test_retry_of_a_headers_only_quarantine_when_the_message_is_gone(mail_world, mailbox, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 2000
    mailbox.append(make_email(body="x" * 5000))
    poll_mailbox(mailbox.config)
    inbound = InboundMessage.objects.get()
    settings.MAIL_IMAP_MAILBOXES = []
    assert retry(inbound).status == InboundStatus.QUARANTINED
    inbound.refresh_from_db()
    assert "no longer configured" in inbound.reason


@pytest.mark.django_db
def test_management_command_and_periodic_task(mail_world, mailbox, capsys):
    from erhvervskontakt.mail.tasks import poll_mailboxes

    mailbox.append(eml("latin1.eml"))
    call_command("poll_mail")
    assert "fetched 1" in capsys.readouterr().out
    mailbox.append(eml("cpr.eml"))
    (summary,) = poll_mailboxes.delay().get()
    assert summary["fetched"] == 1 and Inquiry.objects.count() == 2
    assert poll_all()[0].fetched == 0


def test_mailbox_urls_are_parsed_strictly():
    (box,) = parse_mailboxes(
        "imaps://erhverv%40kk.dk:p%40ss%2Cw@imap.kk.dk/INBOX?done=move:Behandlet&name=kk"
    )
    assert (box.host, box.port, box.username, box.password, box.ssl, box.move_to, box.name) == (
        "imap.kk.dk",
        993,
        "erhverv@kk.dk",
        "p@ss,w",
        True,
        "Behandlet",
        "kk",
    )
    assert "p@ss" not in repr(box)
    two = parse_mailboxes(
        '["imap://a:b@h1/INBOX?starttls=1", {"host": "h2", "username": "u", "password": "p"}]'
    )
    assert [b.host for b in two] == ["h1", "h2"] and two[0].starttls and two[1].port == 993
    assert parse_mailboxes("") == []
    for bad in (
        "http://u:p@h/INBOX",
        "imaps://h/INBOX",
        "imaps://u:p@h/INBOX?colour=blue",
        "imaps://u:p@h/INBOX?done=delete",
        "imaps://u:p@h/INBOX?done=move:INBOX",
        "imaps://u:p@h:99999/INBOX",
        '[{"host": "h", "username": "u", "password": "p", "folder": "INBOX", "typo": 1}]',
        "[not json",
        '{"host": "h"}',
        "imaps://u:p@h/INBOX?name=x imaps://u:p@h2/INBOX?name=x",
    ):
        with pytest.raises(ValueError):
            parse_mailboxes(bad)


def test_malformed_setting_stops_start_up():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "MAIL_IMAP_MAILBOXES": "imaps://nopassword@host/INBOX",
        "DJANGO_SETTINGS_MODULE": "erhvervskontakt.settings",
        "DEBUG": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode != 0 and "MAIL_IMAP_MAILBOXES is malformed" in out.stderr


@pytest.fixture(scope="module")
def dovecot_tls():
    from tests.conftest import require_service
    from tests.mail.servers import dovecot_available, start_dovecot

    require_service(
        "Dovecot", dovecot_available(), "the dovecot binary is missing (apt install dovecot-imapd)"
    )
    server = start_dovecot(tls=True)
    yield server
    server.stop(remove=True)


@pytest.mark.django_db
def test_imaps_verifies_the_server_certificate(mail_world, dovecot_tls, settings):
    (config,) = parse_mailboxes(dovecot_tls.url("INBOX", name="tls"))
    assert config.ssl and config.port == dovecot_tls.port
    settings.MAIL_IMAP_MAILBOXES = [config]
    dovecot_tls.append("INBOX", [eml("latin1.eml")])
    untrusted = poll_mailbox(config)  # a self-signed certificate the system does not trust
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.error and Inquiry.objects.count() == 0
    settings.MAIL_IMAP_CA_FILE = dovecot_tls.ca_file
    trusted = poll_mailbox(config)
    assert trusted.error == "" and trusted.fetched == 1 and Inquiry.objects.count() == 1
