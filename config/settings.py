"""Settings for Xiangfeng, read from the environment.

One file for every deployment: a village laptop on SQLite with no environment set, or a county
server on PostgreSQL behind HTTPS. Each knob is an environment variable read by the small helpers
below; the README lists them.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# The fallback key is only good for development: with debug off the site refuses to start on it
# (config/startup.py), and `check --deploy` flags it because of its prefix.
SECRET_KEY = env("DJANGO_SECRET_KEY", "django-insecure-xiangfeng-development-key-not-for-production")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "config.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "accounts",
    "csp",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "django_tasks",
    "django_tasks_db",
    "auditlog",
    "households",
    "history",
    "credits",
    "exchange",
    "evidence",
    "activities",
    "public",
    "cases",
    "claims",
    "api",
    "reports",
    "years",
    "titles",
    "backups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # In the user's language, before anything reads the request: NUL bytes refused, the API's errors as JSON.
    "config.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: each change a request makes is recorded with its user and address.
    "history.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.headers.permissions_policy",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.places",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Unset DATABASE_URL means the embedded SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Keep connections for a minute: opening a PostgreSQL connection per request costs more
        # than most of our pages.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every atomic block take the write lock when it starts, so two writers queue
    # on the busy timeout instead of one failing with "database is locked" halfway through.
    # WAL lets readers go on while a writer works; FULL sync keeps a committed entry on power loss.
    # Recursive triggers make INSERT OR REPLACE fire the DELETE triggers of the row it replaces,
    # so the append-only tables refuse it (credits/sql/).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME", str(BASE_DIR / "test_db.sqlite3"))}

# A PostgreSQL standby for the pages that may be a moment behind (`config/replica.py`). In tests
# it mirrors the default database.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (the login page, the admin's, the API's token) are held back against guessing by the
# accounts app (accounts/services.py): failures per account on one address lock it for a while,
# failures per address lock that address, and a slower ceiling per account across addresses locks
# it except for an address that has not been failing. Each lock in a row lasts twice as long.
XIANGFENG_LOGIN_MAX_FAILURES = env_int("XIANGFENG_LOGIN_MAX_FAILURES", 5)
XIANGFENG_LOGIN_LOCK_MINUTES = env_int("XIANGFENG_LOGIN_LOCK_MINUTES", 15)
XIANGFENG_LOGIN_ADDRESS_MAX_FAILURES = env_int("XIANGFENG_LOGIN_ADDRESS_MAX_FAILURES", 30)
XIANGFENG_LOGIN_ACCOUNT_MAX_FAILURES = env_int("XIANGFENG_LOGIN_ACCOUNT_MAX_FAILURES", 20)
XIANGFENG_LOGIN_ACCOUNT_WINDOW_HOURS = env_int("XIANGFENG_LOGIN_ACCOUNT_WINDOW_HOURS", 24)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Uploaded files (a catalogue's minutes, evidence photos). Several application machines mount the
# same folder, or set another Django storage in STORAGES["default"].
MEDIA_URL = "media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT") or BASE_DIR / "media"

# Evidence (photos and documents on entries and cases, `evidence/`): the STORAGES alias its files
# are kept in, and the largest file taken. The files are served only through the application,
# which checks who asks, never from MEDIA_URL. To keep them in an S3-compatible store, install
# django-storages and boto3 and name its backend and options here (the README shows how); the
# store's bucket must be private.
XIANGFENG_EVIDENCE_MAX_BYTES = env_int("XIANGFENG_EVIDENCE_MAX_MB", 10) * 1024 * 1024
XIANGFENG_EVIDENCE_STORAGE = "default"

STATIC_URL = "static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

if env("XIANGFENG_EVIDENCE_STORAGE_BACKEND"):
    STORAGES["evidence"] = {
        "BACKEND": env("XIANGFENG_EVIDENCE_STORAGE_BACKEND"),
        "OPTIONS": json.loads(env("XIANGFENG_EVIDENCE_STORAGE_OPTIONS", "{}")),
    }
    XIANGFENG_EVIDENCE_STORAGE = "evidence"

# Our own page, in the site's look and the user's language, for a form sent with a stale token.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Database sessions, a change saved in one statement rather than three (accounts/sessions.py).
SESSION_ENGINE = "accounts.sessions"

# HTTPS hardening is on whenever debug is off. A village laptop serving plain HTTP on its own LAN
# sets DJANGO_HTTPS=0 and accepts the warnings `check --deploy` then prints.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A load balancer probes the health checks over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^readyz/$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp) on every page: scripts, fonts, frames and connections from
# the site itself only, so an injected <script> or onclick= does not run. Styles may be inline
# (a few print layouts and admin pages carry <style> blocks); images may be data: URLs (Swagger UI).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # 'unsafe-hashes' lets exactly this one inline handler run, django-import-export's
        # onchange="onSelectToggleChange(event)" on the export form's "Select all" box.
        "script-src": [SELF, "'unsafe-hashes'", "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy (config/headers.py): no page uses these browser features.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
}

# The REST API (`/api/`): tokens for other systems, the session (with CSRF) for our own pages
# scripts. Token first, so that an anonymous request is told to authenticate (401), not refused (403).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API tokens (django-rest-knox, accounts/tokens.py): kept as hashes, sent as `Token <token>`, expiring
# after this many days; revoked by their owner, a password change or a closed account.
XIANGFENG_API_TOKEN_DAYS = env_int("XIANGFENG_API_TOKEN_DAYS", 30)
REST_KNOX = {"TOKEN_TTL": timedelta(days=XIANGFENG_API_TOKEN_DAYS), "AUTH_HEADER_PREFIX": "Token"}
SPECTACULAR_SETTINGS = {
    # In the reader's language (the docs page asks for the schema with the browser's); Swagger UI's
    # own buttons stay English, which the tool does not translate.
    "TITLE": _("Xiangfeng API"),
    "DESCRIPTION": _(
        "The village points ledger and its exchange shop, with the same permissions as the pages. "
        "Authenticate with `POST /api/auth/token/`, then send `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the installed sidecar package: the docs work on an offline village laptop.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.bound_path_ids"],
    # Choice sets named for what they are where two apps' fields share a name (`state`, `level`).
    "ENUM_NAME_OVERRIDES": {
        "SelectionStateEnum": "titles.models.Selection.State",
        "TitleLevelEnum": "titles.models.Level",
        "ActivityStateEnum": "activities.api.STATES",
    },
}

# The history of changes (django-auditlog): our own log model, scoped to villages and towns. The
# records it tracks are listed in `history/tracked.py`.
AUDITLOG_LOGENTRY_MODEL = "history.Change"
# auditlog's migrations would create its own log table, which the swap leaves unused and which
# stops PostgreSQL's flush (its foreign keys point at tables the flush truncates).
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True

# Background tasks (a county's roster import) are kept in the database and run by
# `manage.py db_worker` (django-tasks-db): no server beyond the database. `./dev serve` starts one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# The scheme's own knobs.
XIANGFENG_BASE_SCORE = env_int("XIANGFENG_BASE_SCORE", 100)
# Star levels of a village that has not set its own: one star from 110, up to five from 150.
XIANGFENG_DEFAULT_STARS = [110, 120, 130, 140, 150]
# The largest scan of a meeting's minutes a catalogue version accepts, in MB.
XIANGFENG_MINUTES_MAX_MB = env_int("XIANGFENG_MINUTES_MAX_MB", 10)

# The address villagers' phones reach the site at, e.g. https://jifen.example.cn, for the links
# printed on household cards. Unset, a card links to the address the clerk printed it from.
XIANGFENG_PUBLIC_URL = env("XIANGFENG_PUBLIC_URL").rstrip("/")

# The villagers' lookup (`/lookup/`): after this many wrong PINs for one household its lookup
# locks for this many minutes (the same span is the window the failures are counted in), except
# for an address that has not been failing; one address may fail this many times in that span,
# whichever households it tries. See public/services.py.
XIANGFENG_LOOKUP_MAX_FAILURES = env_int("XIANGFENG_LOOKUP_MAX_FAILURES", 5)
XIANGFENG_LOOKUP_LOCK_MINUTES = env_int("XIANGFENG_LOOKUP_LOCK_MINUTES", 15)
XIANGFENG_LOOKUP_ADDRESS_MAX_FAILURES = env_int("XIANGFENG_LOOKUP_ADDRESS_MAX_FAILURES", 20)
# How long a correct PIN opens the household's record in that browser.
XIANGFENG_LOOKUP_GRANT_MINUTES = env_int("XIANGFENG_LOOKUP_GRANT_MINUTES", 30)
# Whose address the per-address limits (logins, the lookup) count. Directly on the network it is
# REMOTE_ADDR. Behind a reverse proxy every request comes from the proxy, so the proxy must append
# the client's address to X-Forwarded-For (nginx: `proxy_set_header X-Forwarded-For
# $proxy_add_x_forwarded_for;`) and we read the last entry (accounts/addresses.py). Never switch
# this on without such a proxy in front: anyone could then pick an address.
XIANGFENG_TRUST_X_FORWARDED_FOR = env_bool("XIANGFENG_TRUST_X_FORWARDED_FOR", env_bool("DJANGO_BEHIND_PROXY", False))

# `manage.py backup`: the folder archives are written to, and how many of them are kept there.
XIANGFENG_BACKUP_DIR = env("XIANGFENG_BACKUP_DIR") or BASE_DIR / "backup-archives"
XIANGFENG_BACKUP_KEEP = env_int("XIANGFENG_BACKUP_KEEP", 14)
