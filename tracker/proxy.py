"""Running behind a reverse proxy: trust its forwarded headers, and say so in the log
when the deployment and the requests disagree.

Two set-ups fail in ways a user cannot explain: the app served over plain HTTP in
production (the Secure session cookie never comes back, so every form "has expired"),
and a proxy in front with TRUSTED_PROXY_COUNT=0 (every user seems to come from the
proxy's address, so one person's failed sign-ins throttle everyone). Each is logged
once per process, as a warning that names the fix.
"""

from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)
_warned: set[str] = set()
_lock = threading.Lock()


def _warn_once(key: str, message: str, **details: object) -> None:
    with _lock:
        if key in _warned:
            return
        _warned.add(key)
    log.warning(message, extra=details)


def check_request() -> None:
    """Warn (once) when this request shows the deployment is set up wrongly."""
    config = current_app.config
    if config["SESSION_COOKIE_SECURE"] and request.scheme != "https":
        _warn_once(
            "plain-http",
            "A request arrived over plain HTTP, but session cookies are Secure: browsers "
            "will not send them back, so sign-in and every form will fail as expired. "
            "Serve the tracker over HTTPS; behind a proxy set TRUSTED_PROXY_COUNT so its "
            "X-Forwarded-Proto is used.",
            host=request.host,
            remote_addr=request.remote_addr,
        )
    if not config["TRUSTED_PROXY_COUNT"] and "X-Forwarded-For" in request.headers:
        _warn_once(
            "untrusted-proxy",
            "Requests carry X-Forwarded-For but TRUSTED_PROXY_COUNT is 0: every user "
            "appears to come from the proxy's address, so the sign-in throttle counts "
            "them all together. Set TRUSTED_PROXY_COUNT=1 behind one reverse proxy.",
            remote_addr=request.remote_addr,
        )


def init_app(app: Flask) -> None:
    """Trust TRUSTED_PROXY_COUNT proxies' X-Forwarded-* headers, and check each request."""
    count = app.config["TRUSTED_PROXY_COUNT"]
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
    app.before_request(check_request)
