"""Configuration from the environment: safe defaults and refusals."""

from __future__ import annotations

import importlib

import pytest

import config
from tracker import create_app


@pytest.fixture
def fresh_config(monkeypatch, tmp_path):
    """Reload config.py under a controlled environment."""

    def _load(**env: str):
        for name in ("SECRET_KEY", "DATABASE_URL", "TRACKER_ENV", "MAIL_PORT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path / "instance"))
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(config)

    yield _load
    monkeypatch.undo()
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


def test_production_starts_with_a_secret_key_and_secure_cookies(fresh_config):
    fresh_config(SECRET_KEY="x" * 48, TRACKER_ENV="production")
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
