import pytest
from django.core.exceptions import ValidationError

from erhvervskontakt.businesses.identifiers import clean_cvr, clean_p_number, normalize_phone
from erhvervskontakt.businesses.models import Company


class TestCvr:
    def test_valid(self):
        assert clean_cvr("13585628") == "13585628"
        assert clean_cvr("DK 13 58 56 28") == "13585628"

    def test_invalid_check_digit(self):
        with pytest.raises(ValidationError) as exc:
            clean_cvr("13585627")
        assert exc.value.code == "cvr_checksum"

    def test_wrong_length(self):
        for value in ("1358562", "135856281"):
            with pytest.raises(ValidationError) as exc:
                clean_cvr(value)
            assert exc.value.code == "cvr_length"

    def test_letters(self):
        with pytest.raises(ValidationError) as exc:
            clean_cvr("1358562A")
        assert exc.value.code in {"cvr_format", "cvr_length"}

    @pytest.mark.django_db
    def test_model_validation_refuses_invalid_cvr(self):
        company = Company(name="Forkert ApS", cvr="12345678")
        with pytest.raises(ValidationError) as exc:
            company.full_clean()
        assert "cvr" in exc.value.message_dict


def test_p_number():
    assert clean_p_number("1003388394") == "1003388394"
    with pytest.raises(ValidationError):
        clean_p_number("123")


def test_phone_normalisation():
    assert normalize_phone("33 66 33 66") == "4533663366"
    assert normalize_phone("+45 33663366") == "4533663366"
    assert normalize_phone("004533663366") == "4533663366"
    assert normalize_phone("+46 8 123 456") == "468123456"
