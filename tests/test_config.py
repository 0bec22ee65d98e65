"""Configuration from the environment: safe defaults and refusals."""

from __future__ import annotations

import importlib
import os

import pytest

import config
from tracker import create_app


@pytest.fixture
def fresh_config(monkeypatch, tmp_path):
    """Reload config.py under a controlled environment (restored whole afterwards, since
    a settings file writes variables that monkeypatch does not know about)."""
    saved = dict(os.environ)

    def _load(**env: str):
        for name in (
            "SECRET_KEY",
            "AUDIT_KEY",
            "AUDIT_OLD_KEYS",
            "DATABASE_URL",
            "TRACKER_ENV",
            "MAIL_PORT",
            "SERVER_BASE_URL",
            "ALLOW_HTTP_BASE_URL",
            "TRACKER_ENV_FILE",
            "OPCC_NAME",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path / "instance"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield _load
    monkeypatch.undo()
    os.environ.clear()
    os.environ.update(saved)
    importlib.reload(config)


# A production environment that passes every check; tests change one thing at a time.
PRODUCTION_ENV = {
    "TRACKER_ENV": "production",
    "SECRET_KEY": "hT4q-Zr8WmX2pLk9Vb3sNf7Yc1Jd6Ge0Ua5Ro",
    "AUDIT_KEY": "Qm7Kx2Vb9Lp4Tz8Nc3Hr6Wd1Fs5Gj0Ye-Ua",
    "SERVER_BASE_URL": "https://tracker.example.org",
    "DATABASE_URL": "postgresql+psycopg://tracker:secret@127.0.0.1:5432/tracker",
}


def test_production_is_the_default_and_needs_a_secret_key(fresh_config):
    module = fresh_config()
    settings = module.config_for()
    assert settings is module.ProductionConfig
    with pytest.raises(module.ConfigurationError, match="SECRET_KEY must be set"):
        settings.validate()


def test_production_refuses_a_short_secret_key(fresh_config):
    module = fresh_config(SECRET_KEY="too-short")
    with pytest.raises(module.ConfigurationError, match="at least 32"):
        module.ProductionConfig.validate()


def test_production_starts_with_a_secret_key_and_secure_cookies(fresh_config, tmp_path):
    fresh_config(**{**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}"})
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_defaults_to_sqlite_under_instance(fresh_config, tmp_path):
    module = fresh_config(TRACKER_ENV="development")
    settings = module.config_for()
    settings.validate()
    assert (
        f"sqlite:///{tmp_path / 'instance' / 'tracker.sqlite3'}" == settings.SQLALCHEMY_DATABASE_URI
    )
    assert settings.SECRET_KEY  # generated and kept under instance/
    assert (tmp_path / "instance" / "dev-secret-key").exists()


def test_database_url_comes_from_the_environment(fresh_config):
    module = fresh_config(DATABASE_URL="postgresql+psycopg://u:p@127.0.0.1:5432/tracker")
    assert (
        module.Config.SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u:p@127.0.0.1:5432/tracker"
    )


def test_unknown_environment_name_is_refused(fresh_config):
    module = fresh_config(TRACKER_ENV="staging-ish")
    with pytest.raises(module.ConfigurationError, match="TRACKER_ENV must be one of"):
        module.config_for()


def test_non_numeric_port_is_named(fresh_config, monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    # Reloading defines a new ConfigurationError class, so match it by name.
    with pytest.raises(RuntimeError, match="MAIL_PORT must be a whole number") as raised:
        importlib.reload(config)
    assert raised.typename == "ConfigurationError"
    monkeypatch.delenv("MAIL_PORT")


@pytest.mark.parametrize(
    ("secret_key", "problem"),
    [
        ("x" * 48, "too few different characters"),
        ("changeme-" + "Zr8WmX2pLk9Vb3sNf7Yc1Jd6Ge0", "changeme"),
        ("CHANGE_ME_" + "Zr8WmX2pLk9Vb3sNf7Yc1Jd6Ge0", "changeme"),
        ("abcdefghijk" * 4, "short pattern repeated"),
        ("production-secret-key-for-the-tracker-0123456789", "common words"),
        ("testing-secret-key-not-for-production-use-0123456789", "common words"),
        ("my-super-secret-session-key-please-change-this", "common words"),
    ],
)
def test_production_refuses_a_weak_secret_key(fresh_config, secret_key, problem):
    module = fresh_config(**{**PRODUCTION_ENV, "SECRET_KEY": secret_key})
    with pytest.raises(module.ConfigurationError, match=f"SECRET_KEY .*{problem}"):
        module.ProductionConfig.validate()


def test_production_needs_an_audit_key(fresh_config):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "AUDIT_KEY"}
    module = fresh_config(**env)
    with pytest.raises(module.ConfigurationError, match="AUDIT_KEY must be set"):
        module.ProductionConfig.validate()


def test_production_refuses_a_weak_audit_key(fresh_config):
    module = fresh_config(**{**PRODUCTION_ENV, "AUDIT_KEY": "changeme" * 5})
    with pytest.raises(module.ConfigurationError, match="AUDIT_KEY"):
        module.ProductionConfig.validate()


def test_production_refuses_the_secret_key_as_audit_key(fresh_config):
    module = fresh_config(**{**PRODUCTION_ENV, "AUDIT_KEY": PRODUCTION_ENV["SECRET_KEY"]})
    with pytest.raises(module.ConfigurationError, match="must differ"):
        module.ProductionConfig.validate()


def test_production_refuses_malformed_old_audit_keys(fresh_config):
    module = fresh_config(**{**PRODUCTION_ENV, "AUDIT_OLD_KEYS": "no-colon-here"})
    with pytest.raises(module.ConfigurationError, match="id:secret"):
        module.ProductionConfig.validate()


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        (None, "https://"),  # the default, http://127.0.0.1:5000
        ("http://tracker.example.org", "https://"),
        ("https://127.0.0.1", "loopback"),
        ("https://localhost:8443", "loopback"),
        ("https://[::1]/", "loopback"),
        ("tracker.example.org", "absolute URL"),
    ],
)
def test_production_refuses_a_base_url_users_cannot_reach_safely(fresh_config, address, problem):
    env = {**PRODUCTION_ENV, "SERVER_BASE_URL": address}
    module = fresh_config(**{name: value for name, value in env.items() if value is not None})
    with pytest.raises(module.ConfigurationError, match=f"SERVER_BASE_URL .*{problem}"):
        module.ProductionConfig.validate()


def test_http_base_url_is_allowed_when_tls_ends_in_front(fresh_config):
    module = fresh_config(
        **{
            **PRODUCTION_ENV,
            "SERVER_BASE_URL": "http://tracker.internal",
            "ALLOW_HTTP_BASE_URL": "1",
        }
    )
    module.ProductionConfig.validate()


def test_loopback_base_url_is_refused_even_when_http_is_allowed(fresh_config):
    module = fresh_config(
        **{**PRODUCTION_ENV, "SERVER_BASE_URL": "http://127.0.0.1:5000", "ALLOW_HTTP_BASE_URL": "1"}
    )
    with pytest.raises(module.ConfigurationError, match="loopback"):
        module.ProductionConfig.validate()


def test_a_random_key_passes():
    import secrets

    for _ in range(50):
        assert config.weak_key_problem(secrets.token_urlsafe(32)) is None


def test_files_the_app_creates_are_private(tmp_path):
    """The factory sets umask 0077: the SQLite database and its WAL are owner-only."""
    import os
    import stat

    from sqlalchemy import text

    from tracker.db import db

    database = tmp_path / "private.sqlite3"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    os.umask(0o022)  # whatever the mask was before, the next factory call sets it again
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (x INTEGER)"))
            connection.execute(text("INSERT INTO t VALUES (1)"))
        created = [database, tmp_path / "private.sqlite3-wal", tmp_path / "private.sqlite3-shm"]
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in created}
        db.engine.dispose()
    assert modes == dict.fromkeys(modes, 0o600)
    assert len(modes) == 3


def test_production_refuses_to_start_without_a_database_url(fresh_config, tmp_path):
    env = {name: value for name, value in PRODUCTION_ENV.items() if name != "DATABASE_URL"}
    module = fresh_config(**env)
    with pytest.raises(module.ConfigurationError, match="DATABASE_URL must be set in production"):
        module.ProductionConfig.validate()
    assert not (tmp_path / "instance" / "tracker.sqlite3").exists()


def test_settings_file_is_read_with_unquoted_values_and_the_environment_wins(
    fresh_config, tmp_path, monkeypatch
):
    settings_file = tmp_path / "tracker.env"
    settings_file.write_text(
        "# settings for the services and every command\n"
        "OPCC_NAME=Office of the Police and Crime Commissioner for Testshire\n"
        "DATABASE_URL=postgresql+psycopg://file:secret@127.0.0.1:5432/tracker\n"
        "MAIL_PORT=2525\n"
    )
    module = fresh_config(
        TRACKER_ENV_FILE=str(settings_file),
        DATABASE_URL="postgresql+psycopg://env:secret@127.0.0.1:5432/tracker",
    )
    assert settings_file == module.SETTINGS_FILE
    assert module.Config.OPCC_NAME == "Office of the Police and Crime Commissioner for Testshire"
    assert module.Config.MAIL_PORT == 2525
    assert module.Config.SQLALCHEMY_DATABASE_URI.startswith("postgresql+psycopg://env:")


def test_a_missing_settings_file_is_named(fresh_config, tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.env"
    monkeypatch.setenv("TRACKER_ENV_FILE", str(missing))
    with pytest.raises(RuntimeError, match=r"TRACKER_ENV_FILE names .*nowhere\.env") as raised:
        importlib.reload(config)
    assert raised.typename == "ConfigurationError"
    monkeypatch.delenv("TRACKER_ENV_FILE")
