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
            "DATABASE_URL",
            "TRACKER_ENV",
            "MAIL_PORT",
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
    fresh_config(
        SECRET_KEY="x" * 48,
        TRACKER_ENV="production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
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


def test_production_refuses_to_start_without_a_database_url(fresh_config, tmp_path):
    module = fresh_config(SECRET_KEY="x" * 48, TRACKER_ENV="production")
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
