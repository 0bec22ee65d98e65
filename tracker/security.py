"""Request-level security: default-deny sign-in, permission decorator, headers, safe redirects."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_login import current_user, login_user, logout_user

F = TypeVar("F", bound=Callable[..., Any])

# Endpoints anyone may reach without signing in. Everything else needs a session.
PUBLIC_ENDPOINTS: set[str] = {"static"}


def public(view: F) -> F:
    """Mark a view as reachable without signing in."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def permission_required(rule: Callable[[Any], bool]) -> Callable[[F], F]:
    """Refuse (403) a signed-in user for whom `rule(current_user)` is false."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not rule(current_user):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission_rule = rule  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def client_address() -> str:
    """The client's IP address (ProxyFix has already applied trusted proxy headers)."""
    return (request.remote_addr or "unknown")[:45]


def is_safe_next(target: str | None) -> bool:
    """True for a relative path on this host (never another site, never a scheme trick)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(ch) < 32 for ch in target):
        return False
    base = urlsplit(request.host_url)
    joined = urlsplit(urljoin(request.host_url, target))
    return joined.scheme == base.scheme and joined.netloc == base.netloc


def redirect_next(default_endpoint: str) -> Any:
    """Redirect to the `next` parameter when it is safe, otherwise to `default_endpoint`."""
    target = request.args.get("next") or request.form.get("next")
    if is_safe_next(target):
        return redirect(target)
    return redirect(url_for(default_endpoint))


SIGNED_IN_AT = "signed_in_at"


def start_session(user: Any) -> None:
    """Sign `user` in on a fresh session (nothing from before survives) and note when."""
    session.clear()
    session.permanent = True
    session[SIGNED_IN_AT] = int(time.time())
    login_user(user)


def session_idle_seconds() -> int:
    """How long a signed-in session lasts without a request (SESSION_IDLE_MINUTES)."""
    return int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())


def session_age_limit_passed(now: float | None = None) -> bool:
    """True when this session began longer ago than SESSION_ABSOLUTE_LIFETIME (or never said)."""
    started = session.get(SIGNED_IN_AT)
    if not isinstance(started, int):
        return True
    limit = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    return (time.time() if now is None else now) - started >= limit


def _end_overlong_session() -> None:
    """However active, a session ends SESSION_ABSOLUTE_LIFETIME after sign-in."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    if session_age_limit_passed():
        logout_user()
        session.clear()


def is_public_endpoint(endpoint: str | None) -> bool:
    """True for an endpoint anyone may reach without signing in (or no endpoint: a 404)."""
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return view is not None and getattr(view, "is_public", False)


SESSION_ENDED = (
    "You were signed out because the service had not been used for a while, so what you "
    "sent was not saved. Sign in to go back to the page."
)


def form_page() -> str:
    """The page a posted form was on: its same-site Referer, else the service's home.

    The address a form posts to may answer only POST, so after signing in again the
    user goes back to the form itself, where the text they typed can be restored.
    """
    referrer = urlsplit(request.referrer or "")
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    base = urlsplit(request.host_url)
    if (referrer.scheme, referrer.netloc) == (base.scheme, base.netloc) and is_safe_next(path):
        return path
    return url_for("main.home")


def sign_in_to_continue() -> Any:
    """Send someone who is not signed in to sign in, then back. A form posted after the
    session ended is not a dead end: it says why and returns to the form's page."""
    if request.method != "POST":
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    flash(SESSION_ENDED, "info")
    return redirect(url_for("auth.login", next=form_page()))


def _require_sign_in() -> Any:
    """Default deny: every endpoint not marked public needs an active signed-in user."""
    if is_public_endpoint(request.endpoint):
        return None  # (no endpoint: the 404 is handled by Flask)
    if not current_user.is_authenticated:
        return sign_in_to_continue()
    return None


def _csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _security_headers(response: Any) -> Any:
    nonce = g.get("csp_nonce", "")
    script_src = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src {script_src}; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
        )
    if current_user and current_user.is_authenticated:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that a static file never sets the cookie.

    A signed-in session is refreshed on every response (SESSION_REFRESH_EACH_REQUEST);
    on static files that would put a personal Set-Cookie on shared, cacheable
    responses, and a stylesheet or icon still arriving after the user signed out
    would sign them back in.
    """

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if has_request_context() and request.endpoint == "static":
            return False
        return super().should_set_cookie(app, session)


def init_app(app: Flask) -> None:
    """Install the sign-in gate, the CSP nonce and the security headers."""
    app.session_interface = _SessionInterface()
    app.before_request(_end_overlong_session)
    app.before_request(_require_sign_in)
    app.after_request(_security_headers)
    app.jinja_env.globals["csp_nonce"] = _csp_nonce
    app.jinja_env.globals["session_idle_seconds"] = session_idle_seconds
