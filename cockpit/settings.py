"""Settings for the dashboard, read from environment variables.

Development defaults are safe and need nothing set (SQLite, the demo engine on
localhost). With DJANGO_DEBUG off the process refuses to start without its secrets.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from cockpit import env
from engines.config import EngineConfig

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.text("COCKPIT_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env.flag("DJANGO_DEBUG", default=True)
PRODUCTION = not DEBUG

if PRODUCTION:
    SECRET_KEY = env.required("DJANGO_SECRET_KEY", "when DJANGO_DEBUG is off")
    ALLOWED_HOSTS = env.words(
        "DJANGO_ALLOWED_HOSTS", env.required("DJANGO_ALLOWED_HOSTS", "when DJANGO_DEBUG is off")
    )
    _database_url = env.required("DATABASE_URL", "(PostgreSQL) when DJANGO_DEBUG is off")
    if not _database_url.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production")
    REDIS_URL = env.required("REDIS_URL", "when DJANGO_DEBUG is off")
else:
    # Development only: this key signs nothing that leaves the developer's machine.
    SECRET_KEY = env.text("DJANGO_SECRET_KEY", "dev-only-insecure-key-never-use-in-production")
    ALLOWED_HOSTS = env.words("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _database_url = env.text("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cockpit.sqlite3'}")
    REDIS_URL = env.text("REDIS_URL", "redis://127.0.0.1:6379/0")


def _next_database(redis_url: str) -> str:
    """The same Redis, the database after the URL's (redis://host:6379/0 -> redis://host:6379/1)."""
    parts = urlsplit(redis_url)
    db = parts.path.strip("/")
    return urlunsplit(parts._replace(path=f"/{int(db) + 1 if db.isdigit() else 1}"))


DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and workers write the same file: wait for each other rather than fail; the
    # test database is a file too, so that a real Celery worker in the tests sees it.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-cockpit.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tables2",
    "template_partials",
    "csp",
    "axes",
    "cockpit",
    "accounts",
    "audit",
    "dashboard",
    "instances",
    "definitions",
    "deployments",
    "incidents",
    "batches",
    "trouble",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "cockpit.middleware.NoStoreMiddleware",
    "cockpit.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "cockpit.middleware.EngineErrorMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files straight from gunicorn, compressed and cache-busted; runserver serves them in development.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "cockpit.urls"
WSGI_APPLICATION = "cockpit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cockpit.context_processors.cockpit",
                "batches.context_processors.operations",
            ],
        },
    }
]

# --- Authentication, sessions and login throttling -------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Inactivity expiry: every request pushes the expiry forward.
SESSION_COOKIE_AGE = env.integer("COCKPIT_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lock out the pair (username, address), never a username alone: an attacker who
# knows a user's name cannot lock that user out from another address.
AXES_FAILURE_LIMIT = env.integer("COCKPIT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("COCKPIT_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Reverse proxies in front: the client address is the Nth entry from the right of X-Forwarded-For.
COCKPIT_PROXY_COUNT = env.integer("COCKPIT_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "cockpit.client_address.client_address"

# --- Security headers ----------------------------------------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "cockpit.views.csrf_failure"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.integer("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.flag("DJANGO_HSTS_PRELOAD", default=True)
    if env.flag("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env.words("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- Static files -----------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end packages come from the npm lock file and are served from node_modules,
# so nothing is fetched from a CDN at run time and nothing is hand-copied.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/bpmn-js", BASE_DIR / "node_modules" / "bpmn-js" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.text("COCKPIT_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

DJANGO_TABLES2_TEMPLATE = "lists/table.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.text("COCKPIT_LOG_LEVEL", "INFO")},
    # One line per engine request is too chatty for INFO; our own logging says what matters.
    "loggers": {"httpx": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Engines -------------------------------------------------------------------------------


def _read_engines() -> dict[str, EngineConfig]:
    """COCKPIT_ENGINES names the engines; COCKPIT_ENGINE_<NAME>_* describe each one."""
    engines: dict[str, EngineConfig] = {}
    for name in env.words("COCKPIT_ENGINES", "demo"):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,39}", name):
            raise ImproperlyConfigured(f"engine name {name!r}: use lower-case letters, digits and dashes")
        prefix = f"COCKPIT_ENGINE_{name.upper().replace('-', '_')}_"
        default_url = "http://127.0.0.1:8080/engine-rest" if name == "demo" else ""
        url = env.text(prefix + "URL", default_url)
        if not url:
            raise ImproperlyConfigured(f"{prefix}URL must be set for engine {name!r}")
        try:
            engines[name] = EngineConfig(
                name=name,
                base_url=url.rstrip("/"),
                kind=env.text(prefix + "KIND", "camunda7"),
                username=env.text(prefix + "USER"),
                password=env.text(prefix + "PASSWORD"),
                connect_timeout=env.number(prefix + "CONNECT_TIMEOUT", 3.0),
                read_timeout=env.number(prefix + "READ_TIMEOUT", 10.0),
                label=env.text(prefix + "LABEL"),
            )
        except ValueError as error:
            raise ImproperlyConfigured(str(error)) from None
    if not engines:
        raise ImproperlyConfigured("COCKPIT_ENGINES must name at least one engine")
    return engines


ENGINES = _read_engines()

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = env.text("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest task, so Redis does not hand a running task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.integer("CELERY_VISIBILITY_TIMEOUT", 6 * 3600)}
CELERY_TASK_DEFAULT_QUEUE = "cockpit"
# A broker restart must not end a worker: reconnect for as long as it takes, also at start-up,
# and notice a dead connection within seconds rather than hanging on it.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 4
CELERY_BROKER_TRANSPORT_OPTIONS.update(
    socket_timeout=10, socket_connect_timeout=4, socket_keepalive=True, health_check_interval=10
)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "cockpit.broker:Transport"  # kombu's, surviving a broker restart
# Long operations (batches app): how often an engine batch is looked at, how many items a chunk
# has and how many of them go to the engine at once, and how long a worker's claim on an
# operation lasts without renewal (after that another worker resumes it).
COCKPIT_FOLLOW_SECONDS = env.number("COCKPIT_FOLLOW_SECONDS", 2.0)
COCKPIT_CHUNK_SIZE = env.integer("COCKPIT_CHUNK_SIZE", 50)
COCKPIT_CHUNK_CONCURRENCY = env.integer("COCKPIT_CHUNK_CONCURRENCY", 8)
COCKPIT_OPERATION_LEASE_SECONDS = env.integer("COCKPIT_OPERATION_LEASE_SECONDS", 60)
# How often every worker looks for operations nobody works on any more (a worker died, a step could
# not be queued) and queues them again: a stalled operation waits at most a lease and a sweep.
COCKPIT_SWEEP_SECONDS = env.number("COCKPIT_SWEEP_SECONDS", 15.0)
# After a retry, how long the engine is given to run the retried jobs before the result says what
# became of them: a single retry waits in the request, a bulk retry in its worker.
COCKPIT_RETRY_CHECK_SECONDS = env.number("COCKPIT_RETRY_CHECK_SECONDS", 3.0)
COCKPIT_RETRY_SETTLE_SECONDS = env.number("COCKPIT_RETRY_SETTLE_SECONDS", 60.0)
# Dashboard numbers: how long a tile waits for its query before saying it is still counting
# (the query goes on and fills the cache), and how long a number is kept.
# How often a page whose "Refresh by itself" switch is on redraws its lists.
COCKPIT_LIVE_SECONDS = env.number("COCKPIT_LIVE_SECONDS", 15.0)
COCKPIT_DASHBOARD_WAIT_SECONDS = env.number("COCKPIT_DASHBOARD_WAIT_SECONDS", 4.0)
COCKPIT_DASHBOARD_CACHE_SECONDS = env.integer("COCKPIT_DASHBOARD_CACHE_SECONDS", 30)
# What the web processes share (dashboard numbers, process statistics, and the guard that runs each
# slow statistics query once among all of them) lives in Redis, so several gunicorn workers or hosts
# never send the engine the same query at once. Production defaults to the next database of
# REDIS_URL's Redis: never the broker's own, since clearing a cache empties its whole database.
# Development without COCKPIT_CACHE_URL keeps it in the process's memory (one runserver, the tests).
_cache_url = env.text("COCKPIT_CACHE_URL", _next_database(REDIS_URL) if PRODUCTION else "")
if _cache_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
            "KEY_PREFIX": "cockpit",
            "OPTIONS": {"socket_timeout": 4, "socket_connect_timeout": 4},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A modification must say why (the annotation goes to the engine and the audit log), unless turned off.
COCKPIT_MODIFICATION_ANNOTATION_REQUIRED = env.flag("COCKPIT_MODIFICATION_ANNOTATION_REQUIRED", default=True)
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The demo's fallback where no redis-server is installed: messages are files.
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "store_processed": False,
    }
