"""The form engine validates every field type server-side with a message a business understands,
and ignores fields whose condition is not met."""

import datetime as dt

import pytest
import time_machine
from django.http import QueryDict

from erhvervskontakt.portal.forms_engine import clean_text, clean_value, display_value, validate
from erhvervskontakt.portal.forms_schema import parse_schema
from erhvervskontakt.portal.forms_spec import FieldSpec, Option
from erhvervskontakt.portal.uploads import UploadRejected, check_upload, safe_filename
from tests.portal.conftest import EXE, PDF, PNG, docx_bytes

TODAY = dt.datetime(2026, 6, 10, 10, 0, tzinfo=dt.UTC)


def field(type_, **extra) -> FieldSpec:
    return FieldSpec(name="x", type=type_, label="X", **extra)


def error_of(spec: FieldSpec, raw) -> str:
    try:
        clean_value(spec, raw, topic_codes={"udeservering"})
    except Exception as exc:  # noqa: BLE001 - the test reads the message
        return " ".join(getattr(exc, "messages", [str(exc)]))
    return ""


@pytest.mark.parametrize(
    ("raw", "value"),
    [("12", 12), ("12,5", 12.5), ("1.250,5", 1250.5), (" 7 ", 7), ("0,25", 0.25)],
)
def test_numbers_accept_danish_decimal_commas(raw, value):
    assert clean_value(field("number", decimals=2), raw) == value


@pytest.mark.parametrize(
    ("spec", "raw", "fragment"),
    [
        (field("number"), "tolv", "Write a number"),
        (field("number"), "NaN", "Write a number"),
        (field("number", decimals=0), "2,5", "whole number"),
        (field("number", decimals=1), "2,55", "at most 1 decimals"),
        (field("number", min=1), "0", "at least 1"),
        (field("number", max=500), "501", "at most 500"),
        (field("text", required=True), "  ", "required"),
        (field("text", max_length=5), "abcdef", "at most 5 characters (you wrote 6)"),
        (field("email"), "not-an-email", "email address"),
        (field("phone"), "12", "at least 8 digits"),
        (field("phone"), "33 66 abc 33", "at least 8 digits"),
        (field("cvr"), "12345678", "check digit"),
        (field("cvr"), "1234", "8 digits"),
        (field("date"), "31-02-2026", "dd-mm-yyyy"),
        (field("select", options=(Option("a", "A"),)), "b", "Choose one of the options"),
        (field("radio", options=(Option("a", "A"),), required=True), "", "required"),
        (field("checkbox", options=(Option("a", "A"),), required=True), [], "at least one"),
        (field("checkbox", options=(Option("a", "A"),)), ["evil"], "from the list"),
        (field("checkbox", required=True), "", "tick this box"),
        (field("topic"), "findes-ikke", "topic from the list"),
        (field("address", required=True), {"street": "", "postcode": "", "city": ""}, "required"),
        (field("address"), {"street": "Vesterbrogade 1", "postcode": "16", "city": ""}, "postcode"),
        (field("address"), {"street": "", "postcode": "1620", "city": ""}, "street"),
        (field("daterange"), {"from": "2026-07-10", "to": ""}, "both"),
        (field("daterange"), {"from": "2026-07-10", "to": "2026-07-01"}, "on or after"),
        (field("daterange", max_days=7), {"from": "2026-07-01", "to": "2026-07-10"}, "at most 7 days"),
    ],
)
def test_each_type_refuses_bad_input_with_a_clear_message(spec, raw, fragment):
    assert fragment in error_of(spec, raw)


@time_machine.travel(TODAY, tick=False)
def test_dates_accept_danish_formats_and_respect_the_window():
    spec = field("date", min_days_ahead=0, max_days_ahead=30)
    assert clean_value(spec, "24-06-2026") == "2026-06-24"
    assert clean_value(spec, "24.06.2026") == "2026-06-24"
    assert clean_value(spec, "2026-06-24") == "2026-06-24"
    assert "10-06-2026 or later" in error_of(spec, "09-06-2026")
    assert "10-07-2026 or earlier" in error_of(spec, "2026-07-11")


def test_valid_values_are_normalised():
    assert clean_value(field("cvr"), "DK 1358 5628") == "13585628"
    assert clean_value(field("address"), {"street": "Nørrebrogade 3", "postcode": "2200", "city": ""}) == {
        "street": "Nørrebrogade 3",
        "postcode": "2200",
        "city": "København",
    }
    assert clean_value(field("daterange"), {"from": "01-07-2026", "to": "03-07-2026"}) == {
        "from": "2026-07-01",
        "to": "2026-07-03",
    }
    assert clean_value(field("checkbox"), "on") is True
    assert clean_value(field("topic"), "udeservering", topic_codes={"udeservering"}) == "udeservering"


def test_control_characters_are_stripped():
    assert clean_text("a\x00b\x07c\nd\te") == "abc\nd\te"


SCHEMA = {
    "kind": "application",
    "contact": {"email": "optional", "phone": "optional", "company": "hidden"},
    "sections": [
        {
            "title": "S",
            "fields": [
                {
                    "name": "kind",
                    "type": "radio",
                    "label": "Type",
                    "required": True,
                    "options": [{"value": "container", "label": "C"}, {"value": "crane", "label": "K"}],
                },
                {
                    "name": "count",
                    "type": "number",
                    "label": "Antal",
                    "required": True,
                    "show_if": {"field": "kind", "equals": "container"},
                },
                {"name": "note", "type": "textarea", "label": "Note"},
            ],
        }
    ],
}


def post(**data) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            q.setlist(key, value)
        else:
            q[key] = value
    return q


def test_hidden_required_fields_do_not_block_and_are_dropped():
    spec = parse_schema(SCHEMA)
    result = validate(spec, post(kind="crane", count="", contact_name="Bo"), None)
    assert result.ok, result.errors
    assert "count" not in result.cleaned and "count" not in result.visible


def test_shown_conditional_fields_are_validated():
    spec = parse_schema(SCHEMA)
    result = validate(spec, post(kind="container", count="", contact_name="Bo"), None)
    assert result.errors == {"count": "This field is required."}
    assert result.raw["kind"] == "container"


def test_everything_typed_is_kept_in_raw_even_when_invalid():
    spec = parse_schema(SCHEMA)
    result = validate(spec, post(kind="container", count="tolv", note="Hej\x00", contact_name=""), None)
    assert not result.ok
    assert result.raw["count"] == "tolv" and result.raw["note"] == "Hej"
    assert set(result.errors) == {"count", "contact_name"}


def test_display_values_are_readable_in_danish():
    area = FieldSpec(name="a", type="number", label="Areal", unit="m²", decimals=1)
    assert display_value(area, 12.5) == "12,5 m²"
    period = field("daterange")
    assert display_value(period, {"from": "2026-07-01", "to": "2026-07-03"}) == "01-07-2026 – 03-07-2026"
    yes_no = field("checkbox")
    assert display_value(yes_no, True) == "Ja"


# --- content checks ---------------------------------------------------------------------------

ACCEPT = ("pdf", "png", "jpg", "docx")


def test_a_real_pdf_is_accepted():
    checked = check_upload("tegning.pdf", PDF, accept=ACCEPT, max_bytes=10_000)
    assert checked.content_type == "application/pdf" and checked.size == len(PDF)


def test_a_program_named_pdf_is_refused_by_content():
    with pytest.raises(UploadRejected) as excinfo:
        check_upload("tegning.pdf", EXE, accept=ACCEPT, max_bytes=10_000)
    assert "Windows program" in str(excinfo.value)


def test_a_png_named_pdf_is_refused():
    with pytest.raises(UploadRejected, match="named .pdf"):
        check_upload("scan.pdf", PNG, accept=ACCEPT, max_bytes=10_000)


def test_office_documents_are_checked_inside_the_zip():
    assert check_upload("brev.docx", docx_bytes(), accept=ACCEPT, max_bytes=10_000).kind == "docx"
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", EXE)
    with pytest.raises(UploadRejected):
        check_upload("brev.docx", buffer.getvalue(), accept=ACCEPT, max_bytes=10_000)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("a.pdf", b"", "empty"),
        ("a.pdf", PDF * 1000, "too large"),
        ("a.exe", EXE, "not an accepted type"),
        ("a.gif", b"GIF89a" + b"\x00" * 20, "not an accepted type"),
        ("noextension", PDF, "not an accepted type"),
    ],
)
def test_uploads_are_limited_in_type_and_size(name, content, fragment):
    with pytest.raises(UploadRejected, match=fragment):
        check_upload(name, content, accept=ACCEPT, max_bytes=10_000)


def test_file_names_are_made_safe():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("C:\\Users\\x\\tegning.pdf") == "tegning.pdf"
    assert safe_filename("a\x00b<>.pdf") == "ab.pdf"
    assert safe_filename("") == "document"
    assert len(safe_filename("x" * 300 + ".pdf")) == 150 and safe_filename("x" * 300 + ".pdf").endswith(
        ".pdf"
    )
