"""Walking the application's URL map, and naming what a response amounts to."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from werkzeug.routing import Rule

from tests.security.matrix import FORBIDDEN, HIDDEN, LOGIN, NOT_COVERED, OK, PUBLIC, SIGNED_OUT

METHODS = ("GET", "POST")
REDIRECTS = {301, 302, 303, 307, 308}


def routes(app: Flask) -> Iterator[tuple[str, str, Rule]]:
    """(endpoint, method, rule) for every GET and POST the application serves."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint in NOT_COVERED:
            continue
        for method in METHODS:
            if method in (rule.methods or ()):
                yield rule.endpoint, method, rule


def is_health_report(response) -> bool:
    """The detailed health check answering 503 with its report: a part of the service
    (here, the test world's scheduler, which never ran) has a problem, not the page."""
    return response.status_code == 503 and response.is_json and "checks" in response.get_json()


def is_server_error(response) -> bool:
    """A 5xx that is a failure of the page itself."""
    return response.status_code >= 500 and not is_health_report(response)


def outcome_of(response, method: str) -> str:
    """The matrix word for a response (anything unexpected is described by its status)."""
    code = response.status_code
    if code in REDIRECTS:
        location = urlsplit(response.headers.get("Location", ""))
        if location.netloc not in ("", "localhost"):
            return f"redirect off-site to {location.netloc}"
        if location.path == "/login":
            return LOGIN if "next" in parse_qs(location.query) else SIGNED_OUT
        return OK
    if code == 403:
        return FORBIDDEN
    if code == 404:
        return HIDDEN
    if 200 <= code < 300:
        return OK
    if is_health_report(response):
        return OK
    if method == "POST" and code in (400, 409):
        return OK
    return f"status {code}"


def normalise(expected: str) -> str:
    """The outcome to compare: "public" is "ok" for someone who is not signed in."""
    return OK if expected == PUBLIC else expected
