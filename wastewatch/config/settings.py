"""All settings, read from the environment.

Without DATABASE_URL the platform runs in its embedded mode: a SQLite file
under var/, secrets generated once into var/ and kept there. With
DATABASE_URL (production) every secret must be given explicitly.
"""
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("WASTEWATCH_VAR_DIR", BASE_DIR / "var"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Parallel test workers share nothing on disk: evidence, reports and the task queue each get their own folder.
    VAR_DIR = VAR_DIR / os.environ["PYTEST_XDIST_WORKER"]
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
EMBEDDED = not DATABASE_URL


def _env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret(env_name, filename, factory):
    """A secret from the environment; in embedded mode generated once into var/."""
    value = os.environ.get(env_name)
    if value:
        return value
    if not EMBEDDED:
        raise ImproperlyConfigured(f"{env_name} must be set when DATABASE_URL is set")
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(factory())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# 128-bit SM4 key, hex encoded.
SM4_KEY = _secret("WASTEWATCH_SM4_KEY", "sm4.key", lambda: secrets.token_hex(16))
DEBUG = _env_bool("DEBUG")
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
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
    "huey.contrib.djhuey",
    "ninja",
    "wastewatch.core",
    "wastewatch.accounts",
    "wastewatch.registry",
    "wastewatch.interfaces",
    "wastewatch.tracking",
    "wastewatch.ledger",
    "wastewatch.events",
    "wastewatch.reports",
    "wastewatch.cockpit",
    "wastewatch.simulator",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wastewatch.config.urls"
ASGI_APPLICATION = "wastewatch.config.asgi.application"

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
                "wastewatch.core.context_processors.navigation_menu",
            ],
        },
    },
]

if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("WASTEWATCH_SQLITE", str(VAR_DIR / "wastewatch.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
else:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wastewatch.accounts.backends.RoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "wastewatch.accounts.validators.CharacterClassValidator"},
]
# Failed-login lockout: this many failures for one username within the window lock it for the window.
LOGIN_LOCKOUT_FAILURES = int(os.environ.get("LOGIN_LOCKOUT_FAILURES", 5))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15))
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", 90))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Serve straight from the finders: the assets live in node_modules, installed by the setup command.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = VAR_DIR / "media"
# Alert evidence (images, clips), stored once under its SM3 digest and never altered (wastewatch/events/evidence.py).
EVIDENCE_ROOT = Path(os.environ.get("WASTEWATCH_EVIDENCE_ROOT", VAR_DIR / "evidence"))
# A push batch of 1,000 records with long addresses stays well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

HUEY = {
    "huey_class": "huey.RedisHuey" if os.environ.get("REDIS_URL") else "huey.SqliteHuey",
    "name": "wastewatch",
    "immediate": _env_bool("HUEY_IMMEDIATE"),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if os.environ.get("REDIS_URL"):
    HUEY["url"] = os.environ["REDIS_URL"]
else:
    HUEY["filename"] = str(VAR_DIR / "huey.sqlite3")

# The provincial relay (wastewatch/interfaces/relay.py): an empty URL keeps it off and the outbox pending.
WASTEWATCH_PROVINCE_URL = os.environ.get("WASTEWATCH_PROVINCE_URL", "")
WASTEWATCH_PROVINCE_APP_KEY = os.environ.get("WASTEWATCH_PROVINCE_APP_KEY", "")
WASTEWATCH_PROVINCE_SECRET = os.environ.get("WASTEWATCH_PROVINCE_SECRET", "")
WASTEWATCH_RELAY_MAX_ATTEMPTS = int(os.environ.get("WASTEWATCH_RELAY_MAX_ATTEMPTS", 8))

# Vehicle tracking (wastewatch/tracking): the JT/T 808 gateway's address, how many days of fixes are kept, and
# overrides of the vehicle rules' parameters as JSON, e.g. {"overspeed_kmh": 50} (see tracking/rules.py).
JT808_HOST = os.environ.get("JT808_HOST", "0.0.0.0")
JT808_PORT = int(os.environ.get("JT808_PORT", 8808))
TRACKING_RETENTION_DAYS = int(os.environ.get("TRACKING_RETENTION_DAYS", 180))
TRACKING_RULES = json.loads(os.environ.get("TRACKING_RULES", "{}"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
