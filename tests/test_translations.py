"""Danish is the primary language: every message has a Danish translation, none is fuzzy."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "erhvervskontakt" / "locale"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_catalogue_exists_and_is_compiled(lang):
    po = LOCALE / lang / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists(), f"run make messages ({lang})"
    compiled = polib.mofile(str(mo))
    source = polib.pofile(str(po))
    assert {e.msgid for e in compiled} >= {e.msgid for e in source.translated_entries()}


def test_every_message_has_a_danish_translation():
    po = polib.pofile(str(LOCALE / "da" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == [], f"{len(missing)} messages lack Danish, e.g. {missing[:10]}"
    assert len(po) > 100
