"""The pure parts: CPR masking, charset decoding, quote trimming, automatic-mail recognition."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from erhvervskontakt.mail.automatic import AUTO_REPLY, BOUNCE, BULK, classify
from erhvervskontakt.mail.bodies import decode_bytes, guess_language, html_to_text, trim_quoted
from erhvervskontakt.mail.cpr import find_cpr, mask_cpr
from erhvervskontakt.mail.parsing import Unparseable, parse_message
from tests.mail.conftest import eml, make_email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CPR 010190-1234.", "CPR XXXXXX-XXXX."),
        ("cpr:0101901234", "cpr:XXXXXX-XXXX"),
        ("født 311285 4321", "født XXXXXX-XXXX"),
        ("290200-4123 (år 2000, skudår)", "XXXXXX-XXXX (år 2000, skudår)"),
        ("2902011234 er ikke en dato", "2902011234 er ikke en dato"),
        ("ordre 1234567890", "ordre 1234567890"),
        ("EAN 5798009811578", "EAN 5798009811578"),
        ("telefon 33663366, CVR 13585628", "telefon 33663366, CVR 13585628"),
        ("konto 12-0101901234-5", "konto 12-0101901234-5"),
        ("", ""),
    ],
)
def test_cpr_masking(text, expected):
    assert mask_cpr(text) == expected


def test_future_birth_dates_are_not_cpr_numbers():
    with time_machine.travel(dt.datetime(2026, 11, 28, tzinfo=dt.UTC)):
        assert find_cpr("010127-4123") == []  # 7th digit 4 and year 27: 2027, in the future
        assert find_cpr("010126-4123") == ["010126-4123"]


@pytest.mark.parametrize(
    ("data", "charset", "text", "defect"),
    [
        ("blåbær".encode(), "utf-8", "blåbær", ""),
        ("blåbær".encode("latin-1"), "iso-8859-1", "blåbær", ""),
        ("blåbær".encode("latin-1"), "utf-8", "bl\ufffdb\ufffdr", "invalid UTF-8"),
        ("blåbær".encode("latin-1"), None, "blåbær", ""),
        ("blåbær".encode(), "us-ascii", "blåbær", ""),  # mislabelled: really UTF-8
        ("€ 100".encode("cp1252"), "iso-8859-1", "€ 100", ""),
        (b"caf\xe9", "x-unknown", "café", "unknown charset 'x-unknown'"),
        ("Grüße".encode("iso-8859-15"), "iso-8859-15", "Grüße", ""),
    ],
)
def test_decoding_never_fails(data, charset, text, defect):
    assert decode_bytes(data, charset) == (text, defect)


def test_trim_quoted_history():
    gmail = "Tak!\n\nOn Mon, 23 Nov 2026 at 10:00, Erhvervskontakt <erhverv@kk.dk> wrote:\n> Hej\n> Mvh"
    assert trim_quoted(gmail) == "Tak!"
    wrapped = "Ja.\n\nDen man. 23. nov. 2026 kl. 10.00 skrev Erhvervskontakt <\nerhverv@kk.dk>:\n\n> Hej"
    assert trim_quoted(wrapped) == "Ja."
    outlook = "OK\n\n-----Original Message-----\nFrom: x\nSent: y\n\nHej"
    assert trim_quoted(outlook) == "OK"
    inline = "> Hvad er jeres adresse?\nNørregade 1\n> Og telefon?\n33 66 33 66"
    assert trim_quoted(inline) == inline  # answers between quotes: keep everything
    forward = "FYI\n\nFrom: Politiet\nSent: i går\nTo: os\n\nUdtalelse"
    assert trim_quoted(forward, subject="VS: Udtalelse") == forward
    assert trim_quoted(forward, subject="SV: Udtalelse") == "FYI"


def test_html_to_text_drops_scripts_and_keeps_structure():
    html = (
        "<html><head><style>p{}</style><script>x()</script></head><body><p>Hej</p><p>A&amp;B<br>C</p></body>"
    )
    assert html_to_text(html) == "Hej\n\nA&B\nC"


def test_sanitised_html_loads_nothing_remote():
    from erhvervskontakt.mail.bodies import sanitize_html

    html = (
        '<p>Hej</p><img src="https://tracker.test/p.gif"><img src="cid:logo@x"><a href="https://kk.dk">kk</a>'
    )
    clean = sanitize_html(html)
    assert "tracker.test" not in clean and 'src="cid:logo@x"' in clean and 'href="https://kk.dk"' in clean


def test_language_guess():
    assert guess_language("Hello, we would like to open a café. Kind regards") == "en"
    assert guess_language("Hej, vi vil gerne åbne en café. Mvh") == "da"
    assert guess_language("") == "da"


def test_classification_of_automatic_mail():
    assert classify(parse_message(eml("bounce.eml"))).kind == BOUNCE
    assert classify(parse_message(eml("bounce_plain.eml"))).kind == BOUNCE
    assert classify(parse_message(eml("out_of_office.eml"))).kind == AUTO_REPLY
    assert classify(parse_message(eml("newsletter.eml"))).kind == BULK
    assert not classify(parse_message(eml("latin1.eml")))
    for headers in ({"X-Autoreply": "yes"}, {"X-Autorespond": "1"}, {"Precedence": "auto_reply"}):
        assert classify(parse_message(make_email(headers=headers))).kind == AUTO_REPLY
    assert classify(parse_message(make_email(subject="Out of Office: ferie"))).kind == AUTO_REPLY
    assert classify(parse_message(make_email(headers={"Precedence": "junk"}))).kind == BULK
    assert not classify(parse_message(make_email(headers={"Auto-Submitted": "no"})))
    noreply = classify(parse_message(make_email(sender="noreply@system.test")))
    assert not noreply and noreply.suppress_receipt


def test_headers_and_addresses_survive_abuse():
    raw = (
        b"From: =?utf-8?B?broken?= <not an address>, M\xf8ller <moller@firma.test>\r\n"
        b"Subject: =?x-bogus?Q?Hej?= verden\r\nMessage-ID: no-angle@brackets.test\r\n"
        b"Date: not a date\r\nReferences: <a@b> garbage <c@d>\r\n\r\nbody"
    )
    parsed = parse_message(raw)
    assert parsed.sender_email == "moller@firma.test"
    assert "verden" in parsed.subject
    assert parsed.message_id == "<no-angle@brackets.test>"
    assert parsed.date is None and parsed.references == ("<a@b>", "<c@d>")


def test_deep_nesting_is_bounded():
    inner = b"Content-Type: text/plain\r\n\r\nbunden\r\n"
    for depth in range(40):
        boundary = f"b{depth}".encode()
        inner = (
            b'Content-Type: multipart/mixed; boundary="'
            + boundary
            + b'"\r\n\r\n--'
            + boundary
            + b"\r\n"
            + inner
            + b"\r\n--"
            + boundary
            + b"--\r\n"
        )
    parsed = parse_message(b"From: a@b.test\r\nSubject: dyb\r\n" + inner)
    assert any("too deep" in d for d in parsed.defects)


@pytest.mark.parametrize("raw", [b"", b"   \r\n", eml("garbage.eml")])
def test_not_an_email(raw):
    with pytest.raises(Unparseable):
        parse_message(raw)
