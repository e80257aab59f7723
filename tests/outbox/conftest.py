from tests.mail.conftest import _mail_settings, smtp  # noqa: F401 - shared fixtures
