"""Crafted input never causes a server error: every declared page and form, with odd
query strings and form values, answers with a page (a refusal at worst), never a 500."""

from __future__ import annotations

from flask import url_for

from tests.security.matrix import MATRIX
from tests.security.routes import is_server_error, routes
from tests.security.world import build_world, values_for

# Names the lists, reports and filters read from the query string.
QUERY_NAMES = (
    "page", "sort", "status", "rag", "owner", "organisation", "tag", "due_from", "due_to",
    "overdue", "q", "source", "source_type", "kind", "meeting", "from", "to", "report",
    "entity_type", "actor", "as_at", "refresh", "meeting_id",
)  # fmt: skip
ODD_VALUES = ("9" * 30, "-1", "\x00", "2023-13-45", "a" * 3000, "%", "0")
# Names the forms read, plus whatever each form page itself offers.
FORM_NAMES = (
    "target", "note", "version", "text", "rag", "opcc_only", "decision", "reason", "kind",
    "query", "title", "owner", "due_on-day", "due_on-month", "due_on-year",
)  # fmt: skip


def _urls(app, world, method: str):
    for endpoint, served, rule in routes(app):
        if served != method or (endpoint, method) not in MATRIX or endpoint == "auth.logout":
            continue
        values, _ = values_for(world, endpoint, set(rule.arguments))
        with app.test_request_context():
            yield endpoint, url_for(endpoint, **values)


def test_odd_query_strings_never_cause_a_server_error(app):
    world = build_world(app)
    errors = []
    for endpoint, url in _urls(app, world, "GET"):
        if url.endswith(".pdf"):
            continue  # the PDFs read the same arguments as their pages
        for value in ODD_VALUES:
            response = world.client("admin").get(
                url, query_string=dict.fromkeys(QUERY_NAMES, value)
            )
            if is_server_error(response):
                errors.append(f"{endpoint} with {value[:12]!r}: {response.status_code}")
    assert errors == []


def test_huge_numbers_in_the_address_are_refused_cleanly(app):
    world = build_world(app)
    for query in ("actor=" + "9" * 25, "page=" + "9" * 30):
        response = world.client("admin").get(f"/audit/?{query}")
        assert response.status_code in (200, 400), query
        assert "Sorry, there is a problem with the service" not in response.text


def test_odd_form_values_never_cause_a_server_error(app):
    world = build_world(app)
    errors = []
    for endpoint, url in _urls(app, world, "POST"):
        for identity in ("admin", "force_liaison"):
            client = world.client(identity)
            for value in ("9" * 30, "\x00", "a" * 5000, "in_progress"):
                data = dict.fromkeys(FORM_NAMES, value)
                response = client.post(url, data={**data, "csrf_token": world.csrf[identity]})
                if is_server_error(response):
                    errors.append(f"{endpoint} as {identity} with {value[:12]!r}")
    assert errors == []
