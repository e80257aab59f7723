"""The schema format of electronic forms (``FormDefinition.schema``) and its validation.

A schema is JSON (shipped as YAML under ``catalogue/data/forms/``)::

    kind: application            # application | question | callback
    topic: udeservering          # the topic a submission is registered under (optional)
    subject_field: address       # the answer that goes into the inquiry's subject (optional)
    contact: {phone: optional, email: required, company: optional}
    sections:
      - title: {da: "...", en: "..."}
        intro: {da: "...", en: "..."}
        fields:
          - name: area_m2
            type: number
            label: {da: "...", en: "..."}
            help: {da: "...", en: "..."}
            required: true
            min: 1
            max: 500
            show_if: {field: furniture, equals: tables}

The reference with every key is in docs/portal.md. ``parse_schema`` turns a schema into
``FormSpec`` for the engine and raises ``SchemaError`` listing every problem with its place,
so an editor saving a broken schema in the admin reads exactly what to fix.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from erhvervskontakt.portal.forms_spec import Condition, FieldSpec, FormSpec, Option, Section

FIELD_TYPES = (
    "text",
    "textarea",
    "email",
    "phone",
    "cvr",
    "date",
    "daterange",
    "number",
    "select",
    "radio",
    "checkbox",
    "file",
    "address",
    "topic",
)
KINDS = ("application", "question", "callback")
CONTACT_MODES = ("required", "optional", "hidden")
OPTION_TYPES = ("select", "radio")
# File types a form may accept; the content of every upload is checked against them (uploads.py).
FILE_KINDS = ("pdf", "png", "jpg", "jpeg", "gif", "tif", "tiff", "dwg", "docx", "xlsx", "odt", "ods")
MAX_FILE_MB = 20
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Names the engine itself uses in the posted form.
RESERVED_NAMES = {"website", "csrfmiddlewaretoken", "remove_file", "topic_preset"}
RESERVED_PREFIX = "contact_"
TEXT_DEFAULT_MAX = 200
TEXTAREA_DEFAULT_MAX = 5000
TEXTAREA_HARD_MAX = 20000
FIELD_KEYS = {
    "name",
    "type",
    "label",
    "help",
    "required",
    "show_if",
    "options",
    "min",
    "max",
    "decimals",
    "unit",
    "max_length",
    "rows",
    "min_days_ahead",
    "max_days_ahead",
    "max_days",
    "accept",
    "max_size_mb",
    "max_files",
    "autocomplete",
}


class SchemaError(ValueError):
    """A form schema is not valid; ``errors`` lists every problem with where it is."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def _is_text(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, dict) and isinstance(value.get("da"), str) and bool(value["da"].strip())


def _number(raw: dict, key: str, where: str, errors: list[str]) -> float | None:
    if key not in raw or raw[key] is None:
        return None
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(_("%(where)s: '%(key)s' must be a number") % {"where": where, "key": key})
        return None
    return value


def _integer(raw: dict, key: str, where: str, errors: list[str], *, minimum: int = 0) -> int | None:
    value = _number(raw, key, where, errors)
    if value is None:
        return None
    if int(value) != value or value < minimum:
        errors.append(
            _("%(where)s: '%(key)s' must be a whole number of at least %(minimum)s")
            % {"where": where, "key": key, "minimum": minimum}
        )
        return None
    return int(value)


def _options(raw: dict, where: str, errors: list[str]) -> tuple[Option, ...]:
    items = raw.get("options")
    if not isinstance(items, list) or not items:
        errors.append(
            _("%(where)s: a %(raw_get_type)s field needs a list of 'options'")
            % {"where": where, "raw_get_type": raw.get("type")}
        )
        return ()
    options, seen = [], set()
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "value" not in item:
            errors.append(
                _("%(where)s: option %(i_1)s needs 'value' and 'label'") % {"where": where, "i_1": i + 1}
            )
            continue
        value = str(item["value"])
        if not value or len(value) > 100:
            errors.append(
                _("%(where)s: option %(i_1)s has an empty or too long value") % {"where": where, "i_1": i + 1}
            )
        if value in seen:
            errors.append(
                _("%(where)s: option value '%(value)s' appears twice") % {"where": where, "value": value}
            )
        seen.add(value)
        if not _is_text(item.get("label")):
            errors.append(
                _("%(where)s: option '%(value)s' needs a label (at least in Danish)")
                % {"where": where, "value": value}
            )
        options.append(Option(value=value, label=item.get("label")))
    return tuple(options)


def _condition(raw: Any, where: str, known: dict[str, FieldSpec], errors: list[str]) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or "field" not in raw or not ({"equals", "in"} & raw.keys()):
        errors.append(
            _("%(where)s: 'show_if' needs 'field' and 'equals' (or 'in': a list)") % {"where": where}
        )
        return None
    target = known.get(str(raw["field"]))
    if target is None:
        errors.append(
            _("%(where)s: 'show_if' refers to '%(raw_field)s', which is not a field above this one")
            % {"where": where, "raw_field": raw["field"]}
        )
        return None
    if target.type not in ("select", "radio", "checkbox", "topic"):
        errors.append(
            _("%(where)s: 'show_if' can only depend on a select, radio, checkbox or topic field")
            % {"where": where}
        )
        return None
    values = raw["in"] if "in" in raw else [raw["equals"]]
    if not isinstance(values, list) or not values:
        errors.append(_("%(where)s: 'show_if.in' must be a non-empty list") % {"where": where})
        return None
    normalised = tuple("on" if v is True else str(v) for v in values)
    if target.options:
        allowed = {o.value for o in target.options}
        unknown = [v for v in normalised if v not in allowed]
        if unknown:
            errors.append(
                _("%(where)s: 'show_if' uses values %(unknown)s that '%(target_name)s' does not offer")
                % {"where": where, "unknown": unknown, "target_name": target.name}
            )
    return Condition(field=target.name, values=normalised)


def _field(raw: Any, where: str, known: dict[str, FieldSpec], errors: list[str]) -> FieldSpec | None:
    if not isinstance(raw, dict):
        errors.append(
            _("%(where)s: a field must be a mapping with 'name', 'type' and 'label'") % {"where": where}
        )
        return None
    name = str(raw.get("name", ""))
    where = f"{where} ({name or '?'})"
    before = len(errors)
    unknown_keys = sorted(set(raw) - FIELD_KEYS)
    if unknown_keys:
        errors.append(
            _("%(where)s: unknown keys %(unknown_keys)s") % {"where": where, "unknown_keys": unknown_keys}
        )
    if not NAME_RE.match(name):
        errors.append(
            _("%(where)s: 'name' must start with a letter and use only a-z, 0-9 and _ (max. 40 characters)")
            % {"where": where}
        )
    elif name in RESERVED_NAMES or name.startswith(RESERVED_PREFIX):
        errors.append(
            _("%(where)s: the name '%(name)s' is reserved by the form engine")
            % {"where": where, "name": name}
        )
    elif name in known:
        errors.append(_("%(where)s: the name '%(name)s' is used twice") % {"where": where, "name": name})
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        errors.append(
            _("%(where)s: type %(kind)s is unknown; use one of %(join_field_types)s")
            % {"where": where, "kind": repr(kind), "join_field_types": ", ".join(FIELD_TYPES)}
        )
        return None
    if not _is_text(raw.get("label")):
        errors.append(_("%(where)s: 'label' is required (at least in Danish)") % {"where": where})
    if "help" in raw and raw["help"] is not None and not isinstance(raw["help"], str | dict):
        errors.append(_("%(where)s: 'help' must be text or {da, en}") % {"where": where})
    if "required" in raw and not isinstance(raw["required"], bool):
        errors.append(_("%(where)s: 'required' must be true or false") % {"where": where})
    values: dict[str, Any] = {}
    if kind in OPTION_TYPES or (kind == "checkbox" and "options" in raw):
        values["options"] = _options(raw, where, errors)
    if kind == "number":
        values["min"] = _number(raw, "min", where, errors)
        values["max"] = _number(raw, "max", where, errors)
        values["decimals"] = _integer(raw, "decimals", where, errors) or 0
        if values["decimals"] > 4:
            errors.append(_("%(where)s: at most 4 decimals") % {"where": where})
        if values["min"] is not None and values["max"] is not None and values["min"] > values["max"]:
            errors.append(_("%(where)s: 'min' is larger than 'max'") % {"where": where})
        values["unit"] = str(raw.get("unit") or "")[:20]
    if kind in ("text", "textarea"):
        default = TEXT_DEFAULT_MAX if kind == "text" else TEXTAREA_DEFAULT_MAX
        max_length = _integer(raw, "max_length", where, errors, minimum=1) or default
        if max_length > TEXTAREA_HARD_MAX:
            errors.append(
                _("%(where)s: 'max_length' may be at most %(textarea_hard_max)s")
                % {"where": where, "textarea_hard_max": TEXTAREA_HARD_MAX}
            )
        values["max_length"] = max_length
        values["rows"] = min(_integer(raw, "rows", where, errors, minimum=2) or 5, 30)
    if kind in ("date", "daterange"):
        values["min_days_ahead"] = _integer(raw, "min_days_ahead", where, errors)
        values["max_days_ahead"] = _integer(raw, "max_days_ahead", where, errors)
    if kind == "daterange":
        values["max_days"] = _integer(raw, "max_days", where, errors, minimum=1)
    if kind == "file":
        accept = raw.get("accept") or ["pdf", "png", "jpg"]
        if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
            errors.append(_("%(where)s: 'accept' must be a list of file types") % {"where": where})
            accept = []
        bad = [a for a in accept if a.lower().lstrip(".") not in FILE_KINDS]
        if bad:
            errors.append(
                _("%(where)s: file types %(bad)s are not allowed; choose from %(join_file_kinds)s")
                % {"where": where, "bad": bad, "join_file_kinds": ", ".join(FILE_KINDS)}
            )
        values["accept"] = tuple(dict.fromkeys(a.lower().lstrip(".") for a in accept))
        size = _number(raw, "max_size_mb", where, errors)
        if size is not None and not 0 < size <= MAX_FILE_MB:
            errors.append(
                _("%(where)s: 'max_size_mb' must be between 0 and %(max_file_mb)s")
                % {"where": where, "max_file_mb": MAX_FILE_MB}
            )
        values["max_size_mb"] = size if size and 0 < size <= MAX_FILE_MB else 10
        max_files = _integer(raw, "max_files", where, errors, minimum=1) or 1
        if max_files > 10:
            errors.append(_("%(where)s: 'max_files' may be at most 10") % {"where": where})
        values["max_files"] = min(max_files, 10)
    if raw.get("autocomplete") is not None:
        if not re.fullmatch(r"[a-z0-9 -]{1,60}", str(raw["autocomplete"])):
            errors.append(
                _("%(where)s: 'autocomplete' must be an HTML autocomplete token") % {"where": where}
            )
        values["autocomplete"] = str(raw["autocomplete"])
    condition = _condition(raw.get("show_if"), where, known, errors)
    if len(errors) > before:
        return None
    return FieldSpec(
        name=name,
        type=kind,
        label=raw.get("label"),
        help=raw.get("help"),
        required=bool(raw.get("required", False)),
        show_if=condition,
        **values,
    )


def parse_schema(schema: Any, *, topic_codes: set[str] | None = None) -> FormSpec:
    """Check a schema and return the ``FormSpec`` the engine renders; raise SchemaError otherwise.

    ``topic_codes`` (the catalogue's codes), when given, also checks the ``topic`` key.
    """
    errors: list[str] = []
    if not isinstance(schema, dict):
        raise SchemaError([_("the schema must be a JSON object with 'sections'")])
    unknown = sorted(set(schema) - {"version", "kind", "topic", "subject_field", "contact", "sections"})
    if unknown:
        errors.append(_("unknown top-level keys %(unknown)s") % {"unknown": unknown})
    if schema.get("version", 1) != 1:
        errors.append(_("'version' must be 1"))
    kind = schema.get("kind", "application")
    if kind not in KINDS:
        errors.append(_("'kind' must be one of %(join_kinds)s") % {"join_kinds": ", ".join(KINDS)})
    topic = str(schema.get("topic") or "")
    if topic and topic_codes is not None and topic not in topic_codes:
        errors.append(_("'topic' %(topic)s is not a topic in the catalogue") % {"topic": repr(topic)})
    contact_raw = schema.get("contact") or {}
    contact = {"email": "required", "phone": "optional", "company": "optional"}
    if not isinstance(contact_raw, dict):
        errors.append(_("'contact' must be a mapping like {email: required, phone: optional}"))
        contact_raw = {}
    for key, mode in contact_raw.items():
        if key not in contact:
            errors.append(
                _("'contact' has unknown key %(key)s; use email, phone or company") % {"key": repr(key)}
            )
        elif mode not in CONTACT_MODES:
            errors.append(
                _("'contact.%(key)s' must be one of %(join_contact_modes)s")
                % {"key": key, "join_contact_modes": ", ".join(CONTACT_MODES)}
            )
        else:
            contact[key] = mode
    if contact["email"] == "hidden" and contact["phone"] == "hidden":
        errors.append(_("'contact' must ask for an email address or a phone number, or we cannot answer"))
    if kind == "callback" and contact["phone"] != "required":
        errors.append(_("a callback form must have contact: {phone: required}"))
    sections_raw = schema.get("sections")
    if not isinstance(sections_raw, list) or not sections_raw:
        errors.append(_("'sections' must be a non-empty list"))
        sections_raw = []
    known: dict[str, FieldSpec] = {}
    sections = []
    for s, section in enumerate(sections_raw):
        where = _("section %(number)s") % {"number": s + 1}
        if not isinstance(section, dict):
            errors.append(_("%(where)s: must be a mapping with 'title' and 'fields'") % {"where": where})
            continue
        extra = sorted(set(section) - {"title", "intro", "fields"})
        if extra:
            errors.append(_("%(where)s: unknown keys %(extra)s") % {"where": where, "extra": extra})
        fields_raw = section.get("fields")
        if not isinstance(fields_raw, list) or not fields_raw:
            errors.append(_("%(where)s: 'fields' must be a non-empty list") % {"where": where})
            continue
        specs = []
        for i, raw in enumerate(fields_raw):
            spec = _field(
                raw, _("%(section)s, field %(number)s") % {"section": where, "number": i + 1}, known, errors
            )
            if spec is not None:
                known[spec.name] = spec
                specs.append(spec)
        sections.append(Section(title=section.get("title"), intro=section.get("intro"), fields=tuple(specs)))
    subject_field = str(schema.get("subject_field") or "")
    if subject_field and subject_field not in known:
        errors.append(
            _("'subject_field' %(subject_field)s is not a field of the form")
            % {"subject_field": repr(subject_field)}
        )
    if kind == "callback":
        date, slot = known.get("callback_date"), known.get("callback_slot")
        if date is None or date.type != "date" or not date.required:
            errors.append(_("a callback form needs a required date field named 'callback_date'"))
        if slot is None or slot.type not in OPTION_TYPES or not slot.required:
            errors.append(_("a callback form needs a required radio/select field named 'callback_slot'"))
        elif any(not re.fullmatch(r"\d{2}:\d{2}-\d{2}:\d{2}", o.value) for o in slot.options):
            errors.append(_("'callback_slot' option values must be time windows like 09:00-12:00"))
    if kind == "question" and not any(f.type == "topic" for f in known.values()) and not topic:
        errors.append(_("a question form needs a field of type 'topic' or a 'topic'"))
    if sum(f.type == "topic" for f in known.values()) > 1:
        errors.append(_("a form can have at most one field of type 'topic'"))
    if errors:
        raise SchemaError(errors)
    return FormSpec(
        kind=kind,
        topic=topic,
        subject_field=subject_field,
        contact=contact,
        sections=tuple(sections),
        fields_by_name=known,
    )


def validate_schema(schema: Any, *, topic_codes: set[str] | None = None) -> list[str]:
    """Every problem of a schema as readable lines (empty when it is valid)."""
    try:
        parse_schema(schema, topic_codes=topic_codes)
    except SchemaError as exc:
        return exc.errors
    return []
