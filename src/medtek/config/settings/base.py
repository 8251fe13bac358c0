"""Settings shared by every environment; everything that differs comes from the environment."""

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
    "django_htmx",
    "ninja",
    "medtek.core",
    "medtek.organizations",
    "medtek.inventory",
    "medtek.maintenance",
    "medtek.agreements",
    "medtek.billing",
    "medtek.decommissioning",
    "medtek.reports",
    "medtek.notifications",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "medtek.core.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
                "medtek.core.context_processors.navigation",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
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
}

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
