"""The form engine: read what a business posted, decide which fields apply, validate each one.

Everything typed is kept as ``raw`` (strings, exactly as typed) so a page with errors shows it
again unchanged; ``cleaned`` holds the validated values that go into the inquiry. Fields whose
``show_if`` condition is not met are ignored, so a hidden required field never blocks a business.
Uploaded files are checked by content here; storing them in the draft is the caller's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erhvervskontakt.businesses.identifiers import clean_cvr
from erhvervskontakt.core import clock
from erhvervskontakt.portal.forms_spec import FieldSpec, FormSpec, Section
from erhvervskontakt.portal.uploads import CheckedFile, UploadRejected, check_upload, read_upload

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PHONE = re.compile(r"^\+?[\d\s().-]{8,25}$")
_POSTCODE = re.compile(r"^\d{4}$")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y", "%d.%m.%y")
# What a raw value may hold at most before validation: protects drafts from megabytes of text.
RAW_CAP = 25000


def _text(label_da: str, label_en: str) -> dict[str, str]:
    return {"da": label_da, "en": label_en}


def contact_section(spec: FormSpec) -> Section:
    """The built-in "About you" section every form ends with; the modes come from ``contact``."""
    mode = spec.contact
    fields = [
        FieldSpec(
            name="contact_name",
            type="text",
            label=_text("Dit navn", "Your name"),
            required=True,
            max_length=200,
            autocomplete="name",
        ),
    ]
    if mode["company"] != "hidden":
        fields += [
            FieldSpec(
                name="contact_company",
                type="text",
                label=_text("Virksomhedens navn", "Name of the business"),
                required=mode["company"] == "required",
                max_length=200,
                autocomplete="organization",
            ),
            FieldSpec(
                name="contact_cvr",
                type="cvr",
                label=_text("CVR-nummer", "CVR number"),
                help=_text(
                    "8 cifre. Har virksomheden ikke et endnu, så lad feltet stå tomt.",
                    "8 digits. If the business does not have one yet, leave it empty.",
                ),
                required=mode["company"] == "required",
            ),
        ]
    if mode["email"] != "hidden":
        fields.append(
            FieldSpec(
                name="contact_email",
                type="email",
                label=_text("E-mail", "Email"),
                help=_text(
                    "Vi sender kvitteringen og svaret hertil.", "We send the receipt and our answer here."
                ),
                required=mode["email"] == "required",
                autocomplete="email",
            )
        )
    if mode["phone"] != "hidden":
        fields.append(
            FieldSpec(
                name="contact_phone",
                type="phone",
                label=_text("Telefonnummer", "Phone number"),
                required=mode["phone"] == "required",
                autocomplete="tel",
            )
        )
    return Section(title=_text("Om dig", "About you"), intro=None, fields=tuple(fields))


def all_sections(spec: FormSpec) -> list[Section]:
    # An empty ``contact`` (only built in code, e.g. the survey) means: no "About you" section.
    return [*spec.sections, contact_section(spec)] if spec.contact else list(spec.sections)


def all_fields(spec: FormSpec) -> list[FieldSpec]:
    return [f for section in all_sections(spec) for f in section.fields]


def clean_text(value: Any) -> str:
    """Text without NUL and other control characters (PostgreSQL refuses NUL), capped."""
    return _CONTROL.sub("", str(value or ""))[:RAW_CAP]


# --- reading what was posted --------------------------------------------------------------


def read_raw(fields: list[FieldSpec], post) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for f in fields:
        if f.type == "file":
            continue
        if f.type == "checkbox":
            raw[f.name] = (
                [clean_text(v)[:100] for v in post.getlist(f.name)][:50]
                if f.options
                else ("on" if post.get(f.name) else "")
            )
        elif f.type == "daterange":
            raw[f.name] = {
                part: clean_text(post.get(f"{f.name}__{part}", ""))[:40] for part in ("from", "to")
            }
        elif f.type == "address":
            raw[f.name] = {
                part: clean_text(post.get(f"{f.name}__{part}", ""))[:200]
                for part in ("street", "postcode", "city")
            }
        else:
            raw[f.name] = clean_text(post.get(f.name, ""))
    return raw


def is_visible(f: FieldSpec, raw: dict[str, Any], by_name: dict[str, FieldSpec]) -> bool:
    """Whether a field applies, given the answers so far (conditions may chain)."""
    condition = f.show_if
    if condition is None:
        return True
    target = by_name.get(condition.field)
    if target is None or not is_visible(target, raw, by_name):
        return False
    value = raw.get(condition.field)
    chosen = value if isinstance(value, list) else [value]
    return any(v in condition.values for v in chosen if v)


# --- validating one value ------------------------------------------------------------------

REQUIRED = gettext_lazy("This field is required.")


def parse_date(value: str) -> dt.date:
    value = (value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise ValidationError(_("Write the date as dd-mm-yyyy, for example 24-06-2026."))


def _check_date_window(f: FieldSpec, day: dt.date) -> None:
    today = clock.today()
    if f.min_days_ahead is not None and day < today + dt.timedelta(days=f.min_days_ahead):
        earliest = today + dt.timedelta(days=f.min_days_ahead)
        raise ValidationError(
            _("The date must be %(date)s or later.") % {"date": earliest.strftime("%d-%m-%Y")}
        )
    if f.max_days_ahead is not None and day > today + dt.timedelta(days=f.max_days_ahead):
        latest = today + dt.timedelta(days=f.max_days_ahead)
        raise ValidationError(
            _("The date must be %(date)s or earlier.") % {"date": latest.strftime("%d-%m-%Y")}
        )


def parse_number(value: str) -> Decimal:
    text = value.strip().replace(" ", "").replace("\u00a0", "")
    # "1.250,5" is Danish with a thousands separator; a lone comma is a decimal comma.
    danish = "," in text and "." in text
    text = text.replace(".", "").replace(",", ".") if danish else text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValidationError(_("Write a number, for example 12 or 12,5.")) from exc
    if not number.is_finite():
        raise ValidationError(_("Write a number, for example 12 or 12,5."))
    return number


def _clean_number(f: FieldSpec, value: str) -> int | float:
    number = parse_number(value)
    if -number.as_tuple().exponent > f.decimals and number != number.to_integral_value():
        if f.decimals == 0:
            raise ValidationError(_("Write a whole number."))
        raise ValidationError(_("Use at most %(n)s decimals.") % {"n": f.decimals})
    if f.min is not None and number < Decimal(str(f.min)):
        raise ValidationError(_("The number must be at least %(min)s.") % {"min": f"{f.min:g}"})
    if f.max is not None and number > Decimal(str(f.max)):
        raise ValidationError(_("The number must be at most %(max)s.") % {"max": f"{f.max:g}"})
    return int(number) if number == number.to_integral_value() else float(number)


def _clean_daterange(f: FieldSpec, raw: dict) -> dict | None:
    start, end = (raw or {}).get("from", "").strip(), (raw or {}).get("to", "").strip()
    if not start and not end:
        if f.required:
            raise ValidationError(REQUIRED)
        return None
    if not start or not end:
        raise ValidationError(_("Give both the first and the last day."))
    first, last = parse_date(start), parse_date(end)
    _check_date_window(f, first)
    if last < first:
        raise ValidationError(_("The last day must be on or after the first day."))
    if f.max_days is not None and (last - first).days + 1 > f.max_days:
        raise ValidationError(_("The period can be at most %(n)s days.") % {"n": f.max_days})
    return {"from": first.isoformat(), "to": last.isoformat()}


def _clean_address(f: FieldSpec, raw: dict) -> dict | None:
    street = (raw or {}).get("street", "").strip()
    postcode = (raw or {}).get("postcode", "").strip()
    city = (raw or {}).get("city", "").strip()
    if not (street or postcode or city):
        if f.required:
            raise ValidationError(REQUIRED)
        return None
    if not street:
        raise ValidationError(_("Write the street and number."))
    if not _POSTCODE.match(postcode) or not 1000 <= int(postcode) <= 9990:
        raise ValidationError(_("Write a Danish postcode with 4 digits, for example 1620."))
    return {"street": street[:200], "postcode": postcode, "city": city[:100] or "København"}


def clean_value(f: FieldSpec, raw: Any, *, topic_codes: set[str] | frozenset[str] = frozenset()) -> Any:
    """The validated value of one visible field, or raise ValidationError with the message to show."""
    if f.type == "daterange":
        return _clean_daterange(f, raw)
    if f.type == "address":
        return _clean_address(f, raw)
    if f.type == "checkbox":
        if f.options:
            allowed = {o.value for o in f.options}
            chosen = [v for v in dict.fromkeys(raw or []) if v]
            if any(v not in allowed for v in chosen):
                raise ValidationError(_("Choose from the list."))
            if f.required and not chosen:
                raise ValidationError(_("Choose at least one."))
            return chosen
        if f.required and raw != "on":
            raise ValidationError(_("You must tick this box to continue."))
        return raw == "on"
    value = (raw or "").strip()
    if not value:
        if f.required:
            raise ValidationError(REQUIRED)
        return "" if f.type not in ("number", "date") else None
    if f.type in ("text", "textarea"):
        limit = f.max_length or 200
        if len(value) > limit:
            raise ValidationError(
                _("Write at most %(limit)s characters (you wrote %(count)s).")
                % {"limit": limit, "count": len(value)}
            )
        return value
    if f.type == "email":
        if len(value) > 254:
            raise ValidationError(_("The email address is too long."))
        try:
            validate_email(value)
        except ValidationError as exc:
            raise ValidationError(_("Write an email address like name@example.dk.")) from exc
        return value
    if f.type == "phone":
        digits = re.sub(r"\D", "", value)
        if not _PHONE.match(value) or not 8 <= len(digits) <= 15:
            raise ValidationError(_("Write a phone number with at least 8 digits, for example 33 66 33 66."))
        return value
    if f.type == "cvr":
        return clean_cvr(value)
    if f.type == "date":
        day = parse_date(value)
        _check_date_window(f, day)
        return day.isoformat()
    if f.type == "number":
        return _clean_number(f, value)
    if f.type in ("select", "radio"):
        if value not in {o.value for o in f.options}:
            raise ValidationError(_("Choose one of the options."))
        return value
    if f.type == "topic":
        if value not in topic_codes:
            raise ValidationError(_("Choose a topic from the list."))
        return value
    raise ValidationError(_("This field cannot be read."))  # pragma: no cover - parse_schema forbids it


# --- validating a whole posted form --------------------------------------------------------


@dataclass
class Result:
    raw: dict[str, Any]
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    accepted: dict[str, list[CheckedFile]] = field(default_factory=dict)
    visible: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def _check_files(f: FieldSpec, uploads: list, kept: int, result: Result) -> None:
    accepted: list[CheckedFile] = []
    room = max(f.max_files - kept, 0)
    for uploaded in uploads:
        if len(accepted) >= room:
            result.errors[f.name] = _("You can attach at most %(n)s files here; remove one first.") % {
                "n": f.max_files
            }
            break
        try:
            content = read_upload(uploaded, f.max_bytes)
            accepted.append(check_upload(uploaded.name, content, accept=f.accept, max_bytes=f.max_bytes))
        except UploadRejected as exc:
            result.errors[f.name] = str(exc)
    result.accepted[f.name] = accepted
    if f.required and kept + len(accepted) == 0 and f.name not in result.errors:
        result.errors[f.name] = _("Attach a file.")


def validate(
    spec: FormSpec,
    post,
    files,
    *,
    kept_files: dict[str, int] | None = None,
    topic_codes: set[str] | frozenset[str] = frozenset(),
) -> Result:
    """Validate a posted form. ``kept_files`` counts the draft's files per field the business keeps."""
    fields = all_fields(spec)
    by_name = {f.name: f for f in fields}
    result = Result(raw=read_raw(fields, post))
    kept_files = kept_files or {}
    for f in fields:
        if not is_visible(f, result.raw, by_name):
            continue
        result.visible.add(f.name)
        if f.type == "file":
            _check_files(f, files.getlist(f.name) if files else [], kept_files.get(f.name, 0), result)
            continue
        try:
            result.cleaned[f.name] = clean_value(f, result.raw.get(f.name), topic_codes=topic_codes)
        except ValidationError as exc:
            result.errors[f.name] = " ".join(str(m) for m in exc.messages)
    return result


def display_value(f: FieldSpec, value: Any, language: str = "da") -> str:
    """An answer as a line of text for the inquiry the caseworker reads."""
    if value in (None, "", [], False) and f.type != "checkbox":
        return "–"
    if f.type == "checkbox":
        if f.options:
            return ", ".join(f.option_label(v, language) for v in value) or "–"
        return ("Ja" if value else "Nej") if language == "da" else ("Yes" if value else "No")
    if f.type in ("select", "radio"):
        return f.option_label(value, language)
    if f.type == "daterange":
        return f"{_dk(value['from'])} – {_dk(value['to'])}"
    if f.type == "date":
        return _dk(value)
    if f.type == "address":
        return f"{value['street']}, {value['postcode']} {value['city']}"
    if f.type == "number":
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{text.replace('.', ',') if language == 'da' else text} {f.unit}".strip()
    return str(value)


def _dk(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d-%m-%Y")
