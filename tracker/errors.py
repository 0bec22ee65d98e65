"""Domain exceptions and the error pages (403, 404, 500 and friends)."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.attachments.rules import human_size
from tracker.db import db
from tracker.request_log import loggable_path
from tracker.security import is_public_endpoint, sign_in_to_continue

log = logging.getLogger(__name__)


class PermissionDeniedError(Exception):
    """A service refused an action the user is not allowed to take."""


class RuleError(Exception):
    """A change the domain rules do not allow; the message says why, in the user's terms.

    `field` names the form field the message belongs to (None: the form as a whole), so
    a view can show it beside the input and forms, services and the import checker can
    all raise the same rule.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(Exception):
    """Someone else saved the record first; the message says what changed."""


ERROR_TITLES = {
    400: "There is a problem with the request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "Your changes have not been saved",
    413: "The file is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def _render_error(code: int, description: str | None = None):
    title = ERROR_TITLES.get(code, "Sorry, there is a problem")
    if code == 413 and description is None:
        description = too_large_description()
    return render_template(
        "errors/error.html", code=code, title=title, description=description
    ), code


def too_large_description() -> str:
    """What to do about a request over the upload limit (MAX_UPLOAD_MB), in words."""
    limit = human_size(int(current_app.config.get("MAX_CONTENT_LENGTH") or 0))
    return (
        f"The files you chose add up to more than {limit}, the most that can be sent at "
        "once. Nothing was saved. Go back, then attach smaller files, or fewer at a time."
    )


def init_app(app: Flask) -> None:
    """Register the error pages."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if not current_user.is_authenticated and not is_public_endpoint(request.endpoint):
            # The session ended (idle timeout) while the form was open: its token went
            # with it. Sign in again and go back to the form rather than a dead end.
            return sign_in_to_continue()
        return _render_error(
            400,
            "The form had expired or was sent from somewhere else. "
            "Go back, reload the page and try again.",
        )

    @app.errorhandler(PermissionDeniedError)
    def permission_denied(error: PermissionDeniedError):
        db.session.rollback()
        return _render_error(403)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # Two people saved clashing records at the same moment (the form checks
        # passed for both); the database refused the second. Nothing was saved.
        db.session.rollback()
        log.warning("integrity error on %s %s: %s", request.method, loggable_path(), error.orig)
        return _render_error(
            409,
            "Someone else saved a record that clashes with yours at the same moment, "
            "so nothing was saved. Go back, check the details and try again.",
        )

    @app.errorhandler(StaleDataError)
    def stale_data(error: StaleDataError):
        # Two people saved the same record at the same moment from the same version:
        # the database applied the first and matched no row for the second.
        db.session.rollback()
        log.warning("stale save on %s %s: %s", request.method, loggable_path(), error)
        return _render_error(
            409,
            "Someone else saved this record at the same moment, so your changes have not "
            "been saved. Go back, check the current details and make your change again.",
        )

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(error: Exception):
        # A value from the request (say a 30-digit page number) that the database cannot
        # hold: the request is at fault, not the service. Nothing was saved.
        db.session.rollback()
        log.warning("value out of range on %s %s: %s", request.method, loggable_path(), error)
        return _render_error(
            400,
            "A number or date in the address or the form is out of range. Check it and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render_error(error.code)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        db.session.rollback()
        log.exception("Unhandled error on %s %s", request.method, loggable_path())
        return _render_error(500)
