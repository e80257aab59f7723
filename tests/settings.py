"""Test settings: the product's settings with test-only defaults, never weaker checks."""

import os
import tempfile

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DEMO_MODE", "1")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# `make` exports SECRET_KEY_FILE for `make run`; tests must not need (or read) the real key.
os.environ.pop("SECRET_KEY_FILE", None)
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
os.environ.setdefault("VAR_DIR", os.path.join(tempfile.gettempdir(), f"erhvervskontakt-test-{os.getpid()}"))

from erhvervskontakt.settings import *  # noqa: E402, F403

os.makedirs(VAR_DIR, exist_ok=True)  # noqa: F405
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = os.environ.get("TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not :memory:, so tests with several threads exercise real SQLite locking.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(VAR_DIR, "test.sqlite3")}  # noqa: F405
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Tests never need a commit to survive a power cut; not waiting for the WAL flush on every
    # commit makes the transactional (live-server, threaded) tests several times faster.
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
