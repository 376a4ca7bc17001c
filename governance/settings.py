"""Settings for the 4+X linkage workstation: one module, driven by the environment.

DEBUG is off unless the environment turns it on, so a deployment that forgets a variable stops
(SECRET_KEY is then required) instead of running with the demo key and debug pages. With only
DEBUG=true (what `make demo` and the tests set) the project runs for a first look on the
checkout's own PostgreSQL and Redis (governance/private_servers.py, which `make demo` and
`make test` start), e-mail printed to the console. Production sets at least SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and REDIS_URL. A malformed value stops start-up with a message that
names the variable, rather than running with a silent default.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from governance import private_servers

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_INSECURE_KEY = "django-insecure-demo-only-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "django_htmx",
    "template_partials",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "workstation",
    "cases",
    "demo",
    "notifications",
    "dashboard",
    "exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "governance.security.ContentSecurityPolicyMiddleware",
    "governance.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "governance.faults.DatabaseUnavailableMiddleware",  # a dropped connection: 503, not 500
    "governance.sessions.IdleSessionMiddleware",
    "governance.security.NoStoreMiddleware",
    # Last: turns a refused login (too many failures) into the lockout page (issue 13).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

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
                "notifications.context_processors.bell",
                "workstation.context_processors.posts",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL, e.g. postgres://governance_app@127.0.0.1:5432/governance: PostgreSQL only.
# Unset: the checkout's own server, with its two roles (governance/private_servers.py).
_private = private_servers.urls()
_database_url = env("DATABASE_URL") or _private["DATABASE_URL"]
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL names a {_database_url.partition(':')[0]!r} database: the project runs on PostgreSQL only "
        "(postgres://…); leave it unset for the checkout's own server (make demo, make test)"
    )
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Two roles (governance/db_roles.py): DATABASE_URL's role runs the app and owns nothing;
# MIGRATION_DATABASE_URL's owns the tables and is used by `manage.py migrate` only. Unset beside a
# set DATABASE_URL: one role.
_migration_url = env("MIGRATION_DATABASE_URL") or ("" if env("DATABASE_URL") else _private["MIGRATION_DATABASE_URL"])
MIGRATION_DATABASE = None
if _migration_url:
    from governance.db_roles import owner_settings

    MIGRATION_DATABASE = owner_settings(_migration_url, DATABASES["default"])
# The app role's credentials, kept apart: a connection may be switched to the owner for a while.
APP_DATABASE = {key: DATABASES["default"].get(key) for key in ("USER", "PASSWORD", "HOST", "PORT")}

SILENCED_SYSTEM_CHECKS: list[str] = []

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "workstation.User"

# --- Redis: Celery broker and cache ---------------------------------------------------------
# Unset: the checkout's own server (governance/private_servers.py). Set but empty: none at all
# (tasks in-process, each process its own cache), as a fuzzed server in the tests runs.
REDIS_URL = env("REDIS_URL", _private["REDIS_URL"])
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "governance",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The API's request counts (governance/throttles.py) have a cache alias of their own, so that each
# test can start from a fresh count without emptying the shared cache (tests/conftest.py).
CACHES["throttle"] = {**CACHES["default"], "LOCATION": CACHES["default"].get("LOCATION", "throttle")}


def celery_broker(redis_url: str) -> str:
    """Celery's name for a Redis socket is ``redis+socket://`` where redis-py's is ``unix://``."""
    if not redis_url.startswith("unix://"):
        return redis_url
    path, _, query = redis_url.removeprefix("unix://").partition("?")
    return f"redis+socket://{path}?virtual_host={dict(parse_qsl(query)).get('db', '0')}"


# Without a broker, tasks run in-process. With one, a worker runs them.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", celery_broker(REDIS_URL) or "memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead broker must not hang a request: a publish is tried once and gives up within a second
# (refused at once, or no answer within the socket timeouts); the minute sweep sends what is owed.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 0, "socket_connect_timeout": 1, "socket_timeout": 1}
# Where this process publishes tasks (the test of a real worker gives it a queue of its own).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
# The minute sweeps (DESIGN §6). An unrun sweep expires: the next one does the same work.
CELERY_BEAT_SCHEDULE = {
    "sweep-deadlines": {"task": "cases.tasks.sweep_deadlines", "schedule": 60.0, "options": {"expires": 55}},
    "sweep-deliveries": {"task": "notifications.tasks.sweep_deliveries", "schedule": 60.0, "options": {"expires": 55}},
    # The dashboard's rollup grows by a few rows per transition; fold them once a day.
    "compact-rollup": {"task": "dashboard.tasks.compact_rollup", "schedule": 24 * 3600.0},
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every login path (the site's form, admin) authenticates through axes first: it refuses a locked
# user or address before the password is even checked (the login section below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, so a reader finds their own in the switcher.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "workstation@localhost")
EMAIL_TIMEOUT = 10
# The SMS gateway: a dotted path to a class with send(phone, text). The default writes to the log.
SMS_GATEWAY = env("SMS_GATEWAY", "notifications.services.LoggingSmsGateway")

# --- Security (check --deploy is clean with DEBUG=False) ------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Stations run on closed government networks under intranet host names, which browser
        # preload lists cannot hold; preloading is an opt-in for a public domain.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

# --- Login, sessions, tokens, transport (issue 13) ------------------------------------------
# Login lockout (django-axes): LOGIN_FAILURE_LIMIT failed logins for one username (from anywhere)
# or from one address (any username) lock that username or address out for LOGIN_COOLOFF_MINUTES;
# the cool-off restarts with each attempt made while locked. Every failure is recorded (admin:
# 访问尝试 / 访问失败). `manage.py axes_reset_username <name>` lifts a lock early.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "governance.login.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["password"]

# Behind a reverse proxy (docker-compose's `proxy`), and only then, the proxy's headers are
# believed: the scheme for HTTPS, and the client's address (the one the proxy appended to
# X-Forwarded-For) for the lockout, the API's throttles and the bad-token count — one rule,
# governance/client.py. A server reached directly ignores X-Forwarded-*, which anyone can send.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
AXES_CLIENT_IP_CALLABLE = "governance.client.client_address"

# An idle session ends after SESSION_IDLE_MINUTES (2 working hours by default): each request a
# person makes moves the expiry on (at most every tenth of it: governance/sessions.py), the
# bell's polling does not.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
if SESSION_COOKIE_AGE <= 0:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be a positive number of minutes")
SESSION_REFRESH_SECONDS = SESSION_COOKIE_AGE // 10

# API tokens (django-rest-knox): only a SHA-512 digest is stored; a person's token expires after
# API_TOKEN_DAYS, an intake system's has no expiry and is replaced by `manage.py rotate_intake_token`.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("API_TOKEN_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Scripts and styles from this server only, nothing inline (governance/security.py). htmx's own
# indicator styles are turned off in base.html's htmx-config for the same reason.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

# --- Exports and the dashboard's map ------------------------------------------------------------
# An Excel export of up to this many rows is written in the request; a larger one by a Celery
# worker, with a progress page and a download when ready (exports/).
EXPORT_SYNC_MAX_ROWS = env_int("EXPORT_SYNC_MAX_ROWS", 2000)
# The dashboard map's tile server, e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png (its origin is
# added to img-src on that page only). Empty, as on a closed network: points and grids are drawn on
# a plain background.
DASHBOARD_MAP_TILE_URL = env("DASHBOARD_MAP_TILE_URL", "")
DASHBOARD_MAP_ATTRIBUTION = env("DASHBOARD_MAP_ATTRIBUTION", "")
if DASHBOARD_MAP_TILE_URL and not (
    DASHBOARD_MAP_TILE_URL.startswith(("https://", "http://"))
    and all(part in DASHBOARD_MAP_TILE_URL for part in ("{z}", "{x}", "{y}"))
):
    raise ImproperlyConfigured(
        f"DASHBOARD_MAP_TILE_URL={DASHBOARD_MAP_TILE_URL!r} must be an http(s) URL with {{z}}, {{x}} and {{y}}"
    )

# --- Personal data (cases/privacy.py) --------------------------------------------------------
# Days after a case is closed (or rejected, merged) during which those who worked it still see
# its personal data in full; after that everyone sees it masked.
PERSONAL_DATA_DAYS_AFTER_CLOSE = env_int("PERSONAL_DATA_DAYS_AFTER_CLOSE", 7)
# Browser features a page may use: the report form asks for the location; nothing else.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": ["self"],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with "WWW-Authenticate: Token", not 403.
    # Session auth (the browser) enforces CSRF. No Basic auth: a password hash per request.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.throttles.CountedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per caller: an address without credentials, a signed-in person or script, and stricter on
    # the intake endpoints (throttle_scope "intake", per service account). 429 beyond.
    "DEFAULT_THROTTLE_CLASSES": [
        "governance.throttles.AnonymousThrottle",
        "governance.throttles.AccountThrottle",
        "governance.throttles.ScopeThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anonymous": env("API_RATE_ANONYMOUS", "60/min"),
        # Bad tokens per client address; beyond it every token from there waits (a right guess
        # would otherwise show). governance/throttles.py: CountedTokenAuthentication.
        "bad_token": env("API_RATE_BAD_TOKEN", "20/min"),
        "account": env("API_RATE_ACCOUNT", "600/min"),
        "intake": env("API_RATE_INTAKE", "120/min"),
    },
    # JSON that no field can hold (1e400, NaN, NUL, invalid UTF-8, nesting thousands deep) is
    # refused naming the field (cases/api/parsers.py), not left to fail deep in a view.
    "DEFAULT_PARSER_CLASSES": [
        "cases.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "cases.api.filters.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "cases.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "4+X 基层治理联动工作站 API",
    "DESCRIPTION": (
        "案件受理、分拨、办理、督办与反馈的接口。认证：浏览器用会话（POST 须带 CSRF 令牌），"
        "集成与脚本用令牌：`Authorization: Token <key>`（库中只存摘要，签发时只显示一次；个人令牌到期失效，"
        "改密码或停用账号即作废；外部推送的服务账号令牌用 `manage.py rotate_intake_token` 轮换）。"
        "调用频率按账号限制，外部推送另有更严的上限，超出返回 429。错误统一为 "
        '`{"code": "...", "message": "中文说明", "errors": {"字段": ["..."]}}`；'
        "权限范围外的对象一律 404。"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Closed government networks have no CDN: the docs page's assets come from the sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.CaseStatus",
        "AssignmentStatusEnum": "cases.models.AssignmentStatus",
        "DecisionStatusEnum": "cases.models.DecisionStatus",
        "MediationStatusEnum": "cases.models.MediationSession.Status",
        "PresenceEnum": "workstation.models.StationDepartment.Presence",
        "PartyRoleEnum": "cases.models.PartyRole",
        "AssignmentRoleEnum": "cases.models.AssignmentRole",
        "ParticipantRoleEnum": "cases.models.MediationParticipant.Role",
        "CaseSourceEnum": "cases.models.Source",
        "ReportSourceEnum": "cases.api.inputs.REPORT_SOURCES",
        "DispatchModeEnum": "cases.models.DispatchMode",
    },
}


# --- Dashboard (DESIGN §7) --------------------------------------------------------------------
def env_weights(name: str, default: str) -> dict[str, int]:
    """``sign=20,on_time=40,satisfaction=25,no_rework=15``: the 综合指数's weights."""
    raw = env(name, default)
    weights = {}
    for item in raw.split(","):
        key, _sep, value = item.partition("=")
        key = key.strip()
        if key not in ("sign", "on_time", "satisfaction", "no_rework") or not value.strip().isdigit():
            raise ImproperlyConfigured(f"{name}={raw!r}: use sign=…,on_time=…,satisfaction=…,no_rework=… (integers)")
        weights[key] = int(value)
    if sum(weights.values()) <= 0:
        raise ImproperlyConfigured(f"{name}={raw!r}: the weights must not all be zero")
    return weights


DASHBOARD_INDEX_WEIGHTS = env_weights("DASHBOARD_INDEX_WEIGHTS", "sign=20,on_time=40,satisfaction=25,no_rework=15")
# 综合指数 colours: green at or above the first, yellow at or above the second, red below.
DASHBOARD_INDEX_GREEN = env_int("DASHBOARD_INDEX_GREEN", 90)
DASHBOARD_INDEX_YELLOW = env_int("DASHBOARD_INDEX_YELLOW", 75)
# The measures read the rollup kept by triggers (dashboard.rollup); false counts live from the
# case tables (the same numbers, slower at scale).
DASHBOARD_ROLLUP = env_bool("DASHBOARD_ROLLUP", True)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
