"""Danish CPR numbers (ddmmyy-xxxx, with or without the dash) found and masked in free text.

A ten-digit run counts as a CPR number only when its date part is a real date (with the century
taken from the seventh digit, as the CPR office defines it) and not in the future; the modulus 11
check is not used, because numbers issued since 2007 need not pass it. Telephone numbers (eight
digits), CVR numbers (eight) and EAN numbers (thirteen) are never touched.
"""

from __future__ import annotations

import re

from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import ValidationError

from erhvervskontakt.core import clock

MASK = "XXXXXX-XXXX"
# Not part of a longer number: no digit (or digit-dash) directly before or after.
_CANDIDATE = re.compile(r"(?<![\d-])(\d{6})[-\u2010\u2011\u2013 ]?(\d{4})(?![\d])(?!-\d)")


def _plausible(digits: str) -> bool:
    try:
        born = stdnum_cpr.get_birth_date(digits)
    except (ValidationError, ValueError):
        return False
    return born <= clock.today()


def find_cpr(text: str) -> list[str]:
    """CPR numbers in ``text`` as they were written."""
    return [m.group(0) for m in _CANDIDATE.finditer(text or "") if _plausible(m.group(1) + m.group(2))]


def mask_cpr(text: str) -> str:
    """``text`` with every plausible CPR number replaced by ``XXXXXX-XXXX``."""
    if not text:
        return text

    def replace(match: re.Match) -> str:
        return MASK if _plausible(match.group(1) + match.group(2)) else match.group(0)

    return _CANDIDATE.sub(replace, text)
