"""Rendezvous settings: one module, configured through environment variables (see README)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import email_settings, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # Embedded mode: a key kept under var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
# Web apps on these origins may call the API from the browser (rendezvous.api.middleware);
# their writes with the session pass the CSRF check's origin test too.
API_CORS_ORIGINS = env_list("API_CORS_ORIGINS", "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "") + API_CORS_ORIGINS
# The public address in mails, letters and invitations. Unset, it is where `make run` listens
# (HOST and PORT), so a demo on any port links to itself.
SITE_URL = (
    os.environ.get("SITE_URL")
    or f"http://{os.environ.get('HOST', 'localhost')}:{os.environ.get('PORT', '8000')}"
).rstrip("/")
ADMIN_PATH = os.environ.get("ADMIN_PATH", "django-admin/").strip("/") + "/"
# The public address's host is always allowed: setting SITE_URL is enough.
if (site_host := urlsplit(SITE_URL).hostname) and site_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(site_host)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "allauth",
    "allauth.account",
    "ninja",
    # Ours, in layer order: each app imports only those listed before it.
    "rendezvous.organisations",
    "rendezvous.accounts",
    "rendezvous.notifications",
    "rendezvous.calendars",
    "rendezvous.school",
    "rendezvous.scheduling",
    "rendezvous.bookings",
    "rendezvous.reports",
    "rendezvous.api",
    "rendezvous.office",
    "rendezvous.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rendezvous.lib.headers.ContentSecurityPolicyMiddleware",
    "rendezvous.lib.headers.permissions_policy_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything that may answer under /api/: refusals carry the CORS headers too.
    "rendezvous.api.middleware.CorsMiddleware",
    # After static files, before anything that may answer: every page request, 503s too.
    "rendezvous.lib.request_log.RequestLogMiddleware",
    # Before any work: a process already busy enough answers 503 at once.
    "rendezvous.lib.admission.AdmissionMiddleware",
    # Before the session: reading the session and the user needs the database too.
    "rendezvous.lib.middleware.DatabaseUnavailableMiddleware",
    "rendezvous.lib.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, handed the person read with the session (one query for both).
    "rendezvous.accounts.sessions.SessionUserMiddleware",
    "rendezvous.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Innermost, so that its messages are in the request's language.
    "rendezvous.api.middleware.ApiErrorBodyMiddleware",
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
                "django.template.context_processors.i18n",
                "rendezvous.organisations.context_processors.organisation",
            ],
            "libraries": {
                "capture": "rendezvous.lib.capture",
                "dates": "rendezvous.lib.date_tags",
            },
        },
    },
]

# Database: SQLite under var/ by default, anything else through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'rendezvous.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# A database that is down, frozen or locked costs a request a few seconds and a 503
# (rendezvous.lib.middleware), never a hang: these limits turn the wait into an error.
SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "5"))
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3"))
# 0 turns the limit off, e.g. for a long migration.
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "5000"))
# Connections a process keeps in a pool (PostgreSQL); 0 keeps one persistent connection per
# thread instead. The web server sets it (config/gunicorn.py): its many threads mostly wait for
# their turn (rendezvous.lib.admission), and only those at work need a connection.
DATABASE_POOL_SIZE = int(os.environ.get("DATABASE_POOL_SIZE", "0"))
# PostgreSQL plans a statement it has prepared once per connection instead of on every run:
# planning was half of the database's work in the booking rush. Turn it off behind a pooler
# that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    if DATABASE_POOL_SIZE:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        # A request waits this long for a free connection, then answers 503.
        pg_options["pool"] = {
            "min_size": 1,
            "max_size": DATABASE_POOL_SIZE,
            "timeout": DATABASE_CONNECT_TIMEOUT,
        }
    else:
        # A persistent connection that died with the server is replaced on the next request.
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    pg_options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    if DATABASE_PREPARED_STATEMENTS:
        # Prepared statements need the parameters bound by the server; psycopg prepares a
        # statement on a connection's fifth run of it.
        pg_options.update(server_side_binding=True, prepare_threshold=5)
    pg_options["options"] = (
        f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS} {pg_options.get('options', '')}"
    ).strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Each thread keeps its connection, as with PostgreSQL: a new one reads the schema again
    # and starts with an empty page cache, which cost a request a quarter of its time.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # A file, not memory: tests race real threads against SQLite's locking.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-rendezvous.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A frozen Redis must not hang sign-ins (rate limits) or /healthz.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rendezvous.accounts.backends.StaffEmailBackend",
    "rendezvous.accounts.backends.ParentCodeBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SILENCED_SYSTEM_CHECKS = ["auth.W004"]  # emails are unique per staff member, not per parent

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "rendezvous.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "rendezvous.accounts.forms.LoginForm",
    "change_password": "rendezvous.accounts.forms.ChangePasswordForm",
    "set_password": "rendezvous.accounts.forms.SetPasswordForm",
    "reset_password_from_key": "rendezvous.accounts.forms.ResetPasswordKeyForm",
}
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
# Allauth's mails name the organisation themselves (templates/account/email/); its default
# prefix would be the host the request came in on.
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Failed sign-ins: per client address, and per account and address pair ("key"); per
# account from all addresses together, except browsers it has signed in from (see
# rendezvous.accounts.adapter).
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LOGIN_RATE_LIMIT", "30/m/ip,5/5m/key"),
    "login_failed_account": os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "100/h/key"),
    "reset_password": "20/m/ip,5/m/key",
}
# Reverse proxies in front of the web server that append the client's address to
# X-Forwarded-For; 0 ignores the header (a client could write anything into it).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Admission control (rendezvous.lib.admission): requests a web process works on at once, how
# long a request waits for its turn before 503, and password hashes at once on the machine.
WEB_ACTIVE_REQUESTS = int(os.environ.get("WEB_ACTIVE_REQUESTS", "1"))
WEB_QUEUE_WAIT_MS = int(os.environ.get("WEB_QUEUE_WAIT_MS", "250"))
SIGN_IN_HASHES = int(os.environ.get("SIGN_IN_HASHES", max(1, (os.cpu_count() or 1) // 2)))

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Our own date formats where Django's do not suit (English: day before month, 24-hour clock).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Berlin"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed names (app.3f2a9c.css), compressed, cached by browsers for a year; they need
# `manage.py collectstatic` (make run, scripts/serve.py and the image run it). STATIC_HASHED=0
# serves the plain names, for processes that run without collecting (the tests).
STATIC_HASHED = env_bool("STATIC_HASHED", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_HASHED
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Rendezvous <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = os.environ.get("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")
globals().update(email_settings(EMAIL_URL, str(VAR_DIR / "mail")))
# Allauth sends password-reset mail through this backend, which puts it into the outbox.
OUTBOX_DELIVERY_BACKEND = EMAIL_BACKEND  # noqa: F821 (set by email_settings above)
EMAIL_BACKEND = "rendezvous.notifications.backends.OutboxBackend"
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "60"))
# The workers run below the web server: on a machine they share, a booking rush gets the cores
# first and the mail follows (run_worker; decision 0021). 0 keeps the worker's priority.
WORKER_NICENESS = int(os.environ.get("WORKER_NICENESS", "10"))
# The hour (organisation's local time) at which teachers who chose a daily summary get it.
DIGEST_HOUR = int(os.environ.get("DIGEST_HOUR", "7"))

# Django's database sessions with the person's id in a column, so that the read every request
# makes gets the session and the signed-in person in one query, built once per process.
SESSION_ENGINE = "rendezvous.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# A public https address: browsers are told to use https only (HSTS, a year) and plain http
# is redirected, except the health check, which a load balancer may call over plain http.
HTTPS_SITE = SITE_URL.startswith("https://")
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 365 * 24 * 3600 if HTTPS_SITE else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Entering the browsers' preload list is a decision for whoever owns the whole domain
    # (a school's), not for one application on it; HSTS_PRELOAD=true opts in.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_SITE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# No inline script or style anywhere: scripts and styles come from our own static files, so
# injected markup cannot run code. The printed parent letters are opened from disk, not served.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page uses, denied to all (rendezvous.lib.headers); only names Chromium
# knows, since it reports unknown ones on every page.
PERMISSIONS_POLICY = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "serial",
    "usb",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_for_client_errors": {"()": "rendezvous.lib.logs.OneLineForClientErrors"}
    },
    "formatters": {"json": {"()": "rendezvous.lib.request_log.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["one_line_for_client_errors"],
        },
        "requests": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "loggers": {
        "rendezvous.requests": {
            "handlers": ["requests"],
            "level": "INFO" if os.environ.get("REQUEST_LOG", "on") == "on" else "WARNING",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
