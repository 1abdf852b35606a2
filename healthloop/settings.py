"""HealthLoop settings: one module, configured from environment variables, secure by default.

Environment:
  DATABASE_URL   default sqlite:///var/healthloop.sqlite3 (PostgreSQL, MariaDB/MySQL supported)
  REDIS_URL      optional; when set Huey uses Redis instead of its SQLite storage
  SECRET_KEY     required when DEBUG is off; a development key is generated under var/ otherwise
  DEBUG          "1" for development (the `make run` default); off otherwise
  ALLOWED_HOSTS  comma separated; defaults to localhost names
  FIELD_KEYS     AES-GCM keys for identifiers at rest ("id:base64,id:base64", first = current);
                 a key file under var/ is generated for development when unset
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEALTHLOOP_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _development_secret(name: str) -> str:
    """A random secret kept under var/ so development restarts keep sessions valid."""
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = _env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    _development_secret("secret_key") if DEBUG or os.environ.get("HEALTHLOOP_TESTING") else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "huey.contrib.djhuey",
    "healthloop.core",
    "healthloop.audit",
    "healthloop.accounts",
    "healthloop.people",
    "healthloop.records",
    "healthloop.notify",
    "healthloop.assessment",
    "healthloop.alerts",
    "healthloop.followup",
    "healthloop.interop",
    "healthloop.portal",
    "healthloop.demo",
    "healthloop.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "healthloop.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "healthloop.accounts.middleware.IdleSessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "healthloop.urls"
WSGI_APPLICATION = "healthloop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'healthloop.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
_engine = DATABASES["default"]["ENGINE"]
if _engine.endswith("sqlite3"):
    # WAL and IMMEDIATE transactions let the web server, the worker and the MLLP listener
    # share one SQLite file without "database is locked" errors under normal load.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
elif "mysql" in _engine:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
    )
    DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work (Huey) --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
_huey_name = os.environ.get("HUEY_NAME", "healthloop")
_huey_immediate = _env_bool("HUEY_IMMEDIATE")
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.PriorityRedisHuey",
        "name": _huey_name,
        "url": REDIS_URL,
        "immediate": _huey_immediate,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": _huey_name,
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": _huey_immediate,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "healthloop.accounts.passwords.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = not DEBUG and _env_bool("HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Log-in protection (docs/security.md): idle timeout, lock-out, TOTP for staff.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "1800"))
LOGIN_LOCKOUT = {
    "user_failures": int(os.environ.get("LOGIN_LOCKOUT_USER_FAILURES", "5")),
    "ip_failures": int(os.environ.get("LOGIN_LOCKOUT_IP_FAILURES", "20")),
    "window_minutes": int(os.environ.get("LOGIN_LOCKOUT_WINDOW_MINUTES", "15")),
    "lock_minutes": int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")),
}
OTP_REQUIRED_FOR_STAFF = _env_bool("OTP_REQUIRED_FOR_STAFF")  # demo default: off
OTP_TOTP_ISSUER = "HealthLoop"
# HTTPS in production (behind a TLS-terminating proxy that sets X-Forwarded-Proto).
_https = not DEBUG and _env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = (
    _https and _env_bool("SECURE_SSL_REDIRECT", True) and not _env_bool("HEALTHLOOP_TESTING")
)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if _https else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _https and _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _https and _env_bool("SECURE_HSTS_PRELOAD", True)
if _env_bool("SECURE_PROXY_SSL_HEADER", _https):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The default for every response; the client pages set the same policy themselves
# (healthloop/web/views.py). Inline style attributes are allowed (Element Plus, Vant, the
# Django admin set them); inline and foreign scripts are not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CONTENT_SECURITY_POLICY_DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "healthloop" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so that an anonymous API call gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["healthloop.accounts.drf.DeclaredPermission"],
    "DEFAULT_PAGINATION_CLASS": "healthloop.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "healthloop.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "HealthLoop API",
    "DESCRIPTION": "Post-examination health management platform (检后健康管理平台)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}

# --- HealthLoop ------------------------------------------------------------------------------
FIELD_KEYS = os.environ.get("FIELD_KEYS", "")
FIELD_KEY_FILE = Path(os.environ.get("FIELD_KEY_FILE", VAR_DIR / "field_keys"))
# Staff see persons assigned to them and, when this is on, everyone in their org units.
SCOPE_STAFF_BY_DEPARTMENT = _env_bool("SCOPE_STAFF_BY_DEPARTMENT", True)
# Alerts (docs/alerts.md): an urgent alert unhandled this long goes to the department head,
# the same again to the administrators; finding kinds that never need a doctor; how far back
# the findings drain re-reads for findings committed after later-stamped ones.
ALERTS_ESCALATION_MINUTES = int(os.environ.get("ALERTS_ESCALATION_MINUTES", "30"))
ALERTS_EXCLUDED_KINDS = ["overdue"]
ALERTS_DRAIN_OVERLAP_SECONDS = 300
# Follow-up (docs/followup.md): first contact after a register inclusion (days, or the
# interval if shorter); days past the window before an overdue task goes to the department
# head; days after a contact within which a re-exam or visit counts as "came back".
FOLLOWUP_FIRST_CONTACT_DAYS = int(os.environ.get("FOLLOWUP_FIRST_CONTACT_DAYS", "7"))
FOLLOWUP_ESCALATE_AFTER_DAYS = int(os.environ.get("FOLLOWUP_ESCALATE_AFTER_DAYS", "3"))
FOLLOWUP_RETURN_DAYS = int(os.environ.get("FOLLOWUP_RETURN_DAYS", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One INFO line per provider request (SMS, WeChat, WeCom) is noise at hundreds a
        # second; notify records every attempt in DeliveryAttempt instead.
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
