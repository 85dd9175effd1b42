"""Settings come from the environment (DATABASE_URL, ZHIGUAN_*); defaults give the embedded set-up.

Embedded default: SQLite under ./var/, Celery tasks run in-process, local-memory cache.
Production: DATABASE_URL=postgres://..., ZHIGUAN_REDIS_URL=redis://..., ZHIGUAN_SECRET_KEY set.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("ZHIGUAN_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("ZHIGUAN_SECRET_KEY"):
        return key
    # Embedded set-up: one random key per installation, kept beside the database.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("ZHIGUAN_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ZHIGUAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
]
# Reached over HTTPS (directly or through a load balancer that ends TLS): one switch turns on the
# redirect, HSTS and Secure cookies; each can still be set on its own.
ZHIGUAN_HTTPS = _env_bool("ZHIGUAN_HTTPS", False)
# The port browsers use to reach the platform (`make run`: 8000; 443 behind an HTTPS load balancer).
ZHIGUAN_PORT = os.environ.get("ZHIGUAN_PORT", "8000").strip()


def _trusted_origins() -> list[str]:
    # Origins the CSRF check accepts besides the request's own: every configured host, on the
    # configured scheme and port (".example.gov.cn" stands for its sub-domains).
    if explicit := os.environ.get("ZHIGUAN_CSRF_TRUSTED_ORIGINS"):
        return [o.strip() for o in explicit.split(",") if o.strip()]
    scheme = "https" if ZHIGUAN_HTTPS else "http"
    port = "" if ZHIGUAN_PORT in ("", "443" if ZHIGUAN_HTTPS else "80") else f":{ZHIGUAN_PORT}"
    hosts = [h for h in ALLOWED_HOSTS if h and h not in ("*", "testserver")]
    return [f"{scheme}://{'*' + h if h.startswith('.') else h}{port}" for h in hosts]


CSRF_TRUSTED_ORIGINS = _trusted_origins()
SECURE_SSL_REDIRECT = _env_bool("ZHIGUAN_SSL_REDIRECT", ZHIGUAN_HTTPS)
SECURE_HSTS_SECONDS = int(os.environ.get("ZHIGUAN_HSTS_SECONDS", "31536000" if ZHIGUAN_HTTPS else "0"))
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = _env_bool(
    "ZHIGUAN_SECURE_COOKIES", ZHIGUAN_HTTPS
)
# Behind a load balancer that ends TLS: the header it sets to "https" (e.g. X-Forwarded-Proto), so
# that Django sees the request as secure. Only when the balancer always sets it, never the client.
_PROXY_SSL_HEADER = os.environ.get("ZHIGUAN_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https") if _PROXY_SSL_HEADER else None
)
X_FRAME_OPTIONS = "DENY"
# The API docs and the OpenAPI document without log-in: by default only in debug mode. Production
# mode is ZHIGUAN_DEBUG off (the default), where they need a log-in or a machine token.
ZHIGUAN_API_DOCS_PUBLIC = _env_bool("ZHIGUAN_API_DOCS_PUBLIC", DEBUG)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "zhiguan.tenancy",
    "zhiguan.org",
    "zhiguan.audit",
    "zhiguan.geo",
    "zhiguan.workdays",
    "zhiguan.taxonomy",
    "zhiguan.notifications",
    "simple_history",
    "zhiguan.registries",
    "zhiguan.gis",
    "zhiguan.components",
    "zhiguan.video",
    "zhiguan.cases",
    "zhiguan.supervision",
    "zhiguan.intake",
    "zhiguan.intake.wechat",
    "zhiguan.intake.open311",
    "zhiguan.intake.knowledge",
    "zhiguan.intake.systems",
    "zhiguan.intake.channels",
    "zhiguan.intelligence.classification",
    "zhiguan.intelligence.duplicates",
    "zhiguan.intelligence.hotspots",
    "zhiguan.assessment",
    "zhiguan.assessment.dashboard",
    "zhiguan.assessment.forecasts",
    "zhiguan.assessment.report",
    "zhiguan.assessment.evaluation",
    "zhiguan.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy and the framing refusal too.
    "zhiguan.middleware.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # WhiteNoise, the collected (compressed) files first: zhiguan.staticfiles.
    "zhiguan.staticfiles.CollectedFirstWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pages in Chinese unless the person chose English; the API follows Accept-Language.
    "zhiguan.locale_middleware.ChineseFirstLocaleMiddleware",
    "zhiguan.middleware.ApiErrorShapeMiddleware",
    "zhiguan.middleware.ApiCleanTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "zhiguan.audit.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhiguan.urls"
WSGI_APPLICATION = "zhiguan.wsgi.application"

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
                "zhiguan.workdays.context.calendar_warnings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'zhiguan.sqlite3'}",
        conn_max_age=int(os.environ.get("ZHIGUAN_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the in-process worker and the web server share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/admin/login/"

# Failed log-ins: lock the (username, address) pair after ZHIGUAN_LOGIN_FAILURE_LIMIT failures.
AXES_FAILURE_LIMIT = int(os.environ.get("ZHIGUAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("ZHIGUAN_LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "zhiguan.org.auth.lockout_response"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise expects it even before the first collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # A .br and a .gz beside each file at collectstatic; Vite already hashes the names (decision 067).
    "staticfiles": {"BACKEND": "zhiguan.staticfiles.CompressedStorage"},
}
WHITENOISE_USE_FINDERS = True
# Vite's content-hashed files are cached for a year; everything else for WhiteNoise's 60 s.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/console/assets/.+-[A-Za-z0-9_-]{8}\.[A-Za-z0-9]+$"
# Brotli's level for the static files (0–11): 11 is the smallest, about 20 s of CPU for a release.
ZHIGUAN_STATIC_BROTLI_QUALITY = min(max(int(os.environ.get("ZHIGUAN_STATIC_BROTLI_QUALITY", "11")), 0), 11)
# The web console (web/), built by `make web` into web/dist and collected under /static/console/.
ZHIGUAN_WEB_DIST = Path(
    os.environ.get("ZHIGUAN_WEB_DIST", PACKAGE_DIR.parent.parent / "web" / "dist")
).resolve()
STATICFILES_DIRS = [("console", ZHIGUAN_WEB_DIST)] if ZHIGUAN_WEB_DIST.is_dir() else []
# Map background tiles, e.g. an intranet tile server "http://tiles.local/{z}/{x}/{y}.png"; empty: none
# (the console draws the district's own areas on a plain background and loads nothing from outside).
ZHIGUAN_MAP_TILE_URL = os.environ.get("ZHIGUAN_MAP_TILE_URL", "")
# The surveying department's base-map file (.mbtiles or .pmtiles), served at /api/v1/gis/tiles/{z}/{x}/{y};
# a raster file comes before ZHIGUAN_MAP_TILE_URL as the console's background (decision 069).
ZHIGUAN_BASEMAP_FILE = os.environ.get("ZHIGUAN_BASEMAP_FILE", "")
# The citizen portal's base map (/api/v1/gis/public/basemap/...): a few requests per map move.
ZHIGUAN_PUBLIC_MAP_RATE = os.environ.get("ZHIGUAN_PUBLIC_MAP_RATE", "300/m")
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded pictures: at most this many pixels (checked from the header before decoding).
ZHIGUAN_UPLOAD_MAX_PIXELS = int(os.environ.get("ZHIGUAN_UPLOAD_MAX_PIXELS", str(40_000_000)))
# Attachments on S3-compatible storage (MinIO, OSS, COS...) when a bucket is named; else MEDIA_ROOT.
if os.environ.get("ZHIGUAN_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ZHIGUAN_S3_BUCKET"],
            "endpoint_url": os.environ.get("ZHIGUAN_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ZHIGUAN_S3_REGION") or None,
            "access_key": os.environ.get("ZHIGUAN_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("ZHIGUAN_S3_SECRET_KEY") or None,
            "location": os.environ.get("ZHIGUAN_S3_PREFIX", "zhiguan"),
            # Private objects served through the platform's own permission checks, never by URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

REDIS_URL = os.environ.get("ZHIGUAN_REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # The database, not each process's memory: rate limits and lock-outs are counted once for all
    # gunicorn workers (the table is created with the database, `tenancy.apps`).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "zhiguan_cache"}
    }
# Proxies of ours in front of the platform that append to X-Forwarded-For (0: trust no header).
ZHIGUAN_TRUSTED_PROXIES = int(os.environ.get("ZHIGUAN_TRUSTED_PROXIES", "0"))
NINJA_NUM_PROXIES = ZHIGUAN_TRUSTED_PROXIES
AXES_CLIENT_IP_CALLABLE = "zhiguan.network.client_address"
# Requests per minute: log-in attempts per client address, and all API requests per person or client.
ZHIGUAN_LOGIN_RATE = os.environ.get("ZHIGUAN_LOGIN_RATE", "30/m")
ZHIGUAN_API_RATE = os.environ.get("ZHIGUAN_API_RATE", "6000/m")

# Background work: Celery. Without a broker the tasks run in-process (embedded default).
CELERY_BROKER_URL = os.environ.get("ZHIGUAN_CELERY_BROKER_URL", REDIS_URL or "memory://")
# A first classifier for a district with closed cases and none yet (the demo after `make run`): on by
# default; the browser tests switch it off (minutes of training would slow their server).
ZHIGUAN_FIRST_MODEL = _env_bool("ZHIGUAN_FIRST_MODEL", True)
CELERY_TASK_ALWAYS_EAGER = _env_bool(
    "ZHIGUAN_TASKS_IN_PROCESS", not (REDIS_URL or os.environ.get("ZHIGUAN_CELERY_BROKER_URL"))
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Periodic jobs: each app's tasks.py adds its own to the beat schedule. With a broker, run
# `celery -A zhiguan beat`; in the embedded default `zhiguan serve` runs the same schedule in-process.
ZHIGUAN_CASE_SWEEP_SECONDS = float(os.environ.get("ZHIGUAN_CASE_SWEEP_SECONDS", "300"))
ZHIGUAN_SUPERVISION_SWEEP_SECONDS = float(os.environ.get("ZHIGUAN_SUPERVISION_SWEEP_SECONDS", "300"))

# Category picker: which scheme a jurisdiction's searches rank first when the console names none
# ("330114=city_management,*=12345"; decision 060). Empty: no preference.
ZHIGUAN_CATEGORY_PREFER = os.environ.get("ZHIGUAN_CATEGORY_PREFER", "")

# Case rules a district may tune.
ZHIGUAN_CASE_YELLOW_SHARE = float(os.environ.get("ZHIGUAN_CASE_YELLOW_SHARE", "0.75"))
ZHIGUAN_CASE_MAX_EXTENSIONS = int(os.environ.get("ZHIGUAN_CASE_MAX_EXTENSIONS", "2"))
ZHIGUAN_CASE_MAX_EXTENSION_DAYS = int(os.environ.get("ZHIGUAN_CASE_MAX_EXTENSION_DAYS", "30"))
# Escalate a red (overdue) stage to the lead department's leader after this many working hours red (0: at once).
ZHIGUAN_CASE_ESCALATE_AFTER_HOURS = float(os.environ.get("ZHIGUAN_CASE_ESCALATE_AFTER_HOURS", "0"))
# Citizens following or rating a case by number + last four phone digits: requests per minute per
# address, and wrong tries per case number per hour before that number is refused for the hour.
ZHIGUAN_CITIZEN_RATE = os.environ.get("ZHIGUAN_CITIZEN_RATE", "20/m")
ZHIGUAN_SYSTEMS_RATE = os.environ.get("ZHIGUAN_SYSTEMS_RATE", "1200/m")  # per integrated system's address
ZHIGUAN_CITIZEN_MAX_FAILURES = int(os.environ.get("ZHIGUAN_CITIZEN_MAX_FAILURES", "10"))
# Open311 GeoReport v2 (decision 075): requests per client address on every endpoint, and writes per
# API key; true: POST requests answers a token to poll (tokens/{token}) instead of the number.
ZHIGUAN_OPEN311_RATE = os.environ.get("ZHIGUAN_OPEN311_RATE", "120/m")
ZHIGUAN_OPEN311_KEY_RATE = os.environ.get("ZHIGUAN_OPEN311_KEY_RATE", "600/m")
ZHIGUAN_OPEN311_ANSWER_TOKENS = _env_bool("ZHIGUAN_OPEN311_ANSWER_TOKENS", False)
# How long the signed rating link sent at closure stays valid (days).
ZHIGUAN_CITIZEN_LINK_DAYS = int(os.environ.get("ZHIGUAN_CITIZEN_LINK_DAYS", "30"))
# The portal's public address, for the links in text messages ("https://12345.example.gov.cn").
ZHIGUAN_PUBLIC_URL = os.environ.get("ZHIGUAN_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Reports shown on the citizen's map near a point: radius (metres), and closed ones for this many days.
ZHIGUAN_PUBLIC_NEARBY_METRES = int(os.environ.get("ZHIGUAN_PUBLIC_NEARBY_METRES", "500"))
ZHIGUAN_PUBLIC_NEARBY_CLOSED_DAYS = int(os.environ.get("ZHIGUAN_PUBLIC_NEARBY_CLOSED_DAYS", "30"))
# Category codes (and everything below them) never shown on the public map, comma-separated.
ZHIGUAN_PUBLIC_HIDDEN_CATEGORIES = tuple(
    c.strip() for c in os.environ.get("ZHIGUAN_PUBLIC_HIDDEN_CATEGORIES", "").split(",") if c.strip()
)
# Text messages (zhiguan.notifications): `outbox` keeps them in the outbox (nothing leaves), `http`
# posts each to the district's SMS gateway.
ZHIGUAN_SMS_BACKEND = os.environ.get("ZHIGUAN_SMS_BACKEND", "outbox")
ZHIGUAN_SMS_URL = os.environ.get("ZHIGUAN_SMS_URL", "")
ZHIGUAN_SMS_TOKEN = os.environ.get("ZHIGUAN_SMS_TOKEN", "")
# WeChat Official Account (zhiguan.intake.wechat): a callback's timestamp at most this far from now,
# a draft conversation forgotten after this many quiet minutes, seconds to fetch a photo.
ZHIGUAN_WECHAT_MAX_SKEW_SECONDS = int(os.environ.get("ZHIGUAN_WECHAT_MAX_SKEW_SECONDS", "300"))
ZHIGUAN_WECHAT_CONVERSATION_MINUTES = int(os.environ.get("ZHIGUAN_WECHAT_CONVERSATION_MINUTES", "30"))
ZHIGUAN_WECHAT_MEDIA_TIMEOUT = float(os.environ.get("ZHIGUAN_WECHAT_MEDIA_TIMEOUT", "3"))

SESSION_COOKIE_HTTPONLY = True
# The console reads the CSRF cookie to send it back as X-CSRFToken, so that one stays readable.
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "zhiguan.views.csrf_failure"
SESSION_COOKIE_AGE = 12 * 3600

# Demo data: the real public data set, when present.
DEMO_DATA_DIR = os.environ.get("ZHIGUAN_DEMO_DATA", "")

# H3 resolutions stored on every located record: ~5 km² (district view), ~0.1 km² (grid view),
# ~2,000 m² (street-corner view, duplicate detection).
H3_RESOLUTIONS = (7, 9, 11)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ZHIGUAN_LOG_LEVEL", "WARNING")},
}

# Open311 paths accept the extra slash FixMyStreet puts after its base URL ("^/*services"), on purpose.
SILENCED_SYSTEM_CHECKS = ["urls.W002"]
