"""Production settings for BTS. Configuration comes from the environment; every variable is in
docs/configuration.md. Importing this module starts nothing and reads no flag that lifts a guard:
the tests have their own module (config/settings_test.py) that sets what they need."""

import datetime
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG")

# Demo logins (password "demo") work only in demo mode, and demo mode is only possible with DEBUG.
DEMO_MODE = DEBUG and env_bool("BTS_DEMO_MODE", default=True)
# Skatteetaten's synthetic test numbers (Tenor: month + 80), which ID-porten's test users have,
# are taken for children and guardians in demo mode and where an installation is set up for
# testing (this); never in production, where they would be typing errors.
BTS_SYNTHETIC_IDENTITY_NUMBERS = env_bool("BTS_SYNTHETIC_IDENTITY_NUMBERS")
# The folder an identity provider's client secret may be read from (file:…); the environment
# variables allowed are those named BTS_OIDC_* (bts.models.secret_location).
BTS_OIDC_SECRETS_DIR = os.environ.get("BTS_OIDC_SECRETS_DIR", "/run/secrets")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("DJANGO_SECRET_KEY må settes når DEBUG er av.")
    SECRET_KEY = "insecure-development-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h] or (
    ["127.0.0.1", "localhost", "testserver"] if DEBUG else []
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "django_htmx",
    # Before "bts": axes' login-failure receiver runs before bts' audit receiver (bts/auth.py).
    "axes",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "bts",
    "levels",
    "cases",
    "toolbox",
    "familiehjelpa",
    "dashboards",
    "family",
    # Above every app, imported by none: the start page and menu, then the demo data.
    "portal",
    "devdata",
]

MIDDLEWARE = [
    # First, so every response carries the policy: also the 400 for a bad Host header, which
    # the middleware below raises before any view.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "bts.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Where Django's LocaleMiddleware would be: the municipality's language form, not the
    # browser's, for everything below it (the CSRF failure and lockout pages too).
    "levels.middleware.LanguageFormMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "levels.middleware.UserMunicipalityMiddleware",
    # The database's wall: the request sees only its person's municipalities' case data.
    "bts.isolation.RowSecurityMiddleware",
    "bts.middleware.FamilySessionBoundaryMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "bts.middleware.SecondFactorMiddleware",
    "bts.middleware.TwoFactorRequiredMiddleware",
    "bts.middleware.SessionLifetimeMiddleware",
    "bts.middleware.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bts.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, as axes asks: it turns a locked-out login into the lockout page, which then passes
    # out through the CSP, security and request-id middleware like any other response.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.layout",
                "family.context_processors.languages",
            ],
        },
    },
]

# PostgreSQL only, at DATABASE_URL. Without it, every use of the database fails with a message
# saying what to set (bts/no_database): the settings never start or guess a server. The
# project-local server is started by the commands that need one (bts/localdb.py).
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {"default": {"ENGINE": "bts.no_database"}}
# A view's writes and the audit events that record them commit together, or not at all.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# The role the app connects as in production (DATABASE_URL); `migrate`, run as the owner of the
# tables, grants it what it needs and nothing more (bts.isolation.grant_app_role).
BTS_DB_APP_ROLE = os.environ.get("BTS_DB_APP_ROLE", "bts_app")
# Persistent connections: a request does not pay for a new connection (the project-local
# server too). A worker keeps its connection for a minute, checked before it is reused.
DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FORM_RENDERER = "bts.forms.FormRenderer"

AUTH_USER_MODEL = "bts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes' lockout check first (a subclass of axes.backends.AxesStandaloneBackend), then
    # Django's own backend, which refuses demo accounts outside demo mode.
    "bts.auth.LockoutBackend",
    "bts.auth.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes, ASVS v5 V6.1.1/V6.3.1): the fifth failed attempt locks the *username*,
# from whatever address, until 15 minutes pass with no failed attempt (an attempt during the lockout
# restarts the 15 minutes; the count is forgotten after 15 minutes with no failure, or at a
# successful login). By username alone, because the threat is password guessing against one account,
# which a botnet spreads over many addresses (so username + address would not stop it), while
# locking by address would let one person lock out a whole municipality: its employees share one NAT
# address, and behind the reverse proxy every request comes from the proxy's address. The price is
# that anyone can lock one named account for 15 minutes; the system administrator can lift it early
# (`manage.py axes_reset_username <name>`, or delete the access attempt in the admin). Attempts live
# in the database (axes' default handler), so a lockout survives restarts and holds across worker
# processes. Unknown usernames are counted and locked exactly like real ones, and the lockout page
# never names the user, so it tells no one whether an account exists.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "bts.auth.lockout_response"
# Axes would otherwise keep every successful login (username, address, browser) forever; the
# audit log already records who read and changed what, with a retention of its own.
AXES_DISABLE_ACCESS_LOG = True
# Per-case grants (django-guardian, cases.CaseUserGrant) are read only by
# `cases.access.visible_cases`, which also requires that the person's service is in the case
# now. Guardian's object backend would answer `user.has_perm("cases.view_case", case)` from the
# grant alone, ignoring a withdrawn or expired consent, so it is left out and has_perm on a case
# is always False. No anonymous user row, no monkey patching of User and Group.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False

# axes.W006 asks for the address among the lockout parameters; see above for why it is not.
# guardian.W001 asks for guardian's object backend; see above for why it is not used.
# Keep this list to these: `check --deploy` must stay clean on its own merits.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "guardian.W001"]


# Two-factor login (django-otp, TOTP in an authenticator app) for every local account whose
# roles can read cases or administer users (bts.policies.requires_two_factor). Repeated wrong
# codes are throttled by the device itself: 1, 2, 4 … seconds between attempts. The app names the
# codes by the product's name in the guide in use, read when a device is set up.
def _totp_issuer(device) -> str:
    from levels.words import current_words

    return current_words().product


OTP_TOTP_ISSUER = _totp_issuer
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions: 30 minutes idle (renewed at most once a minute), 10 hours absolute (middleware).
SESSION_COOKIE_AGE = 30 * 60
BTS_SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
BTS_SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60

# Identity numbers issued from this day may have the wider first check digit ("Nytt
# fødselsnummer fra 2032", Skatteetaten); before it only the classic rule's numbers exist.
BTS_IDENTITY_NUMBERS_2032_FROM = datetime.date.fromisoformat(
    os.environ.get("BTS_IDENTITY_NUMBERS_2032_FROM", "2032-01-01")
)

LANGUAGE_CODE = "nb"
# The municipality's language form (its guide's `language`) decides, not the browser
# (levels.middleware.LanguageFormMiddleware, levels.language). The message ids are bokmål
# (decision 0010); nynorsk is the catalogue in locale/ (decision 0061, docs/language.md).
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk")]
# The family's pages, and the documents made for the family, also in the languages families in
# Norwegian municipalities read most (the municipalities' consent forms come in these), chosen by
# the family (family.views.language). Each has a catalogue of the family's messages only
# (scripts/messages.py, docs/language.md); each name is written in its own language.
FAMILY_LANGUAGES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("en", "English"),
    ("pl", "Polski"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("so", "Soomaali"),
    ("ti", "ትግርኛ"),
    ("lt", "Lietuvių"),
    ("ur", "اردو"),
]
# Written right to left (Django's own list has ar and ur; `<html dir>` follows it).
LANGUAGES_BIDI = ["ar", "ur"]
# locale/: the code's catalogue; locale_upstream/: what Django's own catalogues lack for nb and nn
# (both kept by `make messages`, scripts/messages.py).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_upstream"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic target in production; in development the finders serve static files.
STATIC_ROOT = None if DEBUG else BASE_DIR / ".staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads (a signed consent form, at most 10 MB; the catalogue spreadsheet, at most 5 MB) are held
# in memory and never written to a temporary file; a file over 10 MB is read and dropped, and
# arrives empty with its size, so the form says it is too big (bts.uploads).
FILE_UPLOAD_HANDLERS = ["bts.uploads.BoundedMemoryUploadHandler"]
# No form takes more than one file, so no request holds more than one limit in memory.
DATA_UPLOAD_MAX_NUMBER_FILES = 1

# No inline script, no eval, nothing from other origins. htmx is loaded with the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

if not DEBUG:
    # Production runs behind TLS. `__Host-` cookies are bound to this host and path "/".
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# E-mail (Django 6.1's MAILERS). Production sends through SMTP; host, port, account and TLS
# come from the environment, the password also from a file (a container secret). The SMTP options
# go to the SMTP backend only: other backends refuse options they do not know.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND,
)


def smtp_options() -> dict:
    password = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD")
    password_file = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD_FILE")
    if password is not None and password_file:
        raise RuntimeError(
            "Sett enten DJANGO_EMAIL_HOST_PASSWORD eller DJANGO_EMAIL_HOST_PASSWORD_FILE, "
            "ikke begge."
        )
    if password_file:
        # A secret file usually ends with a newline that is not part of the password.
        password = Path(password_file).read_text().rstrip("\r\n")
    use_tls = env_bool("DJANGO_EMAIL_USE_TLS")
    use_ssl = env_bool("DJANGO_EMAIL_USE_SSL")
    if use_tls and use_ssl:
        raise RuntimeError("DJANGO_EMAIL_USE_TLS og DJANGO_EMAIL_USE_SSL kan ikke begge være på.")
    port = os.environ.get("DJANGO_EMAIL_PORT")
    timeout = os.environ.get("DJANGO_EMAIL_TIMEOUT")
    return {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        # Unset: the backend picks 465 with SSL, 587 with STARTTLS, otherwise 25.
        "port": int(port) if port else None,
        "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
        "password": password or "",
        "use_tls": use_tls,
        "use_ssl": use_ssl,
        "timeout": float(timeout) if timeout else None,
    }


MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = smtp_options()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}


# Retention: days after a case's archive package is made before its personal data is deleted
# from the working system (`manage.py apply_retention`); the archive keeps it from then on.
BTS_RETENTION_DAYS = int(os.environ.get("BTS_RETENTION_DAYS", "365"))

# Synthetic data (`manage.py seed_synthetic`) outside demo mode: only for a benchmark database.
BTS_SYNTHETIC = env_bool("BTS_SYNTHETIC")
# The benchmark's server (`make bench`) reports each response's SQL query count in a header.
BTS_BENCH = env_bool("BTS_BENCH")
if BTS_BENCH:
    MIDDLEWARE.insert(0, "bts.middleware.QueryCountMiddleware")

# Links in e-mail point here (no trailing slash needed).
BTS_BASE_URL = os.environ.get("BTS_BASE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "noreply@localhost")
