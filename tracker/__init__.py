"""The OPCC holding-to-account tracker: `create_app()` builds the Flask application."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

from config import INSTANCE_DIR, config_for

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the application for `config_name` (default: TRACKER_ENV), with optional overrides."""
    # Files the tracker creates (the SQLite database and its WAL, backups, checkpoints,
    # emails written to disk, uploads) are readable by this account only. The `flask`
    # command builds the app through here too, so the CLI gets the same mask.
    os.umask(0o077)
    config_class = config_for(config_name)
    config_class.validate()

    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from tracker.request_log import configure_logging

    configure_logging(app.config["LOG_LEVEL"])

    from tracker import proxy

    proxy.init_app(app)

    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _configure_templates(app: Flask) -> None:
    from tracker.templating import TemplateEnvironment

    app.jinja_environment = TemplateEnvironment  # before app.jinja_env is first built
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(PROJECT_DIR / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    from tracker import filters, policy
    from tracker.attachments.rules import ACCEPT_ATTRIBUTE
    from tracker.audit.queries import history_for
    from tracker.audit.vocabulary import AuditEntity
    from tracker.forms import error_summary
    from tracker.navigation import navigation_for
    from tracker.reminders.queries import reminders_for
    from tracker.responses.services import written_exchange
    from tracker.s55.views import s55_summary

    app.jinja_env.globals.update(policy.TEMPLATE_GLOBALS)
    app.jinja_env.globals["written_exchange"] = written_exchange
    app.jinja_env.globals["s55_summary"] = s55_summary
    app.jinja_env.globals["navigation_for"] = navigation_for
    app.jinja_env.globals["history_for"] = history_for
    app.jinja_env.globals["reminders_for"] = reminders_for
    app.jinja_env.globals["AuditEntity"] = AuditEntity
    app.jinja_env.globals["error_summary"] = error_summary
    app.jinja_env.globals["attachment_accept"] = ACCEPT_ATTRIBUTE
    filters.init_app(app)

    @app.context_processor
    def _organisation_names() -> dict[str, Any]:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "opcc_name": app.config["OPCC_NAME"],
            "force_name": app.config["FORCE_NAME"],
            "panel_name": app.config["PANEL_NAME"],
        }


def _init_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from tracker import errors, models, request_log, security  # noqa: F401 - models register tables
    from tracker.extensions import csrf, db, login_manager, migrate

    request_log.init_app(app)  # first, so the timer starts before any other hook can refuse
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_DIR / "migrations"))
    csrf.init_app(app)
    WTFormsHelpers(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(_load_user)

    security.init_app(app)
    errors.init_app(app)

    from tracker.search import index as search_index

    search_index.init_app()


def _load_user(session_id: str):
    """Find the user for a session id "<user id>:<session token>"; stale tokens sign out."""
    from tracker.auth.models import User
    from tracker.extensions import db

    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != token:
        return None
    return user


def _register_blueprints(app: Flask) -> None:
    from tracker.actions.views import bp as actions_bp
    from tracker.asks.views import bp as asks_bp
    from tracker.attachments.views import bp as attachments_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.admin_views import bp as users_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.calendar.views import bp as calendar_bp
    from tracker.imports.views import bp as imports_bp
    from tracker.main.views import bp as main_bp
    from tracker.programme.views import bp as programme_bp
    from tracker.public.views import bp as public_bp
    from tracker.publication.views import bp as publication_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.responses.views import bp as responses_bp
    from tracker.s55.views import bp as s55_bp
    from tracker.search.views import bp as search_bp
    from tracker.settings.views import bp as settings_bp
    from tracker.sources.adhoc.views import bp as adhoc_bp
    from tracker.sources.hmicfrs.views import bp as hmicfrs_bp
    from tracker.sources.meetings.views import bp as meetings_bp
    from tracker.sources.panel.views import bp as panel_bp
    from tracker.statutory.views import bp as statutory_bp

    for blueprint in (
        main_bp,
        auth_bp,
        users_bp,
        audit_bp,
        actions_bp,
        meetings_bp,
        programme_bp,
        adhoc_bp,
        panel_bp,
        hmicfrs_bp,
        settings_bp,
        reminders_bp,
        reports_bp,
        imports_bp,
        search_bp,
        statutory_bp,
        responses_bp,
        s55_bp,
        asks_bp,
        calendar_bp,
        attachments_bp,
        publication_bp,
        public_bp,
    ):
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from tracker.audit.cli import audit_cli
    from tracker.auth.cli import users_cli
    from tracker.backup import backup_command, restore_command
    from tracker.demo import seed_demo_command
    from tracker.doctor import doctor_command, mail_cli
    from tracker.reminders.cli import reminders_cli
    from tracker.reports.cli import reports_cli
    from tracker.scheduler import scheduler_command
    from tracker.search.cli import search_cli
    from tracker.worker import worker_command

    app.cli.add_command(users_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(reports_cli)
    app.cli.add_command(doctor_command)
    app.cli.add_command(mail_cli)
