"""Structured logs: JSON lines, one per request with user id, status and duration."""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

request_log = logging.getLogger("tracker.request")

# URL parts that work as a credential (password reset and invitation links): they are
# replaced before a path is written to any log or error report.
SECRET_VIEW_ARGS = frozenset({"token"})
REDACTED = "[redacted]"


def loggable_path() -> str:
    """The request path with any credential in it (a reset or invitation token) redacted."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if name in SECRET_VIEW_ARGS and isinstance(value, str) and value:
            path = path.replace(value, REDACTED)
    return path


def configure_logging(level: str) -> None:
    """Send every log record to stderr as one JSON object per line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            timestamp=False,
        )
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_tracker", False):
            root.removeHandler(existing)
    handler._tracker = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # WeasyPrint reports every layout step at INFO; only its warnings matter here.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    """Time each request and log it when the response is ready."""

    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        user_id = current_user.id if current_user and current_user.is_authenticated else None
        request_log.info(
            "request",
            extra={
                "method": request.method,
                "path": loggable_path(),
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
                "remote_addr": request.remote_addr,
            },
        )
        return response
