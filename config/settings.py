"""The one settings module, read from the environment.

Every default is the embedded mode that `make run` starts on a fresh machine: SQLite, a Celery
broker kept in files under var/, emails written as files into var/mail. Production sets the
variables listed in .env.example (and in the README); no production value lives here.
"""

from __future__ import annotations

import os
from email.utils import formataddr
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# Every process reads the same configuration whatever its current directory: the web server, the
# Celery worker and beat (config/celery.py loads these settings) and every `manage.py` command.
# The first to set a variable wins:
# 1. the environment;
# 2. the .env file beside manage.py (or the file ENV_FILE names), if present: production's;
# 3. var/run.env, which `make run` writes with the address, group name and two-factor rule it
#    starts with, so that `manage.py send_digests` in another terminal sends the same links as
#    the site it runs beside. The test suite runs on the defaults below whatever `make run` last
#    wrote (pytest sets PYTEST_VERSION).
env.read_env(env.path("ENV_FILE", default=BASE_DIR / ".env"), overwrite=False)
if "PYTEST_VERSION" not in os.environ:
    env.read_env(VAR_DIR / "run.env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)
# The embedded default key is only good for a machine nobody else reaches; check --deploy
# refuses it, and .env.example shows where the production one goes.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-embedded-mode-only-never-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The group this installation serves: its name is data, not code.
GROUP_NAME = env.str("GROUP_NAME", default="Coordination Group")
# The group's calendar: chair terms, membership and deadlines change at midnight here, the same
# moment for everyone; each person still sees times in their own zone (common/dates.py).
GROUP_TIME_ZONE = env.str("GROUP_TIME_ZONE", default="UTC")
# Where people reach the site; every email builds its links from it, whichever process sends it.
# Production must set it: a system check (common/checks.py) refuses a local address unless DEBUG.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_filters",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "auditlog",
    "common",
    "coordination",
    "workplans",
    "meetings",
    "statements",
    "mapping",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Next to SecurityMiddleware, so that every response gets these headers, even one that a
    # middleware below answers by itself (a static file, a redirect to the login page).
    "csp.middleware.CSPMiddleware",
    "common.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view says otherwise (@login_not_required).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "coordination.middleware.PersonPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coordination.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "coordination.context_processors.group",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'coordination.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker, beat and web server share the file: wait for a lock instead of failing, and
    # take the write lock at the start of a transaction so two writers never deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # A file, not memory, so that a Celery worker started by a test can open it too; one per
    # test run, so that two runs on one machine do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "coordination.Person"

# allauth keeps its rate-limit counters here, so it must be shared by every web process: the
# embedded default is a table in the database, production uses Redis.
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://coordination_cache")}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # Ignoring Redis errors would not do: allauth then refuses every login (429). Instead Redis
    # sits in front of the database's cache table, which takes over while Redis cannot be reached
    # (common/cache.py), so Redis errors must reach it, and quickly: these timeouts are what a
    # down Redis costs a request, once per RETRY_AFTER seconds in each process.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"IGNORE_EXCEPTIONS": False, "SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.5}
    )
    CACHES = {
        "default": {
            "BACKEND": "common.cache.FailoverCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database", "RETRY_AFTER": 30},
        },
        "redis": CACHES["default"],
        # A cache alias of its own, so that `createcachetable` creates its table; room for many
        # counters, so that trying many addresses cannot push the others out.
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "coordination_cache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }

# --- People and login -------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
# Where a person changes their time zone and language (pages of other apps link to it by name).
PROFILE_URL_NAME = "coordination:profile"
ACCOUNT_ADAPTER = "coordination.adapters.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# An invitation proves the address; any other way in must verify it first.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{GROUP_NAME}] "
ACCOUNT_RATE_LIMITS = {
    # Failed logins: 10 a minute from one address, 5 in 5 minutes against one account.
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="10/m/ip,5/300s/key"),
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
# Behind a proxy every request comes from the proxy's address; allauth's per-address rate
# limits take the client's from X-Forwarded-For, trusting this many proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
MFA_ADAPTER = "coordination.adapters.RequiredTwoFactorMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = GROUP_NAME
# Roles that must set up two-factor before doing anything else: "secretariat", and "chair" for
# the focal points of the organisations that chair the group now.
MFA_REQUIRED_FOR = env.list("MFA_REQUIRED_FOR", default=["secretariat"])
# Fernet keys that encrypt the two-factor secrets in the database (common/secrets.py): the first
# encrypts, every one decrypts, so a new key goes first while rotate_mfa_keys moves rows onto it.
# Empty, a key derived from SECRET_KEY is used (the embedded mode); check --deploy refuses that.
MFA_ENCRYPTION_KEYS = env.list("MFA_ENCRYPTION_KEYS", default=[])

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# How long after their term the outgoing chairs keep their rights (the handover's sign-off, the
# pledge report).
OUTGOING_CHAIR_DAYS = env.int("OUTGOING_CHAIR_DAYS", default=90)

# Meeting documents: what may be attached, and how large (MB).
MEETING_DOCUMENT_MAX_MB = env.int("MEETING_DOCUMENT_MAX_MB", default=20)
MEETING_DOCUMENT_EXTENSIONS = {
    ".pdf",
    ".doc",
    ".docx",
    ".odt",
    ".rtf",
    ".txt",
    ".xls",
    ".xlsx",
    ".ods",
    ".csv",
    ".ppt",
    ".pptx",
    ".odp",
    ".png",
    ".jpg",
    ".jpeg",
}
# Django refuses larger request bodies before any view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A session ends after this many seconds without a request; every request starts the count again.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language and time ------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
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

# --- Email ------------------------------------------------------------------------------------

_email = env.email_url("EMAIL_URL", default="filemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The embedded default writes each message as a readable file here.
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=VAR_DIR / "mail")
# formataddr quotes (or encodes) the group's name, so "ICAT (demonstration)" is a name, not a
# name and a comment.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default=formataddr((GROUP_NAME, "hub@localhost"))
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# --- Celery -----------------------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# A request hands work to the broker once, without retrying (notifications.tasks._hand_over):
# with the broker down it answers at once and the beat catches up from the database.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"max_retries": 0}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # An unreachable host (not only a refused port) costs at most a second.
    CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] = 1
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files in one folder that the web, worker and beat share.
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(VAR_DIR / "celery" / "broker"),
        "data_folder_out": str(VAR_DIR / "celery" / "broker"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    # kombu does not create its folders; every process makes sure they exist before it starts.
    for _folder in ("broker", "control", "results"):
        (VAR_DIR / "celery" / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND", default=f"file://{VAR_DIR / 'celery' / 'results'}"
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TIMEZONE = "UTC"
# If the broker is unreachable, give up publishing quickly: the caller logs it and the page
# still answers; the database holds what is due, so the next beat run catches up.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# The beat only says "look now": what is due is read from the database each time, so a tick
# missed while Redis was down is caught up by the next one.
DIGEST_CHECK_SECONDS = env.int("DIGEST_CHECK_SECONDS", default=300)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "queue-due-digests": {
        "task": "notifications.tasks.queue_due_digests",
        "schedule": DIGEST_CHECK_SECONDS,
    },
    "sweep-deliveries": {"task": "notifications.tasks.sweep_deliveries", "schedule": 60},
    "relay-events": {"task": "notifications.tasks.relay_events", "schedule": 60},
    "heartbeat": {"task": "notifications.tasks.heartbeat", "schedule": 60},
    # Each notice is claimed once (coordination.services.chair_term_notices_send): hourly is
    # soon enough after the group's midnight and catches up on a missed run.
    "chair-term-notices": {"task": "coordination.tasks.chair_term_notices", "schedule": 3600},
    # The last reminder before a comment or endorsement deadline, each claimed once
    # (statements.reminders): every quarter of an hour, so it leaves 23¾ to 24 hours to answer.
    "statement-last-calls": {"task": "statements.tasks.last_calls", "schedule": 900},
    # Recurring meetings are stored a year ahead: a daily look adds the next ones.
    "extend-series": {"task": "meetings.tasks.extend_series", "schedule": 6 * 3600},
}

# --- Security (each is on unless DEBUG; production sets DEBUG=False) ----------------------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check probes over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages load their scripts, styles, fonts and images from this site only, and nothing inline:
# templates hold no <script> without src, no <style> and no style="" (tests/test_headers.py
# checks every page). The Django admin works under it unchanged. Permissions-Policy is set by
# common.middleware.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for the QR code of the two-factor setup page, which allauth draws inline.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Audit history ----------------------------------------------------------------------------

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
