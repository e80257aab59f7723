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
    "erhvervskontakt.core.staticfiles.EkStaticFilesConfig",
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
    "erhvervskontakt.core.middleware.NulCharacters",
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
CELERY_BROKER_URL = REDIS_URL or "filesystem://localhost/"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if REDIS_URL
    else {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
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
    # Only what pages use (not the SCSS sources), keeping dist/'s layout so the CSS finds its fonts.
    *[
        (f"dkfds/{part}", BASE_DIR / "node_modules" / "dkfds" / "dist" / part)
        for part in ("css", "js", "fonts", "img")
    ],
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
# Operators' guide: docs/email.md. Mailboxes to poll: URLs (imaps://user:pass@host:993/INBOX?done=flag)
# separated by spaces, or a JSON list of URLs/objects; MAIL_IMAP_MAILBOXES_FILE for a secret file.
from erhvervskontakt.mail.config import parse_mailboxes as _parse_mailboxes  # noqa: E402

try:
    MAIL_IMAP_MAILBOXES = _parse_mailboxes(env.raw("MAIL_IMAP_MAILBOXES"))
except ValueError as _exc:
    raise ImproperlyConfigured(f"MAIL_IMAP_MAILBOXES is malformed: {_exc}") from None
MAIL_IMAP_TIMEOUT = env.integer("MAIL_IMAP_TIMEOUT", 60, minimum=5)
# A PEM file of CA certificates to trust besides the system's (servers with an internal CA).
MAIL_IMAP_CA_FILE = env.string("MAIL_IMAP_CA_FILE", "")
MAIL_POLL_INTERVAL = env.integer("MAIL_POLL_INTERVAL", 60, minimum=10)
MAIL_POLL_BATCH = env.integer("MAIL_POLL_BATCH", 500, minimum=1)
# A message larger than this is quarantined (headers kept; the message stays on the server).
MAIL_MAX_MESSAGE_BYTES = env.integer("MAIL_MAX_MESSAGE_BYTES", 60 * 1024 * 1024, minimum=1024)
MAIL_MAX_ATTACHMENTS = env.integer("MAIL_MAX_ATTACHMENTS", 50, minimum=0)
# Auto-forward rule: send a new email inquiry straight to the topic's unit when routing is at least
# this confident (0-1); empty = never (an agent triages every email).
MAIL_AUTO_FORWARD_MIN_CONFIDENCE = (
    env.decimal("MAIL_AUTO_FORWARD_MIN_CONFIDENCE", 0.0, minimum=0.0, maximum=1.0)
    if env.raw("MAIL_AUTO_FORWARD_MIN_CONFIDENCE")
    else None
)
# Only these topic codes may be auto-forwarded (empty = any topic of the city's own units).
MAIL_AUTO_FORWARD_TOPICS = env.string_list("MAIL_AUTO_FORWARD_TOPICS", [])
# The topic an email is registered under when routing finds none (triaged by an agent).
MAIL_FALLBACK_TOPIC = env.string("MAIL_FALLBACK_TOPIC", "generel")
# Loop guard: at most this many receipts per sender address per hour.
MAIL_RECEIPTS_PER_SENDER_PER_HOUR = env.integer("MAIL_RECEIPTS_PER_SENDER_PER_HOUR", 3, minimum=0)
# Our own addresses: mail from them is never answered (besides the mailboxes' own usernames).
MAIL_OWN_ADDRESSES = [a.lower() for a in env.string_list("MAIL_OWN_ADDRESSES", [])]
# Reply-To on outgoing mail, so replies reach a polled mailbox; empty = the From address.
MAIL_REPLY_TO = env.string("MAIL_REPLY_TO", "")
# Raw originals are encrypted with these Fernet keys (first encrypts, all decrypt; rotate by
# prepending). See docs/decisions/0004-raw-email-retention-and-cpr-masking.md.
MAIL_RAW_KEYS = env.string_list("MAIL_RAW_KEYS", [])
MAIL_RAW_RETENTION_DAYS = env.integer("MAIL_RAW_RETENTION_DAYS", 90, minimum=1)
for _key in MAIL_RAW_KEYS:
    try:
        import base64 as _b64

        if len(_b64.urlsafe_b64decode(_key.encode("ascii"))) != 32:
            raise ValueError("not 32 bytes")
    except ValueError as _exc:
        raise ImproperlyConfigured(
            "MAIL_RAW_KEYS holds a malformed key; make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
        ) from None
if MAIL_IMAP_MAILBOXES and not MAIL_RAW_KEYS and not DEBUG:
    raise ImproperlyConfigured(
        "MAIL_RAW_KEYS must be set when MAIL_IMAP_MAILBOXES is (raw emails are encrypted)."
    )

# --- Web self-service (portal) --------------------------------------------------------
# Submissions per IP address as "count/seconds", per kind (portal/protection.py); shared cache.
PORTAL_RATE_LIMITS = {
    "default": env.string("PORTAL_RATE_LIMIT", "20/600"),
    "track": env.string("PORTAL_RATE_LIMIT_TRACK", "30/600"),
}
import re as _re  # noqa: E402

for _scope, _rate in PORTAL_RATE_LIMITS.items():
    if not _re.fullmatch(r"[1-9]\d*/[1-9]\d*", _rate):
        raise ImproperlyConfigured(f"Portal rate limit {_scope}={_rate!r} must look like 20/600 (count/s).")
# Proxies in front of gunicorn whose X-Forwarded-For is trusted for the visitor's address.
PORTAL_TRUSTED_PROXY_HOPS = env.integer(
    "PORTAL_TRUSTED_PROXY_HOPS", 1 if env.boolean("BEHIND_PROXY", False) else 0, minimum=0, maximum=5
)
# Whole public pages cached per language; the catalogue version key invalidates them on edits.
PORTAL_PAGE_CACHE_SECONDS = env.integer("PORTAL_PAGE_CACHE_SECONDS", 600, minimum=1)
# A form post larger than this (all files together) is refused before it is read.
PORTAL_MAX_REQUEST_BYTES = env.integer("PORTAL_MAX_REQUEST_BYTES", 60 * 1024 * 1024, minimum=1024 * 1024)
# Satisfaction survey: invite this long after closure, for inquiries closed in the last N days.
PORTAL_SURVEY_DELAY_HOURS = env.integer("PORTAL_SURVEY_DELAY_HOURS", 1, minimum=0)
PORTAL_SURVEY_LOOKBACK_DAYS = env.integer("PORTAL_SURVEY_LOOKBACK_DAYS", 14, minimum=1)

# --- Telephony ------------------------------------------------------------------------
# Queue name the IVR uses for "put through to an agent" (units' queues are named by unit code).
TELEPHONY_CONTACT_CENTRE_QUEUE = env.string("TELEPHONY_CONTACT_CENTRE_QUEUE", CONTACT_CENTRE_UNIT)
# Topic of inquiries created by "leave your number and we call you back" when a step names none.
TELEPHONY_GENERAL_TOPIC = env.string("TELEPHONY_GENERAL_TOPIC", "generel")
# Service-level target: a call answered within this many seconds in its queue counts as on time.
TELEPHONY_SERVICE_LEVEL_SECONDS = env.integer("TELEPHONY_SERVICE_LEVEL_SECONDS", 20, minimum=1)
# Statistics intervals (capacity planning forecasts per 30 minutes; not configurable on purpose).
TELEPHONY_INTERVAL_SECONDS = 1800
# Length of the window a caller is promised a callback in (clipped to opening hours).
TELEPHONY_CALLBACK_WINDOW_HOURS = env.integer("TELEPHONY_CALLBACK_WINDOW_HOURS", 2, minimum=1, maximum=8)
# How long the screen-pop stays on the agent's screen after the call ended (to register it).
TELEPHONY_SCREEN_POP_MINUTES = env.integer("TELEPHONY_SCREEN_POP_MINUTES", 15, minimum=1, maximum=240)
# Call records (phone numbers are personal data) are deleted after this; statistics stay.
TELEPHONY_CALL_RETENTION_DAYS = env.integer("TELEPHONY_CALL_RETENTION_DAYS", 395, minimum=31)
# The public address the telephone platform uses, for checking request signatures behind proxies.
TELEPHONY_PUBLIC_URL = env.url("TELEPHONY_PUBLIC_URL", SITE_URL, schemes=("http", "https")).rstrip("/")
# Text-to-speech voice named in <Say voice="..."> (platform specific; empty = platform default).
TELEPHONY_TTS_VOICE = env.string("TELEPHONY_TTS_VOICE", "")

# --- Routing engine -------------------------------------------------------------------
# Administrators' and agents' guide: docs/routing.md (thresholds chosen in bench/routing/README.md).
# Below this confidence an inquiry goes to manual triage instead of a guess (0.6: 2 % of real
# inquiries triaged, 83 % of texts that cannot be routed caught).
ROUTING_TRIAGE_THRESHOLD = env.decimal("ROUTING_TRIAGE_THRESHOLD", 0.6, minimum=0.0, maximum=1.0)
# A topic whose evidence reaches this is a separate matter of a multi-matter text.
ROUTING_MULTI_THRESHOLD = env.decimal("ROUTING_MULTI_THRESHOLD", 0.35, minimum=0.01, maximum=1.0)
# Nightly retraining (local time); skipped when the training data has not changed.
ROUTING_RETRAIN_HOUR = env.integer("ROUTING_RETRAIN_HOUR", 3, minimum=0, maximum=23)
# Share (%) of staff decisions held back from training to compare models on.
ROUTING_HOLDOUT_PERCENT = env.integer("ROUTING_HOLDOUT_PERCENT", 20, minimum=1, maximum=50)
# Below this many held-back staff decisions the shipped evaluation set is added to them.
ROUTING_MIN_STAFF_HOLDOUT = env.integer("ROUTING_MIN_STAFF_HOLDOUT", 100, minimum=0)
# Staff decisions older than this (days) are not learnt from (0 = all); bounds training time.
ROUTING_STAFF_EXAMPLES_DAYS = env.integer("ROUTING_STAFF_EXAMPLES_DAYS", 730, minimum=0)
# A new model may score this much lower on a held-back metric and still replace the active one.
ROUTING_REPLACE_TOLERANCE = env.decimal("ROUTING_REPLACE_TOLERANCE", 0.0, minimum=0.0, maximum=0.2)
# Stored models (the active one included); older versions keep their record but not their bytes.
ROUTING_KEEP_MODELS = env.integer("ROUTING_KEEP_MODELS", 5, minimum=1)
# How often (seconds) a serving process looks for a newly activated model.
ROUTING_CHECK_SECONDS = env.integer("ROUTING_CHECK_SECONDS", 30, minimum=1)
# A training holds a lock this long at most; a process needing the first model waits this long.
ROUTING_TRAIN_LOCK_SECONDS = env.integer("ROUTING_TRAIN_LOCK_SECONDS", 1800, minimum=60)
ROUTING_FIRST_MODEL_WAIT_SECONDS = env.integer("ROUTING_FIRST_MODEL_WAIT_SECONDS", 120, minimum=0)

# --- Capacity planning and reporting --------------------------------------------------
# (capacity / reporting settings go here)
# Capacity planning (docs/capacity.md). Queues offered on the plan page besides those with statistics.
CAPACITY_QUEUES = env.string_list("CAPACITY_QUEUES", [TELEPHONY_CONTACT_CENTRE_QUEUE])
# Weeks of interval statistics the forecast learns from, and weeks held back to measure its error.
CAPACITY_HISTORY_WEEKS = env.integer("CAPACITY_HISTORY_WEEKS", 26, minimum=3, maximum=156)
CAPACITY_BACKTEST_WEEKS = env.integer("CAPACITY_BACKTEST_WEEKS", 4, minimum=1, maximum=12)
# How far ahead (weeks) a manager can plan; the forecast gets less useful beyond a quarter.
CAPACITY_WEEKS_AHEAD = env.integer("CAPACITY_WEEKS_AHEAD", 12, minimum=1, maximum=52)
# Handling time used when a queue has neither its own setting nor handle times in its history.
CAPACITY_DEFAULT_AHT_SECONDS = env.integer("CAPACITY_DEFAULT_AHT_SECONDS", 180, minimum=1)
# "Check by simulation" limits: simulated calls per request and wall-clock seconds (bounded runtime).
CAPACITY_SIMULATION_MAX_CALLS = env.integer("CAPACITY_SIMULATION_MAX_CALLS", 40000, minimum=1000)
CAPACITY_SIMULATION_SECONDS = env.integer("CAPACITY_SIMULATION_SECONDS", 5, minimum=1, maximum=60)
# Forecasts and their back-tests are cached by the value of their inputs for this long (seconds).
CAPACITY_FORECAST_CACHE_SECONDS = env.integer("CAPACITY_FORECAST_CACHE_SECONDS", 6 * 3600, minimum=0)
# Reporting (docs/reporting.md). How often the dashboard refreshes its figures (seconds).
REPORTING_DASHBOARD_REFRESH_SECONDS = env.integer("REPORTING_DASHBOARD_REFRESH_SECONDS", 30, minimum=10)
# Email managers last month's service goals in the first days of each month (through the outbox).
REPORTING_MONTHLY_GOAL_REPORT = env.boolean("REPORTING_MONTHLY_GOAL_REPORT", True)
# PostgreSQL sort memory for report queries (set per transaction; see reporting/session.py).
REPORTING_WORK_MEM = env.string("REPORTING_WORK_MEM", "64MB")
# Seconds a computed report is reused (page, PDF and XLSX of the same report); 0 switches it off.
REPORTING_CACHE_SECONDS = env.integer("REPORTING_CACHE_SECONDS", 300, minimum=0)
