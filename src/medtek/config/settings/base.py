"""Settings shared by every environment; everything that differs comes from the environment."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("MEDTEK_VAR_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "medtek-local-development-key-not-for-production")
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "ninja",
    "medtek.core",
    "medtek.organizations",
    "medtek.inventory",
    "medtek.maintenance",
    "medtek.agreements",
    "medtek.billing",
    "medtek.decommissioning",
    "medtek.assistive",
    "medtek.safety",
    "medtek.documents",
    "medtek.reports",
    "medtek.notifications",
    "medtek.jobs",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "medtek.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "medtek.core.middleware.SessionMiddleware",
    "medtek.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "medtek.core.middleware.SlidingSessionMiddleware",
    "medtek.core.middleware.WritesUnavailableMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "medtek.config.urls"
WSGI_APPLICATION = "medtek.config.wsgi.application"

FORM_RENDERER = "medtek.core.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "medtek.organizations.context_processors.navigation",
            ],
        },
    }
]

DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'medtek.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    # An index's INCLUDE columns let PostgreSQL count from the index alone (e.g. overdue FU per owner);
    # SQLite builds the same index on its key columns, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username + address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After 10 wrong passwords in a row for one username from one address, that pair is locked out for a
# while; a right password resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("MEDTEK_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("MEDTEK_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "medtek.organizations.login.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # medtek.auth logs each login, without the password
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
# Dates as ÅÅÅÅ-MM-DD in both languages (config/formats/); numbers keep Django's Swedish separators.
FORMAT_MODULE_PATH = ["medtek.config.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
# A working day, sliding: each use extends it (written at most every few minutes).
SESSION_COOKIE_AGE = int(os.environ.get("MEDTEK_SESSION_HOURS", "9")) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie (the token is in the page) but forms in other tabs do
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: every page's script is a static file.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Logins, failed and successful (never a password): kept by default.
    "loggers": {"medtek.auth": {"level": os.environ.get("MEDTEK_AUTH_LOG_LEVEL", "INFO")}},
}

# Domain settings (documented in README.md).
MEDTEK = {
    # Halland's 2026 routine: sterile goods with less than this many months to expiry cannot go to aid.
    "STERILE_AID_MIN_MONTHS": int(os.environ.get("MEDTEK_STERILE_AID_MIN_MONTHS", "3")),
    # Exact counts above this are not computed on list pages; the page says "more than N".
    "LIST_COUNT_CAP": int(os.environ.get("MEDTEK_LIST_COUNT_CAP", "10000")),
    "PAGE_SIZE": 50,
    "MAX_PAGE_SIZE": 200,
    # Every uploaded file, on every path (form and API), at most this many megabytes.
    "UPLOAD_MAX_MB": int(os.environ.get("MEDTEK_UPLOAD_MAX_MB", "50")),
    # An import file: at most this many data rows and columns, and an XLSX at most this many
    # megabytes unpacked (a zip bomb is refused from its directory before anything is unpacked).
    "IMPORT_MAX_ROWS": int(os.environ.get("MEDTEK_IMPORT_MAX_ROWS", "1000000")),
    "IMPORT_MAX_COLUMNS": int(os.environ.get("MEDTEK_IMPORT_MAX_COLUMNS", "100")),
    "IMPORT_XLSX_MAX_UNPACKED_MB": int(os.environ.get("MEDTEK_IMPORT_XLSX_MAX_UNPACKED_MB", "64")),
    # An import's error report lists at most this many errors (and counts all of them).
    "IMPORT_MAX_ERRORS": 1000,
    # An API token is valid this many days from its creation.
    "TOKEN_DAYS": int(os.environ.get("MEDTEK_TOKEN_DAYS", "90")),
    # A worker keeps what an API token resolved to (user, memberships) this long; a revoke reaches the
    # other workers within it (organizations/auth.py).
    "TOKEN_CACHE_SECONDS": int(os.environ.get("MEDTEK_TOKEN_CACHE_SECONDS", "10")),
    # A worker keeps which device models and placements a search word names this long; a model or
    # placement added or renamed elsewhere is found by its new name within it (inventory/search.py).
    "SEARCH_NAMES_CACHE_SECONDS": int(os.environ.get("MEDTEK_SEARCH_NAMES_CACHE_SECONDS", "10")),
    # A request that finds the database read-only, full or locked asks the client to retry after this.
    "RETRY_AFTER_SECONDS": int(os.environ.get("MEDTEK_RETRY_AFTER_SECONDS", "30")),
    # An attached file (manual, service report, certificate, photo) is at most this many megabytes.
    "ATTACHMENT_MAX_MB": int(os.environ.get("MEDTEK_ATTACHMENT_MAX_MB", "25")),
}


def attachment_storage(environ: "os._Environ[str] | dict[str, str]") -> dict[str, object]:
    """The storage of attached files: local files under var/attachments, or an S3-compatible object store
    (django-storages) when MEDTEK_S3_BUCKET is set. Files are never served from the store's own URLs:
    every download goes through the application, which checks who may see the file."""
    bucket = environ.get("MEDTEK_S3_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(VAR_DIR / "attachments"), "base_url": "/no-public-url/"},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("MEDTEK_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("MEDTEK_S3_REGION") or None,
            "access_key": environ.get("MEDTEK_S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("MEDTEK_S3_SECRET_ACCESS_KEY") or None,
            "location": environ.get("MEDTEK_S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "attachments": attachment_storage(os.environ),
}

# Beyond one machine (docs/deployment.md): read replicas with read-your-writes, pooling, health, metrics.
# Only on PostgreSQL; on SQLite none of this applies and every read and write goes to the one file.
DATABASE_REPLICA_URLS = [u.strip() for u in os.environ.get("DATABASE_REPLICA_URLS", "").split(",")]
DATABASE_REPLICA_URLS = [u for u in DATABASE_REPLICA_URLS if u]
REPLICA_ALIASES: list[str] = []  # replica1, replica2, ... in the order of DATABASE_REPLICA_URLS
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections are checked before reuse, so a restarted or failed-over server costs no error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if os.environ.get("MEDTEK_PGBOUNCER", "") == "1":
        # PgBouncer in transaction mode: a named cursor would not outlive the transaction's server connection.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    for number, url in enumerate(DATABASE_REPLICA_URLS, start=1):
        # No health check of its own: routing's status query, at the first read of a request, is one.
        replica = dj_database_url.parse(url, conn_max_age=60, engine="medtek.core.db.backends.replica")
        replica["OPTIONS"] = {"connect_timeout": 2, **replica.get("OPTIONS", {})}
        replica["DISABLE_SERVER_SIDE_CURSORS"] = os.environ.get("MEDTEK_PGBOUNCER", "") == "1"
        # Tests: the replica receives the primary's test database by streaming replication; never create it.
        replica["TEST"] = {"MIRROR": "default"}
        DATABASES[f"replica{number}"] = replica
        REPLICA_ALIASES.append(f"replica{number}")
    if REPLICA_ALIASES:
        DATABASE_ROUTERS = ["medtek.core.db.routers.ReplicaRouter"]
MEDTEK_DB = {
    "REPLICAS": REPLICA_ALIASES,
    # A replica further behind than this is skipped (its reads go to the primary).
    "MAX_LAG_SECONDS": float(os.environ.get("MEDTEK_REPLICA_MAX_LAG_SECONDS", "30")),
    # A replica's replayed WAL position is asked at most this often per connection.
    "CHECK_INTERVAL_MS": float(os.environ.get("MEDTEK_REPLICA_CHECK_INTERVAL_MS", "5")),
    # A replica that did not answer is not tried again in this process before this many seconds.
    "RETRY_SECONDS": float(os.environ.get("MEDTEK_REPLICA_RETRY_SECONDS", "5")),
    # How long a client's last write position is kept (cookie and header), well beyond MAX_LAG_SECONDS.
    "READ_YOUR_WRITES_SECONDS": float(os.environ.get("MEDTEK_READ_YOUR_WRITES_SECONDS", "300")),
    # /metrics answers these networks (and a request with `Authorization: Bearer MEDTEK_METRICS_TOKEN`).
    "METRICS_ALLOW": [n for n in os.environ.get("MEDTEK_METRICS_ALLOW", "127.0.0.1,::1").split(",") if n],
    "METRICS_TOKEN": os.environ.get("MEDTEK_METRICS_TOKEN", ""),
}
MIDDLEWARE.insert(0, "medtek.core.db.middleware.DatabaseRoutingMiddleware")
# Notifications and scheduled work (documented in README.md, "Notifications" and "Settings").
MEDTEK_NOTIFY_QUIET_HOURS = os.environ.get("MEDTEK_NOTIFY_QUIET_HOURS", "22-7")
MEDTEK_NOTIFY_DIGEST_HOUR = int(os.environ.get("MEDTEK_NOTIFY_DIGEST_HOUR", "7"))
MEDTEK_BASE_URL = os.environ.get("MEDTEK_BASE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "medtek <medtek@localhost>")
# The worker's queue and schedule (Huey): SQLite beside the database by default, Redis when
# MEDTEK_QUEUE_URL=redis://host:6379/0 is set (production).
_QUEUE_URL = os.environ.get("MEDTEK_QUEUE_URL", "")
_QUEUE_FILE = Path(os.environ.get("MEDTEK_QUEUE_FILE", VAR_DIR / "queue.sqlite3"))
if not _QUEUE_URL:
    _QUEUE_FILE.parent.mkdir(parents=True, exist_ok=True)
# Files a page hands to a job (an import's upload) wait here, private to the server, until it has run.
# With several servers it must be one directory they and the worker share (docs/deployment.md).
MEDTEK_JOB_FILES_DIR = Path(os.environ.get("MEDTEK_JOB_FILES_DIR", VAR_DIR / "job-files"))
# A file left there (a job whose worker died keeps it for "Run again") is removed after this many days.
MEDTEK_JOB_FILES_KEEP_DAYS = int(os.environ.get("MEDTEK_JOB_FILES_KEEP_DAYS", "7"))
# A running job tells it is alive at least this often; one silent for MEDTEK_JOB_STALE_SECONDS lost its
# worker (killed, crashed, its machine gone) and is failed (`medtek jobs-recover`, every 5 minutes).
MEDTEK_JOB_HEARTBEAT_SECONDS = int(os.environ.get("MEDTEK_JOB_HEARTBEAT_SECONDS", "30"))
MEDTEK_JOB_STALE_SECONDS = int(os.environ.get("MEDTEK_JOB_STALE_SECONDS", "300"))
# A job still waiting after this long tells its page that no worker seems to run.
MEDTEK_JOB_UNCLAIMED_SECONDS = int(os.environ.get("MEDTEK_JOB_UNCLAIMED_SECONDS", "20"))
HUEY = {
    "name": "medtek",
    "immediate": False,
    "utc": False,  # crontabs in TIME_ZONE (Django sets the process time zone)
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
    **(
        {"huey_class": "huey.RedisHuey", "url": _QUEUE_URL}
        if _QUEUE_URL.startswith(("redis://", "rediss://", "unix://"))
        else {"huey_class": "huey.SqliteHuey", "filename": str(_QUEUE_FILE)}
    ),
}

# The secret that encrypts patient identities (personnummer, samordningsnummer) at rest and keys their
# look-up hash. Empty here: the local and test settings set a development key, production requires one.
MEDTEK_PATIENT_KEY = os.environ.get("MEDTEK_PATIENT_KEY", "")
