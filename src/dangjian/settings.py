"""Settings, read from the environment.

DATABASE_URL (default: SQLite under var/), SECRET_KEY, REDIS_URL, DEBUG, ALLOWED_HOSTS, HTTPS,
DANGJIAN_VAR_DIR, DANGJIAN_KEYS_FILE. The demo (DEBUG=1) creates its secret and field keys under var/;
production must supply them.
"""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
VAR_DIR = Path(os.environ.get("DANGJIAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)  # whitenoise expects STATIC_ROOT to exist


def _local_secret(filename: str, make) -> str:
    """A development-only secret kept in var/ (never used when DEBUG is off)."""
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or (
    _local_secret("secret_key", lambda: secrets.token_urlsafe(64)) if DEBUG else ""
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "treebeard",
    "axes",
    "django_htmx",
    "dangjian.core",
    "dangjian.audit",
    "dangjian.accounts",
    "dangjian.organizations",
    "dangjian.members",
    "dangjian.activities",
    "dangjian.study",
    "dangjian.exams",
    "dangjian.originality",
    "dangjian.development",
    "dangjian.youth",
    "dangjian.tasks",
    "dangjian.targets",
    "dangjian.inspections",
    "dangjian.evaluation",
    "dangjian.surveys",
    "dangjian.feedback",
    "dangjian.statistics",
    "dangjian.reports",
    "dangjian.dashboards",
    "dangjian.seeding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dangjian.core.middleware.RequestContextMiddleware",
    "dangjian.accounts.middleware.SessionTimeoutMiddleware",
    "dangjian.accounts.middleware.PasswordPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangjian.urls"
WSGI_APPLICATION = "dangjian.wsgi.application"

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
                "dangjian.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'dangjian.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE avoids "database is locked" when two writers meet; WAL lets readers go on during writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: compiling the statistics' one grouped scan (eighteen CASE breakdowns per member) took 3 of
    # its 3.9 s for a city of 300,000 members, and the app's other queries are too short to gain from it.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Every number of the security bar (../shared/security.md) in one configurable place.
SECURITY_POLICY = {
    "password_min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", 12)),
    "password_max_length": 128,
    "password_min_classes": 3,
    "password_max_age_days": 90,
    "password_history": 5,
    "lockout_failures": 5,
    "lockout_minutes": 30,
    "session_idle_minutes": int(os.environ.get("SESSION_IDLE_MINUTES", 15)),
    "session_absolute_hours": 12,
    "stale_account_days": 90,
    "upload_max_bytes": 10 * 1024 * 1024,
    "upload_max_uncompressed_bytes": 100 * 1024 * 1024,
    "upload_max_zip_entries": 1000,
    "attachment_max_bytes": 10 * 1024 * 1024,  # per file attached to an activity
    "attachment_max_per_activity": 20,
    "import_max_rows": 10_000,
    "export_rows_without_approval": 500,
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": SECURITY_POLICY["password_min_length"]},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "dangjian.accounts.validators.PasswordPolicyValidator"},
]

# django-axes: lock an account (and, separately, a client address) after 5 consecutive failures for
# 30 minutes; the database handler shares
# the counter between app servers.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = SECURITY_POLICY["lockout_failures"]
AXES_COOLOFF_TIME = timedelta(minutes=SECURITY_POLICY["lockout_minutes"])
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0)) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = SECURITY_POLICY["session_absolute_hours"] * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", False):
    # Only behind a reverse proxy that overwrites X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Field encryption keys live outside the database: in the environment (JSON) or in a key file.
_keys_file = Path(os.environ.get("DANGJIAN_KEYS_FILE", VAR_DIR / "keys.json"))
_key_material = json.loads(os.environ["DANGJIAN_KEYS"]) if os.environ.get("DANGJIAN_KEYS") else None
if _key_material is None and not _keys_file.exists() and DEBUG:
    from dangjian.core.crypto import generate_key_material

    _keys_file.write_text(json.dumps(generate_key_material()))
    _keys_file.chmod(0o600)
if _key_material is None and _keys_file.exists():
    _key_material = json.loads(_keys_file.read_text())
_key_material = _key_material or {}
CRYPTO_PROVIDER = os.environ.get("CRYPTO_PROVIDER", "dangjian.core.crypto.SoftwareSM4Provider")
FIELD_ENCRYPTION_KEYS = _key_material.get("FIELD_ENCRYPTION_KEYS", {})
FIELD_ENCRYPTION_ACTIVE_KEY = _key_material.get("FIELD_ENCRYPTION_ACTIVE_KEY", "")
BLIND_INDEX_KEY = _key_material.get("BLIND_INDEX_KEY", "")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_TEMP_DIR = None
DATA_UPLOAD_MAX_MEMORY_SIZE = SECURITY_POLICY["upload_max_bytes"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
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
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    # Token first: an unauthenticated API call answers 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "dangjian.accounts.permissions.PasswordCurrent",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dangjian 基层党建工作平台 API",
    "DESCRIPTION": "组织、党员等数据接口；与界面使用同一套数据范围控制。",
    "VERSION": "1.0.0",
    # Tags by app (members, tasks, …) rather than one "v1" holding every operation.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # 175+ operations: open the docs with the apps folded, so the page renders at once.
    "SWAGGER_UI_SETTINGS": {"docExpansion": "none", "deepLinking": True},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "OrganizationStatusEnum": "dangjian.organizations.choices.OrganizationStatus",
        "MemberStatusEnum": "dangjian.members.choices.MemberStatus",
        # Two choice sets meet under the field name "kind": each gets its own name.
        "OrganizationKindEnum": "dangjian.organizations.choices.OrganizationKind",
        "AttachmentKindEnum": "dangjian.activities.choices.AttachmentKind",
        "QuestionKindEnum": "dangjian.exams.choices.QuestionKind",
        "TaskKindEnum": "dangjian.tasks.choices.TaskKind",
        "TaskStatusEnum": "dangjian.tasks.choices.TaskStatus",
        "ScheduleDayKindEnum": "dangjian.tasks.choices.ScheduleDayKind",
        "PlanStatusEnum": "dangjian.inspections.choices.PlanStatus",
        "UnitInspectionStatusEnum": "dangjian.inspections.choices.UnitInspectionStatus",
        "FindingStatusEnum": "dangjian.inspections.choices.FindingStatus",
        "FeedbackCategoryEnum": "dangjian.feedback.choices.FeedbackCategory",
        "SatisfactionEnum": "dangjian.core.choices.Satisfaction",
        # … and two under "method".
        "CompletionMethodEnum": "dangjian.study.choices.CompletionMethod",
        "ScoringMethodEnum": "dangjian.evaluation.choices.ScoringMethod",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# 自助签到 (issue #3): how long a link/QR code the host opens stays valid, and for how many days after the
# activity's date one may be opened and used. A convenience only: nothing counts it (rules.md §10).
SELF_CHECK_IN_LINK_HOURS = int(os.environ.get("SELF_CHECK_IN_LINK_HOURS", 2))
SELF_CHECK_IN_DAYS = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pi": {"()": "dangjian.core.logging.RedactPIFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_pi"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
