"""Home page per role and the JSON health check."""

from __future__ import annotations

import time

from flask import Blueprint, jsonify, render_template
from flask_login import current_user
from sqlalchemy import text

from tracker.actions.queries import home_sections
from tracker.clock import today
from tracker.db import db
from tracker.security import public
from tracker.settings.services import AMBER_DAYS, setting

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    amber_days = setting(AMBER_DAYS)
    sections = home_sections(current_user, today=today(), amber_days=amber_days)
    return render_template("main/home.html", sections=sections, amber_days=amber_days)


@bp.route("/healthz")
@public
def healthz():
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:
        db.session.rollback()
        body = {"status": "error", "database": {"status": "error", "error": type(exc).__name__}}
        return jsonify(body), 503
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    return jsonify(
        {
            "status": "ok",
            "database": {
                "status": "ok",
                "dialect": db.engine.dialect.name,
                "latency_ms": elapsed_ms,
            },
        }
    )
