"""The form schema format: shipped forms are valid, broken schemas are refused with the place
and the problem, and editors see those messages when they save a form in the admin."""

import copy

import pytest
import yaml

from erhvervskontakt.catalogue.models import FormDefinition
from erhvervskontakt.portal.forms_loader import FORMS_DIR
from erhvervskontakt.portal.forms_schema import SchemaError, parse_schema, validate_schema

SHIPPED = sorted(FORMS_DIR.glob("*.yaml"))


def minimal(**top) -> dict:
    schema = {
        "kind": "application",
        "sections": [
            {
                "title": {"da": "Ansøgning", "en": "Application"},
                "fields": [{"name": "what", "type": "text", "label": {"da": "Hvad", "en": "What"}}],
            }
        ],
    }
    schema.update(top)
    return schema


def with_field(**field) -> dict:
    schema = minimal()
    schema["sections"][0]["fields"].append({"name": "extra", "label": "Ekstra", **field})
    return schema


def test_shipped_forms_are_valid_and_complete():
    codes = set()
    for path in SHIPPED:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = parse_schema(raw["schema"])
        codes.add(raw["code"])
        for field in spec.fields:
            assert field.text("da") and field.text("en"), (path.name, field.name)
    assert {"generel", "outdoor-serving", "road-area", "callback"} <= codes


def test_shipped_forms_use_the_promised_field_types():
    types = set()
    for path in SHIPPED:
        spec = parse_schema(yaml.safe_load(path.read_text(encoding="utf-8"))["schema"])
        types |= {f.type for f in spec.fields}
    assert {
        "text",
        "textarea",
        "number",
        "radio",
        "checkbox",
        "file",
        "address",
        "daterange",
        "date",
        "topic",
    } <= types


def test_minimal_schema_parses_with_contact_defaults():
    spec = parse_schema(minimal())
    assert spec.kind == "application"
    assert spec.contact == {"email": "required", "phone": "optional", "company": "optional"}
    assert [f.name for f in spec.fields] == ["what"]


@pytest.mark.parametrize(
    ("schema", "fragment"),
    [
        ("not a dict", "JSON object"),
        (minimal(kind="survey"), "'kind'"),
        (minimal(colour="red"), "unknown top-level keys"),
        (minimal(sections=[]), "'sections'"),
        (with_field(type="nummer"), "type 'nummer' is unknown"),
        (with_field(type="text", label=""), "'label' is required"),
        (with_field(type="text", name="what"), "used twice"),
        (with_field(type="text", name="contact_email"), "reserved"),
        (with_field(type="text", name="Bad Name"), "'name' must start"),
        (with_field(type="select"), "needs a list of 'options'"),
        (
            with_field(type="radio", options=[{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]),
            "twice",
        ),
        (with_field(type="number", min=10, max=1), "'min' is larger than 'max'"),
        (with_field(type="number", min="ten"), "'min' must be a number"),
        (with_field(type="file", accept=["exe"]), "not allowed"),
        (with_field(type="file", max_size_mb=500), "'max_size_mb'"),
        (with_field(type="file", max_files=50), "'max_files'"),
        (with_field(type="text", required="yes"), "'required' must be true or false"),
        (with_field(type="text", colour="red"), "unknown keys"),
        (with_field(type="text", show_if={"field": "later", "equals": "x"}), "not a field above"),
        (with_field(type="text", show_if={"field": "what", "equals": "x"}), "can only depend on"),
        (minimal(subject_field="nope"), "'subject_field'"),
        (minimal(kind="callback"), "callback_date"),
        (minimal(kind="question"), "field of type 'topic'"),
        (minimal(contact={"email": "hidden", "phone": "hidden"}), "cannot answer"),
        (minimal(contact={"fax": "required"}), "unknown key"),
    ],
)
def test_broken_schemas_say_what_and_where(schema, fragment):
    with pytest.raises(SchemaError) as excinfo:
        parse_schema(schema)
    assert any(fragment in error for error in excinfo.value.errors), excinfo.value.errors


def test_errors_name_the_section_and_field():
    errors = validate_schema(with_field(type="nummer"))
    assert errors == [errors[0]] and "section 1, field 2 (extra)" in errors[0]


def test_show_if_values_must_be_offered_by_the_field():
    schema = with_field(type="radio", options=[{"value": "a", "label": "A"}])
    schema["sections"][0]["fields"].append(
        {"name": "more", "type": "text", "label": "Mere", "show_if": {"field": "extra", "equals": "b"}}
    )
    assert any("does not offer" in e for e in validate_schema(schema))


def test_topic_must_exist_when_codes_are_given():
    assert validate_schema(minimal(topic="findes-ikke"), topic_codes={"udeservering"})
    assert not validate_schema(minimal(topic="udeservering"), topic_codes={"udeservering"})


# --- admin ------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, personas):
    personas.editor.is_staff = True
    personas.editor.save()
    client.force_login(personas.editor)
    return client


def _admin_post(form, schema_yaml):
    return {
        "code": form.code,
        "is_active": "on",
        "name_da": form.name_da,
        "name_en": form.name_en,
        "intro_da": form.intro_da,
        "intro_en": form.intro_en,
        "schema_yaml": schema_yaml,
    }


def test_editor_sees_schema_errors_in_the_admin_and_nothing_is_saved(editor_client, forms):
    form = forms["generel"]
    before = copy.deepcopy(form.schema)
    broken = copy.deepcopy(before)
    broken["sections"][0]["fields"][1]["type"] = "nummer"
    url = f"/admin/catalogue/formdefinition/{form.pk}/change/"
    response = editor_client.post(url, _admin_post(form, yaml.safe_dump(broken, allow_unicode=True)))
    assert response.status_code == 200
    # The admin speaks Danish to an editor whose browser asks for nothing else.
    assert "typen &#x27;nummer&#x27; er ukendt" in response.content.decode()
    form.refresh_from_db()
    assert form.schema == before


def test_editor_can_save_a_valid_schema_as_yaml(editor_client, forms):
    form = forms["generel"]
    changed = copy.deepcopy(form.schema)
    changed["sections"][0]["fields"][1]["label"] = {"da": "Emne", "en": "Subject"}
    url = f"/admin/catalogue/formdefinition/{form.pk}/change/"
    response = editor_client.post(url, _admin_post(form, yaml.safe_dump(changed, allow_unicode=True)))
    assert response.status_code == 302
    form.refresh_from_db()
    assert form.schema["sections"][0]["fields"][1]["label"]["da"] == "Emne"


def test_editor_gets_a_clear_message_for_bad_yaml(editor_client, forms):
    form = forms["generel"]
    url = f"/admin/catalogue/formdefinition/{form.pk}/change/"
    response = editor_client.post(url, _admin_post(form, "sections: [unclosed"))
    assert response.status_code == 200
    assert "Skemaet er ikke gyldig YAML" in response.content.decode()


def test_outsider_cannot_edit_forms(client, personas, forms):
    client.force_login(personas.outsider)
    response = client.get(f"/admin/catalogue/formdefinition/{forms['generel'].pk}/change/")
    assert response.status_code in (302, 403)
    assert FormDefinition.objects.get(code="generel").schema == forms["generel"].schema
