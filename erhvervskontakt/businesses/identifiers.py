"""Validation and normalisation of business identifiers and phone numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def clean_cvr(value: str) -> str:
    """Return the 8-digit CVR number or raise a ValidationError saying what is wrong.

    CVR numbers carry a modulus-11 check digit; python-stdnum implements the rule.
    """
    compact = re.sub(r"[\s.-]", "", value or "")
    if compact.upper().startswith("DK"):
        compact = compact[2:]
    try:
        return stdnum_cvr.validate(compact)
    except InvalidLength as exc:
        raise ValidationError(_("A CVR number has 8 digits."), code="cvr_length") from exc
    except InvalidFormat as exc:
        raise ValidationError(_("A CVR number contains digits only."), code="cvr_format") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            _("This is not a valid CVR number (check digit does not match)."), code="cvr_checksum"
        ) from exc
    except StdnumError as exc:
        raise ValidationError(_("This is not a valid CVR number."), code="cvr_invalid") from exc


def validate_cvr(value: str) -> None:
    clean_cvr(value)


def clean_p_number(value: str) -> str:
    """P-numbers (production units) are 10 digits."""
    compact = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{10}", compact):
        raise ValidationError(_("A P-number has 10 digits."), code="p_number")
    return compact


def validate_p_number(value: str) -> None:
    clean_p_number(value)


def normalize_phone(value: str) -> str:
    """Return a phone number as digits with country code (``4533663366``) for lookups.

    Danish numbers are 8 digits; a leading +45/0045 is added when missing so "33 66 33 66",
    "+45 33663366" and "004533663366" all find the same person.
    """
    digits = re.sub(r"\D", "", value or "")
    if value and value.strip().startswith("+"):
        return digits
    if digits.startswith("00"):
        return digits[2:]
    if len(digits) == 8:
        return "45" + digits
    return digits
