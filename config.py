"""Settings for the tracker, read from the environment.

`TRACKER_ENV` chooses the settings class. It defaults to ``production`` so that a
deployment that forgets to set it gets the safe behaviour (secure cookies, a
mandatory ``SECRET_KEY``); ``make run`` sets ``development`` and the tests set
``testing``.
"""

from __future__ import annotations

import ipaddress
import itertools
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from dotenv import dotenv_values

BASE_DIR = Path(__file__).resolve().parent


def load_settings_file() -> Path | None:
    """Read the settings file named by TRACKER_ENV_FILE into the environment.

    The same file serves systemd's ``EnvironmentFile=`` for the services and every
    command an operator or cron runs, so both see the same settings. It holds one
    ``NAME=value`` a line (values may contain spaces unquoted; ``#`` starts a comment
    line). A variable already in the environment wins, as it does under systemd.
    """
    name = os.environ.get("TRACKER_ENV_FILE", "").strip()
    if not name:
        return None
    path = Path(name)
    if not path.is_file():
        raise ConfigurationError(
            f"TRACKER_ENV_FILE names {path}, which does not exist or is not a file"
        )
    for key, value in dotenv_values(path).items():
        if value is not None:
            os.environ.setdefault(key, value)
    return path


SETTINGS_FILE = load_settings_file()
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", BASE_DIR / "instance"))


class ConfigurationError(RuntimeError):
    """Raised when the environment does not describe a safe configuration."""


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable, naming the variable when it is not one."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc


def default_database_url() -> str:
    """SQLite file under instance/ for development and demos."""
    return f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite3'}"


def development_secret_key(name: str = "dev-secret-key") -> str:
    """A random key kept under instance/ so development sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / name
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# Words that make up placeholder and example keys ("changeme", "my-secret-key",
# "production-secret-key-0123456789", the test suite's keys ...). A key that is nothing
# but these, digits in sequence and separators is guessable.
# fmt: off
WEAK_KEY_WORDS = frozenset({
    "a", "abc", "admin", "app", "audit", "change", "changeme", "default", "demo", "dev",
    "development", "django", "dummy", "example", "flask", "for", "generate", "here",
    "insecure", "is", "key", "letmein", "like", "local", "localhost", "me", "my", "not",
    "only", "opcc", "our", "pass", "passw0rd", "password", "placeholder", "please", "prod",
    "production", "qwerty", "random", "replace", "sample", "secret", "session", "string",
    "test", "testing", "tests", "the", "this", "todo", "tracker", "unsafe", "use", "value",
    "xxx", "your",
})
# fmt: on
MIN_KEY_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 10
# After removing the words above, a real key still has this much left.
MIN_KEY_REMAINDER = 20
STRONG_KEY_HINT = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def _is_digit_run(token: str) -> bool:
    """ "0123456789", "123", "9876": digits counting up or down by one."""
    if not token.isdigit() or len(token) < 2:
        return False
    steps = {int(b) - int(a) for a, b in itertools.pairwise(token)}
    return steps in ({1}, {-1})


def weak_key_problem(value: str) -> str | None:
    """Why `value` is too weak to sign sessions or the audit trail, or None when it is not."""
    if len(value) < MIN_KEY_LENGTH:
        return f"must be at least {MIN_KEY_LENGTH} characters long"
    if "changeme" in value.lower().replace("-", "").replace("_", ""):
        return "is a placeholder (it contains 'changeme')"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return "repeats too few different characters"
    for period in range(1, len(value) // 2 + 1):
        if value == (value[:period] * (len(value) // period + 1))[: len(value)]:
            return "is a short pattern repeated"
    tokens = re.split(r"[^0-9a-z]+", value.lower())
    remainder = sum(
        len(token) for token in tokens if token not in WEAK_KEY_WORDS and not _is_digit_run(token)
    )
    if remainder < MIN_KEY_REMAINDER:
        return "is made of common words, like an example or placeholder key"
    return None


def parse_audit_old_keys(raw: str) -> dict[str, str]:
    """{"id": "secret"} from AUDIT_OLD_KEYS, "id:secret,id:secret" (blanks ignored)."""
    keys: dict[str, str] = {}
    for entry in raw.split(","):
        key_id, sep, secret = entry.strip().partition(":")
        if not entry.strip():
            continue
        if not sep or not key_id.strip() or not secret.strip():
            raise ConfigurationError("AUDIT_OLD_KEYS entries must look like id:secret")
        keys[key_id.strip()] = secret.strip()
    return keys


def base_url_problem(url: str, *, allow_http: bool) -> str | None:
    """Why `url` will not do as the public address in emails, or None when it will."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "must be an absolute URL such as https://tracker.example.org"
    if parts.scheme != "https" and not allow_http:
        return (
            "must start with https:// (set ALLOW_HTTP_BASE_URL=1 only if TLS ends in front "
            "of the address your users see)"
        )
    host = parts.hostname.lower()
    try:
        loopback = (
            ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
        )
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if loopback:
        return "points at this machine (a loopback address), so links in emails would not work"
    return None


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "production"
    TESTING = False

    # Production needs DATABASE_URL (validate() refuses to start without it); the
    # SQLite file under instance/ is for development and demos only.
    DATABASE_URL_SET = bool(os.environ.get("DATABASE_URL", "").strip())
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = env_int("SQLITE_BUSY_TIMEOUT_MS", 5000)

    SECRET_KEY = os.environ.get("SECRET_KEY")

    # The audit key signs the audit hash chain and its checkpoints (tracker.audit.keys).
    # Kept out of the database; retired keys stay in AUDIT_OLD_KEYS ("id:secret,...").
    AUDIT_KEY = os.environ.get("AUDIT_KEY", "")
    AUDIT_KEY_ID = os.environ.get("AUDIT_KEY_ID", "1")
    AUDIT_OLD_KEYS = os.environ.get("AUDIT_OLD_KEYS", "")
    # The latest signed checkpoint of the chain head (default instance/audit-checkpoint.json).
    AUDIT_CHECKPOINT_FILE = os.environ.get("AUDIT_CHECKPOINT_FILE", "")

    # Sessions: signed cookie, HttpOnly, SameSite=Lax; idle timeout enforced by the
    # signature's timestamp (Flask refuses cookies older than the lifetime).
    SESSION_COOKIE_NAME = "tracker_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_REFRESH_EACH_REQUEST = True
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
    # However active, a session ends this long after sign-in.
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    PREFERRED_URL_SCHEME = "https"

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = env_int("MAX_UPLOAD_MB", 10) * 1024 * 1024
    # Imported spreadsheets are refused past these, before they are read (zip bombs,
    # sheets too large to check within a request).
    IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 50_000)
    IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
    IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)
    IMPORT_MAX_EXPANDED_MB = env_int("IMPORT_MAX_EXPANDED_MB", 100)
    IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 587)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", True)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "tracker@localhost")
    MAIL_TIMEOUT_SECONDS = env_int("MAIL_TIMEOUT_SECONDS", 30)
    MAIL_FILE_DIR = str(INSTANCE_DIR / "outbox")

    # Absolute base URL for links in emails (there is no request when the scheduler sends).
    SERVER_BASE_URL = os.environ.get("SERVER_BASE_URL", "http://127.0.0.1:5000")
    # Production refuses an http:// SERVER_BASE_URL unless TLS ends in front of it.
    ALLOW_HTTP_BASE_URL = env_bool("ALLOW_HTTP_BASE_URL", False)

    TRACKER_TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Europe/London")
    # The domain in calendar event UIDs ("action-12@<domain>"). Not the web address, so
    # moving the service to another host does not duplicate events in users' calendars.
    CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "opcc-tracker.invalid")
    # Local time (TRACKER_TIMEZONE) of the daily reminder run in `flask scheduler`.
    REMINDER_TIME = os.environ.get("REMINDER_TIME", "07:00")
    OPCC_NAME = os.environ.get(
        "OPCC_NAME", "Office of the Police and Crime Commissioner for West Mercia"
    )
    FORCE_NAME = os.environ.get("FORCE_NAME", "West Mercia Police")
    PANEL_NAME = os.environ.get("PANEL_NAME", "West Mercia Police and Crime Panel")
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Holding to account tracker")

    PASSWORD_RESET_MAX_AGE_SECONDS = env_int("PASSWORD_RESET_MAX_AGE_MINUTES", 60) * 60
    LOGIN_THROTTLE_WINDOW_MINUTES = env_int("LOGIN_THROTTLE_WINDOW_MINUTES", 15)
    LOGIN_THROTTLE_MAX_PER_ACCOUNT = env_int("LOGIN_THROTTLE_MAX_PER_ACCOUNT", 5)
    LOGIN_THROTTLE_MAX_PER_ADDRESS = env_int("LOGIN_THROTTLE_MAX_PER_ADDRESS", 20)
    # Reset emails asked for in the same window, per email address and per client address.
    PASSWORD_RESET_MAX_PER_ACCOUNT = env_int("PASSWORD_RESET_MAX_PER_ACCOUNT", 3)
    PASSWORD_RESET_MAX_PER_ADDRESS = env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 10)
    # Behind a reverse proxy, how many proxies to trust for the client address.
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # A monitor sends "Authorization: Bearer <HEALTH_TOKEN>" to /healthz/detail.
    HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")

    # Reports with more actions than this are prepared in the background (a job page
    # shows progress and offers the download when ready).
    REPORT_BACKGROUND_THRESHOLD = env_int("REPORT_BACKGROUND_THRESHOLD", 150)
    # Report jobs and their PDFs are deleted this many days after they were asked for.
    REPORT_RETENTION_DAYS = 7
    # How many background reports one person may have waiting or being prepared at once.
    REPORT_JOBS_PER_USER = env_int("REPORT_JOBS_PER_USER", 3)
    # Action list XLSX exports of more actions than this are prepared by the worker
    # process (a job page shows progress and offers the download when ready).
    EXPORT_BACKGROUND_THRESHOLD = env_int("EXPORT_BACKGROUND_THRESHOLD", 2000)
    # Imports of more rows than this are written by the worker process (a job page shows
    # progress; the import page shows the result).
    IMPORT_BACKGROUND_THRESHOLD = env_int("IMPORT_BACKGROUND_THRESHOLD", 2000)

    @classmethod
    def validate(cls) -> None:
        """Refuse to start with settings that are unsafe for this environment."""
        for name in ("SECRET_KEY", "AUDIT_KEY"):
            value = getattr(cls, name)
            if not value:
                raise ConfigurationError(
                    f"{name} must be set in production (for example: {STRONG_KEY_HINT})"
                )
            problem = weak_key_problem(value)
            if problem:
                raise ConfigurationError(f"{name} {problem}: generate one with {STRONG_KEY_HINT}")
        if cls.AUDIT_KEY == cls.SECRET_KEY:
            raise ConfigurationError("AUDIT_KEY must differ from SECRET_KEY")
        for key_id, secret in parse_audit_old_keys(cls.AUDIT_OLD_KEYS).items():
            if weak_key_problem(secret):
                raise ConfigurationError(f"AUDIT_OLD_KEYS: key {key_id!r} is too weak")
        problem = base_url_problem(cls.SERVER_BASE_URL, allow_http=cls.ALLOW_HTTP_BASE_URL)
        if problem:
            raise ConfigurationError(f"SERVER_BASE_URL {problem} (it is {cls.SERVER_BASE_URL!r})")
        if not cls.DATABASE_URL_SET:
            raise ConfigurationError(
                "DATABASE_URL must be set in production, for example "
                "postgresql+psycopg://tracker:PASSWORD@127.0.0.1:5432/tracker "
                "(without it the tracker would quietly create a SQLite file under "
                "instance/). Put it in the settings file named by TRACKER_ENV_FILE so "
                "the services and every command use the same database."
            )


class DevelopmentConfig(Config):
    """Local development: SQLite, emails written to instance/outbox, HTTP cookies."""

    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"

    @classmethod
    def validate(cls) -> None:
        if not cls.SECRET_KEY:
            cls.SECRET_KEY = development_secret_key()
        if not cls.AUDIT_KEY:
            cls.AUDIT_KEY = development_secret_key("dev-audit-key")


class TestingConfig(DevelopmentConfig):
    """The test suite: a database chosen by TEST_DATABASE_URL, quick password hashing."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"  # noqa: S105
    AUDIT_KEY = "testing-audit-key-not-for-production-use-0123456789"
    AUDIT_KEY_ID = "test"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    MAIL_SERVER = ""
    ARGON2_FAST = True

    @classmethod
    def validate(cls) -> None:
        return None


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, a SECRET_KEY from the environment."""


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[Config]:
    """The settings class for `name`, or for TRACKER_ENV (default production)."""
    name = (name or os.environ.get("TRACKER_ENV") or "production").lower()
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise ConfigurationError(
            f"TRACKER_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from exc
