"""Settings for the tracker, read from the environment.

`TRACKER_ENV` chooses the settings class. It defaults to ``production`` so that a
deployment that forgets to set it gets the safe behaviour (secure cookies, a
mandatory ``SECRET_KEY``); ``make run`` sets ``development`` and the tests set
``testing``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar

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


def development_secret_key() -> str:
    """A random key kept under instance/ so development sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


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

    # Sessions: signed cookie, HttpOnly, SameSite=Lax; idle timeout enforced by the
    # signature's timestamp (Flask refuses cookies older than the lifetime).
    SESSION_COOKIE_NAME = "tracker_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_REFRESH_EACH_REQUEST = True
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    PREFERRED_URL_SCHEME = "https"

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    MAX_CONTENT_LENGTH = env_int("MAX_UPLOAD_MB", 10) * 1024 * 1024

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

    TRACKER_TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Europe/London")
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
    # Behind a reverse proxy, how many proxies to trust for the client address.
    TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # A monitor sends "Authorization: Bearer <HEALTH_TOKEN>" to /healthz/detail.
    HEALTH_TOKEN = os.environ.get("HEALTH_TOKEN", "")

    # Reports with more actions than this are prepared in the background (a job page
    # shows progress and offers the download when ready).
    REPORT_BACKGROUND_THRESHOLD = env_int("REPORT_BACKGROUND_THRESHOLD", 150)

    @classmethod
    def validate(cls) -> None:
        """Refuse to start with settings that are unsafe for this environment."""
        if not cls.SECRET_KEY:
            raise ConfigurationError(
                "SECRET_KEY must be set in production (for example: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if len(cls.SECRET_KEY) < 32:
            raise ConfigurationError("SECRET_KEY must be at least 32 characters long")
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


class TestingConfig(DevelopmentConfig):
    """The test suite: a database chosen by TEST_DATABASE_URL, quick password hashing."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-use-0123456789"  # noqa: S105
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
