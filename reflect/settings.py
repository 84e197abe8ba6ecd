"""Settings for Reflect, read from environment variables.

The defaults are the personal profile: one person, SQLite in a local data folder,
served on 127.0.0.1 with DEBUG off. Nothing here makes a network call.

Every variable is read through one of the `env_*` helpers below. A variable that is unset or
blank takes its default; a value the helper cannot read stops Django from starting with
ImproperlyConfigured, naming the variable and what it accepts, rather than quietly meaning
something else (a mistyped "ture" must never turn a protection off).
"""

import contextlib
import os
import secrets
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def refuse(name: str, value: str, accepted: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} must be {accepted} (it is {value!r})")


def env_text(name: str, default: str = "") -> str:
    """The variable exactly as written (a secret key keeps its every character), or `default`."""
    value = os.environ.get(name, "")
    return value if value.strip() else default


def env_bool(name: str, default: bool) -> bool:
    on, off = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
    value = env_text(name).strip().lower()
    if not value:
        return default
    if value not in on + off:
        raise refuse(name, value, f"one of {', '.join(on)} to turn it on, or {', '.join(off)} to turn it off")
    return value in on


def env_int(name: str, default: int, minimum: int) -> int:
    value = env_text(name).strip()
    if not value:
        return default
    accepted = f"a whole number, at least {minimum}"
    try:
        number = int(value)
    except ValueError:
        raise refuse(name, value, accepted) from None
    if number < minimum:
        raise refuse(name, value, accepted)
    return number


def env_list(name: str, default: Sequence[str]) -> list[str]:
    """Items separated by commas, such as host names; spaces around an item don't matter."""
    value = env_text(name)
    if not value:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if any(len(item.split()) > 1 for item in items):
        raise refuse(name, value, "a list separated by commas, with no spaces inside an item")
    return items


def env_choice(name: str, choices: Sequence[str], default: str, accepted: str = "") -> str:
    """One of `choices`, in any case, returned as `choices` spells it. `accepted` describes a long list."""
    value = env_text(name).strip()
    if not value:
        return default
    by_folded = {choice.casefold(): choice for choice in choices}
    if value.casefold() not in by_folded:
        raise refuse(name, value, accepted or f"one of {', '.join(choices)}")
    return by_folded[value.casefold()]


def env_path(name: str, default: Path) -> Path:
    """An absolute path, so it means the same place whichever folder Reflect is started from."""
    value = env_text(name).strip()
    if not value:
        return default
    try:
        return Path(value).expanduser().resolve()
    except (OSError, RuntimeError):  # RuntimeError: "~someone" when there is no such user
        raise refuse(name, value, "a path on this machine, such as /srv/reflect/data") from None


def local_time_zone() -> str:
    """This machine's zone name (e.g. Europe/London), so journal times read as the person's own."""
    candidates = [env_text("TZ")]
    with contextlib.suppress(OSError, IndexError):
        candidates.append(str(Path("/etc/localtime").resolve()).split("zoneinfo/", 1)[1])
    for name in candidates:
        try:
            zoneinfo.ZoneInfo(name)
            return name
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            continue
    return "UTC"


def time_zone() -> str:
    """REFLECT_TIME_ZONE, checked against the zones this machine knows, or else this machine's own zone."""
    if not env_text("REFLECT_TIME_ZONE"):
        return local_time_zone()
    zones = sorted(zoneinfo.available_timezones())
    return env_choice("REFLECT_TIME_ZONE", zones, "UTC", accepted="a time zone name, such as Europe/London or UTC")


def load_or_create_secret_key(path: Path) -> str:
    """A key made once per install and kept beside the database, readable only by us."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


# "personal": one person, SQLite, 127.0.0.1. "practice": therapist and client accounts,
# PostgreSQL from DATABASE_URL, HTTPS behind a proxy, any number of app processes.
PROFILE = env_choice("REFLECT_PROFILE", ["personal", "practice"], "personal")
PRACTICE = PROFILE == "practice"

DATA_DIR = env_path("REFLECT_DATA_DIR", BASE_DIR / "data")
try:
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
except OSError as error:
    raise ImproperlyConfigured(
        f"REFLECT_DATA_DIR must be a folder Reflect can write in ({DATA_DIR}: {error.strerror or error})"
    ) from None

if PRACTICE and not env_text("REFLECT_SECRET_KEY"):
    # Every app process and machine must share one key; a file made on one of them would not.
    raise ImproperlyConfigured("the practice profile needs REFLECT_SECRET_KEY, one long random value for every process")
SECRET_KEY = env_text("REFLECT_SECRET_KEY") or load_or_create_secret_key(DATA_DIR / "secret_key")
DEBUG = env_bool("REFLECT_DEBUG", False)
ALLOWED_HOSTS = env_list("REFLECT_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "bootstrap",  # django-bootstrap-static: Bootstrap's CSS as static files, no CDN
    "reflect.safety",
    "reflect.learn",
    "reflect.prompts",
    "reflect.vault",
    "reflect.practice",
    "reflect.journal",
    "reflect.programmes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "reflect.safety.middleware.security_headers",
    "reflect.safety.middleware.shell_cookies",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "reflect.public_pages.keep_public_pages",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "reflect.safety.csrf.fetch_metadata_origin",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "reflect.vault.session.VaultMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "reflect.urls"
WSGI_APPLICATION = "reflect.wsgi.application"

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
                "reflect.safety.context_processors.safety",
                "reflect.vault.context_processors.vault",
            ],
        },
    },
]

if env_text("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env_text("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
elif PRACTICE:
    raise ImproperlyConfigured("the practice profile needs DATABASE_URL, such as postgres://reflect@db.example/reflect")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_path("REFLECT_DATABASE_PATH", DATA_DIR / "reflect.sqlite3"),
            # WAL lets the app processes read while one writes; IMMEDIATE avoids failed lock upgrades.
            "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20},
            # Each worker thread keeps its connection: opening one (and setting it up) for every
            # request cost more than the few queries an open journal's page asks.
            "CONN_MAX_AGE": 600,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = time_zone()
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_path("REFLECT_STATIC_ROOT", BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]  # build/static: reflect/stylesheet.py
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Headers every response carries. Nothing may load from, or be told about, another origin.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws form controls with data: SVGs; data: is not another origin.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

SESSION_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

if PRACTICE:
    # HTTPS is ended by a proxy in front of the app, which must set X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("REFLECT_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("REFLECT_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("REFLECT_HSTS_SECONDS", 365 * 24 * 60 * 60, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("REFLECT_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("REFLECT_HSTS_PRELOAD", True)
    CSRF_TRUSTED_ORIGINS = env_list("REFLECT_CSRF_TRUSTED_ORIGINS", [])
# The header a trusted proxy sets to the client's address, for counting unlock attempts per client.
REFLECT_CLIENT_IP_HEADER = env_text("REFLECT_CLIENT_IP_HEADER").strip()
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
# Gone when the browser closes, like the session: a year-long cookie would outlast a visit.
CSRF_COOKIE_AGE = None
CSRF_FAILURE_VIEW = "reflect.safety.views.csrf_failure"

# Journal and vault
REFLECT_IDLE_LOCK_MINUTES = env_int("REFLECT_IDLE_LOCK_MINUTES", 15, minimum=1)
# A session row expires with the idle limit, counted from its last save (the idle clock saves it
# at least every 15 s of use), so an idle journal's row is dead on the server even if no request
# ever comes. The cookie still ends with the browser (SESSION_EXPIRE_AT_BROWSER_CLOSE above).
SESSION_COOKIE_AGE = REFLECT_IDLE_LOCK_MINUTES * 60
REFLECT_AUTOSAVE_SECONDS = env_int("REFLECT_AUTOSAVE_SECONDS", 3, minimum=1)
REFLECT_ENTRY_MAX_CHARS = 100_000
REFLECT_ASSIGNMENT_DAYS = env_int("REFLECT_ASSIGNMENT_DAYS", 30, minimum=1)
# Argon2id for the passphrase: about 0.5 s per unlock, on one core. Stored beside each
# wrapped key, so raising these later only affects passphrases set from then on.
REFLECT_ARGON2_TIME_COST = env_int("REFLECT_ARGON2_TIME_COST", 4, minimum=1)
REFLECT_ARGON2_PARALLELISM = env_int("REFLECT_ARGON2_PARALLELISM", 2, minimum=1)
# Argon2 needs at least 8 KiB for each lane it runs in parallel.
REFLECT_ARGON2_MEMORY_KIB = env_int("REFLECT_ARGON2_MEMORY_KIB", 128 * 1024, minimum=8 * REFLECT_ARGON2_PARALLELISM)
# How many passphrases this machine checks at once, across every app process (reflect/vault/
# derivations.py); a try beyond that gets a 503 at once. Each check runs its lanes on one thread,
# so this many cores at most go to Argon2: 1 leaves a 2-core machine a core for pages. Memory
# budget (README, "Running"): this x REFLECT_ARGON2_MEMORY_KIB on top of the app processes' own;
# with the defaults, 2 processes x about 60 MiB + 1 x 128 MiB, about 250 MiB in all.
REFLECT_ARGON2_AT_ONCE = env_int("REFLECT_ARGON2_AT_ONCE", 1, minimum=1)
# Uploaded exports stay in memory: a temporary file would put journal text on disk in the clear.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 2**20
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 2**20

# Public pages are rendered once per content version, country and display choice, and kept here
# (reflect/public_pages.py), by each app process in its own memory: the content version is read
# from the database, so every process, and every machine, notices new content within a second.
# Nothing private is ever put in the cache: sessions stay in the database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}
REFLECT_PUBLIC_PAGE_SECONDS = env_int("REFLECT_PUBLIC_PAGE_SECONDS", 24 * 60 * 60, minimum=0)
# How long a process trusts the content version it last read: new content shows within this time.
REFLECT_CONTENT_CHECK_SECONDS = env_int("REFLECT_CONTENT_CHECK_SECONDS", 1, minimum=0)

# Safety shell
REFLECT_EXIT_URL = env_text("REFLECT_EXIT_URL", "https://www.bbc.co.uk/weather").strip()
REFLECT_DEFAULT_COUNTRY = env_text("REFLECT_DEFAULT_COUNTRY").strip().upper()
# From the INTL row of the verified helplines list: a directory, not a number.
REFLECT_HELPLINE_DIRECTORY_URL = "https://findahelpline.com"
# The project's copy of shared/reference/helplines-verified.tsv, which fixtures/helplines.json is
# built from (`manage.py build_helplines_fixture`); point this elsewhere to build from a newer list.
REFLECT_HELPLINES_TSV = env_path("REFLECT_HELPLINES_TSV", BASE_DIR / "fixtures" / "helplines.tsv")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A join link's path is a live assignment code: the loggers that write request paths hide it.
    "filters": {"hide_assignment_codes": {"()": "reflect.practice.log_filters.HideAssignmentCodes"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("REFLECT_LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], "WARNING"),
    },
    "loggers": {
        "django.request": {"filters": ["hide_assignment_codes"]},
        # Django's own settings for runserver's request lines, with the filter added.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["hide_assignment_codes"],
        },
    },
}
