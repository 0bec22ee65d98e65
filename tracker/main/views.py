"""Home page per role, the help page, the accessibility statement, the privacy notice
and the JSON health check."""

from __future__ import annotations

import hmac

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from flask_login import current_user

from tracker import policy
from tracker.actions.queries import home_sections
from tracker.clock import today
from tracker.extensions import login_manager
from tracker.main.guide import build_guide
from tracker.main.health import database_check, service_health
from tracker.main.statements import (
    ACCESSIBILITY_LAST_TESTED_ON,
    ACCESSIBILITY_STATEMENT_PREPARED_ON,
    PRIVACY_NOTICE_UPDATED_ON,
)
from tracker.security import public
from tracker.settings.definitions import (
    ACCESSIBILITY_CONTACT_EMAIL,
    ADHOC_RESPONSE_PERIOD,
    ADHOC_RESPONSE_UNIT,
    AMBER_DAYS,
    DATA_PROTECTION_EMAIL,
)
from tracker.settings.services import setting

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    amber_days = setting(AMBER_DAYS)
    sections = home_sections(current_user, today=today(), amber_days=amber_days)
    return render_template("main/home.html", sections=sections, amber_days=amber_days)


@bp.route("/help", endpoint="help")
def help_page():
    """How RAG and deadlines are worked out, and who does what, from the code's own rules."""
    guide = build_guide(
        today=today(),
        amber_days=setting(AMBER_DAYS),
        adhoc_period=setting(ADHOC_RESPONSE_PERIOD),
        adhoc_unit=setting(ADHOC_RESPONSE_UNIT),
    )
    return render_template("main/help.html", guide=guide)


@bp.route("/accessibility")
@public
def accessibility():
    """The accessibility statement, in the form the 2018 regulations ask for."""
    return render_template(
        "main/accessibility.html",
        contact_email=setting(ACCESSIBILITY_CONTACT_EMAIL),
        prepared_on=ACCESSIBILITY_STATEMENT_PREPARED_ON,
        last_tested_on=ACCESSIBILITY_LAST_TESTED_ON,
    )


@bp.route("/privacy")
@public
def privacy():
    """The privacy notice: the personal data the tracker holds and people's rights."""
    return render_template(
        "main/privacy.html",
        contact_email=setting(DATA_PROTECTION_EMAIL),
        updated_on=PRIVACY_NOTICE_UPDATED_ON,
        report_retention_days=current_app.config["REPORT_RETENTION_DAYS"],
    )


@bp.route("/healthz")
@public
def healthz():
    """For load balancers: ok or not, and nothing about how the service is built."""
    check = database_check()
    return jsonify({"status": "ok" if check.ok else "error"}), 200 if check.ok else 503


@bp.route("/healthz/detail")
@public
def healthz_detail():
    """For monitoring: each part of the service with its age. 503 when any has a problem.

    Open to a bearer token equal to HEALTH_TOKEN (for a monitor) or a signed-in
    administrator; anyone else signed in gets 403 and anyone else is sent to sign in.
    """
    if not _monitor_token_given() and not policy.can_view_service_health(current_user):
        if policy.is_signed_in(current_user):
            abort(403)
        return login_manager.unauthorized()
    checks = service_health()
    healthy = all(check.ok for check in checks)
    body = {
        "status": "ok" if healthy else "problem",
        "checks": {check.name: check.as_json() for check in checks},
    }
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _monitor_token_given() -> bool:
    expected = current_app.config.get("HEALTH_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    scheme, _, token = given.partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), expected.encode())
    )
