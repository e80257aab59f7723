"""Settings for Erhvervskontakt, read from environment variables.

Every variable is documented in README.md (Configuration). The embedded default needs
none of them: ``DEBUG=1`` (set by ``make run``) gives SQLite under ``var/``, a file-based
mail outbox and an embedded Celery broker on the file system. Production sets
``DATABASE_URL`` (PostgreSQL), ``REDIS_URL``, ``SECRET_KEY`` and the email variables.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from erhvervskontakt import env

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env.string("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.boolean("DEBUG", False)
# Demo mode allows the documented demo logins (password "demo"); never on in production.
DEMO_MODE = env.boolean("DEMO_MODE", DEBUG)

SECRET_KEY = env.string("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG=1.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - only used with DEBUG

ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])
# The public address, used in links that leave the system (receipts, tracking links).
SITE_URL = env.url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # Layer 1: base
    "erhvervskontakt.core",
    # Layer 2: domain
    "erhvervskontakt.organisation",
    "erhvervskontakt.catalogue",
    "erhvervskontakt.businesses",
    "erhvervskontakt.outbox",
    # Layer 3: the inquiry core and its service functions
    "erhvervskontakt.inquiries",
    # Layer 4: engines
    "erhvervskontakt.routing",
    # Layer 5: faces
    "erhvervskontakt.workspace",
    "erhvervskontakt.portal",
    "erhvervskontakt.mail",
    "erhvervskontakt.telephony",
    # Layer 6: management
    "erhvervskontakt.capacity",
    "erhvervskontakt.reporting",
    # Demo data loader (uses every layer; never imported by product code)
    "erhvervskontakt.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "erhvervskontakt.urls"
WSGI_APPLICATION = "erhvervskontakt.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "erhvervskontakt.core.context_processors.site",
                "erhvervskontakt.organisation.navigation.staff_navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'erhvervskontakt.sqlite3'}"
_database_url = env.url("DATABASE_URL", _default_sqlite, schemes=("sqlite", "postgres", "postgresql"))
try:
    _db = dj_database_url.parse(_database_url, conn_max_age=env.integer("DB_CONN_MAX_AGE", 60, minimum=0))
except ValueError as exc:  # pragma: no cover - message path tested through env.url
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so concurrent writers queue on the
    # busy timeout instead of failing half-way ("database is locked"); WAL lets readers go on.
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    _db.setdefault("TEST", {})["NAME"] = env.string("SQLITE_TEST_NAME", "") or None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------
REDIS_URL = env.url("REDIS_URL", "", schemes=("redis", "rediss")) if env.raw("REDIS_URL") else ""
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # A file cache is shared by all local processes (web and worker), which rate limits need.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Without Redis the embedded default uses kombu's file-system transport: a real Celery worker
# and beat, no extra service. See docs/decisions/0002-background-jobs.md.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_TASK_ALWAYS_EAGER = env.boolean("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_TIMEZONE = "Europe/Copenhagen"
# Periodic jobs; each app adds its own entries in erhvervskontakt/celery.py.
CELERY_BEAT_SCHEDULE: dict = {}

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = (
    []
    if DEMO_MODE
    else [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 12},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    ]
)
LOGIN_URL = "staff-login"
LOGIN_REDIRECT_URL = "staff-home"
LOGOUT_REDIRECT_URL = "staff-login"

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    # Det Fælles Designsystem and htmx come from npm (make setup), never copied into git.
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded documents are private: served only through permission-checked views, never MEDIA_URL.
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env.integer("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# --- Email ----------------------------------------------------------------------------
EMAIL_HOST = env.string("EMAIL_HOST", "")
EMAIL_PORT = env.integer("EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", bool(EMAIL_HOST))
EMAIL_USE_SSL = env.boolean("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30, minimum=1)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be set.")
# Without an SMTP host, mail is written as files under var/sent-mail: nothing leaves a laptop.
EMAIL_BACKEND = env.string(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "sent-mail")
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Erhvervskontakt <erhverv@erhvervskontakt.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain used in Message-IDs of outgoing mail so replies thread back to us.
EMAIL_MESSAGE_ID_DOMAIN = env.string("EMAIL_MESSAGE_ID_DOMAIN", "erhvervskontakt.localhost")

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env.boolean("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.boolean("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# --- Business rules -------------------------------------------------------------------
# Days the city closes besides public holidays (MM-DD): Christmas Eve, New Year's Eve,
# Constitution Day. Single extra dates are added by administrators in the admin.
CITY_CLOSED_DAYS = env.string_list("CITY_CLOSED_DAYS", ["12-24", "12-31", "06-05"])
# Contact-centre opening hours per weekday (Monday=0): "HH:MM-HH:MM" or empty for closed.
OPENING_HOURS = env.string_list("OPENING_HOURS", ["09:00-16:00"] * 4 + ["09:00-14:00", "", ""])
REFERENCE_PREFIX = env.string("REFERENCE_PREFIX", "EK")
# The unit that coordinates multi-matter inquiries and receives what routing cannot place.
CONTACT_CENTRE_UNIT = env.string("CONTACT_CENTRE_UNIT", "kc-erhvervskontakt")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# === App settings below: one section per app, each owned by that app's maintainers. ===

# --- Email channel (mail) -------------------------------------------------------------
# (mail app settings go here)

# --- Web self-service (portal) --------------------------------------------------------
# (portal settings go here)

# --- Telephony ------------------------------------------------------------------------
# (telephony settings go here)

# --- Routing engine -------------------------------------------------------------------
# (routing settings go here)

# --- Capacity planning and reporting --------------------------------------------------
# (capacity / reporting settings go here)
